"""The Search page and the Alignment editor's translation-memory panel in real headless Chromium:
a Hebrew query finds the prefixed and pointed forms, highlighted right to left with their English,
the renderings chart is drawn, a result opens its document in the Alignment page on its link, and the
panel under the selected link shows the repeated passage of the other document with its percentage
and opens it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.e2e.test_auth_browser import T, _serve
from workbench.model import Document, Link, Paragraph, Text

pytestmark = pytest.mark.browser

QUOTE = "ואמרו חז\"ל כי התענוג הגדול והרצון לקבל הגדול עולים בקנה אחד ממש"
DOC1 = ([QUOTE + ".", "וּבָאוֹר הַחוֹזֵר הזה נתקנו כל העולמות."],
        ["Our sages said that the great pleasure and the great desire to receive rise together.",
         "By this Returning Light all the worlds were corrected."])
DOC2 = (["וזהו אור חוזר מלמטה למעלה.", "וכבר " + QUOTE + "."],
        ["This is Returning Light from below upward.",
         "And it is known that the great delight and the great will to receive come up as one."])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    need_program("chromium", "chromium-browser")
    from workbench.store import open_store

    db = tmp_path / "search.db"
    store = open_store(db)
    for title, (he, en) in (("First", DOC1), ("Second", DOC2)):
        src, tgt = [Paragraph(t) for t in he], [Paragraph(t) for t in en]
        store.create_document(Document(title, Text("he", src), Text("en", tgt)), "t",
                              links=[Link([a.id], [b.id], 0.9) for a, b in zip(src, tgt, strict=True)])
    store.close()
    yield from _serve(db, tmp_path)


def test_search_page_highlights_both_sides_and_opens_the_document(server: str, browser, artifacts: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/search", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Search")).to_be_visible(timeout=T)
    box = page.get_by_role("textbox", name="Search", exact=True)
    box.fill("אור חוזר")
    box.press("Enter")
    marks = page.locator('div[dir="rtl"] mark')
    expect(marks.first).to_be_visible(timeout=T)
    assert sorted(marks.all_inner_texts()) == sorted(["וּבָאוֹר", "הַחוֹזֵר", "אור", "חוזר"])
    expect(page.locator('div[dir="ltr"] mark').first).to_have_text("Returning Light", timeout=T)
    expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible(timeout=T)
    expect(page.get_by_text("2 result(s)", exact=False)).to_be_visible(timeout=T)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "e2e_search.png"), full_page=True)
    # the pointed, prefixed form is the second link of "First": the Alignment page opens with it selected
    page.locator(".wb-hit-head", has_text="#1 First").locator("a.wb-open").click()
    expect(page.get_by_role("heading", name="Align")).to_be_visible(timeout=T)
    expect(page.locator(".wb-preview")).to_contain_text("וּבָאוֹר הַחוֹזֵר", timeout=T)


def test_memory_panel_shows_the_repeat_in_the_other_document(server: str, browser, artifacts: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/align?doc=1", wait_until="domcontentloaded")
    expect(page.locator(".wb-link").first).to_be_visible(timeout=T)
    page.get_by_text("Translation memory: how was this passage translated elsewhere?").click()
    percent = page.locator(".wb-tm-percent").first
    expect(percent).to_be_visible(timeout=T)
    assert int(percent.inner_text().rstrip("%")) >= 80
    tm = page.locator(".wb-tm").first
    expect(tm).to_contain_text("exact repeat of", timeout=T)
    expect(tm).to_contain_text("Second")
    expect(page.get_by_text("And it is known that the great delight")).to_be_visible(timeout=T)
    page.screenshot(path=str(artifacts / "e2e_tm_panel.png"), full_page=True)
    tm.locator("a.wb-tm-open").click()  # to the other rendering, selected in its own document
    expect(page.locator(".wb-preview")).to_contain_text("וכבר", timeout=T)
    expect(page.locator(".wb-preview")).to_contain_text("And it is known that the great delight")
