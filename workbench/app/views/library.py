"""Library: the documents in the project, importing a pair by upload, renaming, deleting with
confirmation. Import and delete are for admins, renaming for editors; the store checks the role of
every write again, so the hidden controls are a courtesy, not the protection."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.app.state import current_user, get_store
from workbench.app.widgets import doc_label, why_not
from workbench.errors import WorkbenchError
from workbench.io import interleaved_links, load_pair

ENCODINGS = ["detect", "utf-8", "utf-16", "cp1255", "iso-8859-8"]

store = get_store()
user = current_user()
may_import = store.may(user, "import")
may_delete = store.may(user, "delete")
may_edit = store.may(user, "edit")
st.title("Library")


def _flash(kind: str, message: str) -> None:
    st.session_state.setdefault("library_flash", []).append((kind, message))


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

for kind, message in st.session_state.pop("library_flash", []):
    getattr(st, kind)(message)

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
                st.error(str(exc))
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
    st.caption(f"{len(docs)} document(s) in {store.path}")

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
            st.text("Current title: " + st.session_state["ren_current"])  # user text: literal
        st.text_input("Title", key="ren_title")
        st.button("Save title", key="ren_go", on_click=_rename, args=(named.id,))

st.subheader("Import a document")
submitted = False
if not may_import:
    st.caption(why_not(store, user, "import"))
else:
    with st.form("import", clear_on_submit=False):
        c1, c2 = st.columns(2)
        src = c1.file_uploader("Source (original, e.g. Hebrew)", type=["txt", "md", "docx", "json"], key="up_source")
        tgt = c2.file_uploader("Target (translation, e.g. English)", type=["txt", "md", "docx", "json"], key="up_target")
        inter = st.file_uploader(
            "…or one interleaved file (paragraphs alternating between the two languages)",
            type=["txt", "md", "docx"], key="up_interleaved",
        )
        title = st.text_input("Title (default: from the file name)", key="up_title")
        c3, c4, c5 = st.columns(3)
        src_lang = c3.text_input("Source language (blank: detect)", key="up_src_lang")
        tgt_lang = c4.text_input("Target language (blank: detect)", key="up_tgt_lang")
        encoding = c5.selectbox(
            "Encoding", ENCODINGS, key="up_encoding",
            help="Detect handles UTF-8 and UTF-16; choose cp1255 only for a legacy Windows Hebrew file.",
        )
        submitted = st.form_submit_button("Import", type="primary")

if submitted:
    if src is None and tgt is None and inter is None:
        st.error("Choose a source file, a target file, both, or one interleaved file.")
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
                    encoding=None if encoding == ENCODINGS[0] else encoding,
                )
            progress.progress(0.6, text="Saving…")
            doc_id = store.create_document(doc, user, links=interleaved_links(doc))
        except WorkbenchError as exc:
            progress.empty()
            st.error(str(exc))
        else:
            progress.progress(1.0, text="Done")
            st.session_state["current_doc"] = doc_id
            st.session_state["library_flash"] = [("warning", w) for w in warnings] + [(
                "success",  # no title here: user text is never read as Markdown (it is in the table)
                f"Imported #{doc_id}: "
                f"{len(doc.source.paragraphs) if doc.source else 0} source and "
                f"{len(doc.target.paragraphs) if doc.target else 0} target paragraphs.",
            )]
            st.rerun()

if docs and not may_delete:
    st.caption(why_not(store, user, "delete"))
elif docs:
    st.subheader("Delete a document")
    victim = st.selectbox("Document to delete", docs, format_func=doc_label, key="del_doc", index=None)
    if victim is not None:
        sure = st.checkbox("Yes, delete this document and its alignment (the edit history is kept)", key="del_sure")
        st.button("Delete", disabled=not sure, key="del_btn", on_click=_delete, args=(victim.id,))
