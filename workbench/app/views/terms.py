"""Terms: the termbase (search, filters, edit, approve, merge, import/export), discovery proposals,
and every occurrence of a term in context with source and translation side by side (the source on
the side the editor chose: right by default). User text is shown literally; a confirmation stays
until the next action."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.app.state import current_user, get_store
from workbench.app.widgets import (
    add_notice,
    clear_notice,
    html_literal,
    literal,
    pick_document,
    run_action,
    set_notice,
    show_notice,
    source_side,
    text_block,
    why_not,
)
from workbench.errors import WorkbenchError
from workbench.terms.csvio import to_csv_text
from workbench.terms.discovery import discover_document
from workbench.terms.model import ANNOTATION_KINDS, TERM_KINDS, TERM_STATUSES, VARIANT_POLICIES
from workbench.terms.service import (
    TABLE_COLUMNS,
    annotation_proposals,
    apply_table_edits,
    context_snippet,
    occurrences,
    rows_with_edits,
    terms_table,
)
from workbench.terms.tbx import to_tbx_bytes

store = get_store()
repo = store.terms
user = current_user()
may_terms = store.may(user, "terms")
may_annotate = store.may(user, "annotate")
st.title("Terms")
PAGE = "terms"


def _has_draft(state: object) -> bool:
    """Whether the termbase table holds unsaved edits (cell edits, added or deleted rows, ticks)."""
    return isinstance(state, dict) and any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def _reload_table() -> None:
    """Drop the loaded snapshot and the table's draft: the next run shows the current termbase."""
    st.session_state.pop("tb_loaded", None)
    st.session_state.pop("tb_editor", None)


def _done(message: str) -> None:
    """A confirmation that stays on the page until the next action (a toast vanishes unread)."""
    set_notice(PAGE, "success", message)


def _reject_proposals(chosen: list) -> int:  # noqa: ANN001 - discovery proposals
    """Reject several proposals in one transaction (a refusal rejects none of them)."""
    with store.transaction():
        for p in chosen:
            repo.reject_proposal(p.rendering, p.source, user)
    return len(chosen)


def _save_table() -> None:
    """Save button callback: the whole table in one transaction, each row against the revision in
    the loaded snapshot. A refusal keeps the snapshot and the table's state, so the editor's draft
    stays in the table beside the message; a save refreshes both. The acting user is read at click
    time, and the service checks the role (a button drawn for someone else is no way around it)."""
    loaded = st.session_state.get("tb_loaded")
    clear_notice(PAGE)
    if loaded is None:
        return
    rows = rows_with_edits(terms_table(loaded["terms"]), st.session_state.get("tb_editor"))
    try:
        done = apply_table_edits(repo, loaded["terms"], rows, current_user())
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))
    else:
        _reload_table()
        _done(f"Termbase saved: {done}")


def _accepted(added: list) -> str:  # noqa: ANN001 - termbase entries
    n = len(added)
    return (f"{n} entr{'y' if n == 1 else 'ies'} added to the termbase as candidates (status proposed): "
            "a terminologist approves them on the Termbase tab")  # fmt: skip


def _delete_terms(doomed: dict[int, int | None]) -> int:
    """Delete the confirmed entries in one transaction, each against the revision shown."""
    with store.transaction():
        for tid, rev in doomed.items():
            repo.delete(tid, user, expected_rev=rev)
    return len(doomed)


show_notice(PAGE)  # the last action's confirmation or error, until the next action

tab_base, tab_discover, tab_occ, tab_io = st.tabs(["Termbase", "Discover", "Occurrences", "Import / export"])

