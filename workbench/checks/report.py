"""The consistency report as rows, CSV, XLSX, JSON and counts (shared by the CLI and the page)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from workbench.atomic import csv_safe
from workbench.checks.base import SEVERITIES, SEVERITY_RANK, Finding, registry, severity_at_least

COLUMNS = ["id", "check", "severity", "status", "document", "document_title", "term", "message", "excerpt",
           "link", "paragraphs", "side", "present", "comment", "user", "status_at"]  # fmt: skip

SHOW = ("open", "accepted", "fixed", "current", "all")


def select(findings: Iterable[Finding], show: str = "open") -> list[Finding]:
    """``open``/``accepted``/``fixed`` by status; ``current``: every finding whose cause is present; ``all``."""
    if show == "all":
        return list(findings)
    if show == "current":
        return [f for f in findings if f.present]
    return [f for f in findings if f.status == show]


def sort_key(f: Finding) -> tuple:
    return (-SEVERITY_RANK.get(f.severity, 0), f.doc_id is None, f.doc_id or 0, f.check, f.id)


def rows(findings: Iterable[Finding], titles: dict[int, str] | None = None, terms: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """One flat dict per finding, in :data:`COLUMNS` order."""
    titles = titles or {}
    terms = terms or {}
    out = []
    for f in findings:
        out.append(
            {
                "id": f.id, "check": f.check, "severity": f.severity, "status": f.status,
                "document": f.doc_id if f.doc_id is not None else "corpus",
                "document_title": titles.get(f.doc_id, "") if f.doc_id is not None
                else ", ".join(titles.get(d, str(d)) for d in f.docs),
                "term": terms.get(f.term_id, "" if f.term_id is None else str(f.term_id)),
                "message": f.message, "excerpt": f.excerpt, "link": f.link_id or "",
                "paragraphs": " ".join(f.para_ids), "side": f.side if f.para_ids else "",
                "present": f.present, "comment": f.comment or "", "user": f.user or "", "status_at": f.status_at or "",
            }  # fmt: skip
        )
    return out


def to_csv(records: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow({k: csv_safe(v) for k, v in r.items()})  # a cell never starts a spreadsheet formula
    return buf.getvalue()


def to_xlsx(records: Sequence[dict[str, Any]], summary: Sequence[dict[str, Any]] | None = None) -> bytes:
    """A workbook with a *Findings* sheet (filterable, frozen header) and a *Summary* sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Findings"
    ws.append(COLUMNS)
    for r in records:
        ws.append([_cell(r.get(c)) for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(records) + 1)}"
    widths = {"id": 28, "message": 70, "excerpt": 70, "document_title": 30}
    for i, c in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(c, 14)
    if summary is not None:
        ws2 = wb.create_sheet("Summary")
        keys = ["check", "name", *SEVERITIES, "total"]
        ws2.append(keys)
        for r in summary:
            ws2.append([r.get(k, 0) for k in keys])
        for cell in ws2[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(v: Any) -> Any:
    return csv_safe(v)  # never let a cell be read as a formula


def summary(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Counts per check and severity (every registered check, zeros included)."""
    counts = Counter((f.check, f.severity) for f in findings)
    out = []
    for cid, cls in registry().items():
        row: dict[str, Any] = {"check": cid, "name": cls.name}
        for s in SEVERITIES:
            row[s] = counts.get((cid, s), 0)
        row["total"] = sum(row[s] for s in SEVERITIES)
        out.append(row)
    return out


def count_at_least(findings: Iterable[Finding], threshold: str) -> int:
    """Open findings whose cause is present, at or above ``threshold`` (the CI exit rule)."""
    return sum(1 for f in findings if f.status == "open" and f.present and severity_at_least(f.severity, threshold))
