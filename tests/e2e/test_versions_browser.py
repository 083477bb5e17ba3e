"""The update flow in a real browser: upload a revised translation on the Library page, read the
change summary, apply it, and see the change word by word on the Compare page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.e2e.test_browser import CHROMIUM_FLAGS, app_server  # noqa: F401 - the server fixture
from tests.e2e.uploads import file_input
from tests.versions.helpers import EN, make_doc

pytestmark = pytest.mark.browser


def test_update_and_compare_in_the_browser(app_server, tmp_path: Path, artifacts: Path) -> None:  # noqa: ANN001, F811
    url, db = app_server
    chromium = need_program("chromium", "chromium-browser")
    from playwright.sync_api import expect, sync_playwright

    from workbench.store import open_store

    store = open_store(db)
    doc_id, _ = make_doc(store)
    revised = tmp_path / "revised.txt"
    revised.write_text("\n\n".join([EN[0], EN[1].replace("delight", "benefit"), *EN[2:]]), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_text("Update a side from a new version")).to_be_visible(timeout=30_000)
        file_input(page, "New version of that side").set_input_files(str(revised))
        expect(page.get_by_text("revised.txt")).to_be_visible(timeout=15_000)
        page.get_by_role("button", name="Compare with the current text").click()
        expect(page.get_by_role("button", name="Apply the update")).to_be_visible(timeout=30_000)
        expect(page.locator("ins.wb-ins").first).to_have_text("benefit ", timeout=15_000)
        assert store.versions.list(doc_id) == []  # shown, not yet applied
        page.get_by_role("button", name="Apply the update").click()
        expect(page.get_by_text("to version 2")).to_be_visible(timeout=30_000)
        page.goto(url + "/compare", wait_until="domcontentloaded")
        expect(page.get_by_text("Compare versions")).to_be_visible(timeout=30_000)
        expect(page.locator("del.wb-del").first).to_have_text("delight ", timeout=30_000)
        expect(page.locator("ins.wb-ins").first).to_have_text("benefit ", timeout=15_000)
        page.screenshot(path=str(artifacts / "e2e_compare.png"), full_page=True)
        browser.close()
    assert "benefit" in store.get_document(doc_id).target.paragraphs[1].text
    assert [v["version"] for v in store.versions.list(doc_id, "target")] == [1, 2]