# ------------------------------------------------------------------------------------------ termbase
with tab_base:
    c1, c2, c3 = st.columns([2, 1, 1])
    query = c1.text_input("Search (any form, Hebrew or English, gloss, note)", key="tb_search")
    statuses = c2.multiselect("Status", TERM_STATUSES, key="tb_status")
    kinds = c3.multiselect("Kind", TERM_KINDS, key="tb_kind")
    # The table shows the entries as this editor loaded them (with their revisions), not a fresh
    # read on every rerun: a fresh read would change the editor widget's data, Streamlit would
    # then drop the editor's draft, and a save would compare nothing against nothing. The snapshot
    # is refreshed when the filters change, after a save or action, on Reload, and whenever there
    # is no draft to lose.
    filters = (query, tuple(statuses), tuple(kinds))
    version = repo.version()
    loaded = st.session_state.get("tb_loaded")
    draft = _has_draft(st.session_state.get("tb_editor"))
    if loaded is None or loaded["filters"] != filters or (not draft and loaded["version"] != version):
        loaded = {
            "filters": filters,
            "version": version,
            "terms": [
                t
                for t in repo.list_terms(search=query or None)
                if (not statuses or t.status in statuses) and (not kinds or t.kind in kinds)
            ],
        }
        st.session_state["tb_loaded"] = loaded
    terms = loaded["terms"]
    total = repo.count()
    if not total and not terms:
        st.info(
            "**The termbase is empty.** Import a CSV or TBX file under *Import / export* (the demo ships "
            "`corpus/termbase.csv`), or let *Discover* propose entries from a translation."
        )
    else:
        st.caption(f"{len(terms)} of {total} entries. Edit cells, tick *select* for bulk actions, then save.")
        if not may_terms:
            st.caption(why_not(store, user, "terms"))
        if loaded["version"] != version:
            st.info("The termbase changed since you loaded this table. Your save is checked row by row against "
                    "what you loaded; *Reload* shows the current entries (and discards your edits).")  # fmt: skip
        df = pd.DataFrame(terms_table(terms), columns=TABLE_COLUMNS)
        df.insert(0, "select", False)
        edited = st.data_editor(
            df,
            key="tb_editor",
            hide_index=True,
            width="stretch",
            num_rows="dynamic" if may_terms else "fixed",
            disabled=["id"] if may_terms else True,
            column_config={
                "select": st.column_config.CheckboxColumn("select", width="small"),
                "kind": st.column_config.SelectboxColumn("kind", options=list(TERM_KINDS)),
                "status": st.column_config.SelectboxColumn("status", options=list(TERM_STATUSES)),
                "gloss_first": st.column_config.CheckboxColumn(
                    "gloss 1st", help="the first occurrence in a document must carry the gloss"),
                "variant_policy": st.column_config.SelectboxColumn(
                    "variant policy", options=list(VARIANT_POLICIES),
                    help="allowed: fine when a document uses it throughout; deprecated: one warning per "
                         "document; forbidden: an error at every occurrence"),
                "ambiguous": st.column_config.CheckboxColumn(
                    "ambiguous", help="the source word is often an ordinary word: a missing rendering is only a hint"),
                "not_term": st.column_config.TextColumn(
                    "not the term in", help="source contexts where the word is not the term (גוף האדם), "
                         "separated by |; re: starts a regular expression"),
                "variants": st.column_config.TextColumn("variants", help="separated by |"),
                "forbidden": st.column_config.TextColumn("forbidden", help="separated by |"),
            },
        )
        selected = [int(r["id"]) for r in edited.to_dict("records") if r.get("select") and pd.notna(r.get("id"))]
        revs = {t.id: t.rev for t in terms}
        b1, b2, b3, b4, b5 = st.columns(5)
        b1.button("Save changes", type="primary", key="tb_save", disabled=not may_terms, on_click=_save_table)
        if b2.button(f"Approve selected ({len(selected)})", key="tb_approve", disabled=not selected or not may_terms):
            n = run_action(lambda: repo.set_status(selected, "approved", user))
            if n is not None:
                _reload_table()
                _done(f"{n} entr{'y' if n == 1 else 'ies'} approved")
                st.rerun()
        if b3.button(f"Delete selected ({len(selected)})", key="tb_delete", disabled=not selected or not may_terms):
            st.session_state["tb_confirm_delete"] = {tid: revs.get(tid) for tid in selected}
        if st.session_state.get("tb_confirm_delete"):
            doomed = st.session_state["tb_confirm_delete"]
            st.warning(f"Delete {len(doomed)} entr{'y' if len(doomed) == 1 else 'ies'}? Their annotations lose their term.")
            if st.button("Yes, delete", key="tb_delete_yes", disabled=not may_terms):
                gone = run_action(lambda: _delete_terms(doomed))
                st.session_state.pop("tb_confirm_delete")
                if gone is not None:
                    _reload_table()
                    _done(f"{gone} entr{'y' if gone == 1 else 'ies'} deleted")
                    st.rerun()
        if b4.button("Export shown as CSV", key="tb_export_shown"):
            st.session_state["tb_shown_csv"] = to_csv_text(terms)
        if b5.button("Reload", key="tb_reload", help="show the current entries; discards your unsaved edits"):
            _reload_table()
            st.rerun()
        if st.session_state.get("tb_shown_csv"):
            st.download_button("Download shown entries", st.session_state["tb_shown_csv"], "terms-selection.csv",
                               "text/csv", key="tb_dl_shown")  # fmt: skip

        if may_terms:
            with st.expander("Merge two entries"):
                all_terms = repo.list_terms()
                labels = {t.id: f"#{t.id} {t.preferred} — {t.source or '–'}" for t in all_terms}
                m1, m2 = st.columns(2)
                keep = m1.selectbox("Keep", list(labels), format_func=labels.get, key="merge_keep")
                drop = m2.selectbox("Merge into it (removed)", list(labels), format_func=labels.get, key="merge_drop")
                if st.button("Merge", key="merge_go", disabled=keep is None or keep == drop):
                    merged = run_action(lambda: repo.merge(keep, drop, user))
                    if merged is not None:
                        _reload_table()
                        _done(f"Merged: {labels[drop]} into {labels[keep]}")
                        st.rerun()

