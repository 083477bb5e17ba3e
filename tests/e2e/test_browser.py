"""The main flow once in a real browser: start the app, upload the demo pair, see it listed, align it,
review and confirm links, export a DOCX edition and download it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, need_program
from tests.e2e.uploads import file_input

pytestmark = pytest.mark.browser

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def app_server(tmp_path: Path):
    need_program("chromium", "chromium-browser")  # skip (or fail under CI) before starting a server
    port = _free_port()
    env = {**os.environ, "WORKBENCH_DB": str(tmp_path / "e2e.db"), "WORKBENCH_EXPORTS": str(tmp_path / "exports"),
           "WORKBENCH_EMBED": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the app did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url, tmp_path / "e2e.db"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_upload_demo_pair_and_see_it_listed(app_server: tuple[str, Path], artifacts: Path) -> None:
    url, db = app_server
    chromium = need_program("chromium", "chromium-browser")
    from playwright.sync_api import expect, sync_playwright

    he = REPO / "corpus" / "intro_zohar" / "he.json"
    en = REPO / "corpus" / "intro_zohar" / "en.json"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url, wait_until="domcontentloaded")
        expect(page.get_by_text("No documents yet.")).to_be_visible(timeout=30_000)
        file_input(page, "Source (original, e.g. Hebrew)").set_input_files(str(he))
        file_input(page, "Target (translation, e.g. English)").set_input_files(str(en))
        expect(page.get_by_text("he.json")).to_be_visible(timeout=15_000)
        expect(page.get_by_text("en.json")).to_be_visible(timeout=15_000)
        page.get_by_label("Title (default: from the file name)").fill("Zohar intro (browser)")
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_text("Imported #1")).to_be_visible(timeout=30_000)
        # the listing shows the new document with its languages
        grid = page.locator('[data-testid="stDataFrame"]')
        expect(grid).to_be_visible(timeout=15_000)
        page.screenshot(path=str(artifacts / "e2e_library.png"), full_page=True)

        # Align it on the Alignment page: progress, then two-column rows with the Hebrew right to left.
        page.get_by_role("link", name="Alignment").click()
        page.get_by_role("button", name="Align", exact=True).click()
        expect(page.get_by_text("links", exact=False).first).to_be_visible(timeout=60_000)
        rtl = page.locator('[dir="rtl"]')
        expect(rtl.first).to_be_visible(timeout=30_000)
        assert "א" <= rtl.first.inner_text().strip()[0] <= "ת"
        expect(page.get_by_role("button", name="Re-align unconfirmed")).to_be_visible(timeout=30_000)
        confirm_page = page.get_by_role("button", name="Confirm this page")
        confirm_page.click()
        expect(page.get_by_role("button", name="Confirm this page (0)")).to_be_visible(timeout=30_000)
        # A click on a point of the score chart opens that link (its page, selected in the action bar).
        point = page.locator('[data-testid="stVegaLiteChart"] [aria-roledescription="circle"][aria-label^="link: 60;"]')
        expect(point).to_have_count(1, timeout=30_000)
        point.click(force=True)  # force: the chart's own overlay would take the pointer first
        expect(page.get_by_text("Links 51–75", exact=False)).to_be_visible(timeout=30_000)
        expect(page.locator('.wb-preview [data-link="60"]')).to_be_visible(timeout=30_000)
        page.screenshot(path=str(artifacts / "e2e_align.png"), full_page=False)

        # Export a DOCX edition and download it.
        page.get_by_role("link", name="Export").click()
        page.get_by_role("button", name="Export", exact=True).click()
        download_btn = page.get_by_role("button", name="Download")
        expect(download_btn).to_be_visible(timeout=120_000)
        with page.expect_download(timeout=30_000) as dl:
            download_btn.click()
        saved = artifacts / "e2e_edition.docx"
        dl.value.save_as(str(saved))
        page.screenshot(path=str(artifacts / "e2e_export.png"), full_page=False)

        # A page opened by its URL still goes through the router (no auto-registered script pages).
        page.goto(url + "/consistency", wait_until="domcontentloaded")
        expect(page.get_by_role("heading", name="Consistency")).to_be_visible(timeout=30_000)
        nav = page.get_by_role("navigation")
        expect(nav.get_by_role("link", name="Alignment")).to_be_visible(timeout=15_000)
        expect(nav.get_by_role("link", name="main")).to_have_count(0)
        browser.close()
    from workbench.store import open_store

    (doc,) = open_store(db).list_documents()
    assert doc.title == "Zohar intro (browser)"
    assert (doc.source_lang, doc.target_lang) == ("he", "en")
    assert (doc.source_paragraphs, doc.target_paragraphs) == (169, 168)
    store = open_store(db)
    links = store.get_links(doc.id)
    assert len(links) >= 150 and sum(lk.status == "confirmed" for lk in links) >= 10
    import docx

    edition = docx.Document(str(saved))
    body = "\n".join(c.text for t in edition.tables for r in t.rows for c in r.cells)
    assert "Zohar" in body and "זוהר" in body.replace("\u05b9", "")
