"""Align: run the aligner, see where the trouble is, and fix links one by one or in bulk.

Thin page over :mod:`workbench.align.edits`: every operation goes through ``AlignmentEditor`` with
the revision the page was showing, so a change made meanwhile by someone else is refused and shown.
Only one page of links is rendered per run (a window of N rows), and operations act on one selected
link through a single action bar, which keeps each interaction cheap on long documents.

For a team: the page says who else has the document open and who last changed each link; a text
save refused as stale keeps the editor's draft beside the current text (word differences marked)
until they choose to keep theirs, take the current one or edit a merge; and a role without the
"edit" permission sees every editing control disabled (the core refuses a forged click anyway).
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from workbench.align.edits import (
    AlignmentEditor,
    LinkFilter,
    StoredUndoStack,
    confidence_band,
    filter_indices,
    merge_texts,
    needs_review,
    next_to_review,
    page_count,
    page_of,
    picked_link,
    score_rows,
    sentence_ends,
)
from workbench.app.state import current_user, get_store
from workbench.app.widgets import (
    diff_html,
    link_row_html,
    literal,
    pick_document,
    score_chart_spec,
    source_side,
)
from workbench.errors import ConflictError, WorkbenchError
from workbench.roles import PermissionDenied

PAGE_SIZES = [10, 25, 50, 100]
ss = st.session_state
store = get_store()
user = current_user()
st.title("Align")

# The outcome of the last action stays on the page until the next action (a filter, another page of
# links or a rerun keep it): a toast or a one-run notice was gone before a new editor had read it.
# Another page of the app in between drops it: the document box ("al_doc") is then no longer in the
# session, as Streamlit forgets the state of widgets a run did not draw.
if "al_doc" not in ss:
    ss.pop("al_flash", None)
docs = store.list_documents()
top0, top1, top2 = st.columns([3, 1.6, 1.4], vertical_alignment="bottom")
with top0:
    chosen = pick_document(docs, key="al_doc")
if chosen is None:
    st.stop()
doc_id = chosen.id
summary = next(d for d in docs if d.id == doc_id)  # fresh counts (the widget may hand back an old object)
if ss.get("al_for_doc") != doc_id:
    if "al_for_doc" in ss:
        ss.pop("al_flash", None)  # it was about the other document
    ss["al_for_doc"] = doc_id
    ss["al_page"] = 0
    ss.pop("al_sel", None)
side_of_source = source_side(store, user)  # the editor's own choice: Hebrew on the right unless they chose left
# presence: this editor has the document open now; the others seen in the last minute are named
store.accounts.touch(doc_id, user)
others = [name for name, _seen in store.accounts.present(doc_id, seconds=60, exclude=user)]
if others:
    st.markdown(f'<div class="wb-presence" style="font-size:.9em;color:#555">Also open now: '
                f"{html.escape(', '.join(others))}</div>", unsafe_allow_html=True)  # fmt: skip
# what the role may do: controls it may not use are disabled (the core checks every write again)
can_edit = store.may(user, "edit")
can_review = store.may(user, "review")
ro = not can_edit
if ro:
    try:
        role = store.role_of(user)
    except PermissionDenied:
        role = None
    st.info(f"You have the {role} role: read only." if role else "Your account may not edit this project: read only.")
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


def typed_cb(para_id: str, key: str, base_rev: int, base_text: str) -> None:
    """Remember what the editor typed for a paragraph, with the revision and text they started from,
    outside the box's own state: a rerun (someone else's save, another link selected) must not take
    it away, and a later save must be checked against the revision the editor actually saw."""
    t = ss.setdefault("al_typed", {}).get(para_id)
    base = (t[0], t[1]) if t else (base_rev, base_text)
    ss["al_typed"][para_id] = (*base, ss.get(key, base_text))


def save_text_cb(para_id: str, key: str, para_rev: int, para_text: str) -> None:
    """Save the typed text against the revision it was typed on; when someone saved the paragraph
    meanwhile, the text becomes a draft in the conflict panel (with its starting text, for a merge)."""
    typed = ss.setdefault("al_typed", {})
    base_rev, base_text, _ = typed.get(para_id) or (para_rev, para_text, "")
    text = ss.get(key, para_text)
    try:
        res = editor.edit_text(para_id, text, base_rev)
    except ConflictError as exc:
        if text == base_text:  # nothing typed: nothing to keep
            typed.pop(para_id, None)
            ss["al_flash"] = ("error", str(exc))
            return
        ss.setdefault("al_drafts", {})[para_id] = {"doc": doc_id, "text": text, "base": base_text, "why": str(exc)}
        ss[f"al_draft_box_{para_id}"] = text
        typed.pop(para_id, None)
        ss["al_flash"] = ("error", f"{exc}. Your text is kept below: keep it, take the current one, or edit the merge.")
    except WorkbenchError as exc:
        ss["al_flash"] = ("error", str(exc))
    else:
        typed.pop(para_id, None)
        ss["al_flash"] = ("success", res.message)


def drop_draft(para_id: str) -> None:
    ss.get("al_drafts", {}).pop(para_id, None)
    ss.pop(f"al_draft_box_{para_id}", None)


def draft_typed(para_id: str) -> None:
    """Keep what is typed in a draft box in the draft itself (the box's own state goes when the box
    is not drawn, e.g. while another document is open)."""
    d = ss.get("al_drafts", {}).get(para_id)
    if d is not None:
        d["text"] = ss.get(f"al_draft_box_{para_id}", d["text"])


def keep_mine_cb(para_id: str, current_rev: int, current_text: str) -> None:
    """Save the draft over the revision the panel showed; refused again, the draft stays."""
    d = ss["al_drafts"][para_id]
    text = d["text"] = ss.get(f"al_draft_box_{para_id}", d["text"])
    if text == current_text:
        drop_draft(para_id)
        ss["al_flash"] = ("info", "Your text is the same as the current one: nothing to save.")
        return
    try:
        editor.edit_text(para_id, text, current_rev)
    except ConflictError as exc:
        d["why"] = str(exc)
        ss["al_flash"] = ("error", f"{exc}. Your text is still kept below.")
    except WorkbenchError as exc:
        ss["al_flash"] = ("error", str(exc))
    else:
        drop_draft(para_id)
        ss["al_flash"] = ("success", "Your text was saved over the current one (Undo takes it back).")


def take_theirs_cb(para_id: str) -> None:
    drop_draft(para_id)
    ss["al_flash"] = ("info", "Your draft was discarded; the paragraph keeps the current text.")


def edit_merge_cb(para_id: str, current_text: str) -> None:
    """Put the draft's changes merged into the current text in the box (nothing is saved yet)."""
    d = ss["al_drafts"][para_id]
    mine = ss.get(f"al_draft_box_{para_id}", d["text"])
    merged, both = merge_texts(d["base"], mine, current_text)
    d["text"] = ss[f"al_draft_box_{para_id}"] = merged
    d["base"] = current_text  # the merge already holds the current text
    note = f" {both} place{'s were' if both != 1 else ' was'} changed by both: your wording is kept there." if both else ""
    ss["al_flash"] = ("info", f"The box now holds your changes merged into the current text.{note}"
                              " Check it, then press Keep mine to save it.")  # fmt: skip


