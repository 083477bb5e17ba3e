"""The desk page's panels and their callbacks (the page itself is :mod:`workbench.app.views.desk`).

:class:`Desk` is one run of the page. Every write goes through the core the other pages use: the
text through the Alignment page's own save path (:class:`workbench.app.align_panels.AlignPage`,
which calls :meth:`workbench.editing.AlignmentEditor.edit_text` with the revision the editor
started typing on, and keeps a refused save's draft for the conflict panel), review statuses and
comments through ``store.reviews`` / ``store.comments``, a finding's fix through
:func:`workbench.desk.apply_finding_fix`, its tag through ``store.findings.tag``. Buttons bind the
revisions their run showed, so a click never acts on something changed meanwhile without saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from workbench.app import desk_rows
from workbench.app.align_panels import AlignPage
from workbench.app.desk_state import PAGE_SIZES, DeskState
from workbench.app.widgets import literal, page_count
from workbench.desk import DeskFilter, apply_finding_fix, pair_counterparts, suggested_fix, term_hits
from workbench.errors import WorkbenchError
from workbench.model import Link

ParaState = tuple[str, int, str]  # (paragraph id, revision, text)


def _ignore() -> None:
    """The click trigger needs a callback to be a trigger; the page reads its value in the run."""


@st.cache_resource
def _click_component() -> Any:
    # Registered once per process: registering on every run would re-register the component.
    return st.components.v2.component("wb_desk_click", js=desk_rows.CLICK_JS)


@dataclass
class Rows:
    """What one run shows: every row of the document, the statuses and counts the filters need,
    and the page of rows drawn."""

    links: list[Link]
    one_column: bool
    statuses: dict[str, Any]
    findings: dict[str, list[Any]]  # open findings per link id
    threads: dict[str, list[Any]]  # comment threads per link id
    visible: list[int] = field(default_factory=list)
    window: list[int] = field(default_factory=list)
    page: int = 0
    pages: int = 1


@dataclass
class Desk:
    store: Any
    user: str
    doc_id: int
    state: DeskState
    page: AlignPage  # the Alignment page's save path and conflict drafts, reused
    may_edit: bool
    may_tag: bool
    may_review: bool

    # ------------------------------------------------------------------------------ callbacks
    def say(self, kind: str, message: str) -> None:
        self.state.say(kind, message)  # type: ignore[arg-type]

    def to_first_page(self) -> None:
        self.state.to_first_page()

    def go_page(self, n: int) -> None:
        self.state.page = n

    def start_edit(self, link_id: str, paras: list[ParaState]) -> bool:
        """Open a row's translation for editing: the boxes start from the text shown, and the
        revision each was shown at is what the save is checked against. Refused (with a message)
        while another row has unsaved typing: opening a second row must not drop what was typed."""
        ss, typed = self.state.ss, self.state.typed
        if self.state.editing not in (None, link_id) and any(t[1] != t[2] for t in typed.values()):
            self.say("info", "Another link has unsaved changes: save or cancel them first.")
            return False
        for pid in [pid for pid, t in typed.items() if t[1] == t[2]]:  # the other row's untouched boxes
            ss.pop(self.state.text_key(pid), None)
            typed.pop(pid)
        self.state.editing = link_id
        for pid, rev, text in paras:
            if pid in self.state.drafts:
                continue  # a refused save's draft is in the conflict panel: not a second box
            ss[self.state.text_key(pid)] = text
            typed[pid] = (rev, text, text)
        return True

    def click_to_edit(self, rows: Rows, paras: dict[str, Any]) -> None:
        """A click on a row's translation opens it for editing, as the row's Edit button does (the
        script is :data:`workbench.app.desk_rows.CLICK_JS`; it sends the link id of the row)."""
        if not self.may_edit:
            return
        res = _click_component()(key="dk_click", on_edit_change=_ignore)
        link_id = getattr(res, "edit", None)
        if not link_id or link_id == self.state.editing:
            return
        lk = next((rows.links[i] for i in rows.window if rows.links[i].id == link_id), None)
        if lk is not None and (mine := self._paras_of(lk, paras)):
            if not self.start_edit(lk.id, mine):
                self.flash()  # the refusal, now: the page's message area was drawn before the rows

    def cancel_edit(self, paras: list[ParaState]) -> None:
        ss, typed = self.state.ss, self.state.typed
        for pid, _rev, _text in paras:
            ss.pop(self.state.text_key(pid), None)
            typed.pop(pid, None)
        self.state.editing = None
        self.say("info", "Edit cancelled; nothing was saved.")

    def typed(self, pid: str, rev: int, text: str) -> None:
        self.page.typed(pid, self.state.text_key(pid), rev, text)

    def save(self, number: int, paras: list[ParaState], nxt: tuple[str, list[ParaState], int] | None = None) -> None:
        """Save the row's changed paragraphs (each against the revision it was opened at); with
        ``nxt`` (its link, paragraphs and page of rows), open the next row of the filtered list for
        editing once everything was saved, turning the page when it is on the next one."""
        ss = self.state.ss
        changed = [(pid, rev, text) for pid, rev, text in paras if ss.get(self.state.text_key(pid), text) != text]
        saved: list[str] = []
        for pid, rev, text in changed:
            self.page.save_text(pid, self.state.text_key(pid), rev, text)
            flash = self.state.flash
            if flash and flash[0] == "error":
                if pid in self.state.drafts:  # refused as stale: the draft is kept in the conflict panel
                    ss.pop(self.state.text_key(pid), None)
                    self.state.editing = None
                return  # anything else (an emptied paragraph, a role): the box keeps the text
            saved.append(pid)
        for pid, _rev, _text in paras:
            ss.pop(self.state.text_key(pid), None)
            self.state.typed.pop(pid, None)
        self.state.editing = None
        if saved:
            self.state.unchecked.update(saved)  # their findings are from the text before: said so until re-checked
        msg = f"Link {number}: text saved." if saved else f"Link {number}: nothing changed."
        if nxt is not None:
            self.start_edit(nxt[0], nxt[1])
            self.state.page = nxt[2]
            msg += " Editing the next link."
        self.say("success" if saved else "info", msg)

    def recheck(self, para_ids: list[str]) -> None:
        """Run the checks again on the paragraphs saved here since the last check, so their findings
        follow the new text. Not part of every save: on a long document the document-wide checks
        take longer than a save may (see the desk bench); the rows say their findings are older."""
        from workbench.checks.runner import CheckRunner

        try:
            rep = CheckRunner(self.store).recheck_paragraphs(para_ids, user=self.user)
        except WorkbenchError as exc:
            self.say("error", str(exc))
        else:
            self.state.unchecked.difference_update(para_ids)
            self.say("success", f"Checked again: {rep}")

    def open_comment(self, link_id: str | None) -> None:
        self.open_form("comment" if link_id else None, link_id)

    def open_form(self, kind: str | None, ident: str | None) -> None:
        """One small form open at a time (a comment, a reply, an acceptance), under its row: a page of
        rows stays a few widgets each."""
        self.state.form = (kind, ident) if kind else None

    def set_review(self, link_id: str, number: int, status: str, rev: int, para_revs: dict[str, int]) -> None:
        try:
            self.store.reviews.set_status(self.doc_id, link_id, status, self.user, expected_rev=rev, para_revs=para_revs)
        except WorkbenchError as exc:
            self.say("error", str(exc))
        else:
            self.say("success", f"Link {number} marked {status}.")

    def add_comment(self, link_id: str, number: int) -> None:
        ss = self.state.ss
        text, quote = ss.get(self.state.comment_key(link_id), ""), ss.get(self.state.quote_key(link_id), "")
        try:
            cm = self.store.comments.add(self.doc_id, link_id, text, self.user, quote=quote or None)
        except WorkbenchError as exc:
            self.say("error", str(exc))  # the boxes keep what was typed
        else:
            ss[self.state.comment_key(link_id)] = ""
            ss[self.state.quote_key(link_id)] = ""
            self.state.form = None
            self.say("success", f"Comment {cm.id} added to link {number}.")

    def reply(self, thread_id: str) -> None:
        key = self.state.reply_key(thread_id)
        try:
            cm = self.store.comments.reply(thread_id, self.state.ss.get(key, ""), self.user)
        except WorkbenchError as exc:
            self.say("error", str(exc))
        else:
            self.state.ss[key] = ""
            self.state.form = None
            self.say("success", f"Reply {cm.id} added.")

    def resolve(self, thread_id: str, rev: int, resolved: bool) -> None:
        try:
            self.store.comments.resolve(thread_id, self.user, resolved=resolved, expected_rev=rev)
        except WorkbenchError as exc:
            self.say("error", str(exc))
        else:
            self.say("success", f"Comment {thread_id} {'resolved' if resolved else 'reopened'}.")

    def apply_fix(self, finding_id: str, replace_with: str) -> None:
        try:
            res = apply_finding_fix(self.store, finding_id, self.user, replace_with=replace_with)
        except WorkbenchError as exc:
            self.say("error", str(exc))
        else:
            self.say("success", res.message + f" (batch fix {res.fix_id}: undo it on the Consistency page)")

    def accept(self, link_id: str, revs: dict[str, int]) -> None:
        """Accept the finding picked in the row's box as an exception (the reviewer role and a reason
        are the store's rules), as of the revision the row showed."""
        key = self.state.accept_key(link_id)
        finding_id = self.state.ss.get(self.state.accept_pick_key(link_id)) or next(iter(revs), "")
        try:
            self.store.findings.tag([finding_id], "accepted", self.user, self.state.ss.get(key, ""),
                                    expected_revs={finding_id: revs.get(finding_id, 0)})  # fmt: skip
        except WorkbenchError as exc:
            self.say("error", str(exc))
        else:
            self.state.ss[key] = ""
            self.state.form = None
            self.say("success", f"Finding {finding_id} accepted as an exception.")

    def undo(self) -> None:
        self.page.act(self.page.editor.undo)

    # ------------------------------------------------------------------------------ panels
    def flash(self) -> None:
        if self.state.flash:
            kind, msg = self.state.flash
            {"error": st.error, "success": st.success, "info": st.info}[kind](literal(msg))

    def recheck_bar(self, paras: dict[str, Any]) -> None:
        mine = sorted(p for p in self.state.unchecked if p in paras)
        if mine:
            st.button(f"Re-check my edits ({len(mine)} paragraph{'s' if len(mine) != 1 else ''})", key="dk_recheck",
                      on_click=self.recheck, args=(mine,),
                      help="run the consistency checks again on the paragraphs you saved here")  # fmt: skip

    def progress(self, rows: Rows) -> None:
        prog = self.store.reviews.progress(self.doc_id, rows.statuses)
        c = prog["counts"]
        n = prog["links"]
        text = (f"Review: {c['reviewed'] + c['approved']} of {n} links reviewed ({c['approved']} approved)"
                f" · {c['edited']} edited · {c['draft']} draft"
                + (f" · {prog['changed_since_review']} changed since review" if prog["changed_since_review"] else ""))  # fmt: skip
        st.progress(float(prog["reviewed"]), text=text)

    def filters(self, rows: Rows, terms: list[Any], matcher_key: Any, compute_term_links: Any) -> DeskFilter:
        s = self.state
        f = st.columns([1.2, 1.3, 1.6, 1.3, 1.3], vertical_alignment="center")
        f[0].checkbox("Open findings", key=s.F_FINDINGS, on_change=self.to_first_page)
        f[1].checkbox("Not yet reviewed", key=s.F_UNREVIEWED, on_change=self.to_first_page)
        f[2].checkbox("Changed since review", key=s.F_CHANGED, on_change=self.to_first_page,
                      help="reviewed or approved, and edited since")  # fmt: skip
        f[3].checkbox("Low confidence", key=s.F_LOW, on_change=self.to_first_page, disabled=rows.one_column,
                      help="alignment score below 0.5")  # fmt: skip
        f[4].checkbox("Open comments", key=s.F_COMMENTS, on_change=self.to_first_page)
        g = st.columns([3, 1, 2], vertical_alignment="bottom")
        by_id = {t.id: t for t in terms}
        g[0].selectbox("Contains term", [None, *by_id], key=s.F_TERM, on_change=self.to_first_page,
                       format_func=lambda t: "any" if t is None else f"{by_id[t].preferred} ({by_id[t].source})")  # fmt: skip
        g[1].selectbox("Rows per page", PAGE_SIZES, key=s.SIZE, on_change=self.to_first_page)
        term = s.ss.get(s.F_TERM)
        return DeskFilter(
            open_findings=bool(s.ss.get(s.F_FINDINGS)), not_reviewed=bool(s.ss.get(s.F_UNREVIEWED)),
            changed_since_review=bool(s.ss.get(s.F_CHANGED)), low_confidence=bool(s.ss.get(s.F_LOW)),
            with_comments=bool(s.ss.get(s.F_COMMENTS)),
            term_links=None if term is None else s.term_links((matcher_key, term), lambda: compute_term_links(term)),
        )  # fmt: skip

    def paging(self, rows: Rows) -> None:
        size = self.state.size
        rows.pages = page_count(len(rows.visible), size)
        rows.page = min(self.state.page, rows.pages - 1)
        self.state.page = rows.page
        rows.window = rows.visible[rows.page * size : (rows.page + 1) * size]

    def navigation(self, rows: Rows, where: str) -> None:
        n1, n2, n3 = st.columns([1, 4, 1], vertical_alignment="center")
        n1.button("◀ Previous", key=f"dk_prev_{where}", disabled=rows.page == 0, on_click=self.go_page,
                  args=(rows.page - 1,))  # fmt: skip
        if rows.window:
            n2.caption(f"Links {rows.window[0] + 1}–{rows.window[-1] + 1} · {len(rows.visible)} of {len(rows.links)}"
                       f" shown by the filters · page {rows.page + 1} of {rows.pages}")  # fmt: skip
        else:
            n2.caption(f"No link matches the filters ({len(rows.links)} links).")
        n3.button("Next ▶", key=f"dk_next_{where}", disabled=rows.page >= rows.pages - 1, on_click=self.go_page,
                  args=(rows.page + 1,))  # fmt: skip

    def draw_rows(self, rows: Rows, loaded: Any, source_on: str) -> None:
        paras = loaded.paras
        shown = [rows.links[i] for i in rows.window]
        side_of = {p.id: "source" for lk in shown for p in (paras[x] for x in lk.source if x in paras)}
        side_of.update({pid: "target" for lk in shown for pid in lk.target})
        para_objs = [paras[pid] for pid in side_of if pid in paras]
        anns = [a for a in self.store.terms.annotations(doc_id=self.doc_id, reanchor_spans=False)
                if a.para_id in side_of and paras[a.para_id].text[a.start:a.end] == a.surface]  # fmt: skip
        hits = term_hits(self.store.terms.matcher(), para_objs, side_of, anns)
        if not rows.one_column:
            for lk in shown:
                pair_counterparts(lk, paras, hits)
        shown_hits = [h for hs in hits.values() for h in hs]
        st.markdown(desk_rows.DESK_CSS + desk_rows.counterpart_css((h.term_id for h in shown_hits),
                                                                   (h.pair for h in shown_hits if h.pair)),
                    unsafe_allow_html=True)  # fmt: skip
        edited_pids = [p for lk in shown if rows.statuses.get(lk.id) and rows.statuses[lk.id].status == "edited"
                       and rows.statuses[lk.id].user is None for p in (*lk.source, *lk.target)]  # fmt: skip
        last_edit = self.store.reviews.last_edits(edited_pids) if edited_pids else {}
        for pos, i in enumerate(rows.window):
            lk = rows.links[i]
            nxt_i = rows.window[pos + 1] if pos + 1 < len(rows.window) else (
                rows.visible[rows.visible.index(i) + 1] if rows.visible.index(i) + 1 < len(rows.visible) else None)
            self.draw_row(i, lk, rows, loaded, source_on, hits, last_edit, nxt_i)

    def _paras_of(self, lk: Link, paras: dict[str, Any]) -> list[ParaState]:
        ids = lk.target or lk.source  # the translation is what the desk edits (the only side, if one)
        return [(pid, paras[pid].rev, paras[pid].text) for pid in ids if pid in paras]

    def draw_row(self, i: int, lk: Link, rows: Rows, loaded: Any, source_on: str, hits: dict[str, list[Any]],
                 last_edit: dict[str, tuple[str, str]], nxt_i: int | None) -> None:  # fmt: skip
        doc, paras = loaded.doc, loaded.paras
        number = i + 1
        review = rows.statuses.get(lk.id)
        fs = rows.findings.get(lk.id, [])
        by_para: dict[str, list[Any]] = {}
        for f in fs:
            if f.para_id:
                by_para.setdefault(f.para_id, []).append(f)
        threads = rows.threads.get(lk.id, [])
        edited_by = next((last_edit[p] for p in (*lk.source, *lk.target) if p in last_edit), None)
        decisions = "".join(
            f'<div class="wb-decision" style="font-size:.8em">⚑ {desk_rows.html_literal(f.check)}:'
            f' <a href="consistency?doc={self.doc_id}&amp;group={desk_rows.attr(f.group)}" target="_self"'
            f' data-group="{desk_rows.attr(f.group)}">open decision {desk_rows.attr(f.group)}</a></div>' for f in fs)  # fmt: skip
        mine = self._paras_of(lk, paras)
        editing = self.state.editing == lk.id and self.may_edit
        with st.container(key=f"dk_row_{lk.id}"):
            if not editing:
                st.markdown(desk_rows.row_html(number, lk, paras, doc, hits=hits, findings=by_para, review=review,
                                               threads=threads, source_on=source_on, one_column=rows.one_column,
                                               edited_by=edited_by, decision_links=decisions,
                                               stale=self.state.unchecked, editable=self.may_edit and bool(mine)),
                            unsafe_allow_html=True)  # fmt: skip
            else:
                self.draw_editor(number, lk, rows, loaded, source_on, hits, by_para, review, mine, nxt_i)
            para_revs = {p: paras[p].rev for p in (*lk.source, *lk.target) if p in paras}
            self.toolbar(number, lk, review, mine, editing, para_revs)
            if fs:
                self.finding_actions(lk, fs)
            for t in threads:
                self.thread_actions(t)

    def draw_editor(self, number: int, lk: Link, rows: Rows, loaded: Any, source_on: str, hits: dict[str, list[Any]],
                    by_para: dict[str, list[Any]], review: Any, mine: list[ParaState], nxt_i: int | None) -> None:  # fmt: skip
        doc, paras = loaded.doc, loaded.paras
        st.markdown(f'<div class="wb-row-head" style="font-size:.8em;color:#555">#{number} · editing ·'
                    f" {desk_rows.review_badge(review)}</div>", unsafe_allow_html=True)  # fmt: skip

        def boxes() -> None:
            for pid, rev, text in mine:
                st.text_area(f"Translation of link {number}" + (f" ({mine.index((pid, rev, text)) + 1})" if len(mine) > 1 else ""),
                             key=self.state.text_key(pid), height=max(100, min(320, 22 * (len(text) // 60 + 2))),
                             on_change=self.typed, args=(pid, rev, text))  # fmt: skip

        if rows.one_column or not lk.source:
            boxes()
        else:
            src_html = desk_rows.side_html([paras[p] for p in lk.source if p in paras], doc.source_lang, hits, by_para,
                                           "source")  # fmt: skip
            left, right = st.columns(2)
            src_col, box_col = (left, right) if source_on == "left" else (right, left)
            src_col.markdown(f'<div class="wb-row wb-editing">{src_html}</div>', unsafe_allow_html=True)
            with box_col:
                boxes()
        nxt = None
        if nxt_i is not None:
            nl = rows.links[nxt_i]
            nxt = (nl.id, self._paras_of(nl, paras), rows.visible.index(nxt_i) // self.state.size)
        b1, b2, b3, _ = st.columns([1, 1.3, 1, 3])
        b1.button("Save", key=f"dk_save_{lk.id}", type="primary", on_click=self.save, args=(number, mine))
        b2.button("Save and next", key=f"dk_save_next_{lk.id}", on_click=self.save, args=(number, mine, nxt),
                  disabled=nxt is None)  # fmt: skip
        b3.button("Cancel", key=f"dk_cancel_{lk.id}", on_click=self.cancel_edit, args=(mine,))

    def toolbar(self, number: int, lk: Link, review: Any, mine: list[ParaState], editing: bool,
                para_revs: dict[str, int]) -> None:  # fmt: skip
        """The row's actions: edit, mark reviewed or approved (as of the paragraph revisions shown),
        comment (optionally quoting words of the link)."""
        rrev = review.rev if review is not None else 0
        t = st.columns([1, 1.2, 1, 1.2, 3], vertical_alignment="center")
        t[0].button("✎ Edit", key=f"dk_edit_{lk.id}", disabled=editing or not self.may_edit or not mine,
                    on_click=self.start_edit, args=(lk.id, mine),
                    help=None if self.may_edit else "needs the editor role")  # fmt: skip
        status = review.status if review is not None else "draft"
        t[1].button("✓ Reviewed", key=f"dk_reviewed_{lk.id}", disabled=not self.may_review or status == "reviewed",
                    on_click=self.set_review, args=(lk.id, number, "reviewed", rrev, para_revs),
                    help=None if self.may_review else "needs the reviewer role")  # fmt: skip
        t[2].button("★ Approve", key=f"dk_approved_{lk.id}", disabled=not self.may_review or status == "approved",
                    on_click=self.set_review, args=(lk.id, number, "approved", rrev, para_revs),
                    help=None if self.may_review else "needs the reviewer role")  # fmt: skip
        open_form = self.state.form == ("comment", lk.id)
        t[3].button("Comment", icon=":material/comment:", key=f"dk_comment_btn_{lk.id}", disabled=not self.may_tag or open_form,
                    on_click=self.open_comment, args=(lk.id,), help=None if self.may_tag else "needs the editor role")  # fmt: skip
        if open_form and self.may_tag:  # one comment form at a time: a page of rows stays light
            with st.container(border=True):
                st.text_area(f"Comment on link {number}", key=self.state.comment_key(lk.id), height=90)
                st.text_input("Quote (optional: words of this link the comment is about)", key=self.state.quote_key(lk.id))
                c1, c2, _ = st.columns([1, 1, 3])
                c1.button("Post comment", key=f"dk_post_{lk.id}", type="primary", on_click=self.add_comment,
                          args=(lk.id, number))  # fmt: skip
                c2.button("Cancel", key=f"dk_comment_cancel_{lk.id}", on_click=self.open_comment, args=(None,))

    def finding_actions(self, lk: Link, fs: list[Any]) -> None:
        """A row's findings' actions: a button per suggested fix, and one "Accept…" for the row (pick
        the finding, say why) — a row with many findings stays a few widgets."""
        fixes = [(f, fix) for f in fs if (fix := suggested_fix(f))]
        a = st.columns([2, 2, 2, 1.6], vertical_alignment="center")
        for k, (f, fix) in enumerate(fixes):
            a[k % 3].button(f"Fix: {f.key} → {fix}", key=f"dk_fix_{f.id}", disabled=not self.may_edit,
                            on_click=self.apply_fix, args=(f.id, fix),
                            help="replace this occurrence with the suggested form (undo on the Consistency page)")  # fmt: skip
        by_id = {f.id: f for f in fs}
        here = self.state.form == ("accept", lk.id)
        a[3].button("Accept…", key=f"dk_accept_open_{lk.id}", disabled=not self.may_review or here,
                    on_click=self.open_form, args=("accept", lk.id),
                    help="accept a finding of this link as an exception" if self.may_review else "needs the reviewer role")  # fmt: skip
        if here and self.may_review:
            with st.container(border=True):
                st.selectbox("Finding", list(by_id), key=self.state.accept_pick_key(lk.id),
                             format_func=lambda i: f"{by_id[i].check}: {by_id[i].message[:70]}")  # fmt: skip
                st.text_input("Why is this an exception?", key=self.state.accept_key(lk.id))
                c1, c2, _ = st.columns([1.4, 1, 3])
                c1.button("Accept as exception", key=f"dk_accept_btn_{lk.id}", type="primary", on_click=self.accept,
                          args=(lk.id, {f.id: f.rev for f in fs}))  # fmt: skip
                c2.button("Cancel", key=f"dk_accept_cancel_{lk.id}", on_click=self.open_form, args=(None, None))

    def thread_actions(self, t: Any) -> None:
        a = st.columns([1.2, 1, 4], vertical_alignment="center")
        here = self.state.form == ("reply", t.id)
        a[0].button("Reply", key=f"dk_reply_open_{t.id}", disabled=not self.may_tag or here,
                    on_click=self.open_form, args=("reply", t.id))  # fmt: skip
        if here and self.may_tag:
            with st.container(border=True):
                st.text_area(f"Reply to {t.user}", key=self.state.reply_key(t.id), height=80)
                c1, c2, _ = st.columns([1, 1, 3])
                c1.button("Post reply", key=f"dk_reply_btn_{t.id}", type="primary", on_click=self.reply, args=(t.id,))
                c2.button("Cancel", key=f"dk_reply_cancel_{t.id}", on_click=self.open_form, args=(None, None))
        a[1].button("Reopen" if t.resolved else "Resolve", key=f"dk_resolve_{t.id}", disabled=not self.may_tag,
                    on_click=self.resolve, args=(t.id, t.rev, not t.resolved))  # fmt: skip
