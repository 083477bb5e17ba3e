"""Exports from the store: the one call the CLI and the Export page both make.

``export_document(store, doc_id, "docx", out, options)`` loads the document, its links and (when
those areas are installed) its term annotations and findings, writes the file atomically and
returns what was written and any warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.export.options import EXTENSIONS, FORMATS, ExportOptions
from workbench.model import Document

if TYPE_CHECKING:
    from workbench.export.notes import Extras
    from workbench.store import Store

Progress = Callable[[float, str], None]


@dataclass
class ExportResult:
    path: Path
    format: str
    summary: str
    warnings: list[str] = field(default_factory=list)
    stats: Any = None


def default_name(title: str | None, fmt: str, layout: str | None = None) -> str:
    """The suggested file name (before sanitising): title, layout for DOCX, and the extension."""
    base = title or "workbench-project"
    if fmt == "docx" and layout:
        base = f"{base} - {layout}"
    if fmt == "bundle":
        base = f"{base} - bundle"
    return base + EXTENSIONS[fmt]


def _title(store: Store, doc_id: int) -> str:
    for d in store.list_documents():
        if d.id == doc_id:
            return d.title
    return store.get_document(doc_id).title  # raises NotFoundError with the usual message


def link_dates(store: Store, doc_id: int) -> dict[str, str]:
    """The time each link was first created, from the history (oldest entry wins)."""
    out: dict[str, str] = {}
    for h in store.history(doc_id, limit=10_000_000, entity="link"):  # newest first
        if h.get("entity_id"):
            out[h["entity_id"]] = h["at"]
    return out


def extras_from_store(store: Store, doc: Document) -> Extras:
    from workbench.export.integration import extras_from_store as impl

    return impl(store, doc)


def report_from_store(store: Store, doc_id: int | None) -> list[dict[str, Any]]:
    from workbench.export.integration import report_rows

    return report_rows(store, doc_id)


def export_document(
    store: Store,
    doc_id: int | None,
    fmt: str,
    out: str | Path,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    *,
    report: bool = False,
) -> ExportResult:
    """Write one export to ``out``. ``doc_id`` may be None for project-wide formats (tbx, bundle).

    ``report`` (csv only): write the consistency report (findings) instead of the alignment table.
    """
    if fmt not in FORMATS:
        raise WorkbenchError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    o = options or ExportOptions()
    out = Path(out).expanduser()
    if fmt == "tbx":
        from workbench.export.integration import write_tbx

        n = write_tbx(store, out, doc_id=doc_id)
        return ExportResult(out, fmt, f"wrote {out.name}: {n} terms")
    if fmt == "bundle":
        from workbench.export.bundle import write_bundle

        stats = write_bundle(store, out, doc_ids=None if doc_id is None else [doc_id], progress=progress)
        return ExportResult(out, fmt, f"wrote {out.name}: {stats.summary()}", stats=stats)
    if doc_id is None:
        raise WorkbenchError(f"the {fmt} export needs a document")
    doc = store.get_document(doc_id)
    links = store.get_links(doc_id)
    if fmt == "docx":
        from workbench.export.docx_edition import write_docx

        o = o.validated()
        extras = extras_from_store(store, doc) if (o.annotations or o.notes == "glossary") else None
        if o.comments:
            from workbench.export.comments_part import notes_from_threads
            from workbench.export.notes import Extras

            extras = extras or Extras()
            extras.comments = notes_from_threads(store.comments.threads(doc_id), links or store.reviews.units(doc_id))
        st = write_docx(doc, links, out, o, extras, progress)
        what = f"{st.rows} rows, {st.paragraphs} paragraphs, {st.footnotes} footnotes"
        if o.comments:
            what += f", {st.comments} comments"
        if st.glossary_entries:
            what += f", glossary of {st.glossary_entries} terms"
        return ExportResult(out, fmt, f"wrote {out.name} ({o.layout}): {what}", st.warnings, st)
    if fmt == "tmx":
        from workbench.export.tmx import write_tmx

        st = write_tmx(doc, links, out, confirmed_only=o.confirmed_only, link_dates=link_dates(store, doc_id),
                       progress=progress)
        extra = f"; {st.skipped_one_sided} one-sided links left out" if st.skipped_one_sided else ""
        return ExportResult(out, fmt, f"wrote {out.name}: {st.units} translation units{extra}", stats=st)
    if fmt == "csv" and report:
        from workbench.checks.report import COLUMNS
        from workbench.export.tabular import write_report_csv

        n = write_report_csv(report_from_store(store, doc_id), out, columns=COLUMNS)
        return ExportResult(out, fmt, f"wrote {out.name}: consistency report, {n} findings")
    if fmt == "csv":
        from workbench.export.tabular import write_csv

        st = write_csv(doc, links, out, confirmed_only=o.confirmed_only)
        return ExportResult(out, fmt, f"wrote {out.name}: {st.rows} rows", st.warnings, st)
    from workbench.export.tabular import write_xlsx

    report = report_from_store(store, doc_id)
    from workbench.checks.report import COLUMNS

    st = write_xlsx(doc, links, out, confirmed_only=o.confirmed_only, report=report, report_columns=COLUMNS,
                    progress=progress)
    extra = f" and {st.report_rows} findings"
    return ExportResult(out, fmt, f"wrote {out.name}: {st.rows} rows{extra}", st.warnings, st)


def export_to_folder(
    store: Store,
    doc_ids: list[int] | None,
    fmt: str,
    options: ExportOptions | None = None,
    *,
    name: str | None = None,
    folder: Path | None = None,
    progress: Progress | None = None,
    report: bool = False,
) -> list[ExportResult]:
    """Export into the exports folder (the app's way): sanitised names, never outside the folder.

    Per-document formats write one file per document; tbx and bundle write one file for the
    selection (``doc_ids`` None or empty: the whole project). ``name`` replaces the title-based
    name (for several documents, the document id is appended to it).
    """
    from workbench.export.files import export_path

    o = options or ExportOptions()
    ext = EXTENSIONS.get(fmt)
    if ext is None:
        raise WorkbenchError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("tbx", "bundle"):
        single = doc_ids[0] if doc_ids and len(doc_ids) == 1 else None
        out = export_path(name or default_name(_title(store, single) if single else None, fmt), ext, folder)
        if fmt == "bundle":
            from workbench.export.bundle import write_bundle

            stats = write_bundle(store, out, doc_ids=doc_ids or None, progress=progress)
            return [ExportResult(out, fmt, f"wrote {out.name}: {stats.summary()}", stats=stats)]
        return [export_document(store, single, fmt, out, o, progress)]
    if not doc_ids:
        raise WorkbenchError("choose at least one document to export")
    results: list[ExportResult] = []
    used: set[Path] = set()
    for i, doc_id in enumerate(doc_ids):
        if name:
            base = name if len(doc_ids) == 1 else f"{name}-{doc_id}"
        else:
            base = default_name(_title(store, doc_id), fmt, o.layout)
        out = export_path(base, ext, folder)
        if out in used:  # two documents with one title in the same batch
            out = export_path(f"{base.removesuffix(ext)}-{doc_id}", ext, folder)
        used.add(out)

        def part(frac: float, msg: str, i: int = i) -> None:
            if progress:
                progress((i + frac) / len(doc_ids), msg)

        if report and fmt == "csv" and not name:
            out = export_path(f"{_title(store, doc_id)} - consistency", ext, folder)
        results.append(export_document(store, doc_id, fmt, out, o, part, report=report))
    return results
