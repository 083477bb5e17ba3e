"""Desk: edit the translation side by side with the source, with the terms, the findings, the review
status and the comments of each link in its row.

Thin page over the core (see :mod:`workbench.app.desk_panels` for the panels and what each write
calls): the document and its links are kept in the session and read again only when they changed,
and only one page of rows is drawn per run (term hits are found for those rows only), so a long
document stays quick. A translation-only document gets one column, one row per paragraph.
"""

from __future__ import annotations

import streamlit as st

from workbench.app import align_panels
from workbench.app.desk_panels import Desk, Rows
from workbench.app.desk_state import DeskState
from workbench.app.state import current_user, get_store
from workbench.app.widgets import html_literal, pick_document, source_side
from workbench.desk import count_by_link, filter_links, findings_by_link, links_with_term, single_column_links
from workbench.editing import AlignmentEditor, StoredUndoStack
from workbench.store.comments import home_links
from workbench.store.desk_reads import findings_mark, open_finding_places, open_findings_in

state = DeskState(st.session_state)
store = get_store()
user = current_user()
st.title("Desk")

state.forget_flash_if_away()
docs = store.list_documents()
top0, top1 = st.columns([4, 1.4], vertical_alignment="bottom")
with top0:
    chosen = pick_document(docs, key=state.DOC)
if chosen is None:
    st.stop()
doc_id = chosen.id
summary = next(d for d in docs if d.id == doc_id)
state.open_document(doc_id)
side_of_source = source_side(store, user)
store.accounts.touch(doc_id, user)  # presence: the Alignment page and the desk both say who has it open
others = [name for name, _seen in store.accounts.present(doc_id, seconds=60, exclude=user)]
if others:
    st.markdown(f'<div class="wb-presence" style="font-size:.9em;color:#555">Also open now: '
                f"{html_literal(', '.join(others))}</div>", unsafe_allow_html=True)  # fmt: skip
may_edit, may_tag, may_review = store.may(user, "edit"), store.may(user, "tag"), store.may(user, "review")
editor = AlignmentEditor(store, doc_id, user, StoredUndoStack(store, user))
page = align_panels.AlignPage(store, user, doc_id, state, editor, not may_edit, may_review)
desk = Desk(store, user, doc_id, state, page, may_edit, may_tag, may_review)

loaded = state.load(store, doc_id, summary.created)
editor.known = (loaded.rev, loaded.links)
doc = loaded.doc
one_column = doc.source is None or doc.target is None
links = loaded.links or (single_column_links(doc) if one_column else [])
undo_label = editor.undo_label()
top1.button(f"Undo {undo_label}" if undo_label else "Undo", key="dk_undo", disabled=undo_label is None or not may_edit,
            on_click=desk.undo, help="takes back your own last change to this document")  # fmt: skip
desk.flash()
if not links:
    st.info("This document is not aligned yet: align it on the **Alignment** page, then edit it here.")
    st.stop()
align_panels.conflict_drafts(page, loaded)  # a refused save's draft, beside the current text

by_para, para_revs, side_of = state.index(loaded, links)
statuses = state.memo("statuses", (state.ss[state.INDEX][0], store.reviews.mark(doc_id)),
                      lambda: store.reviews.statuses(doc_id, links, para_revs))
places = state.finding_places(store, (findings_mark(store, doc_id), loaded.links_key),
                              lambda: open_finding_places(store, doc_id))
open_counts = count_by_link(places, links, by_para)  # findings themselves: for the rows shown
threads_all = store.comments.threads(doc_id)
home = home_links(threads_all, links)
threads: dict[str, list] = {}
for t in threads_all:
    if t.id in home:
        threads.setdefault(home[t.id], []).append(t)
rows = Rows(links, one_column, statuses, {}, threads)
desk.progress(rows)
desk.recheck_bar(loaded.paras)

flt = desk.filters(
    rows, store.terms.list_terms(), (state.ss[state.DOC_CACHE][0], loaded.links_key, store.terms.version()),
    lambda term: links_with_term(store.terms.matcher(), links, loaded.paras, side_of, term),
)  # fmt: skip
rows.visible = filter_links(links, flt, statuses, open_counts,
                            {k: sum(not t.resolved for t in v) for k, v in threads.items()})  # fmt: skip
desk.paging(rows)
shown = [links[i] for i in rows.window]
rows.findings = findings_by_link(open_findings_in(store, doc_id, (lk.id for lk in shown),
                                                  (p for lk in shown for p in (*lk.source, *lk.target))), shown)  # fmt: skip
desk.click_to_edit(rows, loaded.paras)
desk.navigation(rows, "top")
desk.draw_rows(rows, loaded, side_of_source)
if len(rows.window) > 3:
    desk.navigation(rows, "bottom")