# ------------------------------------------------------------------------------------------ discover
with tab_discover:
    docs = store.list_documents()
    doc_summary = pick_document(docs, key="disc_doc")
    if doc_summary is not None:
        if st.button("Find transliterations and terms", type="primary", key="disc_go"):
            with st.status("Looking for candidates and their Hebrew…", expanded=False) as status:
                try:
                    doc = store.get_document(doc_summary.id)
                    props = discover_document(
                        doc, store.get_links(doc.id), terms=repo.list_terms(), rejected=repo.rejected_keys()
                    )
                except WorkbenchError as exc:
                    status.update(label="Discovery failed", state="error")
                    st.error(literal(str(exc)))
                    props = None
                else:
                    status.update(label=f"{len(props)} proposal(s)", state="complete")
            if props is not None:
                st.session_state["disc_props"] = {"doc": doc_summary.id, "items": props}
        found = st.session_state.get("disc_props")
        if found and found["doc"] == doc_summary.id:
            props = found["items"]
            if not props:
                st.info("No new terms proposed for this document.")
            else:
                pdf = pd.DataFrame(
                    [
                        {
                            "accept": False,
                            "rendering": p.rendering,
                            "source": p.source or "",
                            "gloss": p.gloss or "",
                            "kind": p.kind,
                            "occurrences": p.occurrences,
                            "aligned": f"{p.evidence.get('aligned', 0)}/{p.evidence.get('aligned_paragraphs', 0)}",
                            "variants": " | ".join(p.variants),
                            "score": round(p.score, 2),
                            "example": (p.evidence.get("examples") or [""])[0],
                        }
                        for p in props
                    ]
                )
                ed = st.data_editor(
                    pdf, key="disc_editor", hide_index=True, width="stretch",
                    disabled=["occurrences", "aligned", "score", "example"],
                    column_config={"accept": st.column_config.CheckboxColumn("accept", width="small"),
                                   "kind": st.column_config.SelectboxColumn("kind", options=list(TERM_KINDS))},
                )  # fmt: skip
                recs = ed.to_dict("records")
                chosen = [i for i, r in enumerate(recs) if r["accept"]]

                def _edited(i: int):  # noqa: ANN202 - proposal with the editor's corrections
                    p, r = props[i], recs[i]
                    p.rendering, p.source, p.gloss = r["rendering"], r["source"] or None, r["gloss"] or None
                    p.kind = r["kind"]
                    p.variants = [v.strip() for v in str(r["variants"]).split("|") if v.strip()]
                    return p

                if not may_terms:
                    st.caption(why_not(store, user, "terms"))
                a1, a2, a3 = st.columns(3)
                if a1.button(f"Accept selected ({len(chosen)})", type="primary", key="disc_accept",
                             disabled=not chosen or not may_terms):  # fmt: skip
                    added = run_action(lambda: repo.accept_proposals([_edited(i) for i in chosen], user))
                    if added is not None:
                        st.session_state["disc_props"]["items"] = [p for i, p in enumerate(props) if i not in chosen]
                        _done(_accepted(added))
                        st.rerun()
                if a2.button(f"Reject selected ({len(chosen)})", key="disc_reject", disabled=not chosen or not may_terms):
                    # All or none: a refused rejection must not drop the proposals from the list.
                    if (n_rej := run_action(lambda: _reject_proposals([props[i] for i in chosen]))) is not None:
                        st.session_state["disc_props"]["items"] = [p for i, p in enumerate(props) if i not in chosen]
                        _done(f"{n_rej} proposal(s) rejected: discovery will not propose them again")
                        st.rerun()
                if a3.button(f"Accept all {len(props)}", key="disc_accept_all", disabled=not may_terms):
                    added = run_action(lambda: repo.accept_proposals([_edited(i) for i in range(len(props))], user))
                    if added is not None:
                        st.session_state["disc_props"]["items"] = []
                        _done(_accepted(added))
                        st.rerun()