# ------------------------------------------------------------------------------ top bar
seen = ss.get("al_seen")
flash = ss.get("al_flash")
realign = top1.button("Re-align unconfirmed" if summary.links else "Align", type="primary", key="al_realign",
                      help="confirmed links are kept exactly; everything between them is aligned again",
                      disabled=ro)  # fmt: skip
undo_label = editor.undo_label()
top2.button(f"Undo {undo_label}" if undo_label else "Undo", key="al_undo_btn", disabled=undo_label is None or ro,
            on_click=act, args=(editor.undo,), help="takes back your own last change only")  # fmt: skip

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
            flash = ss["al_flash"] = ("error", str(exc))
        else:
            bar.progress(1.0, text="Done")
            ss["al_flash"] = ("success", res.message)
            st.rerun()  # the top bar (button label, undo) must reflect the new alignment

if flash:
    kind, msg = flash
    {"error": st.error, "success": st.success, "info": st.info}[kind](literal(msg))  # names are user text

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

# ------------------------------------------------------------------------------ a refused text save
# The editor's draft stays here, beside the current text with the word differences marked, until
# they choose: keep theirs (saved over the current revision), take the current one, or edit a merge.
for draft_para, draft in list(ss.get("al_drafts", {}).items()):
    if draft.get("doc") != doc_id:
        continue
    current = paras.get(draft_para)
    box_key = f"al_draft_box_{draft_para}"
    with st.container(border=True):
        why = html.escape(draft.get("why", ""))
        st.markdown(f'<div class="wb-conflict"><b>Your text was not saved.</b> {why}</div>', unsafe_allow_html=True)
        if box_key not in ss:
            ss[box_key] = draft["text"]
        d1, d2 = st.columns(2)
        box = d1.text_area("Your text (not saved yet)", key=box_key, on_change=draft_typed, args=(draft_para,),
                           height=160)  # fmt: skip
        if current is None:
            d2.markdown('<div class="wb-conflict-gone">The paragraph is no longer in the document (split or merged'
                        " meanwhile); copy your text from the box before discarding it.</div>",
                        unsafe_allow_html=True)  # fmt: skip
            st.button("Discard my draft", key=f"al_take_theirs_{draft_para}", on_click=take_theirs_cb,
                      args=(draft_para,))  # fmt: skip
            continue
        in_source = doc.source is not None and any(p.id == current.id for p in doc.source.paragraphs)
        d2.markdown(
            f'<div class="wb-current" style="font-size:.85em;color:#555">Current text (revision {current.rev}):'
            " struck = only in yours, underlined = only in the current text</div>"
            + diff_html(box or "", current.text, doc.source_lang if in_source else doc.target_lang),
            unsafe_allow_html=True,
        )
        k1, k2, k3 = st.columns(3)
        k1.button("Keep mine", key=f"al_keep_mine_{draft_para}", type="primary", disabled=ro, on_click=keep_mine_cb,
                  args=(draft_para, current.rev, current.text), help="save your text over the current one")  # fmt: skip
        k2.button("Take theirs", key=f"al_take_theirs_{draft_para}", on_click=take_theirs_cb, args=(draft_para,),
                  help="discard your text and keep the current one")  # fmt: skip
        k3.button("Edit the merge", key=f"al_edit_merge_{draft_para}", disabled=ro, on_click=edit_merge_cb,
                  args=(draft_para, current.text),
                  help="put your changes merged into the current text in the box, to check and save")  # fmt: skip

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
# (an Altair spec built once, fed a data frame that is rebuilt only when the links change). It is
# kept short, and the controls above and below it are kept to one line each, so that on a laptop
# screen (1280 x 800) the first link row is in sight when the page opens.
if (ss.get("al_points") or (None,))[0] != links_key:
    ss["al_points"] = (links_key, pd.DataFrame(score_rows(links)))
