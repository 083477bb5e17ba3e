"""Alignment tables (CSV, XLSX) and the consistency report sheet.

Columns: link (position), link_id, kind (1-1, 2-1 ...), source_labels, target_labels, source,
target, score, status. CSV is UTF-8 with a BOM so that Excel shows the Hebrew; XLSX cells are
always text (a paragraph starting with ``=`` is never taken for a formula), Hebrew cells are set
right-to-left, and the workbook is written in openpyxl's streaming mode.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.atomic import atomic_path
from workbench.cells import csv_safe
from workbench.export.ooxml import xml_text
from workbench.export.units import check_exportable, iter_rows, joined, labels, text_is_rtl
from workbench.hebrew import hebrew_ratio
from workbench.model import Document, Link

Progress = Callable[[float, str], None]

ALIGNMENT_COLUMNS = ["link", "link_id", "kind", "source_labels", "target_labels", "source", "target", "score", "status"]
EXCEL_CELL_MAX = 32767


@dataclass
class TableStats:
    rows: int = 0
    report_rows: int = 0
    warnings: list[str] = field(default_factory=list)


def alignment_records(doc: Document, links: list[Link], confirmed_only: bool = False) -> Iterator[list[Any]]:
    for row in iter_rows(doc, links, confirmed_only=confirmed_only):
        lk = row.link
        yield [
            row.n,
            lk.id if lk else "",
            lk.kind if lk else f"{len(row.source)}-{len(row.target)}",
            labels(row.source),
            labels(row.target),
            joined(row.source),
            joined(row.target),
            round(float(lk.score), 4) if lk else "",
            lk.status if lk else "",
        ]


def write_csv(doc: Document, links: list[Link], path: str | Path, *, confirmed_only: bool = False) -> TableStats:
    check_exportable(doc, links, "parallel", confirmed_only)
    stats = TableStats()
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(ALIGNMENT_COLUMNS)
        for rec in alignment_records(doc, links, confirmed_only):
            w.writerow([csv_safe(v) for v in rec])
            stats.rows += 1
    return stats


def write_report_csv(rows: Iterable[Mapping[str, Any]], path: str | Path, columns: list[str] | None = None) -> int:
    rows = list(rows)
    cols = columns or _columns(rows)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: csv_safe(_plain(v)) for k, v in r.items()})
    return len(rows)


def _columns(rows: list[Mapping[str, Any]]) -> list[str]:
    cols: list[str] = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols or ["message"]


def _plain(v: Any) -> Any:
    if isinstance(v, list | tuple | set):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={x}" for k, x in v.items())
    return v


def write_xlsx(
    doc: Document,
    links: list[Link],
    path: str | Path,
    *,
    confirmed_only: bool = False,
    report: Iterable[Mapping[str, Any]] | None = None,
    report_columns: list[str] | None = None,
    progress: Progress | None = None,
) -> TableStats:
    """The alignment sheet, and a ``Consistency`` sheet when ``report`` rows are given."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    check_exportable(doc, links, "parallel", confirmed_only)
    stats = TableStats()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Alignment")
    ws.sheet_properties.tabColor = "4F81BD"
    bold = Font(bold=True)
    rtl = Alignment(horizontal="right", vertical="top", wrap_text=True, readingOrder=2)
    ltr = Alignment(horizontal="left", vertical="top", wrap_text=True, readingOrder=1)
    top = Alignment(vertical="top")
    widths = {"A": 6, "B": 18, "C": 6, "D": 10, "E": 10, "F": 60, "G": 60, "H": 7, "I": 10}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    src_rtl, tgt_rtl = text_is_rtl(doc.source), text_is_rtl(doc.target)

    def cell(value: Any, align: Alignment | None = None, font: Font | None = None) -> WriteOnlyCell:
        if isinstance(value, str):
            value = xml_text(value)
            if len(value) > EXCEL_CELL_MAX:
                stats.warnings.append(f"a cell of {len(value)} characters was cut to Excel's limit of {EXCEL_CELL_MAX}")
                value = value[: EXCEL_CELL_MAX - 1] + "\u2026"
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # text, never a formula
        if align is not None:
            c.alignment = align
        if font is not None:
            c.font = font
        return c

    ws.append([cell(h, font=bold) for h in ALIGNMENT_COLUMNS])
    total = max(1, len(links))
    step = max(1, total // 50)
    for i, rec in enumerate(alignment_records(doc, links, confirmed_only), 1):
        row = []
        for j, v in enumerate(rec):
            if j in (3, 5):
                row.append(cell(v, rtl if src_rtl else ltr))
            elif j in (4, 6):
                row.append(cell(v, rtl if tgt_rtl else ltr))
            else:
                row.append(cell(v, top))
        ws.append(row)
        stats.rows += 1
        if progress and i % step == 0:
            progress(i / total, f"{i} of {total} links")
    if report is not None:
        rows = list(report)
        cols = report_columns or _columns(rows)
        rs = wb.create_sheet("Consistency")
        rs.freeze_panes = "A2"
        rs.append([cell(h, font=bold) for h in cols])
        for r in rows:
            out = []
            for k in cols:
                v = _plain(r.get(k))
                align = rtl if isinstance(v, str) and hebrew_ratio(v) > 0.5 else ltr
                out.append(cell(v, align))
            rs.append(out)
            stats.report_rows += 1
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return stats
