"""Termbase CSV: header ``source,preferred,variants,forbidden,gloss,note,gloss_first,variant_policy,not_term,ambiguous``
(UTF-8; the last four are optional).

``variants`` and ``forbidden`` hold several renderings separated by ``|``. ``gloss_first`` (``yes`` /
``no``, default no) asks for the gloss at the first occurrence in a document; ``variant_policy`` is
``allowed`` (default), ``deprecated`` or ``forbidden`` (what a variant rendering is worth, see
:mod:`workbench.checks.variants`); ``not_term`` lists source contexts where the word is not the term
(phrases, or ``re:`` regular expressions), separated by ``|`` (a ``|`` inside a regular expression's
parentheses or brackets does not separate); ``ambiguous`` (yes/no) marks a source word that is often an
ordinary word. The ``source`` cell may
hold several source forms separated by ``|`` too (main form first, e.g. ``פרצוף|פרצופים``) and may be
pointed (``מָסָךְ``): the pointed spelling is kept and the unpointed one is matched. Columns in any
order; ``source`` and ``preferred`` are required, unknown columns are ignored with a warning.

Reading is all or nothing: every bad row is reported with its line number in one
:class:`~workbench.errors.InputError` and no term is returned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cells import csv_safe, csv_unsafe
from workbench.errors import InputError
from workbench.terms.english import english_share
from workbench.terms.model import Term, has_niqqud
from workbench.terms.normalize import en_form_key, he_form_key

if TYPE_CHECKING:
    from _csv import Reader  # the type of csv.reader(...), which counts lines

HEADER = ["source", "preferred", "variants", "forbidden", "gloss", "note", "gloss_first", "variant_policy", "not_term",
          "ambiguous"]  # fmt: skip
_YES = {"yes": True, "y": True, "true": True, "1": True, "x": True, "no": False, "n": False, "false": False, "0": False, "": False}
#: Termbase files (CSV and TBX) larger than this are refused; ``terms import --max-mb`` or
#: ``$WORKBENCH_MAX_TERMBASE_BYTES`` raises it. A termbase of 10,000 entries is about 1 MB.
DEFAULT_MAX_TERMBASE_BYTES = 20 * 1024 * 1024
TERMBASE_HINT = "terms import --max-mb raises it"
_LIMIT: list[int | None] = [None]
#: Cells that hold one rendering: a line break in one is an unbalanced quote that swallowed lines.
_ONE_LINE = ("source", "preferred", "variants", "forbidden")
REQUIRED = ("source", "preferred")
SEP = "|"


def infer_kind(source: str, preferred: str) -> str:
    """Kind for a CSV row (the CSV has no kind column): acronym, translation or transliteration."""
    if ('"' in source or "״" in source) and preferred.replace("-", "").isupper():
        return "acronym"
    letters = preferred.replace("-", "").replace(" ", "")
    if letters.isupper() and len(letters) >= 2:
        return "acronym"
    if english_share(preferred) >= 0.99:
        return "translation"
    return "transliteration"


def termbase_max_bytes() -> int:
    """The termbase size limit: ``--max-mb``, else ``$WORKBENCH_MAX_TERMBASE_BYTES``, else 20 MB."""
    import os

    if _LIMIT[0] is not None:
        return _LIMIT[0]
    raw = os.environ.get("WORKBENCH_MAX_TERMBASE_BYTES", "").strip()
    try:
        value = int(raw) if raw else DEFAULT_MAX_TERMBASE_BYTES
    except ValueError:
        raise InputError(None, f"WORKBENCH_MAX_TERMBASE_BYTES must be a number of bytes, got {raw!r}") from None
    return value if value > 0 else DEFAULT_MAX_TERMBASE_BYTES


def set_termbase_limit_mb(value: str) -> float:
    """``terms import --max-mb MB`` (an argparse type): the limit for this run's termbase reads."""
    import argparse

    try:
        mb = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--max-mb takes a number of megabytes, not {value!r}") from None
    if mb <= 0:
        raise argparse.ArgumentTypeError("--max-mb must be positive")
    _LIMIT[0] = int(mb * 1024 * 1024)
    return mb


def read_termbase_bytes(path: str | Path) -> bytes:
    """The file's bytes, counted against the termbase limit as they are read (a pipe or a device
    is stopped at the limit, like a file that claims its size)."""
    from workbench.io.encoding import read_limited

    return read_limited(path, termbase_max_bytes(), hint=TERMBASE_HINT)


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(SEP) if p.strip()]


