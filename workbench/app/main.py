"""Router: ``streamlit run workbench/app/main.py`` (or ``workbench serve``)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.app.auth import gate
from workbench.app.state import get_store
from workbench.app.widgets import source_side_control

st.set_page_config(page_title="Workbench", page_icon="📖", layout="wide")

PAGES = Path(__file__).parent / "views"  # not "pages/": Streamlit would also auto-register that folder

# Material icons ship with Streamlit's own font, so they render on machines without emoji fonts.
pages = [
    st.Page(PAGES / "library.py", title="Library", icon=":material/library_books:", default=True),  # served at /
]
for name, title, icon in (
    ("align", "Alignment", ":material/compare:"),
    ("desk", "Desk", ":material/edit_note:"),
    ("terms", "Terms", ":material/translate:"),
    ("search", "Search", ":material/search:"),
    ("consistency", "Consistency", ":material/rule:"),
    ("export", "Export", ":material/download:"),
    ("compare", "Compare", ":material/difference:"),
    ("activity", "Activity", ":material/history:"),
):
    pages.append(st.Page(PAGES / f"{name}.py", title=title, icon=icon, url_path=name))

# Sign-in first: without an acting user the run stops here, before any page (or the menu) is shown.
user = gate(get_store(), pages)
source_side_control(get_store(), user)  # the signed-in user's own preference, in the sidebar
st.navigation(pages).run()