# ------------------------------------------------------------------------------------------ occurrences
with tab_occ:
    all_terms = repo.list_terms()
    docs = store.list_documents()
    if not all_terms or not docs:
        st.info("Occurrences need a termbase entry and a document.")
    else:
        labels = {t.id: f"{t.preferred} — {t.source or '–'}" for t in all_terms}
        c1, c2 = st.columns(2)
        term_id = c1.selectbox("Term", list(labels), format_func=labels.get, key="occ_term")
        with c2:
            doc_summary = pick_document(docs, key="occ_doc")
        term = repo.get(term_id)
        if doc_summary is not None:
            doc = store.get_document(doc_summary.id)
            anns = repo.annotations(doc_id=doc.id, user=user)
            views = occurrences(doc, store.get_links(doc.id), term, anns)
            gloss = f" — <i>{html_literal(term.gloss)}</i>" if term.gloss else ""
            st.markdown(f'<div class="wb-occ-head"><b>{len(views)}</b> aligned unit(s) with '
                        f"<b>{html_literal(term.preferred)}</b>{gloss}</div>", unsafe_allow_html=True)  # fmt: skip
            if not may_annotate:
                st.caption(why_not(store, user, "annotate"))
            props = annotation_proposals(doc, repo.matcher(), anns, term_ids={term.id})
            if props and may_annotate:
                if st.button(f"Annotate all {len(props)} unannotated occurrence(s)", key="occ_annotate_all"):
                    got = run_action(lambda: repo.add_annotations(props, user))
                    if got is not None:
                        _done(f"{len(got)} annotation(s) added")
                        st.rerun()
            side = source_side(store, user)
            st.caption(f"Source on the {side}, translation on the {'left' if side == 'right' else 'right'} "
                       "(your setting in the sidebar).")  # fmt: skip
            for i, v in enumerate(views[:200]):
                first, second = st.columns(2)
                src_col, tgt_col = (second, first) if side == "right" else (first, second)
                with src_col:
                    for text, spans in zip(v.source_texts, v.source_spans, strict=True):
                        st.markdown(text_block(text, doc.source_lang or "he", highlight=spans), unsafe_allow_html=True)
                    if not v.source_texts:
                        st.caption("(no aligned source)")
                with tgt_col:
                    if v.target_text:
                        st.markdown(text_block(v.target_text, doc.target_lang or "en", highlight=v.target_spans),
                                    unsafe_allow_html=True)  # fmt: skip
                        if "forbidden" in v.form_kinds:
                            st.caption("⚠ uses a forbidden rendering")
                    else:
                        st.caption("(the translation does not use the term here)")
                    mine = [p for p in props if p.para_id == v.target_para]
                    if mine and may_annotate and st.button(f"Annotate {len(mine)} here", key=f"occ_ann_{i}"):
                        if run_action(lambda mine=mine: repo.add_annotations(mine, user)) is not None:
                            _done(f"{len(mine)} annotation(s) added")
                        st.rerun()
                st.divider()
            if len(views) > 200:
                st.caption(f"Showing 200 of {len(views)}.")
            mine = [a for a in anns if a.term_id == term.id]
            if mine:
                with st.expander(f"Annotations of this term ({len(mine)})"):
                    texts = doc.paragraph_index()
                    # The table shows what the editor loaded until they save or have nothing pending,
                    # like the termbase table: a rerun after someone else's change must neither wipe
                    # the editor's pending edits nor let them save over that change unseen.
                    snap_key = f"occ_ann_rows_{doc.id}_{term.id}"
                    pending = _has_draft(st.session_state.get("occ_ann_editor"))
                    if snap_key not in st.session_state or not pending:
                        st.session_state[snap_key] = [
                            {"remove": False, "id": a.id, "kind": a.kind, "state": a.state, "rev": a.rev,
                             "context": context_snippet(texts[a.para_id].text, a.start, a.end)
                             if a.para_id in texts else a.surface}
                            for a in mine
                        ]  # fmt: skip
                    loaded_rows = st.session_state[snap_key]
                    aed = st.data_editor(
                        pd.DataFrame(loaded_rows), key="occ_ann_editor", hide_index=True, width="stretch",
                        disabled=["id", "state", "context", "rev"],
                        column_config={"kind": st.column_config.SelectboxColumn("kind", options=list(ANNOTATION_KINDS)),
                                       "rev": None},
                    )  # fmt: skip
                    recs = aed.to_dict("records")
                    shown = {int(r["id"]): r for r in loaded_rows}
                    gone = {int(r["id"]): int(shown[int(r["id"])]["rev"]) for r in recs if r["remove"]}
                    r1, r2 = st.columns(2)
                    if r1.button(f"Remove selected ({len(gone)})", key="occ_ann_remove",
                                 disabled=not gone or not may_annotate):  # fmt: skip
                        if run_action(lambda: repo.delete_annotations(list(gone), user, expected_revs=gone)) is not None:
                            _done(f"{len(gone)} annotation(s) removed")
                            st.session_state.pop(snap_key, None)
                            st.session_state.pop("occ_ann_editor", None)
                            st.rerun()
                    changed = [r for r in recs if r["kind"] != shown[int(r["id"])]["kind"]]
                    if r2.button(f"Save kinds ({len(changed)})", key="occ_ann_save",
                                 disabled=not changed or not may_annotate):  # fmt: skip

                        def save_kinds() -> int:
                            with store.transaction():  # all or nothing, each row at the revision shown
                                for r in changed:
                                    a = repo.get_annotation(int(r["id"]))
                                    a.kind, a.rev = r["kind"], int(shown[int(r["id"])]["rev"])
                                    repo.update_annotation(a, user)
                            return len(changed)

                        if run_action(save_kinds) is not None:
                            _done(f"{len(changed)} annotation kind(s) saved")
                            st.session_state.pop(snap_key, None)
                            st.session_state.pop("occ_ann_editor", None)
                            st.rerun()

