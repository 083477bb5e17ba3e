"""User text in a real browser: titles, glosses, paragraphs and comments holding Markdown, HTML,
LaTeX and Streamlit directives are shown exactly as stored on the Library, Terms (Occurrences) and
Consistency pages — no bold, no colour, no formula, no icon in place of ``:material/warning:``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.e2e.test_browser import app_server  # noqa: F401 - the fixture
from tests.e2e.uploads import file_input
from workbench.checks import CheckRunner
from workbench.model import Document, Link, Paragraph, Text
from workbench.terms import Term

pytestmark = pytest.mark.browser

STRINGS = ["**bold**", ":red[x]", "$x$", ":material/warning:", "<b>b</b>", "a_b_c", "1. not a list",
           "# not a heading", "[link](http://x)", 'Hebrew בי"ע and מ"ן']  # fmt: skip
ALL = " ".join(STRINGS)


def _seed(db: Path) -> None:
    from workbench.store import open_store

    s = open_store(db)
    src = [Paragraph(f"א) {x} מסך עולה") for x in STRINGS]
    tgt = [Paragraph(f"{x} The Masach rises.") for x in STRINGS]
    doc_id = s.create_document(Document("Seeded", Text("he", src), Text("en", tgt)), "t")
    s.save_links(doc_id, [Link([a.id], [b.id]) for a, b in zip(src, tgt, strict=True)], 0, "t")
    s.terms.add(Term("מסך", "Masach", gloss=ALL), "t")
    CheckRunner(s).run([doc_id], user="t")
    ids = [f.id for f in s.findings.list(doc_id)]
    assert ids, "the seed needs at least one finding"
    s.findings.tag(ids, "fixed", "t")
    s.findings.tag(ids, "open", "t", ALL)  # every open finding now carries the comment
    s.close()


def _visible(page, text: str) -> None:  # noqa: ANN001 - a Playwright Page
    from playwright.sync_api import expect

    expect(page.get_by_text(text, exact=False).first).to_be_visible(timeout=30_000)


def test_user_text_is_shown_exactly(app_server: tuple[str, Path], tmp_path: Path, artifacts: Path) -> None:  # noqa: F811
    url, db = app_server
    chromium = need_program("chromium", "chromium-browser")
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.test_browser import CHROMIUM_FLAGS

    _seed(db)
    he, en = tmp_path / "he.txt", tmp_path / "en.txt"
    he.write_text("א) שלום\n\nב) עולם\n", encoding="utf-8")
    en.write_text("1. Hello\n\n2. World\n", encoding="utf-8")
    title = f"{STRINGS[0]} {STRINGS[3]} {STRINGS[2]}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        # Library: the import's confirmation quotes the title as typed
        page.goto(url, wait_until="domcontentloaded")
        # by their labels: the update panel's uploader is on the same page once a document exists
        file_input(page, "Source (original, e.g. Hebrew)").set_input_files(str(he))
        file_input(page, "Target (translation, e.g. English)").set_input_files(str(en))
        expect(page.get_by_text("en.txt")).to_be_visible(timeout=15_000)
        page.get_by_label("Title (default: from the file name)").fill(title)
        page.get_by_role("button", name="Import").click()
        _visible(page, f"“{title}”")
        expect(page.get_by_text("Files up to 50 MB each", exact=False)).to_be_visible()
        expect(page.get_by_text("50MB per file", exact=False).first).to_be_visible()  # the uploader's own hint agrees
        body = page.inner_text("body")
        assert f"“{title}”" in body and "200MB" not in body
        page.screenshot(path=str(artifacts / "e2e_literal_library.png"), full_page=True)

        # Terms, Occurrences: the gloss in the heading and every paragraph, exactly
        page.goto(url + "/terms", wait_until="domcontentloaded")
        page.get_by_role("tab", name="Occurrences").click()
        _visible(page, "aligned unit(s) with")
        _visible(page, STRINGS[3])
        body = page.inner_text("body")
        missing = [x for x in STRINGS if x not in body]
        assert not missing, missing
        head = page.locator(".wb-occ-head").inner_text()
        assert ALL in head, head
        page.screenshot(path=str(artifacts / "e2e_literal_terms.png"), full_page=True)

        # Consistency: the finding's status line quotes the comment exactly; the paragraphs too
        page.goto(url + "/consistency", wait_until="domcontentloaded")
        _visible(page, "Finding in context")
        _visible(page, f"open by t: {ALL}")
        body = page.inner_text("body")
        missing = [x for x in STRINGS if x not in body]
        assert not missing, missing
        page.screenshot(path=str(artifacts / "e2e_literal_consistency.png"), full_page=True)
        browser.close()
