"""Termbase CSV: header ``source,preferred,variants,forbidden,gloss,note`` (UTF-8).

``variants`` and ``forbidden`` hold several renderings separated by ``|``. The ``source`` cell may
hold several source forms separated by ``|`` too (main form first, e.g. ``פרצוף|פרצופים``) and may be
pointed (``מָסָךְ``): the pointed spelling is kept and the unpointed one is matched. Columns in any
order; ``source`` and ``preferred`` are required, unknown columns are ignored with a warning.

Reading is all or nothing: every bad row is reported with its line number in one
:class:`~workbench.errors.InputError` and no term is returned.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbench.errors import InputError
from workbench.terms.english import english_share
from workbench.terms.model import Term, has_niqqud
from workbench.terms.normalize import en_form_key, he_form_key

HEADER = ["source", "preferred", "variants", "forbidden", "gloss", "note"]
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


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(SEP) if p.strip()]


def read_csv(path: str | Path | None = None, text: str | None = None) -> tuple[list[Term], list[str]]:
    """Terms and warnings from a termbase CSV file (or its ``text``)."""
    name = str(path) if path is not None else None
    if text is None:
        if path is None:
            raise ValueError("read_csv needs a path or text")
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise InputError(name, f"cannot read ({exc.strerror or exc})") from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(name, f"not UTF-8 (byte {exc.start}); save the CSV as UTF-8") from exc
    elif text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
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
    index = {c: i for i, c in enumerate(cols) if c in HEADER}
    terms: list[Term] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    line = 1
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(f"line {start_line}: {exc}")
            break
        line = start_line
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(cols):
            errors.append(f"line {line}: {len(row)} cells for {len(cols)} columns (a comma in an unquoted cell?)")
            continue

        def cell(col: str, row: list[str] = row) -> str:
            i = index.get(col)
            return row[i].strip() if i is not None and i < len(row) else ""

        sources = _split(cell("source"))
        preferred = cell("preferred")
        if not preferred:
            errors.append(f"line {line}: preferred rendering is empty")
            continue
        if SEP in preferred:
            errors.append(f"line {line}: one preferred rendering only ('{SEP}' found); put the others in variants")
            continue
        main = sources[0] if sources else ""
        term = Term(
            source=main,
            preferred=preferred,
            kind=infer_kind(main, preferred),
            variants=_split(cell("variants")),
            forbidden=_split(cell("forbidden")),
            gloss=cell("gloss") or None,
            note=cell("note") or None,
            source_variants=sources[1:],
        )
        term.gloss_first = bool(term.gloss) and term.kind != "translation"
        problems = term.problems()
        if problems:
            errors.append(f"line {line}: {'; '.join(problems)}")
            continue
        key = (he_form_key(term.source), en_form_key(term.preferred))
        if key in seen:
            errors.append(f"line {line}: same source and preferred rendering as line {seen[key]}")
            continue
        seen[key] = line
        terms.append(term)
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
    ]


def to_csv_text(terms: list[Term]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for t in terms:
        w.writerow(term_row(t))
    return buf.getvalue()


def write_csv(terms: list[Term], path: str | Path) -> int:
    """Write ``terms`` as a termbase CSV (UTF-8, no BOM); returns the number of rows."""
    Path(path).write_text(to_csv_text(terms), encoding="utf-8", newline="")
    return len(terms)
