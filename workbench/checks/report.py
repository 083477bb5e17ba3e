"""The consistency report as rows, CSV, XLSX, JSON and counts (shared by the CLI and the page), and
findings grouped into decisions (:func:`group_findings`): one per (check, document, term, offending
form), with its occurrences, sorted by severity and count so that the editor decides the biggest
questions first."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workbench.cells import csv_safe
from workbench.checks.base import SEVERITIES, SEVERITY_RANK, Finding, registry, severity_at_least
from workbench.findings_types import Decision

COLUMNS = ["id", "check", "severity", "status", "document", "document_title", "term", "message", "excerpt",
           "link", "paragraphs", "side", "present", "comment", "user", "status_at"]  # fmt: skip

SHOW = ("open", "accepted", "fixed", "current", "all")

#: the columns of a grouped report (one row per decision)
GROUP_COLUMNS = ["group", "check", "severity", "status", "count", "document", "document_title", "term", "form",
                 "message", "decision", "comment", "user"]  # fmt: skip


# ------------------------------------------------------------------------------------ decisions


@dataclass
class Group:
    """One decision: the occurrences of one (check, document, term, offending form), with the
    stored decision when one was tagged."""

    group: str
    check: str
    doc_id: int | None
    term_id: Any
    form: str
    occurrences: list[Finding] = field(default_factory=list)
    decision: Decision | None = None

    @property
    def count(self) -> int:
        return len(self.occurrences)

    @property
    def severity(self) -> str:
        return max((f.severity for f in self.occurrences), key=lambda s: SEVERITY_RANK.get(s, 0), default="info")

    @property
    def message(self) -> str:
        return self.occurrences[0].message if self.occurrences else ""

    @property
    def documents(self) -> list[int]:
        if self.doc_id is not None:
            return [self.doc_id]
        return sorted({d for f in self.occurrences for d in (f.docs or ([f.doc_id] if f.doc_id is not None else []))})

    @property
    def status(self) -> str:
        """``open`` while any occurrence is open; else ``accepted`` if any is, else ``fixed``."""
        sts = {f.status for f in self.occurrences}
        if not sts:
            return self.decision.status if self.decision else "open"
        for s in ("open", "accepted", "fixed"):
            if s in sts:
                return s
        return "open"

    @property
    def rev(self) -> int:
        """The decision's revision (0: never tagged): what ``check tag GROUP --rev N`` states."""
        return self.decision.rev if self.decision else 0

    def to_json(self, titles: dict[int, str] | None = None, terms: dict[Any, str] | None = None) -> dict[str, Any]:
        """The public JSON shape of ``workbench check --grouped --format json``."""
        d = self.decision
        return {
            "group": self.group, "check": self.check, "severity": self.severity, "term": self.term_id,
            "term_label": (terms or {}).get(self.term_id) if self.term_id is not None else None,
            "form": self.form, "count": self.count, "documents": self.documents, "message": self.message,
            "status": self.status, "document": self.doc_id,
            "document_title": (titles or {}).get(self.doc_id) if self.doc_id is not None else None,
            "decision": d.status if d else None, "comment": d.comment if d else None, "user": d.user if d else None,
            "rev": self.rev, "occurrences": [f.id for f in self.occurrences],
        }  # fmt: skip


def group_findings(findings: Iterable[Finding], decisions: Mapping[str, Decision] | None = None) -> list[Group]:
    """Findings as decisions, sorted by severity (highest first), then count (largest first).
    Occurrences keep their order; a group's ``form`` is its offending text as most of its
    occurrences write it."""
    groups: dict[str, Group] = {}
    forms: dict[str, Counter[str]] = {}
    for f in findings:
        gid = f.group
        g = groups.get(gid)
        if g is None:
            g = groups[gid] = Group(gid, f.check, f.doc_id, f.term_id, f.key, decision=(decisions or {}).get(gid))
            forms[gid] = Counter()
        g.occurrences.append(f)
        forms[gid][f.key] += 1
    for gid, g in groups.items():
        g.form = forms[gid].most_common(1)[0][0]
    return sorted(groups.values(), key=group_sort_key)


