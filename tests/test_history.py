"""History and revert: the activity service and the ``workbench history`` / ``workbench revert`` commands.

Every supported kind of change is reverted through the store (a new history row by the reverting
account), a stale revert is refused naming who changed the thing since, kinds that cannot be
reverted one by one are refused with exit 2, and a viewer's revert saves nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench import activity
from workbench.checks import CheckRunner
from workbench.cli import main
from workbench.errors import ConflictError, WorkbenchError
from workbench.model import Document, Link, Mark, Paragraph, Text
from workbench.roles import PermissionDenied
from workbench.terms.model import Annotation, Term

SRC = ["א) רצוני לברר את המסך.", "ב) ונבאר את הזווג."]
TGT = ["1. I wish to clarify the Masach.", "2. Let us explain the Zivug."]


def make_doc(store) -> int:  # noqa: ANN001
    src = [Paragraph(t) for t in SRC]
    tgt = [Paragraph(t, marks=[Mark(3, 9, "italic")] if i == 0 else []) for i, t in enumerate(TGT)]
    doc_id = store.create_document(Document("Item <b>1</b>", Text("he", src), Text("en", tgt)), "importer")
    links = [Link([s.id], [t.id], score=0.9) for s, t in zip(src, tgt, strict=True)]
    store.save_links(doc_id, links, 0, "importer")
    return doc_id


def edit(store, para_id: str, text: str, user: str) -> None:  # noqa: ANN001
    p = store.get_paragraph(para_id)
    store.update_paragraph(para_id, text, None, p.rev, user)


def last(store) -> dict:  # noqa: ANN001
    return activity.as_change(store.history(limit=1)[0])


def cli(db: Path, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------------------ listing


def test_changes_filter_by_user_entity_action_since_and_limit(store) -> None:  # noqa: ANN001
    doc = make_doc(store)
    t0, t1 = store.get_document(doc).target.paragraphs
    edit(store, t0.id, "1. I wish to explain the Masach.", "alice")
    edit(store, t1.id, "2. Let us clarify the Zivug.", "bob")

    every = activity.changes(store, doc)
    assert [c["user"] for c in every[:2]] == ["bob", "alice"]  # newest first
    assert {c["user"] for c in activity.changes(store, doc, user="alice")} == {"alice"}
    paras = activity.changes(store, doc, entity="paragraph")
    assert [c["id"] for c in paras] == [t1.id, t0.id]
    assert {c["action"] for c in activity.changes(store, doc, action="create")} == {"create"}
    assert activity.changes(store, doc, since="2999-01-01") == []
    assert len(activity.changes(store, doc, since="2000-01-01T00:00")) == len(every)
    assert len(activity.changes(store, doc, limit=1)) == 1
    assert every[1]["summary"] == "2 words changed"  # "clarify" out, "explain" in
    with pytest.raises(WorkbenchError, match="not an ISO date"):
        activity.changes(store, doc, since="yesterday")


def test_history_json_contract_and_user_filter(db_path: Path, store, capsys: pytest.CaptureFixture) -> None:  # noqa: ANN001
    doc = make_doc(store)
    t0, t1 = store.get_document(doc).target.paragraphs
    edit(store, t0.id, "1. I wish to explain the Masach.", "alice")
    edit(store, t1.id, "2. Let us explain the Zivug.", "bob")
    code, out, _ = cli(db_path, capsys, "history", str(doc), "--json", "--user", "bob")
    assert code == 0
    rows = json.loads(out)
    assert len(rows) == 1
    (row,) = rows
    assert set(activity.CONTRACT_FIELDS) <= set(row)
    assert (row["user"], row["entity"], row["id"], row["action"]) == ("bob", "paragraph", t1.id, "edit")
    assert row["before"]["text"] == TGT[1] and row["after"]["text"] == "2. Let us explain the Zivug."
    assert row["time"].startswith("20") and isinstance(row["change"], int) and row["doc"] == doc

    code, out, _ = cli(db_path, capsys, "history", str(doc), "--since", "2999-01-01T00:00:00+02:00", "--json")
    assert code == 0 and json.loads(out) == []


def test_history_text_table_and_bad_since(db_path: Path, store, capsys: pytest.CaptureFixture) -> None:  # noqa: ANN001
    doc = make_doc(store)
    t0 = store.get_document(doc).target.paragraphs[0]
    edit(store, t0.id, "1. I wish to explain the Masach.", "alice")
    code, out, _ = cli(db_path, capsys, "history", str(doc), "--entity", "paragraph")
    assert code == 0
    head, line = out.splitlines()[:2]
    assert "user" in head and "summary" in head
    assert "alice" in line and "paragraph" in line and "edit" in line and line.endswith("2 words changed")

    code, out, err = cli(db_path, capsys, "history", str(doc), "--since", "last tuesday")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "not an ISO date" in err
    code, _, err = cli(db_path, capsys, "history", "999")
    assert code == 2 and "999" in err


# ------------------------------------------------------------------------------------ revert


def test_revert_paragraph_edit_is_a_new_change_and_a_second_revert_is_stale(store) -> None:  # noqa: ANN001
    doc = make_doc(store)
    t0 = store.get_document(doc).target.paragraphs[0]
    edit(store, t0.id, "1. I wish to explain the Masach.", "alice")  # marks dropped with the changed text
    change = last(store)
    assert store.get_paragraph(t0.id).marks == []

    result = activity.revert(store, change["change"], "carol")
    p = store.get_paragraph(t0.id)
    assert p.text == TGT[0] and [m.to_dict() for m in p.marks] == [{"start": 3, "end": 9, "kind": "italic"}]
    (new,) = result["changes"]
    assert (new["user"], new["entity"], new["id"], new["action"]) == ("carol", "paragraph", t0.id, "edit")
    assert new["before"]["text"] == change["after"]["text"] and new["after"]["text"] == change["before"]["text"]
    assert new["change"] > change["change"]

    with pytest.raises(ConflictError, match=rf"changed since by carol at .* \(change {new['change']}\)"):
        activity.revert(store, change["change"], "dave")
    assert store.get_paragraph(t0.id).rev == p.rev  # nothing saved


def test_revert_refused_when_someone_edited_since_naming_them(store) -> None:  # noqa: ANN001
    doc = make_doc(store)
    t0 = store.get_document(doc).target.paragraphs[0]
    edit(store, t0.id, "1. I wish to explain the Masach.", "alice")
    change = last(store)
    edit(store, t0.id, "1. I wish to explain the Masach today.", "bob")
    with pytest.raises(ConflictError) as exc:
        activity.revert(store, change["change"], "carol")
    msg = str(exc.value)
    assert "by bob at " in msg and "\n" not in msg and "nothing was saved" in msg
    assert store.get_paragraph(t0.id).text == "1. I wish to explain the Masach today."


def test_revert_term_update_create_and_delete(store) -> None:  # noqa: ANN001
    term = store.terms.add(Term(source="מסך", preferred="Masach", gloss="screen"), "tina")
    created = last(store)
    term.gloss = "the screen"
    term.variants = ["Masakh"]
    store.terms.update(term, "tina")
    updated = last(store)

    out = activity.revert(store, updated["change"], "uri")
    got = store.terms.get(term.id)
    assert (got.gloss, got.variants) == ("screen", [])
    assert out["changes"][0]["user"] == "uri" and out["changes"][0]["action"] == "update"
    with pytest.raises(ConflictError, match="by uri"):
        activity.revert(store, updated["change"], "uri")  # the term is no longer as that update left it

    # the term is back as it was created, so reverting the creation deletes it
    out = activity.revert(store, created["change"], "uri")
    assert out["changes"][0]["action"] == "delete"
    assert not [t for t in store.terms.list_terms() if t.preferred == "Masach"]

    deleted = last(store)
    out = activity.revert(store, deleted["change"], "vera")
    (back,) = [t for t in store.terms.list_terms() if t.preferred == "Masach"]
    assert back.gloss == "screen" and back.source == "מסך"
    assert out["changes"][0]["action"] == "create" and out["changes"][0]["user"] == "vera"


def test_revert_annotation_update(store) -> None:  # noqa: ANN001
    doc = make_doc(store)
    t0 = store.get_document(doc).target.paragraphs[0]
    term = store.terms.add(Term(source="מסך", preferred="Masach"), "tina")
    start = TGT[0].index("Masach")
    ann = store.terms.add_annotation(Annotation(doc, t0.id, start, start + 6, "Masach", term.id), "ann")
    ann.note = "screen, see item 3"
    store.terms.update_annotation(ann, "ann")
    change = last(store)
    assert change["entity"] == "annotation" and change["action"] == "update"
    out = activity.revert(store, change["change"], "bea")
    assert store.terms.get_annotation(ann.id).note is None
    assert out["changes"][0]["user"] == "bea" and out["changes"][0]["entity"] == "annotation"


def test_revert_finding_tag(store) -> None:  # noqa: ANN001
    doc = store.create_document(Document("T", None, Text("en", [Paragraph("He went to the the house.")])))
    CheckRunner(store).run()
    (f,) = [f for f in store.findings.list(present=True) if f.check == "typography"]
    store.findings.tag([f.id], "fixed", "fay", "done by hand")
    change = last(store)
    out = activity.revert(store, change["change"], "gil")
    now = store.findings.get(f.id)
    assert (now.status, now.comment, now.user) == ("open", None, "gil")
    (new,) = out["changes"]
    assert (new["entity"], new["action"], new["user"], new["doc"]) == ("finding", "tag", "gil", doc)
    with pytest.raises(ConflictError, match="by gil"):
        activity.revert(store, change["change"], "gil")


def test_revert_document_title_and_metadata(store) -> None:  # noqa: ANN001
    doc = make_doc(store)
    rev = store.get_document(doc).meta_rev
    store.update_document(doc, rev, "dan", title="Item One", metadata={"translator": "M. L."})
    change = last(store)
    out = activity.revert(store, change["change"], "eve")
    d = store.get_document(doc)
    assert d.title == "Item <b>1</b>" and "translator" not in d.metadata
    assert out["changes"][0]["user"] == "eve" and out["changes"][0]["after"]["title"] == "Item <b>1</b>"


def test_revert_link_status_only_and_refuse_structure(store) -> None:  # noqa: ANN001
    doc = make_doc(store)
    links = store.get_links(doc)
    links[0].status = "confirmed"
    store.save_links(doc, links, store.alignment_rev(doc), "lea")
    confirm = last(store)
    assert confirm["revertible"] and confirm["summary"] == "auto → confirmed"
    out = activity.revert(store, confirm["change"], "max")
    assert store.get_links(doc)[0].status == "auto"
    (new,) = out["changes"]
    assert (new["entity"], new["id"], new["user"]) == ("link", links[0].id, "max")
    with pytest.raises(ConflictError, match="by max"):
        activity.revert(store, confirm["change"], "max")

    # a merge of the two links (structure) is refused with what to do instead
    links = store.get_links(doc)
    merged = Link(links[0].source + links[1].source, links[0].target + links[1].target, id=links[0].id)
    store.save_links(doc, [merged], store.alignment_rev(doc), "lea")
    (upd,) = activity.changes(store, doc, entity="link", action="update", limit=1)
    assert not upd["revertible"]
    with pytest.raises(WorkbenchError, match="Undo on the Alignment page"):
        activity.revert(store, upd["change"], "max")


@pytest.mark.parametrize(("entity", "action", "hint"), [("document", "create", "Library"),
                                                        ("link", "create", "Undo on the Alignment page")])  # fmt: skip
def test_unsupported_kinds_refused_with_exit_2(
    db_path: Path, store, capsys: pytest.CaptureFixture, entity: str, action: str, hint: str  # noqa: ANN001
) -> None:
    doc = make_doc(store)
    (row,) = activity.changes(store, doc, entity=entity, action=action, limit=1)
    before = len(store.history(limit=10_000))
    code, out, err = cli(db_path, capsys, "revert", str(row["change"]))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and hint in err and f"change {row['change']}" in err
    assert len(store.history(limit=10_000)) == before


def test_cli_revert_json_and_text(db_path: Path, store, capsys: pytest.CaptureFixture) -> None:  # noqa: ANN001
    doc = make_doc(store)
    t0, t1 = store.get_document(doc).target.paragraphs
    edit(store, t0.id, "1. changed.", "alice")
    a = last(store)
    edit(store, t1.id, "2. changed.", "alice")
    b = last(store)
    code, out, _ = cli(db_path, capsys, "--user", "zed", "revert", str(a["change"]), "--json")
    assert code == 0
    res = json.loads(out)
    assert res["reverted"] == a["change"] and res["changes"][0]["user"] == "zed"
    code, out, _ = cli(db_path, capsys, "--user", "zed", "revert", str(b["change"]))
    assert code == 0 and out.startswith(f"reverted change {b['change']}; new change(s): ")
    assert store.get_paragraph(t1.id).text == TGT[1]
    code, _, err = cli(db_path, capsys, "revert", "99999")
    assert code == 2 and "99999" in err


def test_viewer_may_not_revert_when_accounts_exist(db_path: Path, store, capsys: pytest.CaptureFixture) -> None:  # noqa: ANN001
    store.accounts.add("root", "admin", "root-password-1")
    store.accounts.add("alice", "editor", "alice-password", user="root")
    store.accounts.add("vic", "viewer", "vic-password-1", user="root")
    doc = make_doc_as(store, "root")
    t0 = store.get_document(doc).target.paragraphs[0]
    edit(store, t0.id, "1. I wish to explain the Masach.", "alice")
    change = last(store)
    n = len(store.history(limit=10_000))

    with pytest.raises(PermissionDenied, match="vic"):
        activity.revert(store, change["change"], "vic")
    code, _, err = cli(db_path, capsys, "--user", "vic", "revert", str(change["change"]))
    assert code == 2 and "viewer" in err
    assert len(store.history(limit=10_000)) == n
    assert store.get_paragraph(t0.id).text == "1. I wish to explain the Masach."
    # the viewer may read the history
    code, out, _ = cli(db_path, capsys, "--user", "vic", "history", str(doc), "--user", "alice", "--json")
    assert code == 0 and [r["user"] for r in json.loads(out)] == ["alice"]
    # an editor may revert
    activity.revert(store, change["change"], "alice")
    assert store.get_paragraph(t0.id).text == TGT[0]


def make_doc_as(store, user: str) -> int:  # noqa: ANN001
    src = [Paragraph(t) for t in SRC]
    tgt = [Paragraph(t) for t in TGT]
    doc_id = store.create_document(Document("Item 1", Text("he", src), Text("en", tgt)), user)
    store.save_links(doc_id, [Link([s.id], [t.id]) for s, t in zip(src, tgt, strict=True)], 0, user)
    return doc_id
