"""Small shared Streamlit helpers: document picker, escaped bilingual text, error display."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import streamlit as st

from workbench.errors import WorkbenchError
from workbench.model import DocumentSummary

RTL_LANGS = {"he", "arc", "yi", "ar", "fa", "ur"}
HEBREW_FONT = "'SBL Hebrew', 'Ezra SIL', 'Frank Ruehl CLM', 'David', 'Noto Serif Hebrew', 'Times New Roman', serif"


def is_rtl(lang: str | None) -> bool:
    return (lang or "").split("-")[0] in RTL_LANGS


def text_block(text: str, lang: str | None, *, highlight: list[tuple[int, int]] | None = None) -> str:
    """HTML for one paragraph: user text escaped, direction and font from the language."""
    spans = sorted(highlight or [])
    out, last = [], 0
    for a, b in spans:
        if a < last:
            continue
        out.append(html.escape(text[last:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        last = b
    out.append(html.escape(text[last:]))
    body = "".join(out)
    if is_rtl(lang):
        return (
            f'<div dir="rtl" lang="{html.escape(lang or "he")}" style="text-align:right;'
            f'font-family:{HEBREW_FONT};font-size:1.1em;line-height:1.6">{body}</div>'
        )
    return f'<div dir="ltr" lang="{html.escape(lang or "en")}" style="line-height:1.5">{body}</div>'


def doc_label(d: DocumentSummary) -> str:
    return f"#{d.id} {d.title} ({d.source_lang or '–'} → {d.target_lang or '–'})"


def pick_document(docs: list[DocumentSummary], key: str = "doc") -> DocumentSummary | None:
    """A selectbox over documents that remembers the choice across pages (``?doc=`` too)."""
    if not docs:
        st.info("No documents yet. Import one on the **Library** page.")
        return None
    ids = [d.id for d in docs]
    wanted = st.session_state.get("current_doc")
    qp = st.query_params.get("doc")
    if qp and qp.isdigit() and int(qp) in ids:
        wanted = int(qp)
    index = ids.index(wanted) if wanted in ids else 0
    chosen = st.selectbox("Document", docs, index=index, format_func=doc_label, key=key)
    st.session_state["current_doc"] = chosen.id
    return chosen


def run_action(fn: Callable[[], Any], success: str | None = None) -> Any:
    """Call ``fn``; show user errors as ``st.error`` (nothing was saved) instead of a traceback."""
    try:
        result = fn()
    except WorkbenchError as exc:
        st.error(str(exc))
        return None
    if success:
        st.toast(success)
    return result
