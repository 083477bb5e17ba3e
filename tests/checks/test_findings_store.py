"""Findings in the store: stable ids, statuses across runs, tags, incremental runs, bundles."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import CheckRunner
from workbench.errors import NotFoundError, WorkbenchError
from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store


def target_only(store, *texts: str, title: str = "T") -> int:  # noqa: ANN001
    return store.create_document(Document(title, None, Text("en", [Paragraph(t) for t in texts])))


def present(store, check: str | None = None) -> dict[str, object]:  # noqa: ANN001
    return {f.id: f for f in store.findings.list(present=True) if check is None or f.check == check}


def edit(store, para_id: str, text: str) -> None:  # noqa: ANN001
    p = store.get_paragraph(para_id)
    store.update_paragraph(para_id, text, None, p.rev, "ed")


def test_status_rules_across_runs(store) -> None:  # noqa: ANN001
    doc = target_only(store, "Intro.", "He went to the the house in the Rosh,in the world.")
    pid = store.get_document(doc).target.paragraphs[1].id
    runner = CheckRunner(store)
    runner.run()
    typo = present(store, "typography")
    assert len(typo) == 2 and all(f.status == "open" for f in typo.values())
    comma = next(f for f in typo.values() if "Rosh,in" in f.message)
    repeat = next(f for f in typo.values() if "the the" in f.message)

    with pytest.raises(WorkbenchError, match="comment"):
        store.findings.tag([comma.id], "accepted", "dana")
    store.findings.tag([comma.id], "accepted", "dana", "house style keeps it")
    assert store.findings.get(comma.id).user == "dana"

    # The cause of one finding goes away: it is resolved; the accepted one is untouched.
    edit(store, pid, "He went to the house in the Rosh,in the world.")
    rep = runner.run()
    assert rep.resolved == 1 and rep.recomputed == 1
    f = store.findings.get(repeat.id)
    assert (f.status, f.present) == ("fixed", False)
    assert store.findings.get(comma.id).status == "accepted"

    # It comes back: same id, reopened.
    edit(store, pid, "He went to the the house in the Rosh,in the world.")
    rep = runner.run()
    assert rep.reopened == 1
    f = store.findings.get(repeat.id)
    assert (f.status, f.present) == ("open", True)
    assert [t["status"] for t in f.tags] == ["fixed", "open"] and all(t["auto"] for t in f.tags)

    # The accepted exception disappears and comes back: still accepted.
    edit(store, pid, "He went to the the house in the Rosh, in the world.")
    runner.run()
    f = store.findings.get(comma.id)
    assert (f.status, f.present) == ("accepted", False)
    edit(store, pid, "He went to the the house in the Rosh,in the world.")
    runner.run()
    f = store.findings.get(comma.id)
    assert (f.status, f.present, f.comment) == ("accepted", True, "house style keeps it")

    # Editors' tags are in the history too.
    assert any(h["entity"] == "finding" and h["after"]["status"] == "accepted" for h in store.history(doc))


def test_ids_survive_unrelated_edits(store) -> None:  # noqa: ANN001
    doc = target_only(store, "First paragraph.", "The sparks rise to the Rosh,in the world.", "Last.")
    runner = CheckRunner(store)
    runner.run()
    (fid,) = present(store, "typography")
    d = store.get_document(doc)
    edit(store, d.target.paragraphs[0].id, "A much longer first paragraph than before, with more words.")
    store.insert_paragraph(doc, "target", 0, Paragraph("A new opening paragraph."), "ed")
    edit(store, d.target.paragraphs[1].id, "Then, at last, the sparks rise to the Rosh,in the world.")
    runner.run()
    assert set(present(store, "typography")) == {fid}


def test_identical_slips_get_their_own_ids(store) -> None:  # noqa: ANN001
    doc = target_only(store, "the Rosh,in the world and the Rosh,in the world")
    runner = CheckRunner(store)
    runner.run()
    ids = set(present(store, "typography"))
    assert len(ids) == 2
    pid = store.get_document(doc).target.paragraphs[0].id
    edit(store, pid, "the Rosh,in the world and the Rosh, in the world")
    rep = runner.run()
    assert rep.resolved == 1 and len(set(present(store, "typography")) & ids) == 1


def test_prefix_and_unknown_ids(store) -> None:  # noqa: ANN001
    target_only(store, "the Rosh,in the world")
    CheckRunner(store).run()
    (fid,) = present(store, "typography")
    assert store.findings.resolve_id(fid[:14]) == fid
    # a prefix typed in capitals (or the whole id) finds it on both backends alike: SQLite's LIKE
    # ignores case where PostgreSQL's does not
    assert store.findings.resolve_id(fid[:14].upper()) == fid
    assert store.findings.resolve_id(f" {fid.upper()} ") == fid
    assert store.findings.get(fid[:14].upper()).id == fid
    with pytest.raises(NotFoundError):
        store.findings.tag(["typography-nope"], "fixed", "u")
    with pytest.raises(WorkbenchError, match="status"):
        store.findings.tag([fid], "done", "u")


def _terms_store(store) -> None:  # noqa: ANN001
    terms = termbase(load_cases())
    for t in terms:
        if t.preferred == "Masach":
            t.variant_policy = "deprecated"  # Masakh a second rendering across the corpus (an allowed one is house style)
    store.terms.import_terms(terms, "t")


def _pairs_doc(store, pairs: list[list[str]], title: str = "P") -> int:  # noqa: ANN001
    doc, links = pair_doc(pairs, title)
    doc_id = store.create_document(doc)
    store.save_links(doc_id, links, store.alignment_rev(doc_id))
    return doc_id


PAIRS = [
    ["א) המסך עולה לראש", "1. The Masach rises to the Rosh"],
    ["ב) והמסך דגוף", "2. And the Masach de Guf"],
    ["ג) הפרצופים והזדככות", "3. The Partzufim and the Hizdakchut (purification)"],
    ["ד) בי\"ע", "4. BYA"],
]


def snapshot(store) -> set[tuple[str, str, str]]:  # noqa: ANN001
    return {(f.id, f.status, f.message) for f in store.findings.list(present=True)}


def test_incremental_equals_full(tmp_path: Path) -> None:
    a = open_store(tmp_path / "a.db")
    _terms_store(a)
    d1 = _pairs_doc(a, PAIRS, "one")
    _pairs_doc(a, [["המסך", "the Masach"], ["המסך", "the Masach"]], "two")
    runner = CheckRunner(a)
    runner.run()
    assert not [f for f in a.findings.list(present=True) if f.check == "term-inconsistent"]
    # An edit brings a second rendering of מסך into the corpus: the corpus check sees it at once.
    p = a.get_document(d1).target.paragraphs[0]
    a.update_paragraph(p.id, "1. The Masakh rises to the Rosh,in", None, p.rev, "ed")
    rep = runner.recheck_paragraphs([p.id])
    assert rep.recomputed == 1
    inc = [f for f in a.findings.list(present=True) if f.check == "term-inconsistent"]
    assert len(inc) == 1 and "Masakh" in inc[0].message and d1 in inc[0].docs
    after_incremental = snapshot(a)
    # The same content checked from scratch gives the same findings.
    b = open_store(tmp_path / "b.db")
    _terms_store(b)
    doc = a.get_document(d1)
    doc.id = None
    links = a.get_links(d1)
    b_id = b.create_document(doc)
    b.save_links(b_id, links, b.alignment_rev(b_id))
    _pairs_doc(b, [["המסך", "the Masach"], ["המסך", "the Masach"]], "two")
    CheckRunner(b).run()
    assert snapshot(b) == after_incremental
    # Reverting resolves the corpus finding.
    p = a.get_paragraph(p.id)
    a.update_paragraph(p.id, "1. The Masach rises to the Rosh", None, p.rev, "ed")
    runner.recheck_paragraphs([p.id])
    assert not [f for f in a.findings.list(present=True) if f.check == "term-inconsistent"]
    assert a.findings.get(inc[0].id).status == "fixed"


def test_run_rechecks_only_changed_links(store) -> None:  # noqa: ANN001
    _terms_store(store)
    doc = _pairs_doc(store, PAIRS)
    runner = CheckRunner(store)
    assert runner.run().recomputed == len(PAIRS)
    assert runner.run().recomputed == 0
    p = store.get_document(doc).target.paragraphs[2]
    store.update_paragraph(p.id, p.text + " and the the end", None, p.rev, "ed")
    rep = runner.run([doc])
    assert rep.recomputed == 1 and rep.new == 1
    assert runner.run(force=True).recomputed == len(PAIRS)


def test_gloss_first_moves_with_edits(store) -> None:  # noqa: ANN001
    _terms_store(store)
    doc = target_only(store, "Intro.", "The Zivug (spiritual coupling) is made.", "Another Zivug.")
    runner = CheckRunner(store)
    runner.run()
    assert not present(store, "gloss-first")
    # A new first occurrence without gloss appears earlier: recomputed from the cached rows.
    first = store.get_document(doc).target.paragraphs[0]
    store.update_paragraph(first.id, "Intro about the Zivug.", None, first.rev, "ed")
    runner.recheck_paragraphs([first.id])
    (f,) = present(store, "gloss-first").values()
    assert f.para_id == first.id and "Zivug" in f.excerpt


def test_realignment_keeps_ids(store) -> None:  # noqa: ANN001
    doc = _pairs_doc(store, [["המסך", "The Rosh,in one"], ["ראש", "Two"]])
    runner = CheckRunner(store)
    runner.run()
    before = set(present(store, "typography"))
    d = store.get_document(doc)
    merged = [Link([p.id for p in d.source.paragraphs], [p.id for p in d.target.paragraphs])]
    store.save_links(doc, merged, store.alignment_rev(doc))
    rep = runner.run()
    assert rep.recomputed == 1
    assert set(present(store, "typography")) == before


def test_delete_document_and_full_run(store) -> None:  # noqa: ANN001
    _terms_store(store)
    d1 = _pairs_doc(store, [["המסך", "the Masach"]], "a")
    _pairs_doc(store, [["המסך", "the Masakh"]], "b")
    runner = CheckRunner(store)
    runner.run()
    assert present(store, "term-inconsistent")
    store.delete_document(d1)
    runner.run()
    assert not present(store, "term-inconsistent")


def test_bundle_restore_keeps_statuses(tmp_path: Path) -> None:
    a = open_store(tmp_path / "a.db")
    doc = target_only(a, "the Rosh,in the world")
    CheckRunner(a).run()
    (fid,) = present(a, "typography")
    a.findings.tag([fid], "accepted", "dana", "fine here")
    records = [f.to_dict() for f in a.findings.list(doc)]
    b = open_store(tmp_path / "b.db")
    d = a.get_document(doc)
    pmap = {p.id: p.id + "x" for p in d.target.paragraphs}
    for p in d.target.paragraphs:
        p.id = pmap[p.id]
    d.id = None
    new_doc = b.create_document(d)
    assert b.findings.restore(records, doc_id=new_doc, ids={"paragraphs": pmap, "links": {}, "terms": {}}, user="imp") == 1
    (restored,) = b.findings.list(new_doc)
    assert (restored.status, restored.comment, restored.doc_id) == ("accepted", "fine here", new_doc)
    assert restored.tags and restored.tags[-1]["status"] == "accepted"
    # The next run recognises it: still accepted, no duplicate.
    CheckRunner(b).run()
    (again,) = b.findings.list(new_doc, present=True)
    assert again.id == restored.id and again.status == "accepted"


def test_parallel_run_equals_serial(tmp_path: Path) -> None:
    out = []
    for workers in (1, 2):
        s = open_store(tmp_path / f"w{workers}.db")
        _terms_store(s)
        for n in range(3):
            doc, links = pair_doc([list(p) for p in PAIRS] + [["המסך", "the Masakh"]], f"d{n}")
            for p in doc.source.paragraphs + doc.target.paragraphs:
                p.id = f"{n}-{p.text}"[:40]
            for lk, (sp, tp) in zip(links, zip(doc.source.paragraphs, doc.target.paragraphs, strict=True), strict=True):
                lk.source, lk.target = [sp.id], [tp.id]
            doc_id = s.create_document(doc)
            s.save_links(doc_id, links, s.alignment_rev(doc_id))
        rep = CheckRunner(s).run(workers=workers)
        assert rep.recomputed == 3 * (len(PAIRS) + 1)
        out.append({(f.id, f.message) for f in s.findings.list(present=True)})
    assert out[0] == out[1] and out[0]


def test_fixed_by_hand_but_still_there_is_reopened(store) -> None:  # noqa: ANN001
    doc = target_only(store, "the Rosh,in the world", "Fine text.")
    runner = CheckRunner(store)
    runner.run()
    (fid,) = present(store, "typography")
    store.findings.tag([fid], "fixed", "dana")
    rep = runner.run()  # nothing changed: the link is not re-checked, the slip is still there
    assert rep.recomputed == 0 and rep.reopened == 1
    f = store.findings.get(fid)
    assert (f.status, f.present) == ("open", True) and f.tags[-1]["auto"] and f.tags[-1]["status"] == "open"
    # Fixed in the text: resolved, and tagging it fixed by hand then stays fixed.
    pid = store.get_document(doc).target.paragraphs[0].id
    edit(store, pid, "the Rosh, in the world")
    assert runner.run().resolved == 1
    assert runner.run().reopened == 0 and store.findings.get(fid).status == "fixed"