span = (window[0] + 1, window[-1] + 1) if window else None
st.vega_lite_chart(ss["al_points"][1], score_chart_spec(len(links), threshold, span), width="stretch",
                   key="al_chart", on_select=chart_pick_cb, selection_mode="pick")

# ------------------------------------------------------------------------------ navigation
n1, n2, n3, n4 = st.columns([1, 3, 1, 1.4], vertical_alignment="center")
n1.button("◀ Previous", key="al_prev", disabled=page == 0, on_click=go_page, args=(page - 1,))
totals = f"{len(links)} links · {confirmed} confirmed · alignment revision {rev}"
if window:
    n2.caption(f"Links {window[0] + 1}–{window[-1] + 1} · {len(visible)} shown by the filters · page {page + 1} of"
               f" {pages}  \n{totals} · click a point of the chart to open that link")  # fmt: skip
else:
    n2.caption(f"No link matches the filters.  \n{totals}")
n3.button("Next ▶", key="al_next", disabled=page >= pages - 1, on_click=go_page, args=(page + 1,))
sel_id = ss.get("al_sel")
here = pos[sel_id] if sel_id in pos else (window[0] - 1 if window else -1)
target = next_to_review(links, here, threshold, among=visible)
n4.button("Next to review ⏭", key="al_review", on_click=jump_to_review, args=(link_ids, visible, target),
          help="the next unconfirmed link scoring below the threshold, after the selected one")  # fmt: skip

