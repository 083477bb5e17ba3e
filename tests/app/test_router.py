"""The router: every page is registered and runs from it (AppTest through main.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from workbench.model import Document, Paragraph, Text
from workbench.store import open_store

APP = Path(__file__).resolve().parents[2] / "workbench" / "app"


@pytest.mark.parametrize(("page", "title"), [
    ("library", "Library"), ("align", "Align"), ("terms", "Terms"), ("consistency", "Consistency"), ("export", "Export"),
    ("activity", "Activity"),
])  # fmt: skip
def test_each_page_runs_through_the_router(db_path: Path, page: str, title: str) -> None:
    st.cache_resource.clear()
    open_store(db_path).create_document(
        Document("Pair", Text("he", [Paragraph("א) מסך")]), Text("en", [Paragraph("1. Masach")]))
    )
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.run()
    assert not app.exception
    assert app.title[0].value == "Library"  # the default page
    app.switch_page(str(APP / "views" / f"{page}.py")).run()
    assert not app.exception, app.exception
    assert app.title[0].value == title


def test_no_auto_registered_pages_folder() -> None:
    # Streamlit registers a `pages/` folder beside the main script as extra pages that bypass
    # st.navigation (and its page config); the views must not live there.
    assert not (APP / "pages").exists()


def test_sidebar_sets_the_users_own_source_side(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_resource.clear()
    monkeypatch.setenv("WORKBENCH_USER", "alice")
    app = AppTest.from_file(str(APP / "main.py"), default_timeout=60)
    app.run()
    (radio,) = [r for r in app.sidebar.radio if r.label.startswith("Source (Hebrew) text on the")]
    assert radio.value == "right"
    radio.set_value("left").run()
    assert not app.exception
    s = open_store(db_path)
    assert s.get_setting("alice", "source_side") == "left" and s.get_setting("bob", "source_side") is None
    s.close()
