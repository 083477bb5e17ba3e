"""Spreadsheet-safe cells for every CSV and XLSX the workbench writes (alignment tables, termbases,
findings reports): user text that a spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

from typing import Any

#: A cell starting with one of these is a formula (or starts one) for Excel, LibreOffice and Sheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: one that would start a formula (``=HYPERLINK(...)``,
    ``+``, ``-``, ``@``, tab, CR) gets a leading apostrophe, OWASP's advice against CSV injection.
    A cell that already starts with apostrophes before such a character gets one more, so
    :func:`csv_unsafe` gives back exactly what was written."""
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_START:
        return "'" + value
    return value


def csv_unsafe(value: str) -> str:
    """The inverse of :func:`csv_safe` (for the termbase CSV, which is read back)."""
    if value.startswith("'") and value.lstrip("'")[:1] in FORMULA_START and value.lstrip("'"):
        return value[1:]
    return value
