"""Batch fixes from a decision: whole words, case kept, Hebrew prefixes kept, preview (dry run),
per-occurrence opt-out, one transaction at the previewed revisions (a stale paragraph refuses the
whole fix naming who), history rows, undo as one operation, roles; and ``workbench fix``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import CheckRunner
from workbench.cli import main
from workbench.errors import ConflictError, WorkbenchError
from workbench.fixes import apply_fix, case_like, find_words, preview_fix, replace_spans, undo_fix
from workbench.model import Mark
from workbench.roles import PermissionDenied
from workbench.store import Store, open_store

PAIRS = [["הפרצוף", "the Partsuf and the Masach"], ["הפרצוף", "a Partsufim paragraph"],
         ["הפרצוף", "PARTSUF again; Partsuf's edge"]]  # fmt: skip
ORIGINAL = [t for _, t in PAIRS]


# ------------------------------------------------------------------------------------ pure


def test_whole_words_case_and_hebrew_prefixes() -> None:
    text = "Masakh, the Masakhim and MASAKH's edge; masakh"
    assert [text[s:e] for _, s, e in find_words(text, "masakh")] == ["Masakh", "MASAKH", "masakh"]
    assert [case_like(w, "Masach") for w in ("Masakh", "MASAKH", "masakh")] == ["Masach", "MASACH", "Masach"]
    assert case_like("Masakh", "screen") == "Screen" and case_like("masakh", "screen") == "screen"
    two = "Ein  Sof and Ein-Sof"
    assert [two[s:e] for _, s, e in find_words(two, "ein sof")] == ["Ein  Sof"]
    heb = "ובמסך והמסכים שמסך מסך"
    hits = find_words(heb, "מסך")
    assert [(heb[a:s], heb[s:e]) for a, s, e in hits] == [("וב", "מסך"), ("ש", "מסך"), ("", "מסך")]
    new, _ = replace_spans(heb, [], [(s, e, "פרסא") for _, s, e in hits])
    assert new == "ובפרסא והמסכים שפרסא פרסא"  # the prefixes stay attached; המסכים is another word
    assert find_words("ומסך", "מסך")[0][:2] == (0, 1) and not find_words("אמסך", "מסך")


def test_marks_move_with_the_text() -> None:
    text = "a Partsuf is *here*"
    marks = [Mark(2, 9, "italic"), Mark(13, 19, "bold"), Mark(10, 10, "footnote", "n")]
    new, moved = replace_spans(text, marks, [(2, 9, "Partzufim")])
    assert new == "a Partzufim is *here*"
    assert [(m.start, m.end) for m in moved] == [(2, 11), (15, 21), (12, 12)]
    assert new[moved[0].start:moved[0].end] == "Partzufim"


# ------------------------------------------------------------------------------------ on the store


@pytest.fixture
def project(db_path: Path) -> tuple[Store, int, list[str], str]:
    """root (admin), ed and bob (editors), vic (viewer); a document with the forbidden Partsuf 3 times."""
    s = open_store(db_path)
    s.accounts.add("root", "admin")
    for name, role in (("ed", "editor"), ("bob", "editor"), ("vic", "viewer")):
        s.accounts.add(name, role, user="root")
    s.terms.import_terms(termbase(load_cases()), "root")
    doc, links = pair_doc(PAIRS, "D")
    doc_id = s.create_document(doc, user="root")
    s.save_links(doc_id, links, s.alignment_rev(doc_id), "root")
    CheckRunner(s).run(user="root")
    pids = [p.id for p in s.get_document(doc_id).target.paragraphs]
    group = next(f.group for f in s.findings.list(doc_id) if f.check == "term-forbidden")
    return s, doc_id, pids, group


def _texts(s: Store, pids: list[str]) -> list[str]:
    return [s.get_paragraph(p).text for p in pids]


def test_preview_writes_nothing_and_shows_every_change(project: tuple) -> None:
    s, doc_id, pids, group = project
    hist = len(s.history(doc_id, limit=1000))
    pv = preview_fix(s, group, "Partzuf")
    assert [(c.before, c.after, c.action) for c in pv.changes] == [
        ("Partsuf", "Partzuf", "replace"), ("PARTSUF", "PARTZUF", "replace"), ("Partsuf", "Partzuf", "replace")]
    assert any(c.context_after.endswith("[Partzuf]'s edge") for c in pv.changes)
    assert set(pv.revs) == {pids[0], pids[2]}
    assert _texts(s, pids) == ORIGINAL and len(s.history(doc_id, limit=1000)) == hist
    with pytest.raises(WorkbenchError, match="empty"):
        preview_fix(s, group, "  ")


def test_apply_whole_words_case_preserving_with_history_and_undo(project: tuple) -> None:
    s, doc_id, pids, group = project
    p0 = s.get_paragraph(pids[0])
    s.update_paragraph(pids[0], p0.text, [Mark(20, 26, "italic")], p0.rev, "ed")  # "Masach" in italics
    res = apply_fix(s, preview_fix(s, group, "Partzuf"), "ed")
    assert res.replaced == 3 and sorted(res.paragraphs) == sorted([pids[0], pids[2]])
    assert _texts(s, pids) == ["the Partzuf and the Masach", "a Partsufim paragraph", "PARTZUF again; Partzuf's edge"]
    p0 = s.get_paragraph(pids[0])
    assert [(p0.text[m.start:m.end], m.kind) for m in p0.marks] == [("Masach", "italic")]
    rows = s.history(doc_id, limit=20)
    edits = [r for r in rows if r["entity"] == "paragraph" and r["action"] == "edit" and r["user"] == "ed"]
    assert {r["entity_id"] for r in edits} >= {pids[0], pids[2]}
    (fix_row,) = [r for r in rows if r["entity"] == "fix"]
    assert fix_row["action"] == "apply" and fix_row["entity_id"] == res.fix_id
    # the checks ran again: the decision has no present occurrence left
    assert not [f for f in s.findings.list(doc_id, present=True) if f.group == group]
    # undo as one operation: every paragraph back, marks too; not twice
    undo_fix(s, res.fix_id, "ed")
    assert _texts(s, pids) == ORIGINAL
    assert [(m.start, m.end) for m in s.get_paragraph(pids[0]).marks] == [(20, 26)]
    assert len([f for f in s.findings.list(doc_id, present=True) if f.group == group]) == 3
    with pytest.raises(WorkbenchError, match="undone already"):
        undo_fix(s, res.fix_id, "ed")


def test_opt_out_leaves_an_occurrence(project: tuple) -> None:
    s, _, pids, group = project
    pv = preview_fix(s, group, "Partzuf")
    caps = next(c.occurrence for c in pv.changes if c.before == "PARTSUF")
    pv = preview_fix(s, group, "Partzuf", skip=[caps[:-2]])  # a unique prefix is enough
    assert [c.action for c in pv.changes].count("skip") == 1
    apply_fix(s, pv, "ed")
    assert _texts(s, pids)[2] == "PARTSUF again; Partzuf's edge"
    with pytest.raises(WorkbenchError, match="not one of"):
        preview_fix(s, group, "Partzuf", skip=["typography-00"])


def test_stale_paragraph_refuses_the_whole_fix_naming_who(project: tuple) -> None:
    s, doc_id, pids, group = project
    pv = preview_fix(s, group, "Partzuf")
    p2 = s.get_paragraph(pids[2])
    s.update_paragraph(pids[2], p2.text + " More.", None, p2.rev, "bob")
    with pytest.raises(ConflictError, match="bob") as exc:
        apply_fix(s, pv, "ed")
    assert "nothing was replaced" in str(exc.value) and "target paragraph 3" in str(exc.value)
    assert _texts(s, pids)[:2] == ORIGINAL[:2]  # paragraph 1 untouched: one transaction
    assert not [r for r in s.history(doc_id, limit=50) if r["entity"] == "fix"]


def test_undo_refused_when_someone_changed_a_paragraph_since(project: tuple) -> None:
    s, _, pids, group = project
    res = apply_fix(s, preview_fix(s, group, "Partzuf"), "ed")
    p0 = s.get_paragraph(pids[0])
    s.update_paragraph(pids[0], p0.text + "!", None, p0.rev, "bob")
    with pytest.raises(ConflictError, match="bob"):
        undo_fix(s, res.fix_id, "ed")
    assert _texts(s, pids)[2] == "PARTZUF again; Partzuf's edge"  # nothing undone
    with pytest.raises(WorkbenchError, match="made by ed"):
        undo_fix(s, res.fix_id, "bob")


def test_viewer_refused(project: tuple) -> None:
    s, _, pids, group = project
    pv = preview_fix(s, group, "Partzuf")  # reading is allowed
    with pytest.raises(PermissionDenied):
        apply_fix(s, pv, "vic")
    assert _texts(s, pids) == ORIGINAL


def test_hebrew_occurrence_keeps_its_prefix(db_path: Path) -> None:
    """term-missing points at the Hebrew word with its prefix (והמסך): a fix there replaces the
    word and keeps ו ה attached."""
    s = open_store(db_path)
    s.terms.import_terms(termbase(load_cases()), "t")
    doc, links = pair_doc([["בא והמסך עולה", "it rises"]], "H")
    doc_id = s.create_document(doc)
    s.save_links(doc_id, links, s.alignment_rev(doc_id))
    CheckRunner(s).run(user="t")
    (f,) = [f for f in s.findings.list(doc_id) if f.check == "term-missing"]
    pv = preview_fix(s, f.group, "פרסא")
    assert [(c.before, c.after, c.context_after) for c in pv.changes] == [("מסך", "פרסא", "בא וה[פרסא] עולה")]
    apply_fix(s, pv, "t")
    assert s.get_document(doc_id).source.paragraphs[0].text == "בא והפרסא עולה"


# ------------------------------------------------------------------------------------ CLI


def _cli(db: str, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_dry_run_apply_skip_and_undo(project: tuple, db_path: Path, capsys: pytest.CaptureFixture) -> None:
    s, _, pids, group = project
    db = str(db_path)
    code, out, err = _cli(db, capsys, "--user", "ed", "fix", group[:-2], "--replace-with", "Partzuf", "--dry-run", "--json")
    pv = json.loads(out)
    assert code == 0 and pv["group"] == group and pv["replace"] == 3 and pv["paragraphs"] == 2
    assert {"occurrence", "para_id", "rev", "before", "after", "context_before", "context_after", "action"} <= set(pv["changes"][0])
    assert _texts(s, pids) == ORIGINAL
    code, out, err = _cli(db, capsys, "--user", "ed", "fix", group, "--replace-with", "Partzuf", "--dry-run")
    assert code == 0 and "- the [Partsuf] and" in out and "+ the [Partzuf] and" in out and "nothing was written" in err
    caps = next(c["occurrence"] for c in pv["changes"] if c["before"] == "PARTSUF")
    expect = [f"--expect={pid}={rev}" for pid, rev in pv["revisions"].items()]
    code, out, _ = _cli(db, capsys, "--user", "ed", "fix", group, "--replace-with", "Partzuf", "--skip", caps, "--json", *expect)
    done = json.loads(out)
    assert code == 0 and done["fix"] and "replaced 2 occurrence(s)" in done["message"]
    assert _texts(s, pids)[2] == "PARTSUF again; Partzuf's edge"
    code, out, _ = _cli(db, capsys, "--user", "ed", "fix", "--undo", done["fix"])
    assert code == 0 and out.startswith("undone") and _texts(s, pids) == ORIGINAL
    # a stale --expect, and a viewer, are refused: exit 2, one line
    code, _, err = _cli(db, capsys, "--user", "ed", "fix", group, "--replace-with", "Partzuf", *expect)
    assert code == 2 and "since the preview" in err and _texts(s, pids) == ORIGINAL
    code, _, err = _cli(db, capsys, "--user", "vic", "fix", group, "--replace-with", "Partzuf")
    assert code == 2 and "viewer" in err and _texts(s, pids) == ORIGINAL
