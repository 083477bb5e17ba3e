"""Router: ``streamlit run workbench/app/main.py`` (or ``workbench serve``)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="Workbench", page_icon="📖", layout="wide")

PAGES = Path(__file__).parent / "pages"

pages = [
    st.Page(PAGES / "library.py", title="Library", icon="📚", default=True, url_path="library"),
]
for name, title, icon in (
    ("terms", "Terms", "🔤"),
    ("consistency", "Consistency", "✅"),
    ("export", "Export", "📤"),
):
    pages.append(st.Page(PAGES / f"{name}.py", title=title, icon=icon, url_path=name))

st.navigation(pages).run()
