"""The Consistency page in a real browser, reached the way the desk reaches it: a finding's "open
decision" link (``consistency?doc=<id>&group=<id>``) opens the page on that decision, expanded first
and chosen for tagging and the batch fix, though more severe decisions exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.desk_seed import seed_desk
from tests.conftest import need_program
from tests.e2e.test_auth_browser import T, _serve
from workbench.checks import CheckRunner
from workbench.store import open_store

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_server(tmp_path: Path) -> Iterator[str]:
    need_program("chromium", "chromium-browser")
    db = tmp_path / "desk.db"
    doc_id = seed_desk(db, checks=False)
    s = open_store(db)
    third = s.get_document(doc_id).target.paragraphs[2]
    s.update_paragraph(
        third.id, third.text.replace("Masach and", "Masach and the the"), None, third.rev, "seed"
    )
    CheckRunner(s).run([doc_id], user="seed")  # a forbidden variant (an error), a repeated word
    s.close()
    yield from _serve(db, tmp_path)


def test_open_decision_link_from_the_desk(desk_server: str, browser, artifacts: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(desk_server + "/desk", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Desk")).to_be_visible(timeout=T)
    links = page.locator(".wb-decision a[data-group]")
    expect(links.first).to_be_visible(timeout=T)
    # the page draws its findings one by one: read the links once both kinds looked for are drawn
    # (read at the first link, a machine under load once saw only the first decisions)
    for kind in ("term-variant", "typography"):
        expect(page.locator(f'.wb-decision a[data-group^="{kind}"]').first).to_be_visible(timeout=T)
    groups = [links.nth(i).get_attribute("data-group") or "" for i in range(links.count())]
    # not the most severe decision (the forbidden Tsimtsum, an error, comes first without the link)
    assert any(g.startswith("term-variant") for g in groups), groups
    target = next(g for g in groups if g.startswith("typography"))
    page.locator(f'.wb-decision a[data-group="{target}"]').click()
    expect(page.get_by_role("heading", name="Consistency")).to_be_visible(timeout=T)
    assert f"group={target}" in page.url
    first = page.locator('[data-testid="stExpander"]').first
    expect(first).to_contain_text("typography", timeout=T)
    assert first.locator("details").get_attribute("open") is not None  # expanded
    # the decision chosen for tagging and fixing is the linked one
    chosen = page.locator(".st-key-cons_group")
    expect(chosen.get_by_role("combobox")).to_have_value(re.compile("^typography"))
    page.screenshot(path=str(artifacts / "e2e_consistency_group_link.png"), full_page=True)