if not window:
    st.stop()

# ------------------------------------------------------------------------------ selection
# The selected link's box is told its value on every run, not only when the page changes it: its
# label ("#3 · 2-2 · 0.85 · confirmed") describes the link, and the browser keeps the label it last
# showed while the value stays the same link id — after an Undo or a refused action the box went on
# describing the link as it was before. Setting the value makes Streamlit send the current label.
if ss.get("al_sel") not in {link_ids[i] for i in window}:
    ss["al_sel"] = link_ids[window[0]]
else:
    ss["al_sel"] = ss["al_sel"]
sel_id = ss["al_sel"]
src_lang, tgt_lang = doc.source_lang, doc.target_lang


def link_label(lid: str) -> str:
    i = pos[lid]
    lk = links[i]
    flag = " ⚠" if needs_review(lk, threshold) else ""
    return f"#{i + 1} · {lk.kind} · {lk.score:.2f} · {lk.status}{flag}"


changed = store.last_changes(doc_id, [link_ids[j] for j in window])  # who last changed each link shown


def action_bar(i: int) -> None:
    """The controls acting on the selected link, drawn right under its row: the editor reads the
    link and acts on it in one place, and the rows start near the top of the page."""
    lk = links[i]
    sel = lk.id
    members = [("source", pid) for pid in lk.source] + [("target", pid) for pid in lk.target]

    def para_label(m: tuple[str, str]) -> str:
        p = paras[m[1]]
        head = p.text[:50] + ("…" if len(p.text) > 50 else "")
        return f"{'Source' if m[0] == 'source' else 'Translation'}: {head}"

    pkey = f"al_para_{sel}"
    if pkey in ss:  # the same reason as the link box: its label shows the paragraph's current text
        if ss[pkey] in members:
            ss[pkey] = ss[pkey]
        else:
            del ss[pkey]
    with st.container(border=True):
        a1, a2 = st.columns([2, 3])
        a1.selectbox("Selected link", [link_ids[j] for j in window], format_func=link_label, key="al_sel")
        side, para_id = a2.selectbox("Paragraph", members, format_func=para_label, key=pkey)
        para = paras[para_id]
        ids_side = lk.source if side == "source" else lk.target
        b = st.columns(6)
        if lk.status == "confirmed":
            b[0].button("Unconfirm", key="al_unconfirm", disabled=ro, on_click=act, args=(editor.unconfirm, [sel], rev))
        else:
            b[0].button("Confirm ✓", key="al_confirm", type="primary", disabled=ro, on_click=act,
                        args=(editor.confirm, [sel], rev))  # fmt: skip
        b[1].button("Merge with next", key="al_merge", disabled=ro or i == len(links) - 1, on_click=act,
                    args=(editor.merge_with_next, sel, rev))  # fmt: skip
        b[2].button("Move ↑", key="al_up", disabled=ro or i == 0 or para_id != ids_side[0], on_click=act,
                    args=(editor.move_paragraph, sel, side, "up", rev, para_id),
                    help="this paragraph (the first of its side) becomes the last of the previous link")  # fmt: skip
        b[3].button("Move ↓", key="al_down", disabled=ro or i == len(links) - 1 or para_id != ids_side[-1],
                    on_click=act, args=(editor.move_paragraph, sel, side, "down", rev, para_id),
                    help="this paragraph (the last of its side) becomes the first of the next link")  # fmt: skip
        b[4].button("Detach", key="al_detach", disabled=ro or len(members) == 1, on_click=act,
                    args=(editor.detach, sel, side, para_id, rev), help="give this paragraph a link of its own")  # fmt: skip
        b[5].caption("Edits confirm the links they produce.")

        e1, e2 = st.columns(2)
        pk = f"al_split_{para_id}_{para.rev}"
        with e1.expander("Split this paragraph"):
            lang = src_lang if side == "source" else tgt_lang
            ends = sentence_ends(para.text, lang)
            st.selectbox("At the end of sentence", ends, key=f"{pk}_sent",
                         format_func=lambda e: "…" + para.text[max(0, e - 60) : e], placeholder="no sentence boundary")  # fmt: skip
            s2, s3 = st.columns(2)
            s2.number_input("or at character", 0, max(0, len(para.text) - 1), 0, key=f"{pk}_offset",
                            help="0 = use the sentence end")  # fmt: skip
            s3.checkbox("Separate links", key=f"{pk}_sep", help="put the second part in a link of its own")
            st.button("Split", key="al_split", disabled=ro, on_click=split_cb, args=(para_id, pk, rev, para.rev))
        # The box shows what the editor typed for this paragraph (kept across runs, against the revision
        # they started from) or else the current text: someone else's save never replaces their typing.
        tk = f"al_text_{para_id}"
        typed = ss.setdefault("al_typed", {})
        mine = typed.get(para_id)
        if mine is not None and mine[2] in (mine[1], para.text):  # nothing of their own left in it
            typed.pop(para_id)
            mine = None
        ss[tk] = mine[2] if mine else para.text
        with e2.expander("Edit this paragraph's text", expanded=mine is not None):
            if mine is not None and mine[0] != para.rev:
                st.markdown('<div class="wb-typed-stale" style="font-size:.85em;color:#a50e0e">This paragraph was'
                            " saved by someone else since you started typing; saving shows you both texts.</div>",
                            unsafe_allow_html=True)  # fmt: skip
            st.text_area("Text", key=tk, height=120, disabled=ro, on_change=typed_cb,
                         args=(para_id, tk, para.rev, para.text))  # fmt: skip
            st.button("Save text", key="al_save_text", disabled=ro, on_click=save_text_cb,
                      args=(para_id, tk, para.rev, para.text))  # fmt: skip