# ------------------------------------------------------------------------------------------ import / export
with tab_io:
    st.subheader("Import")
    st.caption("CSV with the header `source,preferred,variants,forbidden,gloss,note` (`|` between variants) and "
               "optionally `gloss_first,variant_policy,not_term,ambiguous`, or TBX. "
               "A file with a bad row is not imported at all; the message names the line.")  # fmt: skip
    up = st.file_uploader("Termbase file", type=["csv", "tbx", "xml"], key="io_upload")
    if not may_terms:
        st.caption(why_not(store, user, "terms"))
    if st.button("Import", type="primary", key="io_import", disabled=up is None or not may_terms):
        progress = st.progress(0.0, text="Reading…")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(up.name).name
                path.write_bytes(up.getvalue())
                progress.progress(0.4, text="Importing…")
                report = repo.import_file(path, user=user)
        except WorkbenchError as exc:
            progress.empty()
            set_notice(PAGE, "error", str(exc))
        else:
            progress.progress(1.0, text="Done")
            _done(f"Termbase imported: {report}")
            for w in report.warnings:
                add_notice(PAGE, "warning", w)
            _reload_table()
        st.rerun()
    st.subheader("Export")
    every = repo.list_terms(order="id")
    c1, c2 = st.columns(2)
    c1.download_button("Download CSV", to_csv_text(every), "termbase.csv", "text/csv", key="io_dl_csv",
                       disabled=not every)  # fmt: skip
    c2.download_button("Download TBX", to_tbx_bytes(every), "termbase.tbx", "application/x-tbx+xml", key="io_dl_tbx",
                       disabled=not every)  # fmt: skip
