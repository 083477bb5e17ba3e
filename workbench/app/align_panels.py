"""The panels of the Alignment page, in the order an editor sees them, and their callbacks.

:class:`AlignPage` is one run of the page: the store, the editor (the service every operation goes
through, with the revision the page was showing), the session state and what the role may do. Each
panel is a function of it: :func:`top_bar`, :func:`conflict_drafts`, :func:`filters`,
:func:`score_chart`, :func:`navigation`, :func:`link_rows` (which draws :func:`action_bar` under the
selected link) and :func:`bulk_confirm`. Callbacks are the page's methods: a button keeps the run that
drew it, so a click acts on the revision and the links that run showed, as it did when the page was
one script.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from workbench.align.edits import (
    confidence_band,
    filter_indices,
    merge_texts,
    needs_review,
    next_to_review,
    sentence_ends,
)
from workbench.app import tm_panel
from workbench.app.align_state import AlignPageState, Loaded
from workbench.app.widgets import (
    diff_html,
    link_row_html,
    literal,
    page_count,
    page_of,
    picked_link,
    score_chart_spec,
)
from workbench.editing import AlignmentEditor, EditResult
from workbench.errors import ConflictError, WorkbenchError
from workbench.model import DocumentSummary

PAGE_SIZES = [10, 25, 50, 100]


@dataclass
class Window:
    """The links one run shows: ``visible`` (indices the filters let through), the page of them in
    ``window``, and the selection's bookkeeping."""

    threshold: float
    size: int
    visible: list[int]
    page: int
    pages: int
    window: list[int]
    link_ids: list[str]
    pos: dict[str, int]


@dataclass
class AlignPage:
    """One run of the Alignment page for one document."""

    store: Any
    user: str
    doc_id: int
    state: AlignPageState
    editor: AlignmentEditor
    ro: bool  # the role may not edit: every editing control is disabled (the core refuses anyway)
    can_review: bool

    # ------------------------------------------------------------------------------ callbacks
    def act(self, fn: Callable[..., EditResult], *args: Any) -> None:
        """Run one editor operation; remember its outcome for this run (errors are shown, never dropped)."""
        try:
            res = fn(*args)
        except WorkbenchError as exc:
            self.state.say("error", str(exc))
        else:
            self.state.say("success", res.message)
            if res.focus is not None:
                self.state.focus_on(res.focus)

    def go_page(self, n: int) -> None:
        self.state.page = n

    def to_first_page(self) -> None:
        self.state.to_first_page()

    def jump_to_review(self, link_ids: list[str], order: list[int], target: int | None) -> None:
        if target is None:
            self.state.say("info", "Nothing left to review: every link shown is confirmed or scores above the threshold.")
            return
        self.state.page = page_of(order.index(target), self.state.size)
        self.state.selected = link_ids[target]

    def chart_pick(self) -> None:
        """A point clicked in the score chart: select that link and show its page (filters that would
        hide it are switched off, and the editor is told so)."""
        all_links = self.state.cached_links()
        if not all_links:
            return
        target = picked_link(self.state.chart_selection, len(all_links))
        if target is None:
            return
        if target not in filter_indices(all_links, self.state.link_filter()):
            self.state.clear_filters()
            self.state.say("info", f"Link #{target + 1} was hidden by the filters; they are off now.")
        self.state.focus_on(target)

    def split(self, para_id: str, key: str, rev: int, para_rev: int) -> None:
        ss = self.state.ss
        offset = int(ss.get(f"{key}_offset") or 0) or int(ss.get(f"{key}_sent") or 0)
        if not offset:
            self.state.say("error", "Choose a sentence end or type a character offset to split at — nothing was changed.")
            return
        separate = bool(ss.get(f"{key}_sep"))
        self.act(lambda: self.editor.split_paragraph(para_id, offset, rev, para_rev, separate=separate))

    def typed(self, para_id: str, key: str, base_rev: int, base_text: str) -> None:
        """Remember what the editor typed for a paragraph, with the revision and text they started from,
        outside the box's own state: a rerun (someone else's save, another link selected) must not take
        it away, and a later save must be checked against the revision the editor actually saw."""
        typed = self.state.typed
        t = typed.get(para_id)
        base = (t[0], t[1]) if t else (base_rev, base_text)
        typed[para_id] = (*base, self.state.ss.get(key, base_text))

    def save_text(self, para_id: str, key: str, para_rev: int, para_text: str) -> None:
        """Save the typed text against the revision it was typed on; when someone saved the paragraph
        meanwhile, the text becomes a draft in the conflict panel (with its starting text, for a merge)."""
        typed = self.state.typed
        base_rev, base_text, _ = typed.get(para_id) or (para_rev, para_text, "")
        text = self.state.ss.get(key, para_text)
        try:
            res = self.editor.edit_text(para_id, text, base_rev)
        except ConflictError as exc:
            if text == base_text:  # nothing typed: nothing to keep
                typed.pop(para_id, None)
                self.state.say("error", str(exc))
                return
            self.state.keep_draft(para_id, {"doc": self.doc_id, "text": text, "base": base_text, "why": str(exc)})
            typed.pop(para_id, None)
            self.state.say("error", f"{exc}. Your text is kept below: keep it, take the current one, or edit the merge.")
        except WorkbenchError as exc:
            self.state.say("error", str(exc))
        else:
            typed.pop(para_id, None)
            self.state.say("success", res.message)

    def draft_typed(self, para_id: str) -> None:
        """Keep what is typed in a draft box in the draft itself (the box's own state goes when the box
        is not drawn, e.g. while another document is open)."""
        d = self.state.drafts.get(para_id)
        if d is not None:
            d["text"] = self.state.draft_box(para_id, d["text"])

    def keep_mine(self, para_id: str, current_rev: int, current_text: str) -> None:
        """Save the draft over the revision the panel showed; refused again, the draft stays."""
        d = self.state.drafts[para_id]
        text = d["text"] = self.state.draft_box(para_id, d["text"])
        if text == current_text:
            self.state.drop_draft(para_id)
            self.state.say("info", "Your text is the same as the current one: nothing to save.")
            return
        try:
            self.editor.edit_text(para_id, text, current_rev)
        except ConflictError as exc:
            d["why"] = str(exc)
            self.state.say("error", f"{exc}. Your text is still kept below.")
        except WorkbenchError as exc:
            self.state.say("error", str(exc))
        else:
            self.state.drop_draft(para_id)
            self.state.say("success", "Your text was saved over the current one (Undo takes it back).")

    def take_theirs(self, para_id: str) -> None:
        self.state.drop_draft(para_id)
        self.state.say("info", "Your draft was discarded; the paragraph keeps the current text.")

    def edit_merge(self, para_id: str, current_text: str) -> None:
        """Put the draft's changes merged into the current text in the box (nothing is saved yet)."""
        d = self.state.drafts[para_id]
        mine = self.state.draft_box(para_id, d["text"])
        merged, both = merge_texts(d["base"], mine, current_text)
        d["text"] = self.state.ss[self.state.draft_box_key(para_id)] = merged
        d["base"] = current_text  # the merge already holds the current text
        note = f" {both} place{'s were' if both != 1 else ' was'} changed by both: your wording is kept there." if both else ""
        self.state.say("info", f"The box now holds your changes merged into the current text.{note}"
                               " Check it, then press Keep mine to save it.")  # fmt: skip


