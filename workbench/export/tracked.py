"""A comparison of two versions as a Word document with real tracked changes.

A reviewer who works in Word or LibreOffice wants to accept or reject each change, not read a
coloured printout. Each changed word becomes a ``w:del`` / ``w:ins`` revision with the author and
date of the later version; a split paragraph is an inserted paragraph mark, a merge a deleted one,
a whole paragraph added or removed has its runs and its mark inserted or deleted. Accepting every
change gives exactly the new version's paragraphs, rejecting every change the old one's (the tests
read the XML back both ways, and render the file with LibreOffice).

The input is plain data (rows of old and new paragraph texts) so this module stays in the export
layer; the service that builds a comparison from the store is :mod:`workbench.update`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from workbench.atomic import atomic_path
from workbench.textdiff import word_diff

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
RTL_LANGS = {"he", "arc", "yi", "ar", "fa", "ur"}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class _Writer:
    def __init__(self, body: etree._Element, author: str, date: str, rtl: bool, font: str | None) -> None:
        self.body, self.author, self.date, self.rtl, self.font = body, author, date, rtl, font
        self.next_id = 1
        self.p: etree._Element | None = None

    def _rev(self, tag: str, parent: etree._Element) -> etree._Element:
        el = etree.SubElement(parent, _w(tag))
        el.set(_w("id"), str(self.next_id))
        el.set(_w("author"), self.author)
        el.set(_w("date"), self.date)
        self.next_id += 1
        return el

    def _rpr(self, r: etree._Element) -> None:
        if not self.rtl and not self.font:
            return
        rpr = etree.SubElement(r, _w("rPr"))
        if self.font:
            f = etree.SubElement(rpr, _w("rFonts"))
            for a in ("ascii", "hAnsi", "cs"):
                f.set(_w(a), self.font)
        if self.rtl:
            etree.SubElement(rpr, _w("rtl"))

    def open(self) -> None:
        self.p = etree.SubElement(self.body, _w("p"))
        ppr = etree.SubElement(self.p, _w("pPr"))
        if self.rtl:
            etree.SubElement(ppr, _w("bidi"))
            etree.SubElement(ppr, _w("jc")).set(_w("val"), "right")

    def close(self, mark: str) -> None:
        """End the paragraph; ``mark`` ``ins``/``del`` tracks its paragraph mark as inserted/deleted."""
        assert self.p is not None
        if mark in ("ins", "del"):
            ppr = self.p.find(_w("pPr"))
            rpr = etree.SubElement(ppr, _w("rPr"))
            self._rev(mark, rpr)
        self.p = None

    def run(self, op: str, text: str) -> None:
        if not text:
            return
        if self.p is None:
            self.open()
        parent = self.p
        if op in ("ins", "del"):
            parent = self._rev(op, self.p)
        r = etree.SubElement(parent, _w("r"))
        self._rpr(r)
        t = etree.SubElement(r, _w("delText" if op == "del" else "t"))
        t.text = text
        t.set(XML_SPACE, "preserve")


def _row(w: _Writer, old: Sequence[str], new: Sequence[str]) -> None:
    """One matched row: paragraphs ``old`` became ``new`` (either may be empty)."""
    if list(old) == list(new):
        for text in new:
            w.open()
            w.run("same", text)
            w.close("same")
        return
    a, b = "\n".join(old), "\n".join(new)
    for op, piece in word_diff(a, b):
        # a line break inside a piece is a paragraph boundary: kept (same), new (ins) or removed (del)
        parts = piece.split("\n")
        for k, part in enumerate(parts):
            w.run(op, part)
            if k < len(parts) - 1:
                if w.p is None:
                    w.open()
                w.close(op)
    if w.p is None:
        w.open()
    w.close("ins" if not old else "del" if not new else "same")


def tracked_docx(
    rows: Sequence[tuple[Sequence[str], Sequence[str]]], *, title: str, subtitle: str = "", author: str,
    date: str | None = None, lang: str | None = None, font: str | None = None,
) -> bytes:
    """A .docx (bytes) whose tracked changes turn the ``old`` paragraphs of ``rows`` into the ``new``.

    ``date`` is an ISO time (the later version's; default now), ``lang`` the text's language (right
    to left for Hebrew and the other RTL scripts)."""
    import docx

    when = date or datetime.now(UTC).isoformat(timespec="seconds")
    when = when.replace("+00:00", "Z")
    if "." in when:
        when = when.split(".")[0] + "Z"
    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.author = author
    d.add_heading(title, level=1)
    if subtitle:
        d.add_paragraph(subtitle)
    body = d.element.body
    sect = body.find(_w("sectPr"))
    holder = etree.Element(_w("body"))
    rtl = (lang or "").split("-")[0] in RTL_LANGS
    w = _Writer(holder, author, when, rtl, font)
    for old, new in rows:
        _row(w, old, new)
    for p in list(holder):
        if sect is not None:
            sect.addprevious(p)
        else:
            body.append(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def write_tracked_docx(path: str | Path, rows: Sequence[tuple[Sequence[str], Sequence[str]]], **kw: object) -> Path:
    """:func:`tracked_docx` written atomically to ``path`` (the old file stays until it is complete)."""
    data = tracked_docx(rows, **kw)  # type: ignore[arg-type]
    dest = Path(path).expanduser()
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)
    return dest


def accepted_and_rejected(document_xml: bytes) -> tuple[list[str], list[str]]:
    """The body's paragraph texts with every change accepted, and with every change rejected.

    What Word's "Accept all" / "Reject all" would leave, read from ``word/document.xml``: the tests
    use it to hold the export to the versions it compares."""
    root = etree.fromstring(document_xml)
    body = root.find(_w("body"))
    accepted: list[str] = []
    rejected: list[str] = []
    acc_cur: list[str] = []
    rej_cur: list[str] = []
    for p in body.iter(_w("p")):
        for el in p.iter(_w("t"), _w("delText")):
            inside_ins = any(a.tag == _w("ins") for a in el.iterancestors())
            inside_del = any(a.tag == _w("del") for a in el.iterancestors())
            if el.tag == _w("t") and not inside_del:
                acc_cur.append(el.text or "")
                if not inside_ins:
                    rej_cur.append(el.text or "")
            elif el.tag == _w("delText"):
                rej_cur.append(el.text or "")
        ppr = p.find(_w("pPr"))
        rpr = ppr.find(_w("rPr")) if ppr is not None else None
        mark_ins = rpr is not None and rpr.find(_w("ins")) is not None
        mark_del = rpr is not None and rpr.find(_w("del")) is not None
        if not mark_del:
            accepted.append("".join(acc_cur))
            acc_cur = []
        if not mark_ins:
            rejected.append("".join(rej_cur))
            rej_cur = []
    return accepted, rejected
