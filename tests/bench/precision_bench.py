"""Precision of the consistency checks against a judged set (issue 17).

    python tests/bench/precision_bench.py [--judged tests/data/judged_findings/intro_zohar.jsonl] [--json]

Loads the demo corpus into a temporary database (``workbench load-demo``), runs ``check --all
--format json``, and matches every finding to ``tests/data/judged_findings/intro_zohar.jsonl``, a set
of findings each read against the Hebrew and English of its link and judged real (a problem the
editor should fix), false (not a problem) or debatable (house style, or unclear), with a reason.

It goes through the command line, the contract other people's scripts use, so it measures what an
editor sees. Printed: per check, the findings, how many of them are judged, real / false / debatable,
precision = real / judged and (real + debatable) / judged; the warnings and errors on the
"Introduction to the Book of Zohar" against the goal of 150; and the findings the judged set does not
know (new since judging: judge them and add them) and the judged ones no longer reported.

A finding is matched by a key that survives re-runs (finding ids may not): its decision ``group``
(check, document, term, offending form), the positions of its paragraphs in the document, a hash of
its excerpt, and an occurrence number among findings equal in all of these. Paragraph ids are not
used: they are new on every load.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
JUDGED = REPO / "tests" / "data" / "judged_findings" / "intro_zohar.jsonl"
INTRO = "Introduction to the Book of Zohar"
GOAL_PRECISION = 0.9
GOAL_COUNT = 150
VERDICTS = ("real", "false", "debatable")


def workbench(db: str, *args: str) -> str:
    """Run the ``workbench`` command next to this interpreter (the project's venv) and return stdout."""
    exe = Path(sys.executable).with_name("workbench")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "workbench.cli"]
    out = subprocess.run([*cmd, "--db", db, *args], check=True, capture_output=True, text=True,
                         env={**os.environ, "WORKBENCH_USER": os.environ.get("WORKBENCH_USER", "bench")})  # fmt: skip
    return out.stdout


def positions(db: str, doc_ids: Iterable[int]) -> dict[str, str]:
    """Paragraph id -> ``s<i>`` / ``t<i>`` (0-based index on the source / target side)."""
    pos: dict[str, str] = {}
    for doc in doc_ids:
        shown = json.loads(workbench(db, "show", str(doc), "--json"))
        for side, tag in (("source", "s"), ("target", "t")):
            for i, p in enumerate((shown.get(side) or {}).get("paragraphs") or []):
                pos[p["id"]] = f"{tag}{i}"
    return pos


def base_key(f: dict, pos: dict[str, str]) -> str:
    """The stable part of a finding's key: group, paragraph positions, excerpt hash."""
    paras = ",".join(pos.get(p, "?") for p in f.get("paragraphs") or [])
    excerpt = hashlib.sha1((f.get("excerpt") or "").encode("utf-8")).hexdigest()[:12]
    return f"{f['group']}|{paras}|{excerpt}"


def stable_keys(findings: list[dict], pos: dict[str, str]) -> list[str]:
    """``base_key#n``: n counts findings with the same base key, in the order the checks report them."""
    seen: collections.Counter[str] = collections.Counter()
    keys = []
    for f in findings:
        b = base_key(f, pos)
        keys.append(f"{b}#{seen[b]}")
        seen[b] += 1
    return keys


def run_checks(db: str) -> tuple[list[dict], list[str]]:
    """Load the demo into ``db``, run every check, return the findings and their stable keys."""
    workbench(db, "load-demo")
    findings = json.loads(workbench(db, "check", "--all", "--format", "json"))
    docs = sorted({f["document"] for f in findings if f.get("document") is not None})
    return findings, stable_keys(findings, positions(db, docs))


def load_judged(path: Path) -> dict[str, dict]:
    judged = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if row["verdict"] not in VERDICTS:
                raise SystemExit(f"{path}:{n}: verdict {row['verdict']!r} is not one of {VERDICTS}")
            judged[row["key"]] = row
    return judged


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "-"


