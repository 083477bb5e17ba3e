"""Activity: who changed what in a document, with word-level differences, and reverting one change.

A thin page over :mod:`workbench.activity` (the same rows and the same revert as ``workbench
history`` / ``workbench revert``). Every user string (texts, names, comments, titles) is shown
literally: in dataframes, ``st.code``, or escaped inside the diff HTML.
"""

from __future__ import annotations

import html
import json
from datetime import datetime, time
from typing import Any

import pandas as pd
import streamlit as st

from workbench import activity
from workbench.app.state import current_user, get_store
from workbench.app.widgets import diff_html, pick_document, set_notice, show_notice
from workbench.errors import WorkbenchError
from workbench.roles import PURPOSE

ALL = "(all)"
HEBREW_TERM_FIELDS = {"source", "source_pointed", "source_variants"}

store = get_store()
user = current_user()
st.title("Activity")
PAGE = "activity"


def needed_permission(change: dict[str, Any]) -> str:
    """The permission the store will ask of a revert of ``change`` (the page only uses it to
    disable the button; the store checks again when the revert is saved)."""
    if change["entity"] == "term":
        return "terms"
    if change["entity"] == "annotation":
        return "annotate"
    if change["entity"] == "finding":
        statuses = {(change.get("before") or {}).get("status"), (change.get("after") or {}).get("status")}
        return "review" if "accepted" in statuses else "tag"
    return "edit"


def do_revert(change_id: int) -> None:
    """Button callback: runs before the page is drawn again, so the table already shows the new row.

    The acting user is read here, at click time; a forged click by a viewer meets the store's
    role check and only an error is shown."""
    try:
        result = activity.revert(store, change_id, current_user())
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))
        return
    made = ", ".join(f"#{c['change']}" for c in result["changes"]) or "none (nothing differed)"
    set_notice(PAGE, "success", f"Change #{change_id} reverted; new change(s): {made}.")


def show_json(label: str, value: Any) -> None:
    st.text(label)
    st.code(json.dumps(value, ensure_ascii=False, indent=2), language="json")


def diff_block(label: str, before: str, after: str, lang: str | None) -> None:
    st.markdown(
        f'<div class="wb-diff-label"><b>{html.escape(label)}</b></div>' + diff_html(before, after, lang),
        unsafe_allow_html=True,
    )


def as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return str(v)


def show_detail(change: dict[str, Any], langs: dict[str, str | None]) -> None:
    """Word-level diffs for texts (paragraph text, term fields, comments, notes); before/after as
    literal JSON for everything else."""
    b, a = change["before"] or {}, change["after"] or {}
    entity, action = change["entity"], change["action"]
    if entity == "paragraph" and action == "edit":
        diff_block("Text", b.get("text") or "", a.get("text") or "", langs.get(str(change["id"])))
        if b.get("marks") != a.get("marks"):
            show_json("Formatting before", b.get("marks"))
            show_json("Formatting after", a.get("marks"))
        return
    if entity == "term" and action == "update":
        for field in activity.fields_changed(b, a, ("rev", "id")):
            lang = "he" if field in HEBREW_TERM_FIELDS else "en"
            diff_block(field, as_text(b.get(field)), as_text(a.get(field)), lang)
        return
    if entity == "finding" and action == "tag":
        st.text(f"Status: {b.get('status')} → {a.get('status')}")
        diff_block("Comment", b.get("comment") or "", a.get("comment") or "", "en")
        return
    if entity == "annotation" and action == "update":
        diff_block("Note", b.get("note") or "", a.get("note") or "", "en")
        for field in activity.fields_changed(b, a, ("rev", "updated", "created", "note", "before", "after")):
            st.text(f"{field}: {as_text(b.get(field))} → {as_text(a.get(field))}")
        return
    if entity == "document" and action == "update":
        if b.get("title") != a.get("title"):
            diff_block("Title", b.get("title") or "", a.get("title") or "", "en")
        if b.get("metadata") != a.get("metadata"):
            show_json("Metadata before", b.get("metadata"))
            show_json("Metadata after", a.get("metadata"))
        return
    if change["before"] is not None:
        show_json("Before", change["before"])
    if change["after"] is not None:
        show_json("After", change["after"])


show_notice(PAGE)  # the last revert's confirmation (or refusal, which may quote user text), until the next

doc = pick_document(store.list_documents(), key="act_doc")
if doc is None:
    st.stop()

project = st.checkbox("Include termbase and account changes", key="act_project",
                      help="changes that belong to no document: termbase entries, imports of terms, accounts")  # fmt: skip
everything = activity.changes(store, doc.id, limit=5000, project=project)
c1, c2, c3, c4 = st.columns(4)
who = c1.selectbox("User", [ALL, *sorted({c["user"] for c in everything})], key="act_user")
what = c2.selectbox("Entity", [ALL, *sorted({c["entity"] for c in everything})], key="act_entity")
how = c3.selectbox("Action", [ALL, *sorted({c["action"] for c in everything})], key="act_action")
since = c4.date_input("Since (UTC)", value=None, key="act_since")

rows = activity.changes(
    store, doc.id, user=None if who == ALL else who, entity=None if what == ALL else what,
    action=None if how == ALL else how, since=datetime.combine(since, time.min).isoformat() if since else None,
    limit=500, project=project,
)  # fmt: skip
if not rows:
    st.info("No changes match these filters.")
    st.stop()

st.dataframe(
    pd.DataFrame(
        [{"change": c["change"], "time (UTC)": str(c["time"])[:19].replace("T", " "), "user": c["user"],
          "entity": c["entity"], "id": c["id"], "action": c["action"], "summary": c["summary"]} for c in rows]
    ),
    hide_index=True,
    width="stretch",
    key="act_table",
)  # fmt: skip

by_id = {c["change"]: c for c in rows}
chosen = st.selectbox(
    "Change",
    list(by_id),
    format_func=lambda i: f"#{i}  {by_id[i]['user']} · {by_id[i]['entity']} {by_id[i]['action']} · {by_id[i]['summary']}",
    key="act_sel",
)
change = by_id[chosen]

full = store.get_document(doc.id)
langs: dict[str, str | None] = {}
for side in (full.source, full.target):
    if side is not None:
        langs.update({p.id: side.lang for p in side.paragraphs})

st.text(f"{str(change['time'])[:19].replace('T', ' ')} UTC · {change['user']} · {change['entity']} {change['id']}"
        f" · {change['action']}")  # fmt: skip
show_detail(change, langs)

allowed = store.may(user, needed_permission(change))
# the tooltip renders Markdown: it gets only our own fixed wording, never a name or a text
if not change["revertible"]:
    why = change["why_not"]
elif not allowed:
    why = f"your role may not {PURPOSE[needed_permission(change)]}"
else:
    why = "apply the opposite of this change as a new change by you; refused if it was changed since"
st.button(
    "Revert this change",
    key="act_revert",
    disabled=not (change["revertible"] and allowed),
    help=why,
    on_click=do_revert,
    args=(change["change"],),
)
if not change["revertible"] or not allowed:
    st.text(f"Cannot revert: {why}" if not change["revertible"] else f"{user}: {why}")
