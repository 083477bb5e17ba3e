"""The Align page used by a team: two signed-in editors (two AppTest sessions on one database) with
their own undo lists, a refused undo naming who built on it, a stale text save that keeps the draft
(keep mine / take theirs / edit the merge), presence, "changed by" on links, and roles (a viewer's
disabled controls and a click the role no longer allows, a reviewer's confirm of the whole document)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.test_align_page import PAGE, ok, plain, preview, rows, seed, select_link, stored
from workbench.editing import StoredUndoStack
from workbench.store import open_store


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    st.cache_resource.clear()


def team(db_path: Path, **roles: str) -> None:
    """Accounts for the named users (the seed data was written before, by the single local user)."""
    s = open_store(db_path)
    try:
        s.accounts.add("admin", "admin")  # the first account needs no admin
        for name, role in roles.items():
            s.accounts.add(name, role, user="admin")
    finally:
        s.close()


def page_as(user: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["user"] = user
    at.run()
    ok(at)
    return at


def undo_count(db_path: Path, doc_id: int, user: str) -> int:
    s = open_store(db_path)
    try:
        return StoredUndoStack(s, user).count(doc_id)
    finally:
        s.close()


def paragraph(db_path: Path, para_id: str) -> tuple[str, int]:
    s = open_store(db_path)
    try:
        p = s.get_paragraph(para_id)
        return p.text, p.rev
    finally:
        s.close()


def history_users(db_path: Path, doc_id: int) -> list[str]:
    s = open_store(db_path)
    try:
        return [r["user"] for r in s.history(doc_id)]
    finally:
        s.close()


def set_role(db_path: Path, name: str, role: str) -> None:
    s = open_store(db_path)
    try:
        s.accounts.set_role(name, role, user="admin")
    finally:
        s.close()


def open_text(app: AppTest, db_path: Path, doc_id: int, index: int, side: str) -> str:
    """Select link ``index`` and its first ``side`` paragraph; the paragraph's id."""
    lid = select_link(app, db_path, doc_id, index)
    lk = stored(db_path, doc_id)[index]
    pid = (lk.source if side == "source" else lk.target)[0]
    app.selectbox(key=f"al_para_{lid}").set_value((side, pid)).run()
    ok(app)
    return pid


def save_text(app: AppTest, pid: str, text: str) -> None:
    app.text_area(key=f"al_text_{pid}").input(text).run()
    app.button(key="al_save_text").click().run()


# ------------------------------------------------------------------------------ undo per editor


def test_undo_is_per_editor(db_path: Path) -> None:
    doc_id = seed(db_path)
    team(db_path, alice="editor", bob="editor")
    alice, bob = page_as("alice"), page_as("bob")
    select_link(alice, db_path, doc_id, 2)
    alice.button(key="al_merge").click().run()
    ok(alice)
    assert stored(db_path, doc_id)[2].kind == "2-2"

    bob.run()
    ok(bob)
    assert bob.button(key="al_undo_btn").disabled and bob.button(key="al_undo_btn").label == "Undo"
    assert undo_count(db_path, doc_id, "bob") == 0 and undo_count(db_path, doc_id, "alice") == 1
    # bob's own operation is the only one his Undo takes back
    select_link(bob, db_path, doc_id, 5)
    bob.button(key="al_confirm").click().run()
    ok(bob)
    assert stored(db_path, doc_id)[5].status == "confirmed"
    assert bob.button(key="al_undo_btn").label == "Undo confirm 1 link"
    bob.button(key="al_undo_btn").click().run()
    ok(bob)
    links = stored(db_path, doc_id)
    assert links[5].status == "auto" and links[2].kind == "2-2" and len(links) == 10  # alice's merge stays
    assert bob.button(key="al_undo_btn").disabled and undo_count(db_path, doc_id, "bob") == 0
    alice.run()
    assert alice.button(key="al_undo_btn").label == "Undo merge links"


def test_undoing_what_someone_built_on_is_refused_naming_them(db_path: Path) -> None:
    doc_id = seed(db_path)
    team(db_path, alice="editor", bob="editor")
    alice, bob = page_as("alice"), page_as("bob")
    select_link(alice, db_path, doc_id, 2)
    alice.button(key="al_merge").click().run()
    ok(alice)
    bob.run()
    select_link(bob, db_path, doc_id, 2)  # alice's merged link: bob merges it with the next one
    bob.button(key="al_merge").click().run()
    ok(bob)
    assert stored(db_path, doc_id)[2].kind == "3-3"

    alice.button(key="al_undo_btn").click().run()
    assert not alice.exception
    (err,) = alice.error
    assert re.match(r"cannot undo “merge links”: bob changed link 3 \(update\) at \d\d:\d\d:\d\d UTC", plain(err)), plain(err)
    assert "nothing was undone" in plain(err) and "t changed" not in plain(err)  # only what came after her merge
    links = stored(db_path, doc_id)
    assert links[2].kind == "3-3" and len(links) == 9  # bob's work stands
    assert alice.button(key="al_undo_btn").disabled  # the entry can never apply again: it is gone


