"""Align: run the aligner, see where the trouble is, and fix links one by one or in bulk.

Thin page over :mod:`workbench.editing`: every operation goes through ``AlignmentEditor`` with the
revision the page was showing, so a change made meanwhile by someone else is refused and shown.
Only one page of links is rendered per run (a window of N rows), and operations act on one selected
link through a single action bar, which keeps each interaction cheap on long documents.

The page's session entries are named in :mod:`workbench.app.align_state` (with the cache of the
document and its links); its panels, in the order they are drawn below, are in
:mod:`workbench.app.align_panels`.

For a team: the page says who else has the document open and who last changed each link; a text
save refused as stale keeps the editor's draft beside the current text (word differences marked)
until they choose to keep theirs, take the current one or edit a merge; and a role without the
"edit" permission sees every editing control disabled (the core refuses a forged click anyway).
"""

from __future__ import annotations

import html

import streamlit as st

from workbench.align.edits import filter_indices
from workbench.app import align_panels as panels
from workbench.app.align_state import AlignPageState
from workbench.app.state import current_user, get_store
from workbench.app.widgets import pick_document, source_side
from workbench.editing import AlignmentEditor, StoredUndoStack
from workbench.roles import PermissionDenied

state = AlignPageState(st.session_state)
store = get_store()
user = current_user()
st.title("Align")

state.forget_flash_if_away()
docs = store.list_documents()
top0, top1, top2 = st.columns([3, 1.6, 1.4], vertical_alignment="bottom")
with top0:
    chosen = pick_document(docs, key=state.DOC)
if chosen is None:
    st.stop()
doc_id = chosen.id
summary = next(d for d in docs if d.id == doc_id)  # fresh counts (the widget may hand back an old object)
state.open_document(doc_id)
side_of_source = source_side(store, user)  # the editor's own choice: Hebrew on the right unless they chose left
# presence: this editor has the document open now; the others seen in the last minute are named
store.accounts.touch(doc_id, user)
others = [name for name, _seen in store.accounts.present(doc_id, seconds=60, exclude=user)]
if others:
    st.markdown(f'<div class="wb-presence" style="font-size:.9em;color:#555">Also open now: '
                f"{html.escape(', '.join(others))}</div>", unsafe_allow_html=True)  # fmt: skip
# what the role may do: controls it may not use are disabled (the core checks every write again)
ro = not store.may(user, "edit")
if ro:
    try:
        role = store.role_of(user)
    except PermissionDenied:
        role = None
    st.info(f"You have the {role} role: read only." if role else "Your account may not edit this project: read only.")
# the undo list lives in the store (per document and editor): it survives a reload of the page
editor = AlignmentEditor(store, doc_id, user, StoredUndoStack(store, user))  # gets the links it may reuse once they are read
page = panels.AlignPage(store, user, doc_id, state, editor, ro, store.may(user, "review"))

panels.top_bar(page, summary, top1, top2)

loaded = state.load(store, doc_id, summary.created)
editor.known = (loaded.rev, loaded.links)
if not loaded.links:
    if loaded.doc.source is None or loaded.doc.target is None:
        st.info("This document has only one side; import its counterpart on the **Library** page to align it.")
    else:
        st.info("This document is not aligned yet. Press **Align**.")
    st.stop()

open_link = st.query_params.get("link")  # ?link=ID (a search result, a memory suggestion): show that link, once
if open_link:
    at = next((i for i, lk in enumerate(loaded.links) if lk.id == open_link), None)
    if at is not None:
        if at not in filter_indices(loaded.links, state.link_filter()):
            state.clear_filters()
        state.focus_on(at)
    del st.query_params["link"]
panels.conflict_drafts(page, loaded)
win = panels.filters(page, loaded)
panels.score_chart(page, loaded, win)
panels.navigation(page, loaded, win)
if not win.window:
    st.stop()
panels.link_rows(page, loaded, win, side_of_source)
panels.bulk_confirm(page, loaded, win)
