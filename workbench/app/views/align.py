"""Align: run the aligner, see where the trouble is, and fix links one by one or in bulk.

Thin page over :mod:`workbench.align.edits`: every operation goes through ``AlignmentEditor`` with
the revision the page was showing, so a change made meanwhile by someone else is refused and shown.
Only one page of links is rendered per run (a window of N rows), and operations act on one selected
link through a single action bar, which keeps each interaction cheap on long documents.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from workbench.align.edits import (
    AlignmentEditor,
    LinkFilter,
    StoredUndoStack,
    confidence_band,
    filter_indices,
    needs_review,
    next_to_review,
    page_count,
    page_of,
    picked_link,
    score_rows,
    sentence_ends,
)
from workbench.app.state import current_user, get_store
from workbench.app.widgets import link_row_html, pick_document, score_chart_spec
from workbench.errors import WorkbenchError

PAGE_SIZES = [10, 25, 50, 100]
ss = st.session_state
store = get_store()
user = current_user()
st.title("Align")

docs = store.list_documents()
chosen = pick_document(docs, key="al_doc")
if chosen is None:
    st.stop()
doc_id = chosen.id
summary = next(d for d in docs if d.id == doc_id)  # fresh counts (the widget may hand back an old object)
if ss.get("al_for_doc") != doc_id:
    ss["al_for_doc"] = doc_id
    ss["al_page"] = 0
    ss.pop("al_sel", None)
# the undo list lives in the store (per document and editor): it survives a reload of the page
editor = AlignmentEditor(store, doc_id, user, StoredUndoStack(store, user))  # gets the links it may reuse once they are read


# ------------------------------------------------------------------------------ callbacks
def act(fn, *args) -> None:  # noqa: ANN001 - any editor method
    """Run one editor operation; remember its outcome for this run (errors are shown, never dropped)."""
    try:
        res = fn(*args)
    except WorkbenchError as exc:
        ss["al_flash"] = ("error", str(exc))
    else:
        ss["al_flash"] = ("success", res.message)
        if res.focus is not None:
            ss["al_focus"] = res.focus


def go_page(n: int) -> None:
    ss["al_page"] = max(0, n)


def to_first_page() -> None:
    ss["al_page"] = 0


def jump_to_review(link_ids: list[str], order: list[int], target: int | None) -> None:
    if target is None:
        ss["al_flash"] = ("info", "Nothing left to review: every link shown is confirmed or scores above the threshold.")
        return
    ss["al_page"] = page_of(order.index(target), ss.get("al_size", 25))
    ss["al_sel"] = link_ids[target]


def current_filter() -> LinkFilter:
    """The filters as the widgets left them (callbacks run before the widgets are drawn again)."""
    low = bool(ss.get("al_low"))
    return LinkFilter(float(ss.get("al_thr", 0.5)) if low else None, bool(ss.get("al_multi")), bool(ss.get("al_unconf")))


def chart_pick_cb() -> None:
    """A point clicked in the score chart: select that link and show its page (filters that would
    hide it are switched off, and the editor is told so)."""
    cached = ss.get("al_links_cache")
    if not cached:
        return
    all_links = cached[1]
    target = picked_link(ss.get("al_chart"), len(all_links))
    if target is None:
        return
    if target not in filter_indices(all_links, current_filter()):
        ss["al_low"] = ss["al_multi"] = ss["al_unconf"] = False
        ss["al_flash"] = ("info", f"Link #{target + 1} was hidden by the filters; they are off now.")
    ss["al_focus"] = target


def split_cb(para_id: str, key: str, rev: int, para_rev: int) -> None:
    offset = int(ss.get(f"{key}_offset") or 0) or int(ss.get(f"{key}_sent") or 0)
    if not offset:
        ss["al_flash"] = ("error", "Choose a sentence end or type a character offset to split at — nothing was changed.")
        return
    act(lambda: editor.split_paragraph(para_id, offset, rev, para_rev, separate=bool(ss.get(f"{key}_sep"))))


def save_text_cb(para_id: str, key: str, para_rev: int) -> None:
    act(editor.edit_text, para_id, ss.get(key, ""), para_rev)


# ------------------------------------------------------------------------------ top bar
seen = ss.get("al_seen")
flash = ss.pop("al_flash", None)
top1, top2, top3 = st.columns([1, 1, 3])
realign = top1.button("Re-align unconfirmed" if summary.links else "Align", type="primary", key="al_realign",
                      help="confirmed links are kept exactly; everything between them is aligned again")  # fmt: skip
undo_label = editor.undo_label()
top2.button(f"Undo {undo_label}" if undo_label else "Undo", key="al_undo_btn", disabled=undo_label is None,
            on_click=act, args=(editor.undo,))  # fmt: skip

if realign:
    if not summary.source_paragraphs or not summary.target_paragraphs:
        st.error("This document needs both a source and a translation to be aligned.")
    else:
        bar = st.progress(0.0, text="Aligning…")
        shown = [-1]

        def report(f: float) -> None:
            pct = int(min(1.0, max(0.0, f)) * 100)
            if pct != shown[0]:
                shown[0] = pct
                bar.progress(pct / 100, text=f"Aligning… {pct}%")

        expected = seen[1] if seen and seen[0] == doc_id else store.alignment_rev(doc_id)
        try:
            res = editor.realign(expected, progress=report)
        except WorkbenchError as exc:
            bar.empty()
            flash = ("error", str(exc))
        else:
            bar.progress(1.0, text="Done")
            ss["al_flash"] = ("success", res.message)
            st.rerun()  # the top bar (button label, undo) must reflect the new alignment

if flash:
    kind, msg = flash
    {"error": st.error, "success": st.success, "info": st.info}[kind](msg)

# The document's paragraphs and its links are kept in the session between runs and reloaded only
# when the store says they changed: paragraphs when the document or one of its paragraphs has a
# newer history row, links when the alignment revision moved (read in one snapshot with the links).
with store.reading():
    para_mark = tuple(
        (h[0]["id"] if h else 0) for h in (store.history(doc_id, 1, "paragraph"), store.history(doc_id, 1, "document"))
    )
    doc_key = (doc_id, summary.created, para_mark)
    cached = ss.get("al_doc_cache")
    if cached is None or cached[0] != doc_key:
        doc = store.get_document(doc_id)
        cached = ss["al_doc_cache"] = (doc_key, doc, doc.paragraph_index())
    doc, paras = cached[1], cached[2]
    rev = store.alignment_rev(doc_id)
    links_key = (doc_id, summary.created, rev)
    cached_links = ss.get("al_links_cache")
    if cached_links is None or cached_links[0] != links_key:
        cached_links = ss["al_links_cache"] = (links_key, store.get_links(doc_id))
    links = cached_links[1]
ss["al_seen"] = (doc_id, rev)
editor.known = (rev, links)
if not links:
    if doc.source is None or doc.target is None:
        st.info("This document has only one side; import its counterpart on the **Library** page to align it.")
    else:
        st.info("This document is not aligned yet. Press **Align**.")
    st.stop()

confirmed = sum(lk.status == "confirmed" for lk in links)
top3.caption(f"{len(links)} links · {confirmed} confirmed · alignment revision {rev}")

# ------------------------------------------------------------------------------ filters
f1, f2, f3, f4, f5 = st.columns([2, 1, 1, 1, 1])
threshold = f1.slider("Low-confidence threshold", 0.0, 1.0, 0.5, 0.05, key="al_thr", on_change=to_first_page)
f2.checkbox("Only low confidence", key="al_low", on_change=to_first_page)
f3.checkbox("Only non 1-1", key="al_multi", on_change=to_first_page)
f4.checkbox("Only unconfirmed", key="al_unconf", on_change=to_first_page)
size = f5.selectbox("Rows per page", PAGE_SIZES, index=1, key="al_size", on_change=to_first_page)
visible = filter_indices(links, current_filter())

# focus after an operation: show the link it produced
focus = ss.pop("al_focus", None)
if focus is not None and 0 <= focus < len(links):
    ss["al_sel"] = links[focus].id
    if focus in visible:
        ss["al_page"] = page_of(visible.index(focus), size)

pages = page_count(len(visible), size)
page = min(int(ss.get("al_page", 0)), pages - 1)
ss["al_page"] = page
window = visible[page * size : (page + 1) * size]
link_ids = [lk.id for lk in links]
pos = {lid: i for i, lid in enumerate(link_ids)}

# ------------------------------------------------------------------------------ score chart
# one point per link, coloured by status; the red line is the threshold, the blue band this page
# (an Altair spec built once, fed a data frame that is rebuilt only when the links change)
if (ss.get("al_points") or (None,))[0] != links_key:
    ss["al_points"] = (links_key, pd.DataFrame(score_rows(links)))
span = (window[0] + 1, window[-1] + 1) if window else None
st.vega_lite_chart(ss["al_points"][1], score_chart_spec(len(links), threshold, span), width="stretch",
                   key="al_chart", on_select=chart_pick_cb, selection_mode="pick")
st.caption("Click a point to open that link.")

# ------------------------------------------------------------------------------ navigation
n1, n2, n3, n4 = st.columns([1, 3, 1, 1.4])
n1.button("◀ Previous", key="al_prev", disabled=page == 0, on_click=go_page, args=(page - 1,))
if window:
    n2.caption(f"Links {window[0] + 1}–{window[-1] + 1} · {len(visible)} shown by the filters · page {page + 1} of {pages}")
else:
    n2.caption("No link matches the filters.")
n3.button("Next ▶", key="al_next", disabled=page >= pages - 1, on_click=go_page, args=(page + 1,))
sel_id = ss.get("al_sel")
here = pos[sel_id] if sel_id in pos else (window[0] - 1 if window else -1)
target = next_to_review(links, here, threshold, among=visible)
n4.button("Next to review ⏭", key="al_review", on_click=jump_to_review, args=(link_ids, visible, target),
          help="the next unconfirmed link scoring below the threshold, after the selected one")  # fmt: skip

if not window:
    st.stop()

# ------------------------------------------------------------------------------ action bar
if ss.get("al_sel") not in {link_ids[i] for i in window}:
    ss["al_sel"] = link_ids[window[0]]
src_lang, tgt_lang = doc.source_lang, doc.target_lang


def link_label(lid: str) -> str:
    i = pos[lid]
    lk = links[i]
    flag = " ⚠" if needs_review(lk, threshold) else ""
    return f"#{i + 1} · {lk.kind} · {lk.score:.2f} · {lk.status}{flag}"


with st.container(border=True):
    a1, a2 = st.columns([2, 3])
    sel_id = a1.selectbox("Selected link", [link_ids[i] for i in window], format_func=link_label, key="al_sel")
    i = pos[sel_id]
    lk = links[i]
    members = [("source", pid) for pid in lk.source] + [("target", pid) for pid in lk.target]

    def para_label(m: tuple[str, str]) -> str:
        p = paras[m[1]]
        head = p.text[:50] + ("…" if len(p.text) > 50 else "")
        return f"{'Source' if m[0] == 'source' else 'Translation'}: {head}"

    side, para_id = a2.selectbox("Paragraph", members, format_func=para_label, key=f"al_para_{sel_id}")
    preview = link_row_html(i + 1, lk, paras, src_lang, tgt_lang, band=confidence_band(lk.score), selected=True)
    st.markdown(f'<div class="wb-preview">{preview}</div>', unsafe_allow_html=True)
    para = paras[para_id]
    ids_side = lk.source if side == "source" else lk.target
    b = st.columns(6)
    if lk.status == "confirmed":
        b[0].button("Unconfirm", key="al_unconfirm", on_click=act, args=(editor.unconfirm, [sel_id], rev))
    else:
        b[0].button("Confirm ✓", key="al_confirm", type="primary", on_click=act, args=(editor.confirm, [sel_id], rev))
    b[1].button("Merge with next", key="al_merge", disabled=i == len(links) - 1, on_click=act,
                args=(editor.merge_with_next, sel_id, rev))  # fmt: skip
    b[2].button("Move ↑", key="al_up", disabled=i == 0 or para_id != ids_side[0], on_click=act,
                args=(editor.move_paragraph, sel_id, side, "up", rev, para_id),
                help="this paragraph (the first of its side) becomes the last of the previous link")  # fmt: skip
    b[3].button("Move ↓", key="al_down", disabled=i == len(links) - 1 or para_id != ids_side[-1], on_click=act,
                args=(editor.move_paragraph, sel_id, side, "down", rev, para_id),
                help="this paragraph (the last of its side) becomes the first of the next link")  # fmt: skip
    b[4].button("Detach", key="al_detach", disabled=len(members) == 1, on_click=act,
                args=(editor.detach, sel_id, side, para_id, rev), help="give this paragraph a link of its own")  # fmt: skip
    b[5].caption("Edits confirm the links they produce.")

    pk = f"al_split_{para_id}_{para.rev}"
    with st.expander("Split this paragraph"):
        lang = src_lang if side == "source" else tgt_lang
        ends = sentence_ends(para.text, lang)
        s1, s2, s3 = st.columns([3, 1, 1])
        s1.selectbox("At the end of sentence", ends, key=f"{pk}_sent",
                     format_func=lambda e: "…" + para.text[max(0, e - 60) : e], placeholder="no sentence boundary")  # fmt: skip
        s2.number_input("or at character", 0, max(0, len(para.text) - 1), 0, key=f"{pk}_offset",
                        help="0 = use the sentence end")  # fmt: skip
        s3.checkbox("Separate links", key=f"{pk}_sep", help="put the second part in a link of its own")
        st.button("Split", key="al_split", on_click=split_cb, args=(para_id, pk, rev, para.rev))
    tk = f"al_text_{para_id}_{para.rev}"
    with st.expander("Edit this paragraph's text"):
        st.text_area("Text", para.text, key=tk, height=120)
        st.button("Save text", key="al_save_text", on_click=save_text_cb, args=(para_id, tk, para.rev))

    unconfirmed_page = [link_ids[j] for j in window if links[j].status != "confirmed"]
    unconfirmed_all = [link_ids[j] for j in visible if links[j].status != "confirmed"]
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1])
    c1.button(f"Confirm this page ({len(unconfirmed_page)})", key="al_confirm_page", disabled=not unconfirmed_page,
              on_click=act, args=(editor.confirm, unconfirmed_page, rev))  # fmt: skip
    c2.button(f"Confirm all filtered ({len(unconfirmed_all)})", key="al_confirm_filtered",
              disabled=not unconfirmed_all, on_click=act, args=(editor.confirm, unconfirmed_all, rev))  # fmt: skip
    min_score = c3.number_input("Score at least", 0.0, 1.0, 0.9, 0.05, key="al_bulk_min")
    above = [lk2.id for lk2 in links if lk2.status != "confirmed" and lk2.score >= min_score]
    c4.button(f"Confirm all ≥ {min_score:.2f} ({len(above)})", key="al_confirm_above", disabled=not above,
              on_click=act, args=(editor.confirm, above, rev))  # fmt: skip

# ------------------------------------------------------------------------------ rows
st.caption("Translation on the left, source on the right. Band: red below 0.5, amber below 0.8, green above.")
for j in window:
    st.markdown(
        link_row_html(j + 1, links[j], paras, src_lang, tgt_lang, band=confidence_band(links[j].score),
                      selected=link_ids[j] == sel_id),  # fmt: skip
        unsafe_allow_html=True,
    )
