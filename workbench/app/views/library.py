"""Library: the documents in the project, importing a pair by upload, renaming, deleting with
confirmation. Import and delete are for admins, renaming for editors; the store checks the role of
every write again, so the hidden controls are a courtesy, not the protection.

Every user string (titles, file names, messages quoting them) is shown literally; a confirmation
stays on the page until the next action; an import whose texts are already in the project asks
before creating a duplicate."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.app.state import current_user, get_store
from workbench.app.widgets import (
    add_notice,
    clear_notice,
    doc_label,
    literal,
    set_notice,
    show_notice,
    why_not,
)
from workbench.errors import WorkbenchError
from workbench.io import interleaved_links, load_pair
from workbench.io.encoding import human_size, max_bytes, upload_limit_mb
from workbench.io.fingerprint import identical_documents
from workbench.model import Document

ENCODINGS = ["Auto-detect", "utf-8", "utf-16", "cp1255", "iso-8859-8"]
ENCODING_HELP = "Auto-detect handles UTF-8 and UTF-16; choose cp1255 only for a legacy Windows Hebrew file."
PAGE = "library"

store = get_store()
user = current_user()
may_import = store.may(user, "import")
may_delete = store.may(user, "delete")
may_edit = store.may(user, "edit")
st.title("Library")


def _flash(kind: str, message: str) -> None:
    set_notice(PAGE, kind, message)


def _codec(choice: str | None) -> str | None:
    return None if not choice or choice == ENCODINGS[0] else choice


def _save_import(doc: Document, warnings: list[str]) -> None:
    """Store the read document; then empty the form (new widget keys) and keep the confirmation."""
    doc_id = store.create_document(doc, current_user(), links=interleaved_links(doc))
    st.session_state["current_doc"] = doc_id
    st.session_state["up_round"] = st.session_state.get("up_round", 0) + 1
    st.session_state.pop("up_pending", None)
    set_notice(PAGE, "success", f"Imported #{doc_id} “{doc.title}”: "
               f"{len(doc.source.paragraphs) if doc.source else 0} source and "
               f"{len(doc.target.paragraphs) if doc.target else 0} target paragraphs.")  # fmt: skip
    for w in warnings:
        add_notice(PAGE, "warning", w)


def _import_anyway() -> None:
    pending = st.session_state.get("up_pending")
    if pending is None:
        return
    try:
        _save_import(pending["doc"], pending["warnings"])
    except WorkbenchError as exc:
        set_notice(PAGE, "error", str(exc))


def _start_import() -> None:
    clear_notice(PAGE)
    st.session_state.pop("up_pending", None)


def _cancel_import() -> None:
    st.session_state.pop("up_pending", None)
    set_notice(PAGE, "info", "Import cancelled: nothing was saved.")


def _rename(doc_id: int) -> None:
    """Button callback: save the title against the revision it had when it was put in the box (not
    the one of the latest rerun: typing reruns the page), so a rename somebody else saved meanwhile
    is refused, naming who, instead of overwritten. After a refusal the box keeps the editor's text
    and the page shows the current title; a second press is then a decision taken knowingly."""
    loaded_id, rev = st.session_state.get("ren_rev", (None, None))
    if loaded_id != doc_id:
        return
    try:
        new_rev = store.update_document(doc_id, rev, current_user(), title=st.session_state.get("ren_title") or "")
    except WorkbenchError as exc:
        _flash("error", str(exc))
        now = next((d for d in store.list_documents() if d.id == doc_id), None)
        if now is not None:
            st.session_state["ren_rev"] = (doc_id, now.meta_rev)
            st.session_state["ren_current"] = now.title
    else:
        st.session_state["ren_rev"] = (doc_id, new_rev)
        st.session_state.pop("ren_current", None)
        _flash("success", f"Title of document #{doc_id} saved.")


def _delete(doc_id: int) -> None:
    """Button callback: the store refuses it for anyone but an admin, whoever drew the button."""
    try:
        store.delete_document(doc_id, current_user())
    except WorkbenchError as exc:
        _flash("error", str(exc))
    else:
        st.session_state.pop("del_sure", None)
        st.session_state.pop("del_doc", None)
        _flash("success", f"Deleted document #{doc_id}.")


def _load_title() -> None:
    """Put the chosen document's current title in the title box when the choice changes."""
    chosen = st.session_state.get("ren_doc")
    doc = next((d for d in store.list_documents() if d.id == chosen), None)
    st.session_state["ren_title"] = doc.title if doc is not None else ""
    st.session_state["ren_rev"] = (chosen, doc.meta_rev if doc is not None else None)
    st.session_state.pop("ren_current", None)


