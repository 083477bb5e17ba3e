"""The team load benchmark's contract: a short run with two editors on SQLite prints one JSON object
with the fields the README's figures come from, and nothing is lost or fails under the load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIELDS = {"backend": str, "editors": int, "seconds": float, "ops": int, "ops_per_s": float, "p50_ms": float,
          "p95_ms": float, "conflicts": int, "errors": int, "lost": int}  # fmt: skip


def test_short_run_keeps_the_json_contract(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    out = subprocess.run(
        [sys.executable, str(REPO / "tests/bench/team_bench.py"), "--db", str(db), "--editors", "2", "--seconds", "2",
         "--think", "0.1", "--links", "300", "--terms", "80", "--alone", "8", "--json"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )  # fmt: skip
    assert out.stdout.strip(), out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout  # one object, nothing else on stdout
    r = json.loads(lines[0])
    for name, kind in FIELDS.items():
        assert name in r, name
        assert isinstance(r[name], (int, float) if kind is float else kind), (name, r[name])
    assert r["backend"] == "sqlite" and r["editors"] == 2 and r["seconds"] == 2
    assert r["errors"] == 0, r.get("error_samples") or r.get("invariant_problems")
    assert r["lost"] == 0, r
    assert r["ops"] > 0 and r["saves"] > 0, r
    assert r["ops_per_s"] == round(r["ops"] / r["seconds"], 1)
    assert 0 < r["p50_ms"] <= r["p95_ms"]
    assert {"page_load", "para_edit"} <= set(r["kinds"]), r["kinds"]
    assert out.returncode == 0, out.stderr[-3000:]


def test_invariant_pass_counts_a_save_that_is_not_in_the_history(tmp_path: Path) -> None:
    """The "lost" check must be able to fail: a save the editor's log claims but the store never
    recorded is counted."""
    sys.path.insert(0, str(REPO))
    from tests.bench.team_bench import build, verify

    db = str(tmp_path / "team.db")
    info = build(db, 40, 60, 2)
    from workbench.store import open_store

    store = open_store(db)
    p = store.get_document(info["doc_id"]).source.paragraphs[0]
    after = store.update_paragraph(p.id, p.text + " [x]", None, p.rev, "editor01")
    store.close()
    real = ("editor01", {"entity": "paragraph", "id": p.id, "rev": after.rev, "text": after.text})
    ghost = ("editor02", {"entity": "paragraph", "id": p.id, "rev": after.rev + 1, "text": "never saved"})
    assert verify(db, info["doc_id"], [real]) == (0, [])
    lost, problems = verify(db, info["doc_id"], [real, ghost])
    assert lost == 1 and "editor02" in problems[0]


def test_invariant_pass_counts_an_overwrite_that_skipped_the_history(tmp_path: Path) -> None:
    """A change written without its history row (as a save that bypassed the revision check would
    be) breaks the chain the next change starts from: counted as lost."""
    sys.path.insert(0, str(REPO))
    from tests.bench.team_bench import build, verify
    from workbench.store import open_store

    db = str(tmp_path / "team.db")
    info = build(db, 40, 60, 2)
    store = open_store(db)
    p = store.get_document(info["doc_id"]).source.paragraphs[0]
    first = store.update_paragraph(p.id, p.text + " [a]", None, p.rev, "editor01")
    with store.transaction() as c:
        c.execute("UPDATE paragraphs SET text = ?, rev = rev + 1 WHERE id = ?", (p.text + " [sneaked]", p.id))
    second = store.update_paragraph(p.id, p.text + " [b]", None, first.rev + 1, "editor02")
    store.close()
    saves = [("editor01", {"entity": "paragraph", "id": p.id, "rev": first.rev, "text": first.text}),
             ("editor02", {"entity": "paragraph", "id": p.id, "rev": second.rev, "text": second.text})]  # fmt: skip
    lost, problems = verify(db, info["doc_id"], saves)
    assert lost == 1, problems
    assert any("started from a state other than" in x for x in problems)
