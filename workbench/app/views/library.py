"""Library: the documents in the project, importing a pair by upload, deleting with confirmation."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench.app.state import current_user, get_store
from workbench.app.widgets import doc_label
from workbench.errors import WorkbenchError
from workbench.io import interleaved_links, load_pair

ENCODINGS = ["detect", "utf-8", "utf-16", "cp1255", "iso-8859-8"]

store = get_store()
st.title("Library")

docs = store.list_documents()

for kind, message in st.session_state.pop("library_flash", []):
    getattr(st, kind)(message)

if not docs:
    st.info(
        "**No documents yet.** Import a source text and its translation below (either side may be "
        "left out), or load the demo corpus: Baal HaSulam's *Introduction to the Book of Zohar* "
        "(Hebrew and English) and a *Shamati* article."
    )
    if st.button("Load the demo corpus", type="primary"):
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

st.subheader("Import a document")
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
            doc_id = store.create_document(doc, current_user(), links=interleaved_links(doc))
        except WorkbenchError as exc:
            progress.empty()
            st.error(str(exc))
        else:
            progress.progress(1.0, text="Done")
            st.session_state["current_doc"] = doc_id
            st.session_state["library_flash"] = [("warning", w) for w in warnings] + [(
                "success",
                f"Imported #{doc_id} “{doc.title}”: "
                f"{len(doc.source.paragraphs) if doc.source else 0} source and "
                f"{len(doc.target.paragraphs) if doc.target else 0} target paragraphs.",
            )]
            st.rerun()

if docs:
    st.subheader("Delete a document")
    victim = st.selectbox("Document to delete", docs, format_func=doc_label, key="del_doc", index=None)
    if victim is not None:
        sure = st.checkbox(f"Yes, delete “{victim.title}” and its alignment (the edit history is kept)", key="del_sure")
        if st.button("Delete", disabled=not sure, key="del_btn"):
            try:
                store.delete_document(victim.id, current_user())
            except WorkbenchError as exc:
                st.error(str(exc))
            else:
                st.session_state.pop("del_sure", None)
                st.rerun()