# ------------------------------------------------------------------------------ a stale text save


def conflict(db_path: Path) -> tuple[AppTest, int, str, str, str]:
    """alice opens the Hebrew paragraph of link 1; bob saves a change to it; alice then saves hers.
    Returns alice's page, the document, the paragraph, alice's text and bob's."""
    doc_id = seed(db_path)
    team(db_path, alice="editor", bob="editor")
    alice, bob = page_as("alice"), page_as("bob")
    pid = open_text(alice, db_path, doc_id, 0, "source")
    base, _ = paragraph(db_path, pid)
    words = base.split()
    mine = " ".join(["אליס", *words])  # alice adds a word at the start
    theirs = " ".join([*words, "בוב"])  # bob adds one at the end
    open_text(bob, db_path, doc_id, 0, "source")
    save_text(bob, pid, theirs)
    ok(bob)
    assert paragraph(db_path, pid)[0] == theirs
    alice.text_area(key=f"al_text_{pid}").input(mine).run()  # the rerun sees bob's save: her typing stays
    assert alice.text_area(key=f"al_text_{pid}").value == mine
    alice.button(key="al_save_text").click().run()
    assert not alice.exception
    return alice, doc_id, pid, mine, theirs


def panel(app: AppTest) -> str:
    (p,) = [m.value for m in app.markdown if 'class="wb-current"' in m.value]
    return p


def test_stale_save_keeps_the_draft_beside_the_current_text(db_path: Path) -> None:
    alice, _doc_id, pid, mine, theirs = conflict(db_path)
    (err,) = alice.error
    assert "bob" in plain(err) and "Your text is kept below" in plain(err)
    assert paragraph(db_path, pid)[0] == theirs  # nothing of alice's was saved
    assert alice.text_area(key=f"al_draft_box_{pid}").value == mine  # the box still holds what she typed
    diff = panel(alice)
    assert 'dir="rtl"' in diff and "SBL Hebrew" in diff  # Hebrew, right to left
    assert re.search(r'<del class="wb-del"[^>]*>אליס </del>', diff)  # only in hers
    assert re.search(r'<ins class="wb-ins"[^>]*> ?בוב</ins>', diff)  # only in the current text
    labels = [alice.button(key=f"al_{k}_{pid}").label for k in ("keep_mine", "take_theirs", "edit_merge")]
    assert labels == ["Keep mine", "Take theirs", "Edit the merge"]
    alice.slider(key="al_thr").set_value(0.6).run()  # any other interaction: the draft stays
    assert alice.text_area(key=f"al_draft_box_{pid}").value == mine


def test_keep_mine_saves_the_draft_over_the_current_revision(db_path: Path) -> None:
    alice, _doc_id, pid, mine, _theirs = conflict(db_path)
    edited = mine + " עוד"
    alice.text_area(key=f"al_draft_box_{pid}").input(edited).run()  # she may still edit her draft
    alice.button(key=f"al_keep_mine_{pid}").click().run()
    ok(alice)
    assert paragraph(db_path, pid)[0] == edited
    assert not [m for m in alice.markdown if 'class="wb-current"' in m.value]  # the panel is gone
    assert alice.button(key="al_undo_btn").label == "Undo edit text"


def test_take_theirs_discards_the_draft_only_when_clicked(db_path: Path) -> None:
    alice, doc_id, pid, _mine, theirs = conflict(db_path)
    alice.button(key=f"al_take_theirs_{pid}").click().run()
    ok(alice)
    assert paragraph(db_path, pid)[0] == theirs and "alice" not in history_users(db_path, doc_id)
    assert not [m for m in alice.markdown if 'class="wb-current"' in m.value]
    assert alice.text_area(key=f"al_text_{pid}").value == theirs  # the editing box shows the current text


def test_edit_the_merge_combines_both_changes_and_saves_against_the_current_revision(db_path: Path) -> None:
    alice, _doc_id, pid, mine, theirs = conflict(db_path)
    alice.button(key=f"al_edit_merge_{pid}").click().run()
    assert not alice.exception
    merged = alice.text_area(key=f"al_draft_box_{pid}").value
    assert merged.startswith("אליס ") and merged.endswith(" בוב") and merged != mine and merged != theirs
    assert paragraph(db_path, pid)[0] == theirs  # nothing saved by merging
    alice.button(key=f"al_keep_mine_{pid}").click().run()
    ok(alice)
    assert paragraph(db_path, pid)[0] == merged


# ------------------------------------------------------------------------------ who is here, who changed what


