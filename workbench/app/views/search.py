"""Search: the concordance over every document (and the reference memories), how a Hebrew phrase was
rendered across the corpus (chart and table, one click from the termbase), the report of repeated
passages translated differently, and the reference memories (TMX imports).

Thin page over :mod:`workbench.search`; highlights are built from escaped text only
(:func:`workbench.app.widgets.text_block`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from workbench import search as svc
from workbench.app.state import current_user, get_store
from workbench.app.tm_panel import align_href
from workbench.app.widgets import (
    doc_label,
    html_literal,
    literal,
    run_action,
    source_side,
    text_block,
    why_not,
)

store = get_store()
user = current_user()
st.title("Search")

tab_search, tab_repeats, tab_memory = st.tabs(["Concordance", "Same source, different translation", "Reference memory"])

with tab_search:
    docs = store.list_documents()
    with st.form("sr_form", border=False):
        c0, c1 = st.columns([4, 1], vertical_alignment="bottom")
        query = c0.text_input("Search", key="sr_query", placeholder='אור חוזר · "returning light" · מ"ן · light NEAR/5 screen · correct*',
                              help="Words (all must occur), \"phrases\", a NEAR/5 b, * inside or at the end of a word. "
                                   "Hebrew ignores points, final forms, geresh/gershayim and one-letter prefixes "
                                   "unless Exact; English ignores case and accents.")  # fmt: skip
        c1.form_submit_button("Search", type="primary")
        o1, o2, o3, o4, o5 = st.columns([1.4, 0.8, 0.9, 2.2, 0.9])
        lang = o1.radio("Language", ["both", "he", "en"], horizontal=True, key="sr_lang",
                        format_func={"both": "Both", "he": "Hebrew", "en": "English"}.get)  # fmt: skip
        exact = o2.checkbox("Exact", key="sr_exact", help="words exactly as written (points, final forms, prefixes, case)")
        stem = o3.checkbox("Stemming", key="sr_stem", help="English: light also finds lights, lighting")
        doc_ids = [None, *[d.id for d in docs]]
        labels = {d.id: doc_label(d) for d in docs}
        doc = o4.selectbox("Document", doc_ids, key="sr_doc", format_func=lambda i: "All documents" if i is None else labels[i])
        limit = o5.number_input("Results", 1, 500, 20, key="sr_limit")
    if query.strip() and not store.search.is_built():  # a project from before the index: built once, here
        bar = st.progress(0.0, text="Indexing the corpus for search (once)…")
        store.search.ensure_built(lambda n, total: bar.progress(min(1.0, n / max(1, total)),
                                                                text=f"Indexing the corpus for search (once): {n:,} of {total:,}"))
        bar.empty()
    if query.strip():
        with st.spinner("Searching…"):  # a Hebrew query also counts its English renderings (highlighted in each result)
            found = run_action(lambda: svc.concordance(store, query, lang=lang, exact=exact, stem=stem, doc=doc,
                                                       limit=int(limit)))  # fmt: skip
        if found is not None:
            result, report = found
            more = "" if result.complete else " (more may follow: raise Results)"
            st.caption(literal(f"{len(result.hits)} result(s) in {result.ms:.0f} ms{more}"))
            if report is not None and report.renderings:
                st.subheader("English renderings across the corpus")
                rows = pd.DataFrame([{"rendering": r.rendering, "count": r.count, "share": r.share}
                                     for r in report.renderings])  # fmt: skip
                chart = alt.Chart(rows).mark_bar(color="#4c78a8", size=18).encode(
                    x=alt.X("count:Q", title="aligned units", axis=alt.Axis(tickMinStep=1)),
                    y=alt.Y("rendering:N", sort=alt.EncodingSortField("count", order="descending"), title=None),
                    tooltip=["rendering", "count", alt.Tooltip("share:Q", format=".0%")],
                ).properties(height=min(420, 32 * len(rows) + 60))  # fmt: skip
                st.altair_chart(chart, width="stretch")
                may_terms = store.may(user, "terms")
                if not may_terms:
                    st.caption(literal(why_not(store, user, "terms")))
                he_text = " ".join(t.text for cl in result.query.source for t in cl.terms)
                for n, r in enumerate(report.renderings[:15]):
                    a, b, c = st.columns([4, 1, 2], vertical_alignment="center")
                    a.markdown(f'<span class="wb-rendering">{html_literal(r.rendering)}</span>', unsafe_allow_html=True)
                    b.markdown(f"{r.count} ({r.share:.0%})")
                    if c.button("Add to termbase", key=f"sr_add_{n}", disabled=not may_terms,
                                help=f"propose {r.rendering} for {he_text} (status: proposed)"):  # fmt: skip
                        run_action(lambda r=r: svc.add_to_termbase(store, he_text, r.rendering, user),
                                   success=f"{r.rendering} proposed for {he_text}")  # fmt: skip
                if report.unassigned:
                    st.caption(f"{report.unassigned} unit(s) where no rendering was found")
            if not result.hits:
                st.info("No match.")
            right = source_side(store, user) == "right"
            for h in result.hits:
                doc_info = next((d for d in docs if d.id == h.document), None)
                where = f"#{h.document} {h.title}" if h.document is not None else h.origin
                open_link = (f' · <a class="wb-open" href="{html_literal(align_href(h.document, h.link))}" target="_self">'
                             "Open in Alignment</a>" if h.document is not None else "")  # fmt: skip
                pos = f" · link {h.link_pos + 1}" if h.link_pos is not None else ""
                st.markdown(f'<div class="wb-hit-head" style="font-size:.85em;color:#555;border-top:1px solid #ddd;'
                            f'padding-top:.4em">{html_literal(where)} · {html_literal(h.item or "")}{pos} · {h.unit}'
                            f"{open_link}</div>", unsafe_allow_html=True)  # fmt: skip
                src_html = text_block(h.source, doc_info.source_lang if doc_info else "he", highlight=h.source_spans)
                tgt_html = text_block(h.target, doc_info.target_lang if doc_info else "en", highlight=h.target_spans)
                left_col, right_col = st.columns(2)
                left_col.markdown(tgt_html if right else src_html, unsafe_allow_html=True)
                right_col.markdown(src_html if right else tgt_html, unsafe_allow_html=True)

with tab_repeats:
    st.caption("Hebrew passages of N words or more (after normalisation) found in two links or more whose English "
               "renderings differ, with a word-level diff against the first rendering.")
    r1, r2 = st.columns([1, 4], vertical_alignment="bottom")
    min_words = r1.number_input("Shortest passage (words)", 3, 200, 8, key="sr_min_words")
    if r2.button("Find repeats", key="sr_repeats"):
        with st.spinner("Comparing every passage of the corpus…"):
            st.session_state["sr_groups"] = run_action(lambda: svc.repeats(store, int(min_words)))
    groups = st.session_state.get("sr_groups")
    if groups is not None:
        st.caption(f"{len(groups)} group(s)")
        if groups:
            with tempfile.TemporaryDirectory() as tmp:
                for ext, mime in (("csv", "text/csv"),
                                  ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
                    path = Path(tmp) / f"repeats.{ext}"
                    svc.write_repeats(groups, path)
                    st.download_button(f"Download {ext.upper()}", path.read_bytes(), f"repeats.{ext}", mime,
                                       key=f"sr_dl_{ext}")  # fmt: skip
        for n, g in enumerate(groups[:100], 1):
            with st.expander(f"{n}. {g.words} words, {len(g.occurrences)} occurrences, {g.renderings} renderings"):
                st.markdown(text_block(g.passage, "he"), unsafe_allow_html=True)
                first = g.occurrences[0]
                st.markdown(f"<b>#{first.document} {html_literal(first.item or '')}</b>"
                            + text_block(first.english, "en"), unsafe_allow_html=True)  # fmt: skip
                for o, diff in zip(g.occurrences[1:], g.diffs, strict=True):
                    body = "".join(
                        html_literal(t) if op == "same" else
                        (f'<del style="background:#fde7e9">{html_literal(t)}</del>' if op == "del"
                         else f'<ins style="background:#e6f4ea">{html_literal(t)}</ins>')
                        for op, t in diff)  # fmt: skip
                    st.markdown(f"<b>#{o.document} {html_literal(o.item or '')}</b><div>{body}</div>",
                                unsafe_allow_html=True)

with tab_memory:
    mems = store.search.memories()
    if mems:
        st.dataframe(pd.DataFrame([{"label": m.label, "units": m.units, "languages": f"{m.source_lang}→{m.target_lang}",
                                    "file": m.filename, "imported": m.imported[:10], "by": m.imported_by}
                                   for m in mems]), hide_index=True)  # fmt: skip
    else:
        st.caption("No reference memory yet: a TMX 1.4 file from OmegaT, Trados or memoQ becomes searchable here, "
                   "read-only, labelled by its file.")
    may_import = store.may(user, "import")
    if not may_import:
        st.caption(literal(why_not(store, user, "import")))
    up = st.file_uploader("Import a TMX file", type=["tmx", "xml"], key="sr_tmx", disabled=not may_import)
    label = st.text_input("Label", key="sr_tmx_label", disabled=not may_import, placeholder="the file name")
    if up is not None and st.button("Import", key="sr_tmx_go", disabled=not may_import):
        from workbench.io.tmx import read_tmx

        def _import() -> object:
            mem = read_tmx(data=up.getvalue(), path=up.name)
            return store.search.import_memory(label or up.name, up.name, mem.source_lang, mem.target_lang, mem.units, user)

        f = run_action(_import)
        if f is not None:
            st.success(literal(f"{f.units} unit(s) imported as {f.label}"))
    if mems:
        gone = st.selectbox("Remove a reference memory", [m.label for m in mems], key="sr_tmx_rm", index=None)
        if gone and st.button("Remove", key="sr_tmx_rm_go", disabled=not may_import):
            run_action(lambda: store.search.remove_memory(gone, user), success=f"removed {gone}")
