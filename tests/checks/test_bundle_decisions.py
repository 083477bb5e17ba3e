"""Decisions and batch fixes travel in project bundles: a round trip keeps every decision (status,
comment, who, revision; group ids made again from the new document and term ids, so they still name
their findings), every fix (its author can still undo it as one in the new project), and the
corpus-wide decisions; a bundle whose decisions or fixes are malformed is refused whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import CheckRunner
from workbench.errors import InputError
from workbench.export.bundle import import_bundle, write_bundle
from workbench.fixes import apply_fix, preview_fix, undo_fix
from workbench.store import Store, open_store

PAIRS = [["הפרצוף", "the Partsuf and the Masach"], ["הפרצוף", "a Partsuf paragraph"],
         ["המסך", "the screen"], ["המסך", "the Masach"], ["הנשמה", "the soul"], ["הנפש", "the soul"]]  # fmt: skip


def _project(path: Path) -> tuple[Store, int]:
    s = open_store(path)
    s.accounts.add("root", "admin")
    s.accounts.add("ed", "editor", user="root")
    s.accounts.add("rita", "reviewer", user="root")
    s.terms.import_terms(termbase(load_cases()), "root")
    doc, links = pair_doc(PAIRS, "D")
    doc_id = s.create_document(doc, user="root")
    s.save_links(doc_id, links, s.alignment_rev(doc_id), "root")
    CheckRunner(s).run(user="root")
    return s, doc_id


def _groups(s: Store, check: str) -> list[str]:
    return sorted({f.group for f in s.findings.list(present=True) if f.check == check})


def test_round_trip_keeps_decisions_and_fixes(tmp_path: Path) -> None:
    s, doc_id = _project(tmp_path / "a.db")
    (forbidden,) = _groups(s, "term-forbidden")
    corpus = _groups(s, "term-inconsistent")[0]  # corpus-wide: no document
    s.decisions.tag(corpus, "accepted", "rita", "the screen is fine in this chapter")
    fix = apply_fix(s, preview_fix(s, forbidden, "Partzuf", skip=[]), "ed")
    s.decisions.tag(forbidden, "fixed", "ed", "replaced")
    before = {d.status: (d.comment, d.user, d.rev) for d in s.decisions.list().values()}
    stats = write_bundle(s, tmp_path / "p.json")
    assert (stats.decisions, stats.fixes) == (2, 1)
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert [d["status"] for d in data["decisions"]] == ["accepted"]  # the corpus-wide one, at the top level
    assert data["documents"][0]["fixes"][0]["id"] == fix.fix_id

    t = open_store(tmp_path / "b.db")
    t.accounts.add("root", "admin")
    t.accounts.add("ed", "editor", user="root")
    rep = import_bundle(t, tmp_path / "p.json", user="root")
    assert (rep.decisions, rep.fixes) == (2, 1) and "2 decisions, 1 batch fixes" in rep.summary()
    got = t.decisions.list()
    assert {d.status: (d.comment, d.user, d.rev) for d in got.values()} == before
    # the group ids are made from the new ids, and name the imported findings
    new_doc = rep.doc_ids[doc_id]
    for d in got.values():
        occ = t.decisions.occurrences(d, present=None)
        assert occ and all(f.status == d.status for f in occ if f.present), d
        assert d.doc_id in (None, new_doc)
    # a forced re-check finds the same findings, still tagged as their decisions say: nothing reopens
    CheckRunner(t).run(user="root", force=True)
    accepted = next(d for d in t.decisions.list().values() if d.status == "accepted")
    assert {f.status for f in t.decisions.occurrences(accepted)} == {"accepted"}
    # the fix is undone as one in the new project, by its author
    pid = t.get_document(new_doc).target.paragraphs[0].id
    assert t.get_paragraph(pid).text == "the Partzuf and the Masach"
    undo_fix(t, fix.fix_id, "ed")
    assert t.get_paragraph(pid).text == "the Partsuf and the Masach"

    # the same bundle again: new document ids, fresh fix id, the corpus-wide decision kept as it was
    rep2 = import_bundle(t, tmp_path / "p.json", user="root")
    assert rep2.fixes == 1 and rep2.decisions == 1
    assert len(t.decisions.list()) == 3
    s.close()
    t.close()


@pytest.mark.parametrize(
    ("where", "change", "problem"),
    [
        ("doc", {"decisions": [{"group": "g", "check": "term-missing", "status": "maybe"}]}, "status: 'maybe'"),
        ("doc", {"decisions": [{"group": "g", "check": "x", "status": "open", "term_id": 999}]}, "term 999"),
        ("doc", {"fixes": [{"id": "f", "group": "g", "find": "a", "replace_with": "b",
                            "payload": {"paragraphs": [{"id": "nope", "text": "", "rev_after": 2}]}}]},
         "paragraph 'nope' does not exist"),
        ("top", {"decisions": "all"}, "decisions: expected a list"),
    ],
)  # fmt: skip
def test_malformed_decisions_refuse_the_whole_bundle(tmp_path: Path, where: str, change: dict, problem: str) -> None:
    s, _ = _project(tmp_path / "a.db")
    write_bundle(s, tmp_path / "p.json")
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    (data["documents"][0] if where == "doc" else data).update(change)
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    t = open_store(tmp_path / "b.db")
    with pytest.raises(InputError, match=problem):
        import_bundle(t, tmp_path / "bad.json")
    assert not t.list_documents() and not t.decisions.list()
    s.close()
    t.close()
