"""Two signed-in editors and a viewer on one document, in real browsers at once (`serve --auth password`):
each sees the other on the page, a stale paragraph save keeps the second editor's draft beside the
current text, each editor's Undo holds only their own operations, and a viewer can change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.e2e.test_auth_browser import T, _serve, _sign_in
from workbench.model import Document, Link, Paragraph, Text

pytestmark = pytest.mark.browser

PW = "a long enough secret"
HE = ["א) בראשית ברא אלהים", "ב) והארץ היתה תהו ובהו", "ג) ויאמר אלהים יהי אור"]
EN = ["1. In the beginning God created", "2. And the earth was without form", "3. And God said, Let there be light"]


@pytest.fixture
def team_server(tmp_path: Path) -> Iterator[tuple[str, Path, int]]:
    need_program("chromium", "chromium-browser")
    from workbench.store import open_store

    db = tmp_path / "team.db"
    store = open_store(db)
    store.accounts.add("ada", "admin", PW)
    for name, role in (("alice", "editor"), ("bob", "editor"), ("vera", "viewer")):
        store.accounts.add(name, role, PW, user="ada")
    doc = Document("Genesis", Text("he", [Paragraph(t) for t in HE]), Text("en", [Paragraph(t) for t in EN]))
    links = [Link([s.id], [t.id], 0.9) for s, t in zip(doc.source.paragraphs, doc.target.paragraphs, strict=True)]
    doc_id = store.create_document(doc, "ada", links=links)
    store.close()
    for url in _serve(db, tmp_path, "--auth", "password"):
        yield url, db, doc_id


def _open_align(browser, url: str, name: str):  # noqa: ANN001, ANN202 - Playwright objects
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(url + "/align", wait_until="domcontentloaded")
    _sign_in(page, name, PW)
    expect(page.get_by_test_id("stSidebar").get_by_text(f"Signed in as {name}")).to_be_visible(timeout=T)
    expect(page.get_by_role("heading", name="Align")).to_be_visible(timeout=T)
    return page


def _edit_text(page, text: str) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.get_by_text("Edit this paragraph's text").click()
    box = page.get_by_label("Text", exact=True)
    expect(box).to_be_visible(timeout=T)
    box.fill(text)
    box.press("Tab")  # Streamlit sends a text area's value when it loses focus


def test_two_editors_and_a_viewer_at_once(team_server: tuple[str, Path, int], browser, artifacts: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    from workbench.store import open_store

    url, db, doc_id = team_server
    alice = _open_align(browser, url, "alice")
    bob = _open_align(browser, url, "bob")
    # bob starts typing on the paragraph alice is about to change: his page was drawn at revision 1
    _edit_text(bob, "א) בראשית ברא אלוהים את השמים")
    _edit_text(alice, "א) בראשית ברא אלקים")
    alice.get_by_role("button", name="Save text").click()
    expect(alice.get_by_text("text saved")).to_be_visible(timeout=T)
    expect(alice.get_by_text("Also open now: bob")).to_be_visible(timeout=T)

    bob.get_by_role("button", name="Save text").click()
    expect(bob.get_by_text("Your text was not saved.")).to_be_visible(timeout=T)
    expect(bob.get_by_text("alice", exact=False).first).to_be_visible()
    # his draft is still in its box, beside alice's text with the words that differ marked, right to left
    expect(bob.get_by_label("Your text (not saved yet)")).to_have_value("א) בראשית ברא אלוהים את השמים")
    diff = bob.locator(".wb-diff[dir='rtl']").first
    expect(diff).to_be_visible()
    expect(bob.locator("del.wb-del, ins.wb-ins").first).to_be_visible()
    for name in ("Keep mine", "Take theirs", "Edit the merge"):
        expect(bob.get_by_role("button", name=name)).to_be_visible()
    bob.screenshot(path=str(artifacts / "e2e_team_conflict.png"), full_page=True)
    store = open_store(db)
    source = store.get_document(doc_id).source.paragraphs[0]
    assert source.text == "א) בראשית ברא אלקים"  # alice's save stands; nothing of bob's was written

    # undo is per editor: alice may take back her edit, bob has nothing to undo
    expect(alice.get_by_role("button", name="Undo edit text")).to_be_enabled(timeout=T)
    expect(bob.get_by_role("button", name="Undo", exact=True)).to_be_disabled()

    # bob keeps his version on purpose: saved over alice's revision, by bob
    bob.get_by_role("button", name="Keep mine").click()
    expect(bob.get_by_text("Your text was not saved.")).to_have_count(0, timeout=T)
    assert store.get_paragraph(source.id).text == "א) בראשית ברא אלוהים את השמים"
    assert store.history(doc_id, 1, "paragraph")[0]["user"] == "bob"
    # alice's undo now meets bob's change on top of hers and is refused, naming him
    alice.reload(wait_until="domcontentloaded")
    expect(alice.get_by_role("button", name="Undo edit text")).to_be_enabled(timeout=T)
    alice.get_by_role("button", name="Undo edit text").click()
    expect(alice.get_by_text("cannot undo").first).to_be_visible(timeout=T)
    expect(alice.get_by_text("bob", exact=False).first).to_be_visible()
    assert store.get_paragraph(source.id).text == "א) בראשית ברא אלוהים את השמים"

    # a viewer reads the same page with every editing control disabled
    vera = _open_align(browser, url, "vera")
    expect(vera.get_by_text("You have the viewer role: read only.")).to_be_visible(timeout=T)
    for name in ("Merge with next", "Confirm ✓", "Detach"):
        expect(vera.get_by_role("button", name=name)).to_be_disabled()
    vera.get_by_text("Edit this paragraph's text").click()
    expect(vera.get_by_label("Text", exact=True)).to_be_disabled()
    expect(vera.get_by_role("button", name="Save text")).to_be_disabled()
    vera.screenshot(path=str(artifacts / "e2e_team_viewer.png"), full_page=True)
    n_history = len(store.history(doc_id, 1000))
    assert n_history == len(open_store(db).history(doc_id, 1000))
