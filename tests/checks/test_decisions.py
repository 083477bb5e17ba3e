"""Decisions: findings grouped by (check, document, term, offending form), stable group ids, a
decision's tag on every occurrence and on those found later in unchanged text (not in text edited
since), roles and revisions, and the ``check --grouped`` / ``group`` JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import CheckRunner
from workbench.checks import report as rp
from workbench.checks.reconcile import decided_status, reconcile
from workbench.cli import main
from workbench.errors import ConflictError, WorkbenchError
from workbench.findings_types import Decision, Finding, group_id, is_group_id
from workbench.model import Link
from workbench.roles import PermissionDenied
from workbench.store import Store, open_store

PAIRS = [["הפרצוף", "the Partsuf and the Masach"], ["הפרצוף", "a paragraph in between"],
         ["הפרצוף", "PARTSUF again, and partsuf"]]  # fmt: skip


def _doc(s: Store, pairs: list[list[str]] = PAIRS, user: str = "system") -> int:
    doc, links = pair_doc(pairs, "D")
    doc_id = s.create_document(doc, user=user)
    s.save_links(doc_id, links, s.alignment_rev(doc_id), user)
    return doc_id


@pytest.fixture
def project(store: Store) -> tuple[Store, int]:
    store.terms.import_terms(termbase(load_cases()), "t")
    doc_id = _doc(store)
    CheckRunner(store).run(user="t")
    return store, doc_id


def _forbidden(s: Store, doc_id: int) -> list[Finding]:
    return [f for f in s.findings.list(doc_id) if f.check == "term-forbidden" and f.present]


# ------------------------------------------------------------------------------------ group ids


def test_group_id_is_check_document_term_and_form() -> None:
    g = group_id("term-forbidden", 3, 2, "Partsuf")
    assert g == group_id("term-forbidden", 3, 2, " PARTSUF ") and g.startswith("term-forbidden-t2-g")
    assert len({g, group_id("term-forbidden", 4, 2, "Partsuf"), group_id("term-forbidden", 3, 1, "Partsuf"),
                group_id("term-variant", 3, 2, "Partsuf"), group_id("term-forbidden", 3, 2, "Partsufim"),
                group_id("term-forbidden", None, 2, "Partsuf")}) == 6  # fmt: skip
    assert is_group_id(g) and is_group_id(g[:-4]) and is_group_id("typography-g")
    assert not is_group_id("term-forbidden-t2-0123456789") and not is_group_id("term-variant-t45")
    assert not is_group_id("gloss-first-t3")


def test_group_ids_stable_across_runs_and_edits_elsewhere(project: tuple[Store, int]) -> None:
    s, doc_id = project
    before = {f.id: f.group for f in s.findings.list(doc_id)}
    occ = _forbidden(s, doc_id)
    assert len(occ) == 3 and len({f.group for f in occ}) == 1  # Partsuf, PARTSUF, partsuf: one decision
    CheckRunner(s).run(force=True, user="t")
    assert {f.id: f.group for f in s.findings.list(doc_id)} == before
    # an edit elsewhere (the middle paragraph) changes no group id
    mid = s.get_document(doc_id).target.paragraphs[1]
    s.update_paragraph(mid.id, "a paragraph in between, edited", None, mid.rev, "ed")
    CheckRunner(s).run(user="t")
    assert {f.id: f.group for f in s.findings.list(doc_id) if f.id in before} == before
    groups = rp.group_findings(s.findings.list(doc_id, present=True))
    top = groups[0]
    assert (top.check, top.count, top.severity, top.form.casefold()) == ("term-forbidden", 3, "error", "partsuf")
    assert [g.severity for g in groups] == sorted((g.severity for g in groups), key=["error", "warning", "info"].index)


# ------------------------------------------------------------------------------------ the rule


def _finding(paras: list[str], fid: str = "term-forbidden-t2-aaaaaaaaaa") -> Finding:
    return Finding(fid, "term-forbidden", "error", "m", doc_id=1, term_id=2, para_ids=paras, key="Partsuf")


def test_decided_status_rule() -> None:
    f = _finding(["p1", "p2"])
    d = Decision(f.group, 1, "term-forbidden", 2, "partsuf", "accepted", "old edition", "rita", "t", since=10, rev=1)
    assert decided_status(f, d, set()) == "accepted"
    assert decided_status(f, d, {"p2"}) is None  # its text changed since the decision
    assert decided_status(f, None) is None
    for status in ("open", "fixed"):  # only an accepted decision carries over
        d.status = status
        assert decided_status(f, d) is None
    d.status = "accepted"
    ch = reconcile({}, [f, _finding(["p3"], "term-forbidden-t2-bbbbbbbbbb")], user="run", at="now",
                   decisions={f.group: d}, edited={f.group: {"p3"}})  # fmt: skip
    assert ch.decided == {f.id: ("accepted", "old edition", "rita")}
    assert ch.counts["new"] == 2 and ch.counts["decided"] == 1


def test_accepted_decision_holds_for_later_occurrences_in_unchanged_text_only(store: Store) -> None:
    """A realigned link finds one more missing rendering in unchanged text: it comes in accepted.
    A third occurrence typed into the paragraph after the decision comes in open."""
    store.terms.import_terms(termbase(load_cases()), "t")
    doc_id = _doc(store, [["המסך והמסך", "the Masach"], ["", "the rest of it"], ["דבר", "a word"]])
    runner = CheckRunner(store)
    runner.run(user="t")
    (first,) = [f for f in store.findings.list(doc_id) if f.check == "term-missing"]
    d, occ = store.decisions.tag(first.group, "accepted", "rita", "the gloss says it")
    assert d.rev == 1 and [f.status for f in occ] == ["accepted"]
    doc = store.get_document(doc_id)
    src = [p.id for p in doc.source.paragraphs]
    tgt = [p.id for p in doc.target.paragraphs]
    store.save_links(doc_id, [Link([], [tgt[0]]), Link([src[0]], [tgt[1]]), Link([src[1]], [tgt[2]])],
                     store.alignment_rev(doc_id), "ed")  # fmt: skip
    rep = runner.run(user="t")
    missing = [f for f in store.findings.list(doc_id) if f.check == "term-missing" and f.present]
    assert len(missing) == 2 and {f.status for f in missing} == {"accepted"} and rep.decided == 1
    later = next(f for f in missing if f.id != first.id)
    assert later.comment == "the gloss says it" and later.user == "rita"
    assert any(t["auto"] and "decision" in (t["comment"] or "") for t in store.findings.get(later.id).tags)
    # the text changes: a new occurrence there is the editor's to look at
    p = store.get_paragraph(src[0])
    store.update_paragraph(src[0], "המסך והמסך והמסך", None, p.rev, "ed")
    runner.run(user="t")
    now = {f.id: f.status for f in store.findings.list(doc_id) if f.check == "term-missing" and f.present}
    assert len(now) == 3 and sorted(now.values()) == ["accepted", "accepted", "open"]
    (g,) = [g for g in rp.group_findings(store.findings.list(doc_id, present=True), store.decisions.list())
            if g.check == "term-missing"]  # fmt: skip
    assert g.count == 3 and g.status == "open" and g.decision is not None and g.decision.status == "accepted"


# ------------------------------------------------------------------------------------ roles and revisions


def test_decision_tag_roles_and_stale_revision(db_path: Path) -> None:
    s = open_store(db_path)
    s.accounts.add("root", "admin")
    for name, role in (("ed", "editor"), ("vic", "viewer"), ("rita", "reviewer")):
        s.accounts.add(name, role, user="root")
    s.terms.import_terms(termbase(load_cases()), "root")
    doc_id = _doc(s, user="root")
    CheckRunner(s).run(user="root")
    g = _forbidden(s, doc_id)[0].group
    with pytest.raises(PermissionDenied):
        s.decisions.tag(g, "fixed", "vic")
    with pytest.raises(PermissionDenied):
        s.decisions.tag(g, "accepted", "ed", "house style")  # accepting needs a reviewer
    with pytest.raises(WorkbenchError, match="comment"):
        s.decisions.tag(g, "accepted", "rita")
    assert s.decisions.get(g) is None and {f.status for f in _forbidden(s, doc_id)} == {"open"}
    d, _ = s.decisions.tag(g, "accepted", "rita", "house style", expected_rev=0)
    assert (d.status, d.rev) == ("accepted", 1)
    with pytest.raises(PermissionDenied):
        s.decisions.tag(g, "open", "ed")  # taking an accepted decision back is a review too
    with pytest.raises(ConflictError, match="rita"):
        s.decisions.tag(g, "fixed", "root", expected_rev=0)  # stale: names who tagged it
    assert {f.status for f in _forbidden(s, doc_id)} == {"accepted"}
    hist = [r for r in s.history(doc_id, limit=50) if r["entity"] in ("decision", "finding")]
    assert {r["entity"] for r in hist} == {"decision", "finding"} and {r["user"] for r in hist} == {"rita"}


# ------------------------------------------------------------------------------------ CLI contract


def _cli(db: str, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_json_group_and_grouped_outputs(project: tuple[Store, int], db_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:  # fmt: skip
    s, doc_id = project
    db = str(db_path)
    code, out, _ = _cli(db, capsys, "check", "--format", "json", "--no-run")
    findings = json.loads(out)
    stored = {f.id: f.group for f in s.findings.list()}
    assert code == 0 and findings and {f["id"]: f["group"] for f in findings} == {f["id"]: stored[f["id"]] for f in findings}
    forb = [f for f in findings if f["check"] == "term-forbidden"]
    assert len(forb) == 3 and len({f["group"] for f in forb}) == 1
    code, out, _ = _cli(db, capsys, "check", "--grouped", "--format", "json", "--no-run")
    groups = json.loads(out)
    assert code == 0 and sum(g["count"] for g in groups) == len(findings)
    for g in groups:
        assert {"group", "check", "severity", "term", "form", "count", "documents", "message", "status"} <= set(g)
    top = groups[0]
    assert (top["check"], top["severity"], top["count"], top["documents"], top["status"]) == (
        "term-forbidden", "error", 3, [doc_id], "open")
    assert top["group"] == forb[0]["group"] and sorted(top["occurrences"]) == sorted(f["id"] for f in forb)
    code, out, _ = _cli(db, capsys, "check", "--grouped", "--no-run")
    assert code == 0 and top["group"] in out and f"{len(groups)} decision(s), {len(findings)} finding(s)" in out
    # tag the decision from the command line, by a prefix of its id; --rev is the decision's
    code, out, _ = _cli(db, capsys, "check", "tag", top["group"][:-3], "--status", "accepted", "--comment", "old",
                        "--rev", "0")  # fmt: skip
    assert code == 0 and out.startswith(f"{top['group']}: accepted (revision 1, 3 occurrence(s))")
    code, _, err = _cli(db, capsys, "check", "tag", top["group"], "--status", "fixed", "--rev", "0")
    assert code == 2 and "since you loaded it" in err
    code, out, _ = _cli(db, capsys, "check", "--grouped", "--format", "json", "--no-run", "--show", "accepted")
    (acc,) = json.loads(out)
    assert (acc["status"], acc["decision"], acc["comment"], acc["rev"]) == ("accepted", "accepted", "old", 1)