def split_contexts(cell: str | None) -> list[str]:
    """The ``not_term`` cell's entries: split at ``|`` outside parentheses and brackets (and not
    escaped), so that ``re:גוף (האדם|אדם)`` stays one regular expression."""
    out: list[str] = []
    depth = 0
    cur: list[str] = []
    text = cell or ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur += [ch, text[i + 1]]
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch == SEP and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur).strip())
    return [p for p in out if p]


def _yes_no(cell: str, col: str) -> bool:
    v = _YES.get(cell.strip().lower())
    if v is None:
        raise _BadRow(f"{col} is {cell!r}: write yes or no")
    return v


class _BadRow(Exception):
    """A row that cannot become a term; :func:`_read_rows` reports it with the row's line number.

    A private class rather than ``ValueError``, so that an unexpected ``ValueError`` from the term
    model still escapes as the bug it is instead of being reported as a bad row.
    """


def _decode(path: str | Path | None, text: str | None, name: str | None) -> str:
    """The CSV as text: read under the termbase size limit and decoded, BOM removed either way.

    A spreadsheet's "CSV UTF-8" starts with a BOM, so it is dropped from bytes and from given text
    alike, or the first header would read ``\ufeffsource``. A NUL is refused here, before parsing,
    because the ``csv`` module would report it as a confusing per-row error.
    """
    if text is None:
        if path is None:
            raise ValueError("read_csv needs a path or text")
        raw = read_termbase_bytes(path)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"not UTF-8 (byte {exc.start}); save the CSV as UTF-8") from exc
    elif text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise InputError(name, "a NUL character: a binary or damaged file, not a CSV; nothing imported")
    return text


def _read_header(reader: Reader, name: str | None) -> tuple[list[str], dict[str, int], list[str]]:
    """The header's columns (trimmed, lower case), where each known column is and the warnings.

    Columns are found by name so they may come in any order. A header fault stops the whole read at
    line 1, since no row can be placed without it; an unknown column is only a warning, since a
    spreadsheet often carries columns of its own.
    """
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(name, "empty file: expected the header " + ",".join(HEADER)) from None
    except csv.Error as exc:
        raise InputError(name, f"line 1: {exc}") from exc
    cols = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(name, f"line 1: header lacks {', '.join(missing)} (expected {','.join(HEADER)})")
    warnings = []
    extra = [header[i] for i, c in enumerate(cols) if c not in HEADER]
    if extra:
        warnings.append(f"ignored column(s): {', '.join(extra)}")
    dup_cols = sorted({c for c in cols if c in HEADER and cols.count(c) > 1})
    if dup_cols:
        raise InputError(name, f"line 1: column(s) given twice: {', '.join(dup_cols)}")
    return cols, {c: i for i, c in enumerate(cols) if c in HEADER}, warnings


def _records(reader: Reader, errors: list[str]) -> Iterator[tuple[int, int, list[str]]]:
    """Each record as (first line, last line, cells).

    The first line is taken before the record is read, because a quoted cell may span lines and the
    reader's count then stands at the last one. A parser error ends the file (the reader cannot
    resynchronise) and is added to ``errors`` after those of the rows before it; an error at the end
    of data is an unclosed quote, said in those words because the parser's are obscure.
    """
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                errors.append(f"line {start_line}: a quote opened in this row is never closed (an unbalanced quote)")
            else:
                errors.append(f"line {start_line}: {exc}")
            return
        yield start_line, reader.line_num, row


def _shape_error(row: list[str], line: int, end_line: int, n_cols: int, index: dict[str, int]) -> str | None:
    """Why a record cannot be a row at all, or None.

    A line break in a one-rendering cell means two unbalanced quotes closed each other and swallowed
    the lines between them; it is reported even when the cells are blank. A record with more cells
    than columns (a comma in an unquoted cell) is reported only when it has content: a blank record
    is skipped whatever its width.
    """
    if end_line > line:
        cells = {c: row[index[c]] for c in _ONE_LINE if c in index and index[c] < len(row)}
        broken = [c for c, v in cells.items() if "\n" in v or "\r" in v]
        if broken:
            return (f"line {line}: the {broken[0]} cell runs on to line {end_line} (an unbalanced "
                    "quote?); a termbase entry is one line")
    if len(row) > n_cols and any(cell.strip() for cell in row):
        return f"line {line}: {len(row)} cells for {n_cols} columns (a comma in an unquoted cell?)"
    return None


def _cell(row: list[str], index: dict[str, int], col: str) -> str:
    """A cell by column name, trimmed and without the formula guard; a short row's missing cells are empty."""
    i = index.get(col)
    return csv_unsafe(row[i].strip()) if i is not None and i < len(row) else ""