docs = store.list_documents()

show_notice(PAGE)  # until the next action replaces it

if not docs:
    st.info(
        "**No documents yet.** Import a source text and its translation below (either side may be "
        "left out), or load the demo corpus: Baal HaSulam's *Introduction to the Book of Zohar* "
        "(Hebrew and English) and a *Shamati* article."
    )
    if not may_import:
        st.caption(why_not(store, user, "import"))
    if st.button("Load the demo corpus", type="primary", disabled=not may_import):
        from workbench.demo import load_demo

        with st.status("Loading the demo corpus…", expanded=True) as status:
            try:
                for line in load_demo(store, user=current_user()):
                    st.write(line)
            except WorkbenchError as exc:
                status.update(label="Demo not loaded", state="error")
                st.error(literal(str(exc)))
            else:
                status.update(label="Demo loaded", state="complete")
                st.rerun()
else:
    table = pd.DataFrame(
        [
            {
                "id": d.id,
                "title": d.title,
                "languages": f"{d.source_lang or '–'} → {d.target_lang or '–'}",
                "source ¶": d.source_paragraphs,
                "target ¶": d.target_paragraphs,
                "links": d.links,
                "confirmed": d.confirmed,
                "updated": d.updated[:16].replace("T", " "),
            }
            for d in docs
        ]
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(literal(f"{len(docs)} document(s) in {store.path}"))  # a path: user text too

if docs and may_edit:
    st.subheader("Rename a document")
    by_id = {d.id: d for d in docs}
    pick = st.selectbox("Document to rename", list(by_id), format_func=lambda i: doc_label(by_id[i]), key="ren_doc",
                        index=None, on_change=_load_title)  # fmt: skip
    named = by_id.get(pick)
    if named is not None:
        if st.session_state.get("ren_rev", (None,))[0] != named.id:
            st.session_state["ren_title"] = named.title
            st.session_state["ren_rev"] = (named.id, named.meta_rev)
        if st.session_state.get("ren_current") is not None:
            st.text("Current title: " + st.session_state["ren_current"])  # user text: literal (st.text)
        st.text_input("Title", key="ren_title")
        st.button("Save title", key="ren_go", on_click=_rename, args=(named.id,))

st.subheader("Import a document")
submitted = False
limit_mb = upload_limit_mb()
if not may_import:
    st.caption(why_not(store, user, "import"))
else:
    # The widgets' keys carry a counter: after an import it moves on, and the form comes back empty
    # (a file uploader cannot be emptied by assigning to its state).
    n = st.session_state.setdefault("up_round", 0)
    st.caption(f"Files up to {human_size(max_bytes())} each (the server's limit for uploads and for the importer).")
    with st.form("import", clear_on_submit=False):
        c1, c2 = st.columns(2)
        src = c1.file_uploader("Source (original, e.g. Hebrew)", type=["txt", "md", "docx", "json"],
                               key=f"up_source#{n}", max_upload_size=limit_mb)  # fmt: skip
        src_enc = c1.selectbox("Source encoding", ENCODINGS, key=f"up_src_enc#{n}", help=ENCODING_HELP)
        tgt = c2.file_uploader("Target (translation, e.g. English)", type=["txt", "md", "docx", "json"],
                               key=f"up_target#{n}", max_upload_size=limit_mb)  # fmt: skip
        tgt_enc = c2.selectbox("Target encoding", ENCODINGS, key=f"up_tgt_enc#{n}", help=ENCODING_HELP)
        i1, i2 = st.columns([3, 1])
        inter = i1.file_uploader(
            "…or one interleaved file (paragraphs alternating between the two languages)",
            type=["txt", "md", "docx"], key=f"up_interleaved#{n}", max_upload_size=limit_mb,
        )
        inter_enc = i2.selectbox("Interleaved file encoding", ENCODINGS, key=f"up_int_enc#{n}", help=ENCODING_HELP)
        title = st.text_input("Title (default: from the file name)", key=f"up_title#{n}")
        c3, c4 = st.columns(2)
        src_lang = c3.text_input("Source language (blank: detect)", key=f"up_src_lang#{n}")
        tgt_lang = c4.text_input("Target language (blank: detect)", key=f"up_tgt_lang#{n}")
        # the callback runs before the page is drawn: the previous confirmation goes with this action
        submitted = st.form_submit_button("Import", type="primary", on_click=_start_import)

if submitted:
    if src is None and tgt is None and inter is None:
        set_notice(PAGE, "error", "Choose a source file, a target file, both, or one interleaved file.")
        show_notice(PAGE)
    else:
        progress = st.progress(0.0, text="Reading files…")
        try:
            with tempfile.TemporaryDirectory() as tmp:
                paths = {}
                for side, up in (("source", src), ("target", tgt), ("interleaved", inter)):
                    if up is not None:
                        path = Path(tmp) / side / Path(up.name).name
                        path.parent.mkdir()
                        path.write_bytes(up.getvalue())
                        paths[side] = path
                doc, warnings = load_pair(
                    source=paths.get("source"),
                    target=paths.get("target"),
                    title=title.strip() or None,
                    source_lang=src_lang.strip() or None,
                    target_lang=tgt_lang.strip() or None,
                    interleaved=paths.get("interleaved"),
                    encoding=_codec(inter_enc) if inter is not None else None,
                    source_encoding=_codec(src_enc),
                    target_encoding=_codec(tgt_enc),
                )
            progress.progress(0.4, text="Comparing with the documents already here…")
            counts = (len(doc.source.paragraphs) if doc.source else 0, len(doc.target.paragraphs) if doc.target else 0)
            same = identical_documents(
                doc, (store.get_document(d.id) for d in docs if (d.source_paragraphs, d.target_paragraphs) == counts)
            )
            if same:
                progress.empty()
                st.session_state["up_pending"] = {"doc": doc, "warnings": warnings,
                                                  "same": [(d.id, d.title) for d in same]}  # fmt: skip
            else:
                progress.progress(0.6, text="Saving…")
                _save_import(doc, warnings)
        except WorkbenchError as exc:
            progress.empty()
            set_notice(PAGE, "error", str(exc))
            show_notice(PAGE)
        else:
            if not same:
                progress.progress(1.0, text="Done")
                st.rerun()

pending = st.session_state.get("up_pending")
if pending is not None and may_import:
    names = "; ".join(f"#{i} “{t}”" for i, t in pending["same"])
    st.warning(literal(f"The same texts are already in the project: {names}. Importing again creates a duplicate."))
    w1, w2, _ = st.columns([1, 1, 3])
    w1.button("Import anyway", key="up_anyway", type="primary", on_click=_import_anyway)
    w2.button("Cancel", key="up_cancel", on_click=_cancel_import)

if docs:
    from workbench.app.update_panel import update_panel

    update_panel(store, docs)  # a revised translation or original: upload, see the changes, apply

if docs and not may_delete:
    st.caption(why_not(store, user, "delete"))
elif docs:
    st.subheader("Delete a document")
    victim = st.selectbox("Document to delete", docs, format_func=doc_label, key="del_doc", index=None)
    if victim is not None:
        sure = st.checkbox("Yes, delete this document and its alignment (the edit history is kept)", key="del_sure")
        st.button("Delete", disabled=not sure, key="del_btn", on_click=_delete, args=(victim.id,))
