"""Find a Streamlit file uploader's input in a real browser by the label the editor reads.

A page may gain an uploader (the Library page has the import's three and, with a document in the
project, the update panel's), so tests that picked inputs by their position or count broke whenever
a panel was added. The label is what the editor sees; it is also what the test should look for."""

from __future__ import annotations

from typing import Any


def file_input(page: Any, label: str) -> Any:
    """The ``<input type="file">`` of the uploader labelled exactly ``label`` (a Playwright Locator)."""
    from playwright.sync_api import expect

    box = page.locator('[data-testid="stFileUploader"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]').get_by_text(label, exact=True))
    found = box.locator('input[type="file"]')
    expect(found).to_have_count(1, timeout=30_000)
    return found
