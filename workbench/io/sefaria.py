"""Sefaria JSON export reader (``{"text": [[...]], "language": ..., "versionTitle": ...}``).

Sefaria keeps inline HTML in its strings. Tags are dropped, ``<b>``/``<i>`` become marks and
footnotes (``<sup>N</sup><i class="footnote">body</i>``) become footnote marks that carry the
body: merged into the text they would wreck alignment lengths and term matching. A footnote may run
on into the next segment (it does in the Introduction to the Zohar, 63:1-2); the body is then
collected across the boundary and the continuation is not taken for text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from workbench.errors import InputError
from workbench.io.paragraphs import make_paragraph, nfc
from workbench.model import Mark, Paragraph

META_KEYS = ("title", "heTitle", "versionTitle", "versionSource", "language", "actualLanguage", "license")
_WS = re.compile(r"\s+")
_BOLD = {"b", "strong"}
_ITALIC = {"i", "em"}
_BREAKS = {"br", "p", "div", "li"}


class _Segment:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.n = 0
        self.marks: list[Mark] = []
        self.label_at: list[int] = []  # line breaks: an item label may follow a heading

    def add(self, s: str) -> None:
        s = _WS.sub(" ", s)
        if s.startswith(" ") and (self.n == 0 or self.parts[-1].endswith(" ")):
            s = s[1:]
        if s:
            self.parts.append(s)
            self.n += len(s)


class _Parser(HTMLParser):
    """Parses one segment; an open footnote is handed on to the next segment's parser."""

    def __init__(self, carry: _Parser | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.seg = _Segment()
        self.bold = 0
        self.italic = 0
        self.note: Mark | None = None  # the open footnote, if any (it may belong to an earlier segment)
        self.note_depth = 0
        self.note_parts: list[str] = []
        if carry is not None and carry.note is not None:
            self.note, self.note_depth, self.note_parts = carry.note, carry.note_depth, carry.note_parts
            self.note_parts.append(" ")
        self.sup: list[str] | None = None  # text of an open <sup>
        self.pending_sup: str | None = None  # a closed <sup> that may be a footnote marker
        self.marker = False  # inside <sup class="footnote-marker">

    def _flush_sup(self) -> None:
        if self.pending_sup is not None:
            self._text(self.pending_sup)
            self.pending_sup = None

    def _text(self, s: str) -> None:
        seg = self.seg
        start = seg.n
        seg.add(s)
        if seg.n > start:
            if self.bold:
                seg.marks.append(Mark(start, seg.n, "bold"))
            if self.italic:
                seg.marks.append(Mark(start, seg.n, "italic"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if self.note is not None:
            if tag in _ITALIC:
                self.note_depth += 1
            elif tag in _BREAKS:
                self.note_parts.append(" ")
            return
        if tag in _ITALIC and "footnote" in cls.split():
            self.pending_sup = None  # the number before the note is its marker, not text
            self.note = Mark(self.seg.n, self.seg.n, "footnote", "")
            self.seg.marks.append(self.note)
            self.note_depth, self.note_parts = 1, []
            return
        self._flush_sup()
        if tag == "sup":
            if "footnote-marker" in cls.split():
                self.marker = True
            else:
                self.sup = []
        elif tag in _BOLD:
            self.bold += 1
        elif tag in _ITALIC:
            self.italic += 1
        elif tag in _BREAKS:
            if len(self.seg.label_at) < 3:
                self.seg.label_at.append(self.seg.n)
            self._text(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.note is not None:
            if tag in _ITALIC:
                self.note_depth -= 1
                if self.note_depth == 0:
                    self.close_note()
            return
        if tag == "sup":
            if self.marker:
                self.marker = False
            elif self.sup is not None:
                self.pending_sup, self.sup = "".join(self.sup), None
            return
        self._flush_sup()
        if tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        elif tag in _ITALIC:
            self.italic = max(0, self.italic - 1)

    def handle_data(self, data: str) -> None:
        if self.note is not None:
            self.note_parts.append(data)
        elif self.marker:
            pass
        elif self.sup is not None:
            self.sup.append(data)
        else:
            self._flush_sup()
            self._text(data)

    def close_note(self) -> None:
        if self.note is not None:
            self.note.value = _WS.sub(" ", "".join(self.note_parts)).strip()
        self.note, self.note_parts, self.note_depth = None, [], 0

    def close(self) -> None:
        super().close()
        if self.sup is not None:
            self.pending_sup, self.sup = "".join(self.sup), None
        self._flush_sup()


def _shape_error(name: str | Path | None, obj: Any) -> InputError:
    found = f"found keys: {', '.join(list(obj)[:8])}" if isinstance(obj, dict) else f"found a JSON {type(obj).__name__}"
    return InputError(name, f"Sefaria JSON has no 'text' array ({found}); expected a Sefaria version export")


def _segments(node: Any, addr: tuple, name: str | Path | None, out: list[tuple[tuple, str]]) -> None:
    if isinstance(node, str):
        out.append((addr, node))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            _segments(child, (*addr, i), name, out)
    elif isinstance(node, dict):
        for key, child in node.items():
            _segments(child, (*addr, key), name, out)
    elif node is not None:
        where = "".join(f"[{a!r}]" for a in addr)
        raise InputError(name, f"Sefaria JSON 'text'{where} is a {type(node).__name__}, expected strings")


def parse_sefaria(obj: Any, name: str | Path | None = None) -> tuple[list[Paragraph], dict[str, Any], list[str]]:
    """(paragraphs, metadata, warnings). Metadata keeps the version facts and each paragraph's
    address in ``text`` (``addresses``), so two versions of one text can be paired by address."""
    warnings: list[str] = []
    if isinstance(obj, dict) and "text" not in obj and isinstance(obj.get("versions"), list) and obj["versions"]:
        if len(obj["versions"]) > 1:
            warnings.append(f"{len(obj['versions'])} versions in the file; read the first")
        obj = obj["versions"][0]
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), (list, dict)):
        raise _shape_error(name, obj)
    segments: list[tuple[tuple, str]] = []
    _segments(obj["text"], (), name, segments)
    parser: _Parser | None = None
    raw: list[tuple[tuple, _Segment]] = []
    for addr, html in segments:
        parser = _Parser(parser)
        parser.feed(nfc(html))
        parser.close()
        raw.append((addr, parser.seg))
    if parser is not None and parser.note is not None:
        warnings.append("a footnote is not closed at the end of the file; kept what was there")
        parser.close_note()
    paragraphs: list[Paragraph] = []
    addresses: list[list] = []
    for addr, seg in raw:
        p = make_paragraph("".join(seg.parts), seg.marks, label_at=seg.label_at)
        if p is not None:
            paragraphs.append(p)
            addresses.append(list(addr))
    if not paragraphs:
        raise InputError(name, "Sefaria JSON 'text' has no non-empty segments")
    meta: dict[str, Any] = {k: obj[k] for k in META_KEYS if isinstance(obj.get(k), str) and obj[k]}
    meta["addresses"] = addresses
    return paragraphs, meta, warnings