# ------------------------------------------------------------------------------ top bar
def top_bar(page: AlignPage, summary: DocumentSummary, realign_col: Any, undo_col: Any) -> None:
    """Align / re-align (with its progress), Undo, and the outcome of the last action."""
    state, editor = page.state, page.editor
    flash = state.flash
    realign = realign_col.button("Re-align unconfirmed" if summary.links else "Align", type="primary", key="al_realign",
                                 help="confirmed links are kept exactly; everything between them is aligned again",
                                 disabled=page.ro)  # fmt: skip
    undo_label = editor.undo_label()
    undo_col.button(f"Undo {undo_label}" if undo_label else "Undo", key="al_undo_btn",
                    disabled=undo_label is None or page.ro, on_click=page.act, args=(editor.undo,),
                    help="takes back your own last change only")  # fmt: skip

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

            expected = state.expected_rev(page.doc_id)
            if expected is None:
                expected = page.store.alignment_rev(page.doc_id)
            try:
                res = editor.realign(expected, progress=report)
            except WorkbenchError as exc:
                bar.empty()
                state.say("error", str(exc))
                flash = state.flash
            else:
                bar.progress(1.0, text="Done")
                state.say("success", res.message)
                st.rerun()  # the top bar (button label, undo) must reflect the new alignment

    if flash:
        kind, msg = flash
        {"error": st.error, "success": st.success, "info": st.info}[kind](literal(msg))  # names are user text


