"""The translation-memory panel of the Alignment editor: for the selected link, the most similar
source passages elsewhere in the corpus (and the reference memories), each with its English, the
fuzzy percentage, and exact repeats of quotations flagged. Thin: :func:`workbench.search.suggestions`
does the work; everything shown is escaped user text."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.app.widgets import html_literal, source_side, text_block
from workbench.errors import WorkbenchError


def align_href(doc_id: int, link_id: str | None) -> str:
    """The Alignment page opened on one link of a document (the page selects it and shows its page)."""
    from urllib.parse import urlencode

    return "/align?" + urlencode({"doc": int(doc_id), **({"link": link_id} if link_id else {})})


def _band(percent: int) -> str:
    return "#1e7b34" if percent >= 95 else "#8a6d00" if percent >= 75 else "#666"


def show(store: Any, user: str, doc_id: int, link_id: str, source_lang: str | None = "he",
         target_lang: str | None = "en") -> None:
    """Draw the panel for one link (collapsed by default; the lookup is the index's, well under a second),
    the source on the side the editor chose for it. The lookup runs only while the panel is open: a
    collapsed panel costs the page's every rerun nothing (50-80 ms on a corpus of a million words)."""
    panel = st.expander("Translation memory: how was this passage translated elsewhere?", expanded=False,
                        key="al_tm_open", on_change="rerun")  # fmt: skip
    with panel:
        if panel.open is False:
            return
        from workbench import search

        try:
            if not store.search.is_built():
                with st.spinner("Indexing the corpus for the memory (once)…"):
                    store.search.ensure_built()
            found = search.suggestions(store, doc_id, link_id)
        except WorkbenchError as exc:
            st.error(str(exc))
            return
        if not found:
            st.caption("No similar passage elsewhere in the corpus.")
            return
        right = source_side(store, user) == "right"
        for s in found:
            where = (f"#{s.document} {s.title} · {s.item or ''}" if s.document is not None else s.origin)
            flag = (f' · <b style="color:#a50e0e">exact repeat of {s.repeat_words} words</b>' if s.repeat else "")
            link = (f' · <a class="wb-tm-open" href="{html_literal(align_href(s.document, s.link))}" target="_self">open</a>'
                    if s.document is not None else "")  # fmt: skip
            st.markdown(
                f'<div class="wb-tm" style="border-top:1px solid #ddd;padding-top:.3em">'
                f'<span class="wb-tm-percent" style="font-weight:600;color:{_band(s.percent)}">{s.percent}%</span>'
                f" · {html_literal(where)}{flag}{link}</div>",
                unsafe_allow_html=True,
            )
            c1, c2 = st.columns(2)
            src_html, tgt_html = text_block(s.source, source_lang), text_block(s.target, target_lang)
            c1.markdown(tgt_html if right else src_html, unsafe_allow_html=True)
            c2.markdown(src_html if right else tgt_html, unsafe_allow_html=True)
            if s.repeat:
                st.markdown(f'<div style="font-size:.85em;color:#555">Shared passage: '
                            f'<span dir="rtl">{html_literal(s.repeat_text)}</span></div>',
                            unsafe_allow_html=True)  # fmt: skip
