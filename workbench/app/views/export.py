"""Export: DOCX editions, TMX, TBX, CSV/XLSX tables and project bundles, with a first-page preview."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from workbench.app.state import get_store
from workbench.app.widgets import doc_label, literal
from workbench.errors import WorkbenchError
from workbench.export.files import exports_dir
from workbench.export.options import FORMATS, LAYOUTS, PAGE_SIZES, ExportOptions
from workbench.export.preview import html_preview
from workbench.export.render import can_render, preview_png
from workbench.export.service import export_to_folder

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "tmx": "application/xml",
    "tbx": "application/xml",
    "csv": "text/csv",
    "bundle": "application/json",
}

store = get_store()
st.title("Export")
docs = store.list_documents()
if not docs:
    st.info("No documents yet. Import one on the **Library** page, then come back to export it.")
    st.stop()

fmt = st.selectbox("Format", list(FORMATS), format_func=lambda f: FORMATS[f], key="ex_format")
project_wide = fmt in ("tbx", "bundle")
ids = [d.id for d in docs]
current = st.session_state.get("current_doc")
default = [current] if current in ids else ids[:1]
chosen = st.multiselect(
    "Documents" + (" (none: the whole project)" if project_wide else ""),
    docs,
    default=[] if project_wide else [d for d in docs if d.id in default],
    format_func=doc_label,
    key="ex_docs_project" if project_wide else "ex_docs",
)

options = ExportOptions()
if fmt == "docx":
    layout = st.radio("Layout", list(LAYOUTS), format_func=lambda x: LAYOUTS[x], horizontal=True, key="ex_layout")
    with st.expander("Edition options", expanded=False):
        c1, c2, c3 = st.columns(3)
        page_size = c1.selectbox("Page size", list(PAGE_SIZES), key="ex_page")
        margins = c2.number_input("Margins (mm)", 5.0, 50.0, 20.0, step=1.0, key="ex_margins")
        source_side = c3.radio("Source column", ["right", "left"], horizontal=True, key="ex_side",
                               disabled=layout != "parallel")
        c1, c2, c3, c4 = st.columns(4)
        latin_font = c1.text_input("Latin font", options.latin_font, key="ex_latin_font")
        latin_size = c2.number_input("Latin size (pt)", 6.0, 30.0, options.latin_size, step=0.5, key="ex_latin_size")
        hebrew_font = c3.text_input("Hebrew font", options.hebrew_font, key="ex_hebrew_font")
        hebrew_size = c4.number_input("Hebrew size (pt)", 6.0, 30.0, options.hebrew_size, step=0.5, key="ex_hebrew_size")
        title_page = st.checkbox("Title page", True, key="ex_title_page")
        c1, c2 = st.columns(2)
        title = c1.text_input("Title (blank: the document's)", key="ex_title", disabled=not title_page)
        author = c2.text_input("Author", key="ex_author", disabled=not title_page)
        translator = c1.text_input("Translator", key="ex_translator", disabled=not title_page)
        credits = c2.text_input("Credits (blank: the document's)", key="ex_credits", disabled=not title_page)
        c1, c2, c3 = st.columns(3)
        running_header = c1.checkbox("Running header with the title", True, key="ex_header")
        page_numbers = c2.checkbox("Page numbers", True, key="ex_pagenum")
        italics = c3.checkbox("Transliterations in italics", True, key="ex_italics")
        annotations = c1.checkbox("Show term annotations", True, key="ex_annotations")
        source_notes = c2.checkbox("Paragraph notes as footnotes", True, key="ex_source_notes")
        comments = c1.checkbox("Comments as Word comments", False, key="ex_comments",
                               help="the desk's comment threads in the margin beside their paragraphs")
        notes = c3.selectbox("Term glosses", ["footnotes", "glossary", "none"], key="ex_notes",
                             format_func={"footnotes": "as footnotes", "glossary": "as a glossary appendix",
                                          "none": "left out"}.get)
    options = ExportOptions(
        layout=layout, source_side=source_side, page_size=page_size, margins_mm=margins,
        latin_font=latin_font, hebrew_font=hebrew_font, latin_size=latin_size, hebrew_size=hebrew_size,
        title_page=title_page, title=title.strip() or None, author=author.strip() or None,
        translator=translator.strip() or None, credits=credits.strip() or None, running_header=running_header,
        page_numbers=page_numbers, italics=italics, annotations=annotations, source_notes=source_notes, notes=notes,
        comments=comments,
    )
if fmt != "tbx":
    options.confirmed_only = st.checkbox("Only confirmed links", False, key="ex_confirmed",
                                         disabled=fmt == "bundle")
report_csv = fmt == "csv" and st.radio(
    "Table", ["alignment", "report"], horizontal=True, key="ex_table",
    format_func={"alignment": "Alignment table", "report": "Consistency report (findings)"}.get,
) == "report"
render_ok = can_render()
render = fmt == "docx" and st.checkbox(
    "Preview the first page rendered by LibreOffice" if render_ok else "Preview (LibreOffice is not installed: HTML preview)",
    value=render_ok, disabled=not render_ok, key="ex_render",
)
name = st.text_input("File name (blank: from the title)", key="ex_name")
folder = exports_dir()
st.caption(literal(f"Files are written to {folder} and offered for download below."))

if st.button("Export", type="primary", key="ex_go"):
    progress = st.progress(0.0, text="Exporting…")

    def on_progress(frac: float, msg: str) -> None:
        progress.progress(min(1.0, max(0.0, frac)), text=msg)

    try:
        results = export_to_folder(
            store, [d.id for d in chosen], fmt, options, name=name.strip() or None, folder=folder, progress=on_progress,
            report=report_csv,
        )
    except WorkbenchError as exc:
        progress.empty()
        st.error(literal(str(exc)))
        st.session_state.pop("ex_results", None)
    else:
        progress.progress(1.0, text="Done")
        saved = []
        for r in results:
            item = {"path": str(r.path), "name": r.path.name, "format": r.format, "summary": r.summary,
                    "warnings": r.warnings, "png": None, "html": None, "preview_error": None}
            saved.append(item)
        if fmt == "docx" and saved:
            first = saved[0]
            if render:
                try:
                    with tempfile.TemporaryDirectory() as tmp:
                        # The first page of text: after the title page when there is one.
                        page = 2 if options.title_page else 1
                        png, pages = preview_png(first["path"], Path(tmp) / "page.png", page=page)
                        first["png"], first["pages"], first["page"] = png.read_bytes(), pages, min(page, pages)
                except WorkbenchError as exc:
                    first["preview_error"] = str(exc)
            if first["png"] is None:
                doc_id = chosen[0].id
                first["html"] = html_preview(store.get_document(doc_id), store.get_links(doc_id), options)
        st.session_state["ex_results"] = saved

# The results (and their confirmation) stay until the next export: a file name is user text, shown literally.
for item in st.session_state.get("ex_results", []):
    st.success(literal(item["summary"]))
    for w in item["warnings"]:
        st.warning(literal(w))
    path = Path(item["path"])
    if path.exists():
        st.download_button(literal(f"Download {item['name']}"), path.read_bytes(), file_name=item["name"],
                           mime=MIME.get(item["format"], "application/octet-stream"), key=f"dl_{item['name']}")
    if item.get("preview_error"):
        st.warning(literal(f"Preview not rendered: {item['preview_error']}"))
    if item.get("png"):
        st.image(item["png"], caption=f"Page {item.get('page', 1)} of {item.get('pages', '?')} as LibreOffice renders it",
                 width=520)
    elif item.get("html"):
        st.caption("Preview of the first page (structure only; fonts and page breaks as in Word may differ)")
        st.markdown(item["html"], unsafe_allow_html=True)  # built with html.escape on every user string
