"""Process-wide resources for the Streamlit pages."""

from __future__ import annotations

import os

import streamlit as st

from workbench.store import Store, default_db_path, open_store


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return open_store(path)


def get_store() -> Store:
    """The store for ``WORKBENCH_DB`` (one shared connection per database path)."""
    return _store(str(default_db_path()))


def current_user() -> str:
    return st.session_state.get("user") or os.environ.get("WORKBENCH_USER") or "editor"