# ------------------------------------------------------------------------------ a refused text save
def conflict_drafts(page: AlignPage, loaded: Loaded) -> None:
    """The editor's draft stays here, beside the current text with the word differences marked, until
    they choose: keep theirs (saved over the current revision), take the current one, or edit a merge."""
    state, doc, ro = page.state, loaded.doc, page.ro
    for draft_para, draft in list(state.drafts.items()):
        if draft.get("doc") != page.doc_id:
            continue
        current = loaded.paras.get(draft_para)
        box_key = state.draft_box_key(draft_para)
        with st.container(border=True):
            why = html.escape(draft.get("why", ""))
            st.markdown(f'<div class="wb-conflict"><b>Your text was not saved.</b> {why}</div>', unsafe_allow_html=True)
            if box_key not in state.ss:
                state.ss[box_key] = draft["text"]
            d1, d2 = st.columns(2)
            box = d1.text_area("Your text (not saved yet)", key=box_key, on_change=page.draft_typed, args=(draft_para,),
                               height=160)  # fmt: skip
            if current is None:
                d2.markdown('<div class="wb-conflict-gone">The paragraph is no longer in the document (split or merged'
                            " meanwhile); copy your text from the box before discarding it.</div>",
                            unsafe_allow_html=True)  # fmt: skip
                st.button("Discard my draft", key=f"al_take_theirs_{draft_para}", on_click=page.take_theirs,
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
            k1.button("Keep mine", key=f"al_keep_mine_{draft_para}", type="primary", disabled=ro, on_click=page.keep_mine,
                      args=(draft_para, current.rev, current.text), help="save your text over the current one")  # fmt: skip
            k2.button("Take theirs", key=f"al_take_theirs_{draft_para}", on_click=page.take_theirs, args=(draft_para,),
                      help="discard your text and keep the current one")  # fmt: skip
            k3.button("Edit the merge", key=f"al_edit_merge_{draft_para}", disabled=ro, on_click=page.edit_merge,
                      args=(draft_para, current.text),
                      help="put your changes merged into the current text in the box, to check and save")  # fmt: skip


# ------------------------------------------------------------------------------ filters
def filters(page: AlignPage, loaded: Loaded) -> Window:
    """The filter row, and the page of links it leaves (after an operation: the page of the link it
    produced, which becomes the selected one)."""
    state, links = page.state, loaded.links
    f1, f2, f3, f4, f5 = st.columns([2, 1, 1, 1, 1])
    threshold = f1.slider("Low-confidence threshold", 0.0, 1.0, 0.5, 0.05, key=state.THRESHOLD, on_change=page.to_first_page)
    f2.checkbox("Only low confidence", key=state.ONLY_LOW, on_change=page.to_first_page)
    f3.checkbox("Only non 1-1", key=state.ONLY_MULTI, on_change=page.to_first_page)
    f4.checkbox("Only unconfirmed", key=state.ONLY_UNCONFIRMED, on_change=page.to_first_page)
    size = f5.selectbox("Rows per page", PAGE_SIZES, index=1, key=state.SIZE, on_change=page.to_first_page)
    visible = filter_indices(links, state.link_filter())

    # focus after an operation: show the link it produced
    focus = state.take_focus()
    if focus is not None and 0 <= focus < len(links):
        state.selected = links[focus].id
        if focus in visible:
            state.page = page_of(visible.index(focus), size)

    pages = page_count(len(visible), size)
    n = min(state.page, pages - 1)
    state.page = n
    link_ids = [lk.id for lk in links]
    return Window(threshold, size, visible, n, pages, visible[n * size : (n + 1) * size], link_ids,
                  {lid: i for i, lid in enumerate(link_ids)})  # fmt: skip


# ------------------------------------------------------------------------------ score chart
def score_chart(page: AlignPage, loaded: Loaded, win: Window) -> None:
    """One point per link, coloured by status; the red line is the threshold, the blue band this page
    (an Altair spec built once, fed a data frame that is rebuilt only when the links change). It is
    kept short, and the controls above and below it are kept to one line each, so that on a laptop
    screen (1280 x 800) the first link row is in sight when the page opens."""
    window = win.window
    span = (window[0] + 1, window[-1] + 1) if window else None
    st.vega_lite_chart(page.state.points(loaded), score_chart_spec(len(loaded.links), win.threshold, span),
                       width="stretch", key=page.state.CHART, on_select=page.chart_pick, selection_mode="pick")  # fmt: skip


# ------------------------------------------------------------------------------ navigation
def navigation(page: AlignPage, loaded: Loaded, win: Window) -> None:
    links, window = loaded.links, win.window
    confirmed = sum(lk.status == "confirmed" for lk in links)
    n1, n2, n3, n4 = st.columns([1, 3, 1, 1.4], vertical_alignment="center")
    n1.button("◀ Previous", key="al_prev", disabled=win.page == 0, on_click=page.go_page, args=(win.page - 1,))
    totals = f"{len(links)} links · {confirmed} confirmed · alignment revision {loaded.rev}"
    if window:
        n2.caption(f"Links {window[0] + 1}–{window[-1] + 1} · {len(win.visible)} shown by the filters · page"
                   f" {win.page + 1} of {win.pages}  \n{totals} · click a point of the chart to open that link")  # fmt: skip
    else:
        n2.caption(f"No link matches the filters.  \n{totals}")
    n3.button("Next ▶", key="al_next", disabled=win.page >= win.pages - 1, on_click=page.go_page, args=(win.page + 1,))
    sel_id = page.state.selected
    here = win.pos[sel_id] if sel_id in win.pos else (window[0] - 1 if window else -1)
    target = next_to_review(links, here, win.threshold, among=win.visible)
    n4.button("Next to review ⏭", key="al_review", on_click=page.jump_to_review, args=(win.link_ids, win.visible, target),
              help="the next unconfirmed link scoring below the threshold, after the selected one")  # fmt: skip


# ------------------------------------------------------------------------------ the selected link
def action_bar(page: AlignPage, loaded: Loaded, win: Window, i: int) -> None:
    """The controls acting on the selected link, drawn right under its row: the editor reads the
    link and acts on it in one place, and the rows start near the top of the page."""
    state, editor, ro, rev = page.state, page.editor, page.ro, loaded.rev
    links, paras, doc = loaded.links, loaded.paras, loaded.doc
    lk = links[i]
    sel = lk.id
    members = [("source", pid) for pid in lk.source] + [("target", pid) for pid in lk.target]

    def link_label(lid: str) -> str:
        j = win.pos[lid]
        lk2 = links[j]
        flag = " ⚠" if needs_review(lk2, win.threshold) else ""
        return f"#{j + 1} · {lk2.kind} · {lk2.score:.2f} · {lk2.status}{flag}"

    def para_label(m: tuple[str, str]) -> str:
        p = paras[m[1]]
        head = p.text[:50] + ("…" if len(p.text) > 50 else "")
        return f"{'Source' if m[0] == 'source' else 'Translation'}: {head}"

    state.keep_paragraph_choice(sel, members)
    with st.container(border=True):
        a1, a2 = st.columns([2, 3])
        a1.selectbox("Selected link", [win.link_ids[j] for j in win.window], format_func=link_label, key=state.SELECTED)
        side, para_id = a2.selectbox("Paragraph", members, format_func=para_label, key=state.paragraph_key(sel))
        para = paras[para_id]
        ids_side = lk.source if side == "source" else lk.target
        b = st.columns(6)
        if lk.status == "confirmed":
            b[0].button("Unconfirm", key="al_unconfirm", disabled=ro, on_click=page.act,
                        args=(editor.unconfirm, [sel], rev))  # fmt: skip
        else:
            b[0].button("Confirm ✓", key="al_confirm", type="primary", disabled=ro, on_click=page.act,
                        args=(editor.confirm, [sel], rev))  # fmt: skip
        b[1].button("Merge with next", key="al_merge", disabled=ro or i == len(links) - 1, on_click=page.act,
                    args=(editor.merge_with_next, sel, rev))  # fmt: skip
        b[2].button("Move ↑", key="al_up", disabled=ro or i == 0 or para_id != ids_side[0], on_click=page.act,
                    args=(editor.move_paragraph, sel, side, "up", rev, para_id),
                    help="this paragraph (the first of its side) becomes the last of the previous link")  # fmt: skip
        b[3].button("Move ↓", key="al_down", disabled=ro or i == len(links) - 1 or para_id != ids_side[-1],
                    on_click=page.act, args=(editor.move_paragraph, sel, side, "down", rev, para_id),
                    help="this paragraph (the last of its side) becomes the first of the next link")  # fmt: skip
        b[4].button("Detach", key="al_detach", disabled=ro or len(members) == 1, on_click=page.act,
                    args=(editor.detach, sel, side, para_id, rev), help="give this paragraph a link of its own")  # fmt: skip
        b[5].caption("Edits confirm the links they produce.")

        e1, e2 = st.columns(2)
        pk = state.split_key(para_id, para.rev)
        with e1.expander("Split this paragraph"):
            lang = doc.source_lang if side == "source" else doc.target_lang
            ends = sentence_ends(para.text, lang)
            st.selectbox("At the end of sentence", ends, key=f"{pk}_sent",
                         format_func=lambda e: "…" + para.text[max(0, e - 60) : e], placeholder="no sentence boundary")  # fmt: skip
            s2, s3 = st.columns(2)
            s2.number_input("or at character", 0, max(0, len(para.text) - 1), 0, key=f"{pk}_offset",
                            help="0 = use the sentence end")  # fmt: skip
            s3.checkbox("Separate links", key=f"{pk}_sep", help="put the second part in a link of its own")
            st.button("Split", key="al_split", disabled=ro, on_click=page.split, args=(para_id, pk, rev, para.rev))
        # The box shows what the editor typed for this paragraph (kept across runs, against the revision
        # they started from) or else the current text: someone else's save never replaces their typing.
        tk = state.text_key(para_id)
        typed = state.typed
        mine = typed.get(para_id)
        if mine is not None and mine[2] in (mine[1], para.text):  # nothing of their own left in it
            typed.pop(para_id)
            mine = None
        state.ss[tk] = mine[2] if mine else para.text
        with e2.expander("Edit this paragraph's text", expanded=mine is not None):
            if mine is not None and mine[0] != para.rev:
                st.markdown('<div class="wb-typed-stale" style="font-size:.85em;color:#a50e0e">This paragraph was'
                            " saved by someone else since you started typing; saving shows you both texts.</div>",
                            unsafe_allow_html=True)  # fmt: skip
            st.text_area("Text", key=tk, height=120, disabled=ro, on_change=page.typed,
                         args=(para_id, tk, para.rev, para.text))  # fmt: skip
            st.button("Save text", key="al_save_text", disabled=ro, on_click=page.save_text,
                      args=(para_id, tk, para.rev, para.text))  # fmt: skip
        tm_panel.show(page.store, page.user, page.doc_id, sel, doc.source_lang, doc.target_lang)  # translation memory


# ------------------------------------------------------------------------------ rows
def link_rows(page: AlignPage, loaded: Loaded, win: Window, side_of_source: str) -> None:
    """The page of links side by side, with the action bar under the selected one."""
    links, link_ids, doc = loaded.links, win.link_ids, loaded.doc
    sel_id = page.state.keep_selection_in([link_ids[i] for i in win.window])
    changed = page.store.last_changes(page.doc_id, [link_ids[j] for j in win.window])  # who last changed each link
    where = "Source on the left, translation on the right" if side_of_source == "left" else (
        "Translation on the left, source on the right")  # fmt: skip
    st.caption(f"{where}. Band: red below 0.5, amber below 0.8, green above.")
    for j in win.window:
        row = link_row_html(j + 1, links[j], loaded.paras, doc.source_lang, doc.target_lang,
                            band=confidence_band(links[j].score), selected=link_ids[j] == sel_id,
                            changed=changed.get(link_ids[j]), source_on=side_of_source)  # fmt: skip
        if link_ids[j] == sel_id:
            st.markdown(f'<div class="wb-preview">{row}</div>', unsafe_allow_html=True)
            action_bar(page, loaded, win, j)
        else:
            st.markdown(row, unsafe_allow_html=True)


# ------------------------------------------------------------------------------ bulk confirmation
def bulk_confirm(page: AlignPage, loaded: Loaded, win: Window) -> None:
    editor, ro, rev, links, link_ids = page.editor, page.ro, loaded.rev, loaded.links, win.link_ids
    confirmed = sum(lk.status == "confirmed" for lk in links)
    unconfirmed_page = [link_ids[j] for j in win.window if links[j].status != "confirmed"]
    unconfirmed_all = [link_ids[j] for j in win.visible if links[j].status != "confirmed"]
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
        c1.button(f"Confirm this page ({len(unconfirmed_page)})", key="al_confirm_page",
                  disabled=ro or not unconfirmed_page, on_click=page.act, args=(editor.confirm, unconfirmed_page, rev))  # fmt: skip
        c2.button(f"Confirm all filtered ({len(unconfirmed_all)})", key="al_confirm_filtered",
                  disabled=ro or not unconfirmed_all, on_click=page.act, args=(editor.confirm, unconfirmed_all, rev))  # fmt: skip
        min_score = c3.number_input("Score at least", 0.0, 1.0, 0.9, 0.05, key=page.state.BULK_MIN)
        above = [lk.id for lk in links if lk.status != "confirmed" and lk.score >= min_score]
        c4.button(f"Confirm all ≥ {min_score:.2f} ({len(above)})", key="al_confirm_above", disabled=ro or not above,
                  on_click=page.act, args=(editor.confirm, above, rev))  # fmt: skip
        # a reviewer's sign-off on the whole alignment (the core refuses it to any lower role)
        st.button(f"Confirm whole document ({len(links) - confirmed} unconfirmed)", key="al_confirm_doc",
                  disabled=not page.can_review or confirmed == len(links), on_click=page.act,
                  args=(editor.confirm_document, rev),
                  help="confirms every link of the document" if page.can_review else "needs the reviewer role")  # fmt: skip
