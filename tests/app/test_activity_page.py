"""Activity page in AppTest: changes by two editors listed and filtered, a word-level diff with user
text escaped, revert of one change (and the same revert refused the second time, with the reason
shown), and a viewer who sees the button disabled and whose forged click saves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "workbench/app/views/activity.py")
TGT = ["1. I wish to clarify the Masach.", "2. Let us explain the Zivug."]
ALICE_TEXT = "1. I wish to explain the <b>Masach</b>."


def seed(db_path: Path, *, accounts: bool = False) -> tuple[int, list[str], dict[str, int]]:
    """A two-paragraph pair; alice edits the first target paragraph, bob the second.
    Returns the document id, the target paragraph ids and {user: their change id}."""
    s = open_store(db_path)
    admin = "t"
    if accounts:
        s.accounts.add("root", "admin", "root-password-1")
        for name, role in (("alice", "editor"), ("bob", "editor"), ("vic", "viewer")):
            s.accounts.add(name, role, f"{name}-password-1", user="root")
        admin = "root"
    src = [Paragraph("א) רצוני לברר."), Paragraph("ב) ונבאר.")]
    tgt = [Paragraph(t) for t in TGT]
    doc_id = s.create_document(Document("Item 1", Text("he", src), Text("en", tgt)), admin)
    s.save_links(doc_id, [Link([a.id], [b.id]) for a, b in zip(src, tgt, strict=True)], 0, admin)
    ids = [p.id for p in tgt]
    s.update_paragraph(ids[0], ALICE_TEXT, None, 1, "alice")
    a = s.history(limit=1)[0]["id"]
    s.update_paragraph(ids[1], "2. Let us clarify the Zivug.", None, 1, "bob")
    b = s.history(limit=1)[0]["id"]
    s.close()
    return doc_id, ids, {"alice": a, "bob": b}


@pytest.fixture
def app(db_path: Path) -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=60)


def ok(app: AppTest) -> None:
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]


def table(app: AppTest) -> list[dict]:
    return app.dataframe[0].value.to_dict("records")


def diffs(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown if "wb-diff" in m.value]


def test_lists_changes_by_two_users_and_the_filters_narrow(app: AppTest, db_path: Path) -> None:
    _, ids, changes = seed(db_path)
    app.session_state["user"] = "carol"
    app.run()
    ok(app)
    rows = table(app)
    assert {"alice", "bob"} <= {r["user"] for r in rows}
    assert rows[0]["user"] == "bob" and rows[0]["summary"] == "2 words changed"
    assert len(rows) > 2  # the import and the links are changes too

    app.selectbox(key="act_user").set_value("alice").run()
    ok(app)
    assert [(r["user"], r["id"], r["action"]) for r in table(app)] == [("alice", ids[0], "edit")]

    app.selectbox(key="act_user").set_value("(all)").run()
    app.selectbox(key="act_entity").set_value("paragraph").run()
    assert [r["change"] for r in table(app)] == [changes["bob"], changes["alice"]]

    import datetime as dt

    app.date_input(key="act_since").set_value(dt.date.today() - dt.timedelta(days=2)).run()
    assert len(table(app)) == 2  # everything happened today
    app.date_input(key="act_since").set_value(dt.date.today() + dt.timedelta(days=2)).run()
    assert not app.dataframe and "No changes match" in app.info[0].value


def test_word_diff_of_the_selected_change_escapes_user_text(app: AppTest, db_path: Path) -> None:
    _, _, changes = seed(db_path)
    app.run()
    app.selectbox(key="act_sel").set_value(changes["alice"]).run()
    ok(app)
    (d,) = diffs(app)
    assert '<del class="wb-del"' in d and ">clarify </del>" in d
    assert '<ins class="wb-ins"' in d and "&lt;b&gt;Masach&lt;/b&gt;" in d and "<b>Masach</b>" not in d
    assert not app.button(key="act_revert").disabled


def test_revert_then_second_revert_refused_with_the_reason(app: AppTest, db_path: Path) -> None:
    _, ids, changes = seed(db_path)
    app.session_state["user"] = "carol"
    app.run()
    app.selectbox(key="act_sel").set_value(changes["alice"]).run()
    app.button(key="act_revert").click().run()
    ok(app)
    assert app.success and f"Change #{changes['alice']} reverted" in plain(app.success[0].value)
    s = open_store(db_path)
    assert s.get_paragraph(ids[0]).text == TGT[0]
    newest = s.history(limit=1)[0]
    assert (newest["user"], newest["entity_id"], newest["after"]["text"]) == ("carol", ids[0], TGT[0])
    assert table(app)[0]["change"] == newest["id"]  # the list shows the revert at once

    app.selectbox(key="act_sel").set_value(changes["alice"]).run()
    app.button(key="act_revert").click().run()
    assert not app.exception
    (err,) = app.error
    assert f"cannot revert change {changes['alice']}" in plain(err.value) and "changed since by carol" in plain(err.value)
    assert s.history(limit=1)[0]["id"] == newest["id"]  # nothing more was saved
    s.close()


def test_unrevertible_change_has_the_button_disabled_with_why(app: AppTest, db_path: Path) -> None:
    doc_id, _, _ = seed(db_path)
    s = open_store(db_path)
    (create,) = s.history(doc_id, 1, "document", action="create")
    s.close()
    app.run()
    app.selectbox(key="act_sel").set_value(create["id"]).run()
    ok(app)
    button = app.button(key="act_revert")
    assert button.disabled and "Library" in button.help
    assert any("Cannot revert" in t.value for t in app.text)


def test_viewer_sees_the_button_disabled_and_a_forged_click_saves_nothing(app: AppTest, db_path: Path) -> None:
    _, ids, changes = seed(db_path, accounts=True)
    app.session_state["user"] = "vic"
    app.run()
    app.selectbox(key="act_sel").set_value(changes["alice"]).run()
    ok(app)
    assert {"alice", "bob"} <= {r["user"] for r in table(app)}  # a viewer may read the history
    button = app.button(key="act_revert")
    assert button.disabled and "your role may not" in button.help
    s = open_store(db_path)
    n = s.history(limit=1)[0]["id"]

    # A forged click on the disabled button: the widget state a doctored browser could send (AppTest
    # refuses to click a disabled widget, so it is built by hand). Streamlit discards it; nothing runs.
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    states = app._tree.get_widget_states()
    states.widgets.append(WidgetState(id=button.id, trigger_value=True))
    app._run(states)
    assert not app.exception and not app.success
    assert s.history(limit=1)[0]["id"] == n

    # The click that gets through: the button was drawn enabled for an editor, and the click arrives
    # as the viewer (the session changed hands) — the core's role check refuses it.
    app.session_state["user"] = "bob"
    app.run()
    assert not app.button(key="act_revert").disabled
    app.session_state["user"] = "vic"
    app.button(key="act_revert").click().run()
    assert not app.exception
    (err,) = app.error
    assert "vic (viewer) may not" in plain(err.value) and "nothing was saved" in plain(err.value)
    assert s.history(limit=1)[0]["id"] == n
    assert s.get_paragraph(ids[0]).text == ALICE_TEXT

    # An editor demoted to viewer after the page was drawn: refused too.
    app.session_state["user"] = "bob"
    app.run()
    s.accounts.set_role("bob", "viewer", user="root")
    app.button(key="act_revert").click().run()
    (err,) = app.error
    assert "bob (viewer) may not" in plain(err.value)
    assert s.history(limit=1)[0]["id"] == n + 1  # only the role change was recorded
    assert s.get_paragraph(ids[0]).text == ALICE_TEXT
    s.accounts.set_role("bob", "editor", user="root")

    # the same click by an editor reverts
    app.run()
    assert not app.button(key="act_revert").disabled
    app.button(key="act_revert").click().run()
    ok(app)
    assert s.get_paragraph(ids[0]).text == TGT[0] and s.history(limit=1)[0]["user"] == "bob"
    s.close()


def test_revert_confirmation_stays_until_the_next_action(app: AppTest, db_path: Path) -> None:
    _, _, changes = seed(db_path)
    app.session_state["user"] = "carol"
    app.run()
    app.selectbox(key="act_sel").set_value(changes["alice"]).run()
    app.button(key="act_revert").click().run()
    message = f"Change #{changes['alice']} reverted"
    assert message in plain(app.success[0].value)
    app.selectbox(key="act_user").select("alice").run()  # looking around is not an action
    assert app.success and message in plain(app.success[0].value)
