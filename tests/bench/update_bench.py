"""Update benchmark: bring in a revised 3,000-paragraph translation where 5 % of paragraphs changed.

    python tests/bench/update_bench.py [--paragraphs 3000] [--changed 0.05] [--db URL] [--seed 1] [--json]

Builds a document from the demo corpus' paragraphs (numbered, so each is unique as in a real book),
aligned 1-1 with every 10th link confirmed, ~one annotation per target paragraph and the checks'
findings with a share of them tagged; then writes a revised target (edits, splits, merges,
insertions, deletions) and times ``plan_update`` + ``apply_update`` (read the file's
paragraphs, match, re-align locally, write in one transaction). Goal: under 5 s on a 2-core
machine, and every link, annotation and finding tag on the unchanged paragraphs exactly as before
(asserted, and printed). Baselines measured in the same run: a plain re-import of the revised pair
as a new document (what editors did before, losing links, notes and tags) and aligning the new
pair from scratch (what that re-import would then need to get links back).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

GOAL_S = 5.0


def corpus() -> tuple[list[str], list[str]]:
    from workbench.io import load_pair

    pair, _ = load_pair(source=REPO / "corpus/intro_zohar/he.json", target=REPO / "corpus/intro_zohar/en.json")
    return [p.text for p in pair.source.paragraphs], [p.text for p in pair.target.paragraphs]


def build(store, n: int, seed: int) -> int:  # noqa: ANN001
    from workbench.checks.runner import CheckRunner
    from workbench.model import Document, Link, Paragraph, Text
    from workbench.terms.model import Annotation, Term

    he, en = corpus()
    src = [Paragraph(f"{i + 1}) {he[i % len(he)]}") for i in range(n)]
    tgt = [Paragraph(f"{i + 1}. {en[i % len(en)]}") for i in range(n)]
    doc_id = store.create_document(Document("Update bench", Text("he", src), Text("en", tgt)), "bench")
    rng = random.Random(seed)
    links = [Link([s.id], [t.id], rng.betavariate(5, 1.2), "confirmed" if i % 10 == 0 else "auto")
             for i, (s, t) in enumerate(zip(src, tgt, strict=True))]  # fmt: skip
    store.save_links(doc_id, links, 0, "bench")
    term = store.terms.add(Term(source="אור", preferred="Light"), "bench")
    for he_form, en_form in (("כלי", "vessel"), ("רצון לקבל", "will to receive"), ("עולם", "world"),
                             ("נשמה", "soul"), ("בורא", "Creator"), ("עביות", "Aviut")):  # fmt: skip
        store.terms.add(Term(source=he_form, preferred=en_form, kind="translation"), "bench")
    anns = []
    for p in tgt:
        words = [w for w in p.text.split() if len(w) > 6 and w.isalpha()]
        if words:
            w = words[len(words) // 2]
            start = p.text.index(w)
            anns.append(Annotation(doc_id=doc_id, para_id=p.id, start=start, end=start + len(w), surface=w,
                                   term_id=term.id))  # fmt: skip
    store.terms.add_annotations(anns, "bench")
    CheckRunner(store).run(user="bench")
    found = store.findings.list(doc_id=doc_id)
    tagged = [f.id for k, f in enumerate(found) if k % 3 == 0]
    if tagged:
        store.findings.tag(tagged, "fixed", "bench", comment="checked by the bench")
    return doc_id


def revise(texts: list[str], share: float, seed: int) -> tuple[list[str], dict[str, int]]:
    """The revised target: ``share`` of the paragraphs edited, split, merged, inserted or deleted."""
    rng = random.Random(seed)
    n = len(texts)
    k = int(n * share)
    picked = sorted(rng.sample(range(1, n - 1), k))
    kinds = ["edit"] * (k * 60 // 100) + ["split"] * (k * 12 // 100) + ["merge"] * (k * 10 // 100)
    kinds += ["insert"] * (k * 10 // 100)
    kinds += ["delete"] * (k - len(kinds))
    rng.shuffle(kinds)
    what = dict(zip(picked, kinds, strict=False))
    out: list[str] = []
    counts = dict.fromkeys(("edit", "split", "merge", "insert", "delete"), 0)
    skip = False
    for i, t in enumerate(texts):
        if skip:
            skip = False
            continue
        op = what.get(i)
        if op == "edit":
            words = t.split()
            j = rng.randrange(1, len(words))
            words[j] = words[j].upper() if words[j].islower() else words[j] + ","
            out.append(" ".join(words))
        elif op == "split" and ". " in t[5:-2]:
            cut = t.index(". ", 5) + 1
            out += [t[:cut], t[cut + 1:]]
        elif op == "merge" and i + 1 < n and (i + 1) not in what:
            out.append(t + " " + texts[i + 1])
            skip = True
        elif op == "insert":
            out += [t, f"A sentence the translator added here, number {i}, to explain the passage."]
        elif op == "delete":
            pass
        else:
            out.append(t)
            op = None if op in ("split", "merge") else op
        if op:
            counts[op] += 1
    return out, counts


def snapshot(store, doc_id: int) -> dict:  # noqa: ANN001
    doc = store.get_document(doc_id)
    with store.reading() as c:
        tags = {r[0]: (r[1], r[2]) for r in c.execute("SELECT id, status, comment FROM findings WHERE doc_id = ?", (doc_id,))}
        taglog = {}
        for r in c.execute("SELECT t.finding_id, t.status, t.comment, t.user FROM finding_tags t JOIN findings f"
                           " ON f.id = t.finding_id WHERE f.doc_id = ? ORDER BY t.id", (doc_id,)):  # fmt: skip
            taglog.setdefault(r[0], []).append(tuple(r[1:]))
        para_of = {r[0]: json.loads(r[1]) for r in c.execute("SELECT id, para_ids FROM findings WHERE doc_id = ?", (doc_id,))}
    return {
        "target": {p.id: (p.text, p.rev, [m.to_dict() for m in p.marks]) for p in doc.target.paragraphs},
        "links": {lk.id: (lk.source, lk.target, lk.status, lk.rev, round(lk.score, 6)) for lk in store.get_links(doc_id)},
        "anns": {a.id: (a.para_id, a.start, a.end, a.state, a.rev)
                 for a in store.terms.annotations(doc_id=doc_id, reanchor_spans=False)},
        "findings": {fid: (tags[fid], taglog.get(fid, []), para_of[fid]) for fid in tags},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paragraphs", type=int, default=3000)
    ap.add_argument("--changed", type=float, default=0.05)
    ap.add_argument("--db", help="database URL or file (default: a temporary SQLite file)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from workbench.align import align_paragraphs
    from workbench.model import Document, Paragraph, Text
    from workbench.store import open_store
    from workbench.update import apply_update, plan_update

    tmp = tempfile.TemporaryDirectory()
    db = args.db or str(Path(tmp.name) / "bench.db")
    store = open_store(db)
    t0 = time.perf_counter()
    doc_id = build(store, args.paragraphs, args.seed)
    t_build = time.perf_counter() - t0
    before = snapshot(store, doc_id)
    old_texts = [before["target"][pid][0] for pid in before["target"]]
    new_texts, counts = revise(old_texts, args.changed, args.seed)

    t0, c0 = time.perf_counter(), time.process_time()
    plan = plan_update(store, doc_id, "target", [Paragraph(t) for t in new_texts], file="revised.docx")
    t_plan = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = apply_update(store, plan, "bench")
    t_apply = time.perf_counter() - t0
    t_update = t_plan + t_apply
    # this process's CPU time: on a shared machine the wall time also counts the waits for a core
    # (and, on PostgreSQL, the server's own work, which this does not)
    c_update = time.process_time() - c0
    after = snapshot(store, doc_id)

    # what must not have moved: everything on the paragraphs the revision left alone
    unchanged = {pid for pid, v in before["target"].items() if after["target"].get(pid) == v}
    kept_links = [lid for lid, v in before["links"].items() if set(v[1]) <= unchanged]
    bad_links = [lid for lid in kept_links if after["links"].get(lid) != before["links"][lid]]
    kept_anns = [aid for aid, v in before["anns"].items() if v[0] in unchanged]
    bad_anns = [aid for aid in kept_anns if after["anns"].get(aid) != before["anns"][aid]]
    source_ids = {p.id for p in store.get_document(doc_id).source.paragraphs}  # the source side is not updated
    kept_findings = [fid for fid, v in before["findings"].items() if set(v[2]) <= unchanged | source_ids]
    bad_findings = [fid for fid in kept_findings if after["findings"].get(fid) != before["findings"][fid]]
    tagged = sum(1 for fid in kept_findings if before["findings"][fid][1])

    # the same update again in this process, after reverting it: what a running app (the Library
    # page) pays once the aligner is loaded; the first one above is what the command line pays
    from workbench.activity import revert

    t0 = time.perf_counter()
    revert(store, res["change"], "bench")
    t_revert = time.perf_counter() - t0
    reverted_ok = snapshot(store, doc_id)["links"].keys() == before["links"].keys()
    t0 = time.perf_counter()
    plan2 = plan_update(store, doc_id, "target", [Paragraph(t) for t in new_texts], file="revised.docx")
    res2 = apply_update(store, plan2, "bench")
    t_warm = time.perf_counter() - t0
    again = snapshot(store, doc_id)
    bad_links += [lid for lid in kept_links if again["links"].get(lid, (None,))[:3] != before["links"][lid][:3]]
    bad_anns += [aid for aid in kept_anns if again["anns"].get(aid, (None,))[:4] != before["anns"][aid][:4]]

    # end to end as an editor runs it: `workbench update DOC --target FILE` in a new process (Python's
    # start, the imports, reading the file), after reverting the update once more
    revert(store, res2["change"], "bench")
    revised = Path(tmp.name) / "revised.txt"
    revised.write_text("\n\n".join(new_texts) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "workbench.cli", "--db", db, "update", str(doc_id), "--target",
                          str(revised), "--json"], capture_output=True, text=True, cwd=REPO)  # fmt: skip
    t_cli = time.perf_counter() - t0
    if cli.returncode != 0:
        print(cli.stderr, file=sys.stderr)
        return 1
    cli_same = json.loads(cli.stdout)["summary"] == plan.summary()
    again = snapshot(store, doc_id)
    bad_links += [lid for lid in kept_links if again["links"].get(lid, (None,))[:3] != before["links"][lid][:3]]
    bad_anns += [aid for aid in kept_anns if again["anns"].get(aid, (None,))[:4] != before["anns"][aid][:4]]

    # baselines: a plain re-import of the revised pair, and aligning it from scratch
    src_texts = [p.text for p in store.get_document(doc_id).source.paragraphs]
    t0, c0 = time.perf_counter(), time.process_time()
    store.create_document(Document("Re-import", Text("he", [Paragraph(t) for t in src_texts]),
                                   Text("en", [Paragraph(t) for t in new_texts])), "bench")  # fmt: skip
    t_reimport = time.perf_counter() - t0
    c_reimport = time.process_time() - c0
    t0 = time.perf_counter()
    align_paragraphs(src_texts, new_texts)
    t_align = time.perf_counter() - t0
    store.close()

    fig = {
        "paragraphs": args.paragraphs, "changed_share": args.changed, "revision": counts,
        "summary": plan.summary(), "links": plan.links, "annotations": plan.annotations,
        "build_s": round(t_build, 2), "plan_s": round(t_plan, 3), "apply_s": round(t_apply, 3),
        "update_s": round(t_update, 3), "update_cpu_s": round(c_update, 3), "revert_s": round(t_revert, 3), "update_warm_s": round(t_warm, 3),
        "reverted_links_back": reverted_ok, "cli_s": round(t_cli, 3), "cli_same_summary": cli_same,
        "reimport_s": round(t_reimport, 3), "reimport_cpu_s": round(c_reimport, 3), "align_from_scratch_s": round(t_align, 3),
        "kept": {"links": len(kept_links), "annotations": len(kept_anns), "findings": len(kept_findings),
                 "findings_tagged": tagged},
        "lost": {"links": len(bad_links), "annotations": len(bad_anns), "findings": len(bad_findings)},
        "version": res.get("version"),
    }  # fmt: skip
    if args.json:
        print(json.dumps(fig, indent=2))
    else:
        print(f"document: {args.paragraphs} paragraphs per side; revision: {counts}")
        print(f"matched: {fig['summary']}")
        print(f"links: {fig['links']}; annotations: {fig['annotations']}")
        print(f"kept exactly on the unchanged paragraphs: {len(kept_links)} links, {len(kept_anns)} annotations, "
              f"{len(kept_findings)} findings ({tagged} tagged) — changed: {len(bad_links)} links, {len(bad_anns)} "
              f"annotations, {len(bad_findings)} findings")  # fmt: skip
        print(f"update: {t_update:.2f} s (plan {t_plan:.2f} s + apply {t_apply:.2f} s; a fresh process, as the command"
              f" line: includes loading the aligner; CPU {c_update:.2f} s), goal < {GOAL_S:.0f} s")
        print(f"the command line end to end (a new process: start, imports, read the file, update) {t_cli:.2f} s;"
              f" same matching as in process: {cli_same}")
        print(f"revert of the whole update {t_revert:.2f} s (every link back: {reverted_ok}); the same update again"
              f" in this process {t_warm:.2f} s (as the app, the aligner loaded)")  # fmt: skip
        print(f"baseline, same run: plain re-import {t_reimport:.2f} s, CPU {c_reimport:.2f} s (ratio {t_update / t_reimport:.2f}x,"
              f" CPU {c_update / c_reimport:.2f}x; loses every"
              f" link, note and tag); aligning the new pair from scratch {t_align:.2f} s"
              f" (ratio {t_update / t_align:.2f}x)")  # fmt: skip
    ok = not bad_links and not bad_anns and not bad_findings and reverted_ok and cli_same and t_update < GOAL_S
    if bad_links or bad_anns or bad_findings:
        print("FAILED: something on the unchanged paragraphs changed", file=sys.stderr)
    if t_update >= GOAL_S:
        print(f"goal missed: {t_update:.2f} s >= {GOAL_S} s", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