# ------------------------------------------------------------------------------ rows
where = "Source on the left, translation on the right" if side_of_source == "left" else (
    "Translation on the left, source on the right")  # fmt: skip
st.caption(f"{where}. Band: red below 0.5, amber below 0.8, green above.")
for j in window:
    row = link_row_html(j + 1, links[j], paras, src_lang, tgt_lang, band=confidence_band(links[j].score),
                        selected=link_ids[j] == sel_id, changed=changed.get(link_ids[j]), source_on=side_of_source)  # fmt: skip
    if link_ids[j] == sel_id:
        st.markdown(f'<div class="wb-preview">{row}</div>', unsafe_allow_html=True)
        action_bar(j)
    else:
        st.markdown(row, unsafe_allow_html=True)

# ------------------------------------------------------------------------------ bulk confirmation
unconfirmed_page = [link_ids[j] for j in window if links[j].status != "confirmed"]
unconfirmed_all = [link_ids[j] for j in visible if links[j].status != "confirmed"]
with st.container(border=True):
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
    c1.button(f"Confirm this page ({len(unconfirmed_page)})", key="al_confirm_page", disabled=ro or not unconfirmed_page,
              on_click=act, args=(editor.confirm, unconfirmed_page, rev))  # fmt: skip
    c2.button(f"Confirm all filtered ({len(unconfirmed_all)})", key="al_confirm_filtered",
              disabled=ro or not unconfirmed_all, on_click=act, args=(editor.confirm, unconfirmed_all, rev))  # fmt: skip
    min_score = c3.number_input("Score at least", 0.0, 1.0, 0.9, 0.05, key="al_bulk_min")
    above = [lk2.id for lk2 in links if lk2.status != "confirmed" and lk2.score >= min_score]
    c4.button(f"Confirm all ≥ {min_score:.2f} ({len(above)})", key="al_confirm_above", disabled=ro or not above,
              on_click=act, args=(editor.confirm, above, rev))  # fmt: skip
    # a reviewer's sign-off on the whole alignment (the core refuses it to any lower role)
    st.button(f"Confirm whole document ({len(links) - confirmed} unconfirmed)", key="al_confirm_doc",
              disabled=not can_review or confirmed == len(links), on_click=act, args=(editor.confirm_document, rev),
              help="confirms every link of the document" if can_review else "needs the reviewer role")  # fmt: skip