def report(findings: list[dict], keys: list[str], judged: dict[str, dict]) -> dict:
    """Per check (and severity) counts and precisions, the Introduction's count, unmatched findings."""
    rows: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
    new = []
    for f, k in zip(findings, keys, strict=True):
        c = rows[(f["check"], f["severity"])]
        c["findings"] += 1
        j = judged.get(k)
        if j is None:
            new.append({"key": k, "check": f["check"], "severity": f["severity"],
                        "document": f.get("document_title"), "message": f["message"], "excerpt": f["excerpt"]})  # fmt: skip
            continue
        c["judged"] += 1
        c[j["verdict"]] += 1
    gone = sorted(set(judged) - set(keys))
    intro = sum(
        1 for f in findings if f.get("document_title") == INTRO and f["severity"] in ("warning", "error")
    )
    table = []
    for (check, sev), c in sorted(
        rows.items(), key=lambda kv: ({"error": 0, "warning": 1}.get(kv[0][1], 2), kv[0][0])
    ):
        table.append({"check": check, "severity": sev, **{k: c[k] for k in ("findings", "judged", *VERDICTS)},
                      "precision": c["real"] / c["judged"] if c["judged"] else None,
                      "real_or_debatable": (c["real"] + c["debatable"]) / c["judged"] if c["judged"] else None})  # fmt: skip
    return {
        "table": table,
        "intro_warnings_errors": intro,
        "goal_count": GOAL_COUNT,
        "new": new,
        "gone": gone,
    }


def print_report(r: dict) -> None:
    head = f"{'check':<20} {'severity':<8} {'found':>5} {'judged':>6} {'real':>4} {'false':>5} {'debat':>5} {'P':>5} {'P(r+d)':>6}"
    print(head)
    print("-" * len(head))
    tot: collections.Counter[str] = collections.Counter()
    for t in r["table"]:
        ok = (
            ""
            if t["severity"] == "info" or not t["judged"]
            else ("  ok" if t["precision"] >= GOAL_PRECISION else "  below 0.9")
        )
        print(f"{t['check']:<20} {t['severity']:<8} {t['findings']:>5} {t['judged']:>6} {t['real']:>4} {t['false']:>5} "
              f"{t['debatable']:>5} {ratio(t['real'], t['judged']):>5} {ratio(t['real'] + t['debatable'], t['judged']):>6}{ok}")  # fmt: skip
        scope = "all" if t["severity"] == "info" else "warn+err"
        for k in ("findings", "judged", *VERDICTS):
            tot[(scope, k)] += t[k]
            tot[("total", k)] += t[k]
    print("-" * len(head))
    for scope in ("warn+err", "total"):
        print(f"{scope:<29} {tot[(scope, 'findings')]:>5} {tot[(scope, 'judged')]:>6} {tot[(scope, 'real')]:>4} "
              f"{tot[(scope, 'false')]:>5} {tot[(scope, 'debatable')]:>5} {ratio(tot[(scope, 'real')], tot[(scope, 'judged')]):>5} "
              f"{ratio(tot[(scope, 'real')] + tot[(scope, 'debatable')], tot[(scope, 'judged')]):>6}")  # fmt: skip
    # What a demotion to info costs: the real problems the checks now report only as hints.
    real_warn, real_info = tot[("warn+err", "real")], tot[("total", "real")] - tot[("warn+err", "real")]
    print(f"\nreal problems among the judged findings still reported: {real_warn + real_info} "
          f"({real_warn} as warnings or errors, {real_info} as hints)")
    n = r["intro_warnings_errors"]
    print(
        f"warnings + errors on {INTRO!r}: {n} (goal: at most {r['goal_count']}: "
        f"{'met' if n <= r['goal_count'] else 'not met'})"
    )
    print(f"unmatched findings (new since judging): {len(r['new'])}")
    for u in r["new"]:
        print(f"  {u['check']} {u['severity']} [{u['document']}] {u['message'][:100]}\n    key {u['key']}")
    print(f"judged findings no longer reported: {len(r['gone'])}")
    for k in r["gone"]:
        print(f"  {k}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--judged", type=Path, default=JUDGED)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    args = ap.parse_args(argv)
    judged = load_judged(args.judged)
    with tempfile.TemporaryDirectory() as tmp:
        findings, keys = run_checks(str(Path(tmp) / "precision.db"))
    r = report(findings, keys, judged)
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
    else:
        print(f"judged set: {args.judged.relative_to(REPO) if args.judged.is_relative_to(REPO) else args.judged} "
              f"({len(judged)} findings)\n")  # fmt: skip
        print_report(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
