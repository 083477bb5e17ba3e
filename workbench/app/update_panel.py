"""Library: update one side of a document from a new version of its file.

The editor uploads the revised file; the page shows what the update would do (the change summary,
what happens to links and annotations, every changed paragraph word by word) and only then applies
it. The plan keeps the revisions it was computed against, so applying it after someone else changed
the document is refused by the store (the notice names who), never applied over their work. The
core (:mod:`workbench.update`) does everything; this module only draws it.
"""

from __future__ import annotations

import streamlit as st

from workbench.app.state import current_user
from workbench.app.widgets import diff_html, doc_label, literal, set_notice, show_notice, why_not
from workbench.errors import WorkbenchError
from workbench.io import read_bytes
from workbench.io.encoding import max_bytes, upload_limit_mb

PAGE = "library-update"
ENCODINGS = ["Auto-detect", "utf-8", "utf-16", "cp1255", "iso-8859-8"]
SHOWN = 30  # changed paragraphs listed before "and N more"


def _cancel() -> None:
    st.session_state.pop("upd_plan", None)
    set_notice(PAGE, "info", "Update cancelled: nothing was saved.")


def _apply() -> None:
    from workbench.update import apply_update

    plan = st.session_state.get("upd_plan")
    if plan is None:
        return
    try:
        res = apply_update(st.session_state["upd_store"], plan, current_user())
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))
        return
    st.session_state.pop("upd_plan", None)
    st.session_state["upd_round"] = st.session_state.get("upd_round", 0) + 1
    if res.get("applied"):
        set_notice(PAGE, "success", f"Updated the {plan.side} of #{plan.doc_id} “{plan.title}” to version "
                   f"{res['version']} (history change {res['change']}, revertible on the Activity page).")  # fmt: skip
    else:
        set_notice(PAGE, "info", "Nothing to update: the file has the same text and marks.")


def _summary(plan) -> None:  # noqa: ANN001
    s = plan.summary()
    cols = st.columns(8)
    for col, key in zip(cols, ("unchanged", "edited", "split", "merged", "inserted", "deleted", "moved", "restyled"),
                        strict=True):  # fmt: skip
        col.metric(key, s[key])
    if plan.links:
        st.caption(f"Links: {plan.links['kept']} kept, {plan.links['to_review']} to review (confirmed, text changed), "
                   f"{plan.links['realigned']} re-aligned, {plan.links['removed']} removed.")  # fmt: skip
    a = plan.annotations
    if a.get("total"):
        st.caption(f"Annotations: {a['kept']} untouched, {a['reanchored']} re-anchored, "
                   f"{a['flagged']} flagged for review (their words are gone).")  # fmt: skip
    for w in plan.warnings:
        st.warning(literal(w))
    rows = plan.change_rows()
    if not rows:
        st.info("No paragraph changes." + (" Only formatting (marks) differs." if s["restyled"] else ""))
    for row in rows[:SHOWN]:
        old = "\n".join(p["text"] for p in row["old"])
        new = "\n".join(p["text"] for p in row["new"])
        where = ", ".join(str(p["pos"]) for p in row["new"]) or "–"
        was = ", ".join(str(p["pos"]) for p in row["old"]) or "–"
        st.markdown(f"**{row['op']}** · old ¶ {was} → new ¶ {where}")
        st.markdown(diff_html(old, new, plan.lang), unsafe_allow_html=True)
    if len(rows) > SHOWN:
        st.caption(f"… and {len(rows) - SHOWN} more changed paragraphs (see the Compare page after applying).")


def update_panel(store, docs) -> None:  # noqa: ANN001
    """The "Update a side from a new version" section of the Library page."""
    from workbench.update import plan_update

    st.subheader("Update a side from a new version")
    user = current_user()
    st.session_state["upd_store"] = store
    show_notice(PAGE)
    if not store.may(user, "import"):
        st.caption(why_not(store, user, "import"))
        return
    two_sided = [d for d in docs if d.source_paragraphs or d.target_paragraphs]
    if not two_sided:
        return
    by_id = {d.id: d for d in two_sided}
    n = st.session_state.setdefault("upd_round", 0)
    with st.form("update", clear_on_submit=False):
        pick = st.selectbox("Document", list(by_id), format_func=lambda i: doc_label(by_id[i]), key=f"upd_doc#{n}")
        side = st.radio("Side", ["target", "source"], horizontal=True, key=f"upd_side#{n}",
                        format_func=lambda s: "Translation (target)" if s == "target" else "Original (source)")
        up = st.file_uploader("New version of that side", type=["txt", "md", "docx", "json"], key=f"upd_file#{n}",
                              max_upload_size=upload_limit_mb())  # fmt: skip
        enc = st.selectbox("Encoding", ENCODINGS, key=f"upd_enc#{n}")
        go = st.form_submit_button("Compare with the current text")
    if go:
        st.session_state.pop("upd_plan", None)
        if up is None:
            set_notice(PAGE, "error", "Choose the file with the new version first.")
            st.rerun()
        with st.spinner("Reading the file and matching its paragraphs…"):
            try:
                read = read_bytes(up.name, up.getvalue(), max_bytes=max_bytes(), guess_language=False,
                                  encoding=None if enc == ENCODINGS[0] else enc)  # fmt: skip
                st.session_state["upd_plan"] = plan_update(store, int(pick), side, read)
                set_notice(PAGE, "info", "Check the changes below, then apply them or cancel.")
            except WorkbenchError as exc:
                set_notice(PAGE, "error", str(exc))
        st.rerun()
    plan = st.session_state.get("upd_plan")
    if plan is None:
        return
    st.markdown(literal(f"Update of the {plan.side} of #{plan.doc_id} “{plan.title}” from {plan.file or 'the file'}: "
                        f"{len(plan.old)} → {len(plan.new)} paragraphs"))  # fmt: skip
    _summary(plan)
    c1, c2, _ = st.columns([1, 1, 3])
    c1.button("Apply the update", type="primary", key="upd_apply", on_click=_apply, disabled=plan.empty)
    c2.button("Cancel", key="upd_cancel", on_click=_cancel)
