"""Word (.docx) reader: paragraphs in reading order, italic/bold as marks, footnotes as notes.

python-docx opens and validates the package; the body is then walked as XML because python-docx
exposes neither footnote references nor the order of paragraphs and tables. Only what the editor
sees is read: deleted revisions, field codes and text-box duplicates (mc:Fallback) are skipped.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from workbench.errors import InputError
from workbench.io.encoding import human_size
from workbench.io.paragraphs import make_paragraph, nfc
from workbench.model import Mark, Paragraph

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What a DOCX may unpack to (all its parts): a 600 KB file of repeated XML unpacks to 190 MB and
#: takes gigabytes as a tree. A 1,000-page book is well under 40 MB unpacked.
DEFAULT_MAX_UNPACKED = 100 * 1024 * 1024
#: Paragraphs one file may hold (a long book has about 10,000).
DEFAULT_MAX_PARAGRAPHS = 200_000
UNPACKED_HINT = "--max-docx-mb raises it"
PARAGRAPHS_HINT = "--max-paragraphs raises it"


def too_many_paragraphs(name: str | Path | None, limit: int) -> InputError:
    return InputError(name, f"more than {limit:,} paragraphs, over the limit ({PARAGRAPHS_HINT})")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, R, T, TBL, TR, TC, SDT, SDT_CONTENT = map(_w, ("p", "r", "t", "tbl", "tr", "tc", "sdt", "sdtContent"))
# Inline containers whose runs are visible text (w:del, w:moveFrom and w:txbxContent are not).
_RUN_CONTAINERS = set(map(_w, ("hyperlink", "ins", "moveTo", "smartTag", "sdt", "sdtContent", "fldSimple",
                               "customXml", "dir", "bdo")))
_BODY_CONTAINERS = {SDT, SDT_CONTENT, _w("customXml")}
_OFF = {"0", "false", "off", "none"}


def _on(rpr: etree._Element | None, *tags: str) -> bool | None:
    """Toggle property value (w:i, w:iCs ...) or None when not set here."""
    if rpr is None:
        return None
    for tag in tags:
        el = rpr.find(_w(tag))
        if el is not None:
            val = el.get(_w("val"))
            return val is None or val.lower() not in _OFF
    return None


class _Styles:
    """Character-style italic/bold (e.g. Word's "Emphasis"), following basedOn chains."""

    def __init__(self, root: etree._Element | None) -> None:
        self.rpr: dict[str, etree._Element | None] = {}
        self.based: dict[str, str] = {}
        if root is None:
            return
        for st in root.iter(_w("style")):
            sid = st.get(_w("styleId"))
            if not sid:
                continue
            self.rpr[sid] = st.find(_w("rPr"))
            base = st.find(_w("basedOn"))
            if base is not None and base.get(_w("val")):
                self.based[sid] = base.get(_w("val"))  # type: ignore[assignment]

    def get(self, sid: str | None, *tags: str) -> bool:
        seen: set[str] = set()
        while sid and sid not in seen:
            seen.add(sid)
            val = _on(self.rpr.get(sid), *tags)
            if val is not None:
                return val
            sid = self.based.get(sid)
        return False


class _Reader:
    def __init__(self, styles: _Styles, notes: dict[str, str], endnotes: dict[str, str],
                 max_paragraphs: int = DEFAULT_MAX_PARAGRAPHS, name: str | Path | None = None) -> None:
        self.max_paragraphs = max_paragraphs
        self.name = name
        self.styles = styles
        self.notes = notes
        self.endnotes = endnotes
        self.missing: list[str] = []

    def run_format(self, r: etree._Element) -> tuple[bool, bool]:
        rpr = r.find(_w("rPr"))
        style = None
        if rpr is not None and (rs := rpr.find(_w("rStyle"))) is not None:
            style = rs.get(_w("val"))
        italic = _on(rpr, "i", "iCs")
        bold = _on(rpr, "b", "bCs")
        if italic is None:
            italic = self.styles.get(style, "i", "iCs")
        if bold is None:
            bold = self.styles.get(style, "b", "bCs")
        return bool(italic), bool(bold)

    def paragraph(self, p: etree._Element) -> Paragraph | None:
        parts: list[str] = []
        marks: list[Mark] = []
        n = 0

        def visit(el: etree._Element) -> None:
            nonlocal n
            for child in el:
                if child.tag == R:
                    start = n
                    for item in child:
                        tag = item.tag
                        if tag == T:
                            s = nfc(item.text or "")
                            parts.append(s)
                            n += len(s)
                        elif tag in (_w("tab"), _w("br"), _w("cr")):
                            parts.append(" ")
                            n += 1
                        elif tag == _w("noBreakHyphen"):
                            parts.append("-")
                            n += 1
                        elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                            nid = item.get(_w("id"), "")
                            table = self.notes if tag == _w("footnoteReference") else self.endnotes
                            if nid in table:
                                marks.append(Mark(n, n, "footnote", table[nid]))
                            else:
                                self.missing.append(nid)
                    if n > start:
                        italic, bold = self.run_format(child)
                        if italic:
                            marks.append(Mark(start, n, "italic"))
                        if bold:
                            marks.append(Mark(start, n, "bold"))
                elif child.tag in _RUN_CONTAINERS:
                    visit(child)

        visit(p)
        return make_paragraph("".join(parts), marks)

    def block(self, el: etree._Element, out: list[Paragraph]) -> None:
        """Paragraphs of a body-level element in reading order (tables row by row, cell by cell)."""
        for child in el:
            if child.tag == P:
                para = self.paragraph(child)
                if para is not None:
                    out.append(para)
                    if len(out) > self.max_paragraphs:
                        raise too_many_paragraphs(self.name, self.max_paragraphs)
            elif child.tag == TBL:
                for tr in child.iter(TR):
                    if tr.getparent() is not child:
                        continue  # nested tables are reached through their cell
                    for tc in tr.iter(TC):
                        if tc.getparent() is tr:
                            self.block(tc, out)
            elif child.tag in _BODY_CONTAINERS:
                self.block(child, out)


def _note_texts(root: etree._Element | None, tag: str) -> dict[str, str]:
    """id -> note body (paragraphs joined by a space; the reference number itself is skipped)."""
    out: dict[str, str] = {}
    if root is None:
        return out
    for note in root.iter(_w(tag)):
        if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        paras = []
        for p in note.iter(P):
            text = "".join(
                (t.text or "") if t.tag == T else " " for t in p.iter(T, _w("tab"), _w("br"))
            )
            if text.strip():
                paras.append(" ".join(text.split()))
        out[note.get(_w("id"), "")] = nfc(" ".join(paras))
    return out


def _part_xml(document, reltype: str, name: str | Path | None) -> etree._Element | None:
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            blob = rel.target_part.blob
            try:
                return etree.fromstring(blob)
            except etree.XMLSyntaxError as exc:
                raise InputError(name, f"broken XML in {rel.target_part.partname.lstrip('/')}: {exc}") from None
    return None


def _check_archive(data: bytes, name: str | Path | None, max_unpacked: int | None) -> None:
    """Refuse non-zips, and zips that would unpack to more than the limit.

    The sizes are those the archive declares; :mod:`zipfile` never returns more bytes than a part
    declares (a part that lies is a CRC error), so their sum bounds what python-docx will hold.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise InputError(name, "corrupt DOCX: not a zip archive") from None
    cap = DEFAULT_MAX_UNPACKED if max_unpacked is None else max_unpacked
    if unpacked > cap:
        raise InputError(name, f"DOCX unpacks to {human_size(unpacked)}, over the limit of {human_size(cap)} "
                               f"({UNPACKED_HINT})")


def _broken_part(data: bytes) -> str:
    """Which part failed to parse, with line and column, for a message the editor can act on."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(zf.read(info))
                except etree.XMLSyntaxError as exc:
                    line, col = exc.position
                    return f"{info.filename} (line {line}, column {col})"
    return "a package part"


def parse_docx(
    data: bytes, name: str | Path | None = None, *, limit: int | None = None, max_unpacked: int | None = None,
    max_paragraphs: int | None = None,
) -> tuple[list[Paragraph], list[str]]:
    """Paragraphs and warnings of a .docx given as bytes; InputError for anything not a DOCX.

    ``limit`` (the input size limit) is checked by the caller; ``max_unpacked`` bounds what the
    archive unpacks to and ``max_paragraphs`` the paragraphs read.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(OLE_MAGIC):
        raise InputError(name, "old Word .doc format (or encrypted); save it as .docx and import again")
    _check_archive(data, name, max_unpacked)
    try:
        document = docx.Document(io.BytesIO(data))
    except etree.XMLSyntaxError:
        try:
            where = _broken_part(data)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
            where = "a package part"
        raise InputError(name, f"corrupt DOCX: broken XML in {where}") from None
    except zlib.error as exc:
        raise InputError(name, f"corrupt DOCX: damaged compressed data ({exc})") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise InputError(name, f"corrupt DOCX: damaged zip archive ({exc})") from None
    except (KeyError, PackageNotFoundError):
        raise InputError(name, "not a Word document: a zip archive without word/document.xml") from None
    except ValueError as exc:
        raise InputError(name, f"not a Word document: {exc}") from None
    styles = _Styles(_part_xml(document, RT_STYLES, name))
    reader = _Reader(
        styles,
        _note_texts(_part_xml(document, RT_FOOTNOTES, name), "footnote"),
        _note_texts(_part_xml(document, RT_ENDNOTES, name), "endnote"),
        DEFAULT_MAX_PARAGRAPHS if max_paragraphs is None else max_paragraphs,
        name,
    )
    out: list[Paragraph] = []
    body = document.element.find(_w("body"))
    if body is not None:
        reader.block(body, out)
    warnings = []
    if reader.missing:
        ids = ", ".join(sorted(set(reader.missing)))
        warnings.append(f"footnote reference(s) {ids} have no text in the footnotes part")
    return out, warnings
