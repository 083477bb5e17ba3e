"""Fixtures of the browser tests."""

from __future__ import annotations

import pytest

from tests.conftest import need_program
from tests.e2e.test_browser import CHROMIUM_FLAGS


@pytest.fixture
def browser():  # noqa: ANN201 - a Playwright Browser
    """Debian's Chromium driven by Playwright (no browser download): one per test."""
    chromium = need_program("chromium", "chromium-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield b
        b.close()
