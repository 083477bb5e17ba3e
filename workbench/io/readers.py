"""Pick the reader for a file (by extension, then by content) and return paragraphs plus facts.

The extension is only a hint: editors rename files, and the Streamlit uploader gives whatever name
the browser had. A zip is read as DOCX, a JSON object with ``text`` as Sefaria, formats we cannot
read (PDF, RTF, old .doc) are refused with a message that says what to do instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.io.encoding import LEGACY_NAMES, check_size, decode, read_limited
from workbench.io.language import UNDETERMINED, detect_language, is_hebrew_code, sample_paragraphs
from workbench.io.language import name as lang_name
from workbench.model import Paragraph

EXTENSIONS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".docx": "docx",
              ".doc": "docx", ".json": "sefaria"}
FORMATS = ("text", "markdown", "docx", "sefaria")


@dataclass
class ReadResult:
    """What one file gave: paragraphs, detected (or declared) language, warnings, format, facts."""

    paragraphs: list[Paragraph]
    lang: str
    warnings: list[str] = field(default_factory=list)
    fmt: str = "text"
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str | None:
        return self.metadata.get("file")


def read_paragraphs(
    path: str | Path, *, max_bytes: int | None = None, encoding: str | None = None,
    max_unpacked: int | None = None, max_paragraphs: int | None = None, guess_language: bool = True,
) -> ReadResult:
    """Read a file from disk; InputError (naming the file) for anything that is not readable text."""
    data = read_limited(path, max_bytes)
    return read_bytes(path, data, max_bytes=max_bytes, encoding=encoding, max_unpacked=max_unpacked,
                      max_paragraphs=max_paragraphs, guess_language=guess_language)


def _sniff(name: str | Path, data: bytes) -> str:
    head = data[:8]
    ext = Path(str(name)).suffix.lower()
    if head.startswith(b"%PDF-"):
        raise InputError(name, "PDF is not supported; export it from the PDF reader as .docx or .txt")
    if head.startswith(b"{\\rtf"):
        raise InputError(name, "RTF is not supported; save it as .docx or UTF-8 .txt")
    if head.startswith(b"PK\x03\x04") or ext in (".docx", ".doc"):
        return "docx"
    return EXTENSIONS.get(ext, "text")


MAX_JSON_DEPTH = 200


def json_depth_ok(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether no JSON value nests deeper than ``limit`` (brackets outside strings, counted
    without parsing): Python's parser and every walk over the result recurse, and a file nested a few
    thousand levels deep would end in RecursionError."""
    if text.count("[") + text.count("{") <= limit:
        return True
    import re

    depth = 0
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        tok = m.group(0)
        if tok in "[{":
            depth += 1
            if depth > limit:
                return False
        elif tok in "]}":
            depth -= 1
    return True


def load_json(text: str, name: str | Path | None, what: str = "valid JSON") -> Any:
    """``json.loads`` that refuses, in one line, what it cannot parse, including deep nesting."""
    if not json_depth_ok(text):
        raise InputError(name, f"not {what}: nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"not {what}: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except (RecursionError, ValueError) as exc:
        raise InputError(name, f"not {what}: {exc}") from None


def _json(text: str, name: str | Path) -> Any:
    return load_json(text, name)


def read_bytes(
    name: str | Path, data: bytes, *, max_bytes: int | None = None, encoding: str | None = None,
    max_unpacked: int | None = None, max_paragraphs: int | None = None, guess_language: bool = True,
) -> ReadResult:
    """Read uploaded bytes; ``name`` (the upload's file name) picks the format and names errors.

    ``encoding`` forces a text codec (e.g. ``"cp1255"`` for legacy Hebrew, which is otherwise
    refused with advice rather than guessed). ``guess_language=False``: the language is only
    told by script ("he" for Hebrew script, else "und"), without langdetect, whose first use loads
    its profiles (a good part of a second): for a caller that knows the language already (a new
    version of a stored side).
    """
    if not data:
        raise InputError(name, "file is empty")
    check_size(len(data), name, max_bytes)
    fmt = _sniff(name, data)
    warnings: list[str] = []
    meta: dict[str, Any] = {"file": Path(str(name)).name, "bytes": len(data)}
    declared: str | None = None
    if fmt == "docx":
        from workbench.io.docx import parse_docx

        paragraphs, warnings = parse_docx(data, name, limit=max_bytes, max_unpacked=max_unpacked,
                                          max_paragraphs=max_paragraphs)
    else:
        text, used = decode(data, name, encoding=encoding)
        meta["encoding"] = used
        if encoding is None and used in LEGACY_NAMES:
            warnings.append(
                f"not UTF-8; decoded as {LEGACY_NAMES[used]} (legacy Hebrew, recognised by its letters;"
                " give the encoding to override)"
            )
        if fmt == "text" and text.lstrip().startswith("{"):
            try:
                obj = json.loads(text) if json_depth_ok(text) else None
            except (RecursionError, ValueError):
                obj = None
            if isinstance(obj, dict) and "text" in obj:
                fmt = "sefaria"
        if fmt == "sefaria":
            from workbench.io.sefaria import parse_sefaria

            paragraphs, sefaria_meta, more = parse_sefaria(_json(text, name), name)
            warnings.extend(more)
            meta.update(sefaria_meta)
            declared = sefaria_meta.get("actualLanguage") or sefaria_meta.get("language")
        elif fmt == "markdown":
            from workbench.io.text import parse_markdown

            paragraphs = parse_markdown(text, warnings)
        else:
            from workbench.io.text import parse_text

            paragraphs = parse_text(text)
    if not paragraphs:
        raise InputError(name, "no text found (nothing but blank lines or empty paragraphs)")
    from workbench.io.docx import DEFAULT_MAX_PARAGRAPHS, too_many_paragraphs

    cap = DEFAULT_MAX_PARAGRAPHS if max_paragraphs is None else max_paragraphs
    if len(paragraphs) > cap:
        raise too_many_paragraphs(name, cap)
    meta["format"] = fmt
    text_sample = sample_paragraphs(paragraphs)
    if guess_language:
        detected = detect_language(text_sample)
    else:
        from workbench.hebrew import hebrew_ratio

        detected = "he" if hebrew_ratio(text_sample) > 0.5 else UNDETERMINED  # detect_language's own rule
    lang = declared or detected
    if declared and detected != UNDETERMINED and (is_hebrew_code(declared) != is_hebrew_code(detected)):
        warnings.append(f"declared language '{declared}' but the text looks {lang_name(detected)}")
    label = Path(str(name)).name
    return ReadResult(paragraphs, lang, [f"{label}: {w}" for w in warnings], fmt, meta)