def group_sort_key(g: Group) -> tuple:
    return (-SEVERITY_RANK.get(g.severity, 0), -g.count, g.check, g.doc_id is None, g.doc_id or 0, g.group)


def group_rows(groups: Iterable[Group], titles: dict[int, str] | None = None,
               terms: dict[Any, str] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """One flat dict per decision, in :data:`GROUP_COLUMNS` order."""
    titles = titles or {}
    terms = terms or {}
    out = []
    for g in groups:
        d = g.decision
        out.append({
            "group": g.group, "check": g.check, "severity": g.severity, "status": g.status, "count": g.count,
            "document": g.doc_id if g.doc_id is not None else "corpus",
            "document_title": titles.get(g.doc_id, "") if g.doc_id is not None
            else ", ".join(titles.get(x, str(x)) for x in g.documents),
            "term": terms.get(g.term_id, "" if g.term_id is None else str(g.term_id)), "form": g.form,
            "message": g.message, "decision": d.status if d else "", "comment": (d.comment or "") if d else "",
            "user": (d.user or "") if d else "",
        })  # fmt: skip
    return out


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


def report_scope(where: str, shown: int, total: int, filters: Sequence[str] | None) -> str:
    """What a report holds, in one line written into every row of its CSV (column ``report``) and
    on its XLSX sheet: a report passed on without the filters it was made with reads as the whole
    story otherwise. ``filters`` None means every finding of ``where``, whatever its status."""
    if filters is None:
        return f"all findings of {where}, whatever their status ({total})"
    return f"filtered findings of {where} ({'; '.join(filters)}): {shown} of {total}"


def to_csv(records: Sequence[dict[str, Any]], scope: str | None = None, columns: Sequence[str] | None = None) -> str:
    """CSV of ``records``; ``scope`` (what the report holds, e.g. "all findings" or "filtered: …")
    becomes a last column ``report`` on every row, so the file says it wherever it is opened."""
    cols = list(columns or COLUMNS) + (["report"] if scope is not None else [])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        row = {**r, "report": scope} if scope is not None else r
        w.writerow({k: csv_safe(v) for k, v in row.items()})  # a cell never starts a spreadsheet formula
    return buf.getvalue()


def to_xlsx(records: Sequence[dict[str, Any]], summary: Sequence[dict[str, Any]] | None = None, *,
            scope: str | None = None, groups: Sequence[dict[str, Any]] | None = None) -> bytes:  # fmt: skip
    """A workbook with a *Findings* sheet (filterable, frozen header) and a *Summary* sheet;
    ``scope``: a first *Report* sheet saying what the report holds (and a ``report`` column);
    ``groups``: a *Decisions* sheet (:func:`group_rows`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    if scope is not None:
        ws.title = "Report"
        ws.append(["This report holds", _cell(scope)])
        ws.append(["Findings", len(records)])
        ws["A1"].font = Font(bold=True)
        ws.column_dimensions["A"].width = 20
        ws.column_dimensions["B"].width = 90
        ws = wb.create_sheet("Findings")
    else:
        ws.title = "Findings"
    cols = COLUMNS + (["report"] if scope is not None else [])
    ws.append(cols)
    for r in records:
        ws.append([_cell(scope if c == "report" else r.get(c)) for c in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(1, len(records) + 1)}"
    widths = {"id": 28, "message": 70, "excerpt": 70, "document_title": 30}
    for i, c in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = widths.get(c, 14)
    if groups is not None:
        wsg = wb.create_sheet("Decisions")
        wsg.append(GROUP_COLUMNS)
        for r in groups:
            wsg.append([_cell(r.get(c)) for c in GROUP_COLUMNS])
        for cell in wsg[1]:
            cell.font = Font(bold=True)
        wsg.freeze_panes = "A2"
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
