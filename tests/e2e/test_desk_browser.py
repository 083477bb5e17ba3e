"""The Desk in a real browser, the whole flow: open it, edit a translation in place and save, see a
term highlighted with its Hebrew (and its counterpart outlined on the other side), apply a finding's
fix, mark a link reviewed, comment, reload and find it all kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.desk_seed import seed_desk
from tests.conftest import need_program
from tests.e2e.test_auth_browser import T, _serve

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_server(tmp_path: Path) -> Iterator[str]:
    need_program("chromium", "chromium-browser")
    db = tmp_path / "desk.db"
    seed_desk(db)
    yield from _serve(db, tmp_path)


def test_the_whole_desk_flow(desk_server: str, browser, artifacts: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(desk_server + "/desk", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Desk")).to_be_visible(timeout=T)
    row = {n: page.locator(f'.wb-row[data-link="{n}"]') for n in (1, 2, 3)}
    expect(row[1]).to_be_visible(timeout=T)
    ids = {n: row[n].get_attribute("data-link-id") for n in (1, 2, 3)}

    def tool(n: int, label: str):  # noqa: ANN202 - a Playwright Locator
        return page.locator(f".st-key-dk_row_{ids[n]}").get_by_role("button", name=label)

    # a term hit with its Hebrew in the tooltip; hovering it outlines its counterpart in the source
    hit = row[1].locator('.wb-target .wb-term[data-kind="forbidden"]')
    expect(hit).to_have_text("Tsimtsum")
    tip = hit.get_attribute("title") or ""
    assert "צמצום" in tip and "Tzimtzum" in tip and "restriction" in tip, tip
    term = hit.get_attribute("data-term")
    counterpart = row[1].locator(f'.wb-source .wb-term[data-term="{term}"]')
    expect(counterpart).to_have_text("צמצום")
    assert counterpart.evaluate("e => getComputedStyle(e).outlineStyle") == "none"
    hit.hover()
    page.wait_for_timeout(200)
    assert counterpart.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    # the Hebrew side is right to left, on the right
    src_box, tgt_box = row[1].locator(".wb-source").bounding_box(), row[1].locator(".wb-target").bounding_box()
    assert src_box and tgt_box and src_box["x"] > tgt_box["x"]
    assert row[1].locator(".wb-source .wb-para").get_attribute("dir") == "rtl"
    page.screenshot(path=str(artifacts / "e2e_desk.png"), full_page=True)

    # edit in place and save: a click on the translation opens it (a click on a term hit does not),
    # and the source stays in sight while typing
    hit.click()
    page.wait_for_timeout(500)
    expect(page.get_by_label("Translation of link 1")).to_have_count(0)
    para = row[2].locator(".wb-target .wb-para")
    size = para.bounding_box()
    assert size
    para.click(position={"x": size["width"] - 3, "y": size["height"] - 3})  # past the end of the text
    box = page.get_by_label("Translation of link 2")
    expect(box).to_be_visible(timeout=T)
    expect(page.locator(".wb-editing .wb-source")).to_contain_text("עומד בפה")
    box.fill("And the Masach stands at the Peh de Rosh and holds back the Upper Light.")
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    page.locator(f".st-key-dk_row_{ids[2]}").get_by_role("button", name="Save", exact=True).click()
    expect(row[2]).to_contain_text("holds back the Upper Light", timeout=T)
    expect(row[2]).to_have_attribute("data-review", "edited")

    # apply the finding's suggested fix
    expect(row[1].locator(".wb-finding[data-finding]")).to_contain_text("forbids")
    page.get_by_role("button", name="Fix: Tsimtsum → Tzimtzum").click()
    expect(row[1]).to_contain_text("The first Tzimtzum was", timeout=T)
    expect(row[1].locator("[data-finding]")).to_have_count(0, timeout=T)

    # mark it reviewed
    tool(1, "✓ Reviewed").click()
    expect(row[1]).to_have_attribute("data-review", "reviewed", timeout=T)
    expect(page.get_by_text("1 of 4 links reviewed")).to_be_visible(timeout=T)

    # comment on link 3, quoting its words
    tool(3, "Comment").click()
    page.get_by_label("Comment on link 3").fill("Is “clothes” the <b>right</b> verb?")
    page.get_by_label("Quote (optional: words of this link the comment is about)").fill("clothes the Light")
    page.get_by_role("button", name="Post comment").click()
    expect(row[3].locator(".wb-comment")).to_contain_text("Is “clothes” the <b>right</b> verb?", timeout=T)

    # reload: everything was kept
    page.reload(wait_until="domcontentloaded")
    expect(row[1]).to_be_visible(timeout=T)
    expect(row[1]).to_have_attribute("data-review", "reviewed")
    expect(row[1]).to_contain_text("The first Tzimtzum was")
    expect(row[2]).to_contain_text("holds back the Upper Light")
    expect(row[3].locator(".wb-comment")).to_contain_text("<b>right</b>")
    expect(row[3].locator(".wb-quote")).to_contain_text("clothes the Light")
    page.screenshot(path=str(artifacts / "e2e_desk_after.png"), full_page=True)
