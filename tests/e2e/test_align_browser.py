"""The Alignment page in a real browser on a laptop screen (1280 x 800): the first link row is in
sight when the page opens, the "Selected link" box describes the link as it is after an Undo, and
the result of the last action stays on the page through a filter change until the editor leaves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.e2e.test_auth_browser import T, _serve
from workbench.model import Document, Link, Text

pytestmark = pytest.mark.browser

HE = ["א) בראשית ברא אלהים את השמים ואת הארץ.", "ב) והארץ היתה תהו ובהו וחשך על פני תהום.",
      "ג) ויאמר אלהים יהי אור ויהי אור.", "ד) וירא אלהים את האור כי טוב.", "ה) ויקרא אלהים לאור יום."]
EN = ["1. In the beginning God created the heaven and the earth.", "2. And the earth was without form, and void.",
      "3. And God said, Let there be light: and there was light.", "4. And God saw the light, that it was good.",
      "5. And God called the light Day."]  # fmt: skip


@pytest.fixture
def aligned_server(tmp_path: Path) -> Iterator[str]:
    need_program("chromium", "chromium-browser")
    from workbench.store import open_store

    db = tmp_path / "align.db"
    store = open_store(db)
    from workbench.io.paragraphs import make_paragraph

    doc = Document("Genesis", Text("he", [make_paragraph(t) for t in HE]), Text("en", [make_paragraph(t) for t in EN]))
    links = [Link([s.id], [t.id], 0.9) for s, t in zip(doc.source.paragraphs, doc.target.paragraphs, strict=True)]
    store.create_document(doc, "t", links=links)
    store.close()
    yield from _serve(db, tmp_path)


def test_first_link_in_sight_on_a_laptop_screen_and_the_box_follows_undo(aligned_server: str, browser,  # noqa: ANN001
                                                                         artifacts: Path) -> None:  # fmt: skip
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(aligned_server + "/align", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Align")).to_be_visible(timeout=T)
    first = page.locator(".wb-link").first
    expect(first).to_be_visible(timeout=T)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=T)
    page.wait_for_timeout(1000)  # let the layout settle (chart and fonts)
    page.screenshot(path=str(artifacts / "e2e_align_1280x800.png"))
    box = first.bounding_box()
    assert box is not None and first.get_attribute("data-link") == "1"
    assert 0 <= box["y"] and box["y"] + box["height"] <= 800, f"the first link row is not in sight: {box}"
    assert page.evaluate("window.scrollY") == 0

    # the box describes the link as it is now: after a merge, and after the merge is undone
    combo = page.get_by_role("combobox", name="Selected link")
    expect(combo).to_have_value("#1 · 1-1 · 0.90 · auto", timeout=T)
    page.get_by_role("button", name="Merge with next").click()
    expect(combo).to_have_value("#1 · 2-2 · 0.90 · confirmed", timeout=T)
    page.get_by_role("button", name="Undo merge links").click()
    expect(page.get_by_text("undone: merge links")).to_be_visible(timeout=T)
    expect(combo).to_have_value("#1 · 1-1 · 0.90 · auto", timeout=T)
    expect(page.locator('.wb-preview [data-link="1"]')).to_contain_text("1-1", timeout=T)

    # the result stays through a filter change; another page of the app drops it
    page.get_by_text("Only unconfirmed").click()
    expect(page.get_by_role("checkbox", name="Only unconfirmed")).to_be_checked(timeout=T)
    page.wait_for_timeout(1500)
    expect(page.get_by_text("undone: merge links")).to_be_visible()
    page.get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", name="Library")).to_be_visible(timeout=T)
    page.get_by_role("link", name="Alignment").click()
    expect(page.get_by_role("heading", name="Align")).to_be_visible(timeout=T)
    expect(page.locator(".wb-link").first).to_be_visible(timeout=T)
    page.wait_for_timeout(1000)
    expect(page.get_by_text("undone: merge links")).to_have_count(0)
    page.close()
