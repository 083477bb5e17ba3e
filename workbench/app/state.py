"""Process-wide resources for the Streamlit pages."""

from __future__ import annotations

import streamlit as st

from workbench.commands.common import local_user
from workbench.store import Store, default_db_path, open_store


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return open_store(path)


def get_store() -> Store:
    """The store for ``WORKBENCH_DB``: one per process and database, shared by the sessions, which is
    safe because it checks a connection out of its pool for each unit of work and never shares one."""
    return _store(str(default_db_path()))


def current_user() -> str:
    """The acting account: what the sign-in gate (:mod:`workbench.app.auth`) put in
    ``st.session_state["user"]``; without a gate (a page run on its own) the local user, as on the
    command line."""
    return st.session_state.get("user") or local_user()
