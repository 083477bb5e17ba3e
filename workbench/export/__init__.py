"""Exports: DOCX editions (parallel, alternating, translation only), TMX, TBX, CSV/XLSX, bundles.

Core calls work on model objects (a Document, its links, optional term extras) so they can be
used and tested without a store; :mod:`workbench.export.service` does the same from the store
for the CLI and the app.
"""

from workbench.atomic import atomic_path
from workbench.export.bundle import import_bundle, write_bundle
from workbench.export.docx_edition import DocxStats, build_docx, write_docx
from workbench.export.files import export_path, exports_dir, safe_filename
from workbench.export.notes import Extras, GlossaryEntry, TermSpan
from workbench.export.options import EXTENSIONS, FORMATS, LAYOUTS, PAGE_SIZES, ExportOptions
from workbench.export.preview import html_preview
from workbench.export.service import ExportResult, export_document, export_to_folder
from workbench.export.tabular import write_csv, write_xlsx
from workbench.export.tmx import write_tmx

__all__ = [
    "EXTENSIONS", "FORMATS", "LAYOUTS", "PAGE_SIZES", "DocxStats", "ExportOptions", "ExportResult", "Extras",
    "GlossaryEntry", "TermSpan", "atomic_path", "build_docx", "export_document", "export_path", "export_to_folder",
    "exports_dir", "html_preview", "import_bundle", "safe_filename", "write_bundle", "write_csv", "write_docx",
    "write_tmx", "write_xlsx",
]