def test_presence_and_who_changed_each_link(db_path: Path) -> None:
    doc_id = seed(db_path)
    team(db_path, alice="editor", bob="editor")
    alice = page_as("alice")
    assert not [m for m in alice.markdown if "wb-presence" in m.value]  # alone
    bob = page_as("bob")
    (here,) = [m.value for m in bob.markdown if "wb-presence" in m.value]
    assert "Also open now: alice" in here and "bob" not in here
    select_link(bob, db_path, doc_id, 3)
    bob.button(key="al_confirm").click().run()
    ok(bob)
    alice.run()
    ok(alice)
    assert "Also open now: bob" in next(m.value for m in alice.markdown if "wb-presence" in m.value)
    got = rows(alice)
    assert re.search(r'class="wb-changed">changed by bob (just now|\d+ min ago)<', got[3])
    assert "changed by t " in got[0]  # the seed's author on the others


def test_user_names_are_escaped_in_presence_and_rows(db_path: Path) -> None:
    from workbench.app.widgets import link_row_html
    from workbench.model import Link

    html = link_row_html(1, Link([], ["p"], 0.9), {}, "he", "en", band="high", changed=("<b>x</b>", "bad time"))
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


# ------------------------------------------------------------------------------ roles


EDIT_KEYS = ["al_realign", "al_undo_btn", "al_confirm", "al_merge", "al_up", "al_down", "al_detach", "al_split",
             "al_save_text", "al_confirm_page", "al_confirm_filtered", "al_confirm_above", "al_confirm_doc"]  # fmt: skip


def test_a_viewer_sees_every_editing_control_disabled(db_path: Path) -> None:
    doc_id = seed(db_path)
    team(db_path, vera="viewer")
    vera = page_as("vera")
    assert [i.value for i in vera.info] == ["You have the viewer role: read only."]
    assert all(vera.button(key=k).disabled for k in EDIT_KEYS), [k for k in EDIT_KEYS if not vera.button(key=k).disabled]
    assert rows(vera) and preview(vera)  # reading works
    vera.checkbox(key="al_multi").check().run()  # filtering is reading
    ok(vera)
    assert len(rows(vera)) == 1
    assert len(stored(db_path, doc_id)) == 11


def test_a_click_the_role_no_longer_allows_is_refused_and_saves_nothing(db_path: Path) -> None:
    """The page was drawn while alice could edit; she is made a viewer before she clicks (as a forged
    request would): the callback runs, the core refuses, the page says why, nothing is written."""
    doc_id = seed(db_path)
    team(db_path, alice="editor")
    alice = page_as("alice")
    pid = open_text(alice, db_path, doc_id, 0, "target")
    alice.text_area(key=f"al_text_{pid}").input("Changed by a viewer").run()
    before = [(lk.source, lk.target, lk.status) for lk in stored(db_path, doc_id)]
    text_before = paragraph(db_path, pid)
    set_role(db_path, "alice", "viewer")
    for key in ("al_merge", "al_confirm", "al_save_text"):
        assert not alice.button(key=key).disabled
        alice.button(key=key).click().run()
        assert not alice.exception
        (err,) = alice.error
        assert plain(err).startswith("alice (viewer) may not edit texts and alignments"), plain(err)
        assert "nothing was saved" in plain(err)
        set_role(db_path, "alice", "editor")  # drawn again as an editor for the next forged click
        alice.run()
        set_role(db_path, "alice", "viewer")
    assert [(lk.source, lk.target, lk.status) for lk in stored(db_path, doc_id)] == before
    assert paragraph(db_path, pid) == text_before
    assert "alice" not in history_users(db_path, doc_id) and undo_count(db_path, doc_id, "alice") == 0


def test_confirm_whole_document_is_for_reviewers(db_path: Path) -> None:
    doc_id = seed(db_path)
    team(db_path, rita="reviewer", ed="editor")
    ed = page_as("ed")
    assert ed.button(key="al_confirm_doc").disabled  # an editor sees it disabled
    # drawn for ed while a reviewer, clicked after being made an editor: refused by the core
    set_role(db_path, "ed", "reviewer")
    ed.run()
    assert not ed.button(key="al_confirm_doc").disabled
    set_role(db_path, "ed", "editor")
    ed.button(key="al_confirm_doc").click().run()
    (err,) = ed.error
    assert "ed (editor) may not accept exceptions or confirm whole documents" in plain(err)
    assert sum(lk.status == "confirmed" for lk in stored(db_path, doc_id)) == 1

    rita = page_as("rita")
    assert rita.button(key="al_confirm_doc").label == "Confirm whole document (10 unconfirmed)"
    rita.button(key="al_confirm_doc").click().run()
    ok(rita)
    assert all(lk.status == "confirmed" for lk in stored(db_path, doc_id))
    assert plain(rita.success[0]) == "confirmed the whole document (10 links)"
    assert rita.button(key="al_confirm_doc").disabled  # nothing left to confirm
    assert rita.button(key="al_undo_btn").label == "Undo confirm whole document"
