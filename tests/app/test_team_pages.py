"""The Library, Terms and Consistency pages for a team: two editors on one database, roles, stale
saves refused naming who, forged button presses refused by the store with the message shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from workbench.checks import CheckRunner
from workbench.cli import main as cli
from workbench.io import load_pair
from workbench.model import Document, Paragraph, Text
from workbench.store import Store, open_store
from workbench.terms import Term

REPO = Path(__file__).resolve().parents[2]
VIEWS = REPO / "workbench" / "app" / "views"
SEED = REPO / "corpus" / "shamati" / "shamati-081-concerning-raising-man.en.txt"


@pytest.fixture
def team(db_path: Path) -> Store:
    """root (admin), alice and bob (terminologists), ed (editor), vic (viewer), rita (reviewer)."""
    st.cache_resource.clear()
    s = open_store(db_path)
    s.accounts.add("root", "admin")
    for name, role in (("alice", "terminologist"), ("bob", "terminologist"), ("ed", "editor"),
                       ("vic", "viewer"), ("rita", "reviewer")):  # fmt: skip
        s.accounts.add(name, role, user="root")
    yield s
    s.close()


def page(name: str, user: str) -> AppTest:
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=60)
    at.session_state["user"] = user
    return at


def errors(at: AppTest) -> list[str]:
    """The error lines as the editor reads them (the pages escape user text with literal())."""
    return [plain(e.value) for e in at.error]


def table(at: AppTest):  # noqa: ANN201 - the termbase table as loaded (without the draft's edits)
    return at.data_editor(key="tb_editor").value


def edit_table(at: AppTest, edited_rows: dict[int, dict]) -> None:
    """Rerun with cell edits in the termbase table, as the browser sends them (Streamlit keeps them
    as the widget's state for as long as the table's data, hence its identity, stays the same)."""
    ws: WidgetStates = at._tree.get_widget_states()
    w = ws.widgets.add()
    w.id = at.data_editor(key="tb_editor").proto.id
    w.string_value = json.dumps({"edited_rows": {str(k): v for k, v in edited_rows.items()},
                                 "added_rows": [], "deleted_rows": []})  # fmt: skip
    at._run(ws)
    assert not at.exception, at.exception


def terms_state(s: Store) -> list[tuple]:
    return [(t.id, t.preferred, t.gloss, t.note, t.rev) for t in s.terms.list_terms(order="id")]


# ------------------------------------------------------------------------------------------ terms


def test_stale_table_save_is_refused_naming_the_first_editor_and_keeps_the_draft(team: Store) -> None:
    team.terms.add(Term("מסך", "Masach", gloss="screen"), "root")
    team.terms.add(Term("זיווג", "Zivug", gloss="coupling"), "root")
    alice, bob = page("terms", "alice"), page("terms", "bob")
    alice.run()
    bob.run()
    assert list(table(bob)["rendering"]) == ["Masach", "Zivug"]
    edit_table(bob, {0: {"gloss": "bob's screen"}, 1: {"note": "bob's note"}})  # bob's draft
    edit_table(alice, {0: {"note": "alice's note"}})
    alice.button(key="tb_save").click().run()
    assert not errors(alice)
    assert team.terms.list_terms()[0].note == "alice's note"
    saved = terms_state(team)

    bob.button(key="tb_save").click().run()
    assert not bob.exception
    (msg,) = errors(bob)
    assert "Masach" in msg and "by alice at " in msg and "nothing was saved" in msg
    assert terms_state(team) == saved  # neither of bob's rows (Zivug was not stale) was saved
    # Bob's draft is still in the table: same rows as he loaded them, his edits still pending.
    assert list(table(bob)["note"]) == ["", ""]
    assert bob.session_state["tb_editor"]["edited_rows"] == {0: {"gloss": "bob's screen"}, 1: {"note": "bob's note"}}
    assert any("changed since you loaded" in i.value for i in bob.info)
    # Reload shows alice's change and drops the draft; then bob's save goes through.
    bob.button(key="tb_reload").click().run()
    assert list(table(bob)["note"]) == ["alice's note", ""]
    edit_table(bob, {0: {"gloss": "bob's screen"}})
    bob.button(key="tb_save").click().run()
    assert not errors(bob)
    masach = team.terms.list_terms()[0]
    assert (masach.gloss, masach.note) == ("bob's screen", "alice's note")


def test_table_save_by_an_editor_is_refused_and_the_button_disabled(team: Store) -> None:
    team.terms.add(Term("מסך", "Masach", gloss="screen"), "root")
    ed = page("terms", "ed")
    ed.run()
    assert ed.button(key="tb_save").disabled
    assert any("that needs the terminologist role" in c.value for c in ed.caption)
    # Forged: the button drawn for a terminologist, pressed as ed.
    forged = page("terms", "alice")
    forged.run()
    edit_table(forged, {0: {"gloss": "ed's screen"}})
    before = terms_state(team)
    forged.session_state["user"] = "ed"
    forged.button(key="tb_save").click().run()
    assert not forged.exception
    assert any("ed (editor) may not edit the termbase" in e for e in errors(forged))
    assert terms_state(team) == before


# ------------------------------------------------------------------------------------------ library


def _doc(s: Store, title: str = "Pair") -> int:
    return s.create_document(Document(title, Text("he", [Paragraph("שלום")]), Text("en", [Paragraph("Hi")])), "root")


def test_viewer_sees_no_import_delete_or_rename(team: Store) -> None:
    _doc(team)
    vic = page("library", "vic")
    vic.run()
    assert not vic.exception
    assert not vic.get("form_submit_button")
    keys = {b.key for b in vic.button}
    assert not keys & {"del_btn", "ren_go"}
    assert not [s for s in vic.selectbox if s.key in ("del_doc", "ren_doc")]
    captions = " ".join(c.value for c in vic.caption)
    assert "may not import documents: that needs the admin role" in captions
    assert "may not delete documents" in captions
    # An editor renames but neither imports nor deletes.
    ed = page("library", "ed")
    ed.run()
    assert ed.selectbox(key="ren_doc") and not ed.get("form_submit_button")


def test_forged_delete_by_a_viewer_is_refused_with_the_message(team: Store) -> None:
    doc_id = _doc(team)
    at = page("library", "root")
    at.run()
    at.selectbox(key="del_doc").set_value(team.list_documents()[0]).run()
    at.checkbox(key="del_sure").check().run()
    at.session_state["user"] = "vic"  # the button was drawn for the admin; vic presses it
    at.button(key="del_btn").click().run()
    assert not at.exception
    assert any("vic (viewer) may not delete documents" in e for e in errors(at))
    assert [d.id for d in team.list_documents()] == [doc_id]
    # The admin's own press deletes.
    at.session_state["user"] = "root"
    at.run()
    at.selectbox(key="del_doc").set_value(team.list_documents()[0]).run()
    at.checkbox(key="del_sure").check().run()
    at.button(key="del_btn").click().run()
    assert team.list_documents() == []


def test_stale_title_edit_is_refused_naming_who(team: Store) -> None:
    doc_id = _doc(team, "Old <b>title</b>")
    ed, rita = page("library", "ed"), page("library", "rita")
    for at in (ed, rita):
        at.run()
        at.selectbox(key="ren_doc").set_value(doc_id).run()
        assert at.text_input(key="ren_title").value == "Old <b>title</b>"
    rita.text_input(key="ren_title").input("Rita's title").run()
    rita.button(key="ren_go").click().run()
    assert not errors(rita)
    assert team.get_document(doc_id).title == "Rita's title"
    ed.text_input(key="ren_title").input("Ed's title").run()
    ed.button(key="ren_go").click().run()
    (msg,) = errors(ed)
    assert f"document {doc_id} was changed by rita at " in msg and "nothing was saved" in msg
    assert team.get_document(doc_id).title == "Rita's title"
    # After the refusal ed's text stays, the current title is shown, and a second press is his decision.
    assert ed.text_input(key="ren_title").value == "Ed's title"
    assert any(t.value == "Current title: Rita's title" for t in ed.text)
    ed.button(key="ren_go").click().run()
    assert not errors(ed) and team.get_document(doc_id).title == "Ed's title"


# ------------------------------------------------------------------------------------------ consistency


@pytest.fixture
def finding(team: Store) -> str:
    """A stored document with findings; returns the id of its typography finding."""
    doc, _ = load_pair(target=SEED, title="Shamati <81>")
    team.create_document(doc, "root")
    team.terms.import_file(REPO / "corpus" / "termbase.csv", user="root")
    CheckRunner(team).run(user="root")
    (fid,) = [f.id for f in team.findings.list() if f.check == "typography"]
    return fid


def consistency(user: str, fid: str) -> AppTest:
    at = page("consistency", user)
    at.run()
    at.selectbox(key="cons_pick").set_value(fid).run()
    assert not at.exception, at.exception
    return at


def test_viewer_sees_no_tag_controls(team: Store, finding: str) -> None:
    vic = consistency("vic", finding)
    keys = {b.key for b in vic.button}
    assert not {k for k in keys if k and k.startswith(("cons_tag_", "cons_bulk"))}
    assert not [t for t in vic.text_input if t.key == "cons_comment"]
    assert any("Your role (viewer) may not tag findings" in c.value for c in vic.caption)


def test_forged_tag_by_a_viewer_is_refused_with_the_message(team: Store, finding: str) -> None:
    at = consistency("ed", finding)
    at.session_state["user"] = "vic"
    at.button(key="cons_tag_fixed").click().run()
    assert not at.exception
    assert any("vic (viewer) may not tag findings" in e for e in errors(at))
    assert team.findings.get(finding).status == "open"


def test_stale_finding_tag_is_refused_naming_who(team: Store, finding: str) -> None:
    ed, rita = consistency("ed", finding), consistency("rita", finding)
    rita.button(key="cons_tag_fixed").click().run()
    assert not errors(rita)
    assert team.findings.get(finding).status == "fixed"
    rev = team.findings.get(finding).rev
    ed.button(key="cons_tag_fixed").click().run()  # ed still sees it open, at the old revision
    (msg,) = errors(ed)
    assert "was tagged fixed by rita at " in msg and "nothing was saved" in msg
    f = team.findings.get(finding)
    assert (f.status, f.user, f.rev) == ("fixed", "rita", rev)


def test_reviewer_can_accept_an_exception_and_an_editor_cannot(team: Store, finding: str) -> None:
    ed = consistency("ed", finding)
    assert ed.button(key="cons_tag_accepted").disabled and not ed.button(key="cons_tag_fixed").disabled
    assert "accepted" not in ed.radio(key="cons_bulk_status").options
    # Forged: the button drawn (enabled) for the reviewer, pressed as ed.
    forged = consistency("rita", finding)
    forged.text_input(key="cons_comment").input("house style").run()
    forged.session_state["user"] = "ed"
    forged.button(key="cons_tag_accepted").click().run()
    assert any("ed (editor) may not accept exceptions" in e for e in errors(forged))
    assert team.findings.get(finding).status == "open"

    rita = consistency("rita", finding)
    assert not rita.button(key="cons_tag_accepted").disabled
    assert "accepted" in rita.radio(key="cons_bulk_status").options
    rita.text_input(key="cons_comment").input("house style").run()
    rita.button(key="cons_tag_accepted").click().run()
    assert not errors(rita)
    f = team.findings.get(finding)
    assert (f.status, f.user, f.comment) == ("accepted", "rita", "house style")


# ------------------------------------------------------------------------------------------ CLI


def test_cli_refusals_are_one_line_exit_2(team: Store, finding: str, db_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    rev = team.findings.get(finding).rev
    assert cli(["--db", str(db_path), "--user", "rita", "check", "tag", finding, "--status", "fixed", "--rev", str(rev)]) == 0
    capsys.readouterr()
    # ed tags with the revision he looked at: rita tagged it since.
    code = cli(["--db", str(db_path), "--user", "ed", "check", "tag", finding, "--status", "open", "--rev", str(rev)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "by rita at " in err
    assert team.findings.get(finding).user == "rita"
    code = cli(["--db", str(db_path), "--user", "vic", "terms", "reject", "Masach"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "vic (viewer) may not edit the termbase" in err
    # The global --user reaches `check tag` (its own --user must not reset it).
    code = cli(["--db", str(db_path), "--user", "vic", "check", "tag", finding, "--status", "open"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "vic (viewer) may not tag findings" in err
    assert team.findings.get(finding).status == "fixed"