def _row_term(row: list[str], index: dict[str, int]) -> Term:
    """The term a row holds, or :class:`_BadRow` saying what is wrong with it.

    The CSV has no kind column, so the kind is inferred. The gloss is asked for at the first
    occurrence only where ``gloss_first`` says yes: switching it on for every glossed term made
    each item of a list of Sefirot want its own gloss. ``|`` in the preferred cell is refused rather
    than split: the first would silently win and the others be lost.
    """
    sources = _split(_cell(row, index, "source"))
    preferred = _cell(row, index, "preferred")
    if not preferred:
        raise _BadRow("preferred rendering is empty")
    if SEP in preferred:
        raise _BadRow(f"one preferred rendering only ('{SEP}' found); put the others in variants")
    main = sources[0] if sources else ""
    term = Term(
        source=main,
        preferred=preferred,
        kind=infer_kind(main, preferred),
        variants=_split(_cell(row, index, "variants")),
        forbidden=_split(_cell(row, index, "forbidden")),
        gloss=_cell(row, index, "gloss") or None,
        note=_cell(row, index, "note") or None,
        source_variants=sources[1:],
        gloss_first=_yes_no(_cell(row, index, "gloss_first"), "gloss_first"),
        variant_policy=_cell(row, index, "variant_policy") or "allowed",
        not_term=split_contexts(_cell(row, index, "not_term")),
        ambiguous=_yes_no(_cell(row, index, "ambiguous"), "ambiguous"),
    )
    problems = term.problems()
    if problems:
        raise _BadRow("; ".join(problems))
    return term


def _read_rows(reader: Reader, n_cols: int, index: dict[str, int]) -> tuple[list[Term], list[str]]:
    """The terms of the body rows and the error for each bad one, in file order.

    Every row is checked, not just the first bad one, so a user fixes the file in one pass. A second
    row with the same source and preferred rendering (compared as the matcher compares them) is
    refused with the line of the first: two entries for one pair would be merged on import anyway.
    """
    terms: list[Term] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for line, end_line, row in _records(reader, errors):
        problem = _shape_error(row, line, end_line, n_cols, index)
        if problem:
            errors.append(problem)
            continue
        if not any(cell.strip() for cell in row):
            continue
        try:
            term = _row_term(row, index)
        except _BadRow as exc:
            errors.append(f"line {line}: {exc}")
            continue
        key = (he_form_key(term.source), en_form_key(term.preferred))
        if key in seen:
            errors.append(f"line {line}: same source and preferred rendering as line {seen[key]}")
            continue
        seen[key] = line
        terms.append(term)
    return terms, errors


def read_csv(path: str | Path | None = None, text: str | None = None) -> tuple[list[Term], list[str]]:
    """Terms and warnings from a termbase CSV file (or its ``text``).

    All or nothing: the bad rows (the first 20 shown) are reported together in one one-line
    :class:`InputError` and no term is returned, so a half-imported termbase never exists.
    """
    name = str(path) if path is not None else None
    text = _decode(path, text, name)
    # strict: a quote that is never closed is an error instead of a cell swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    cols, index, warnings = _read_header(reader, name)
    terms, errors = _read_rows(reader, len(cols), index)
    if errors:
        shown = errors[:20] + ([f"... and {len(errors) - 20} more"] if len(errors) > 20 else [])
        raise InputError(name, f"{len(errors)} bad row(s), nothing imported: " + " | ".join(shown))
    return terms, warnings


def term_row(term: Term) -> list[str]:
    main = term.source_pointed if term.source_pointed and not has_niqqud(term.source) else term.source
    source = SEP.join([main, *term.source_variants]) if main or term.source_variants else ""
    return [
        source,
        term.preferred,
        SEP.join(term.variants),
        SEP.join(term.forbidden),
        term.gloss or "",
        term.note or "",
        "yes" if term.gloss_first else "no",
        term.variant_policy,
        SEP.join(term.not_term),
        "yes" if term.ambiguous else "no",
    ]


def to_csv_text(terms: list[Term]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for t in terms:
        w.writerow([csv_safe(c) for c in term_row(t)])
    return buf.getvalue()


def write_csv(terms: list[Term], path: str | Path) -> int:
    """Write ``terms`` as a termbase CSV (UTF-8, no BOM); returns the number of rows.

    Cells a spreadsheet would take for a formula (``= + - @``, tab, CR) are written with a leading
    apostrophe (see :func:`workbench.atomic.csv_safe`); :func:`read_csv` removes it again.
    """
    from workbench.atomic import atomic_path

    with atomic_path(path) as tmp:
        Path(tmp).write_text(to_csv_text(terms), encoding="utf-8", newline="")
    return len(terms)
