"""Low-level WordprocessingML for the editions: ordered properties, bidi runs, fields, footnotes.

python-docx has no API for bidi paragraphs, complex-script fonts, fields or footnotes, so these
helpers write the XML directly, with two rules:

* a property added to an element that already exists (a style, ``w:settings``, ``w:sectPr``) goes
  in through :func:`set_child`, which uses python-docx's ``insert_element_before`` with the
  schema's successor list, so the order stays valid whatever the template already holds;
* elements built from scratch (the body: thousands of paragraphs and runs) get their properties
  sorted by the schema sequence (:data:`RPR_ORDER`, :data:`PPR_ORDER`) before they are created,
  which is valid by construction and fast.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI, PackURI
from docx.opc.part import XmlPart
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

SubElement = etree.SubElement

# The schema sequences (ECMA-376 Part 1: CT_PPr 17.3.1.26, CT_RPr 17.3.2.28), as in python-docx.
PPR_SEQ: tuple[str, ...] = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)
RPR_SEQ: tuple[str, ...] = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)
PPR_ORDER = {qn(t): i for i, t in enumerate(PPR_SEQ)}
RPR_ORDER = {qn(t): i for i, t in enumerate(RPR_SEQ)}

# CT_SectPr (ECMA-376 Part 1, 17.6.17) after the header/footer references.
SECTPR_SEQ: tuple[str, ...] = (
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar",
    "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign",
    "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings",
    "w:sectPrChange",
)
# CT_Settings from w:footnotePr on (everything that must follow it).
SETTINGS_AFTER_FOOTNOTEPR: tuple[str, ...] = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)
TBLPR_SEQ: tuple[str, ...] = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
    "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook", "w:tblCaption", "w:tblDescription",
)
TCPR_SEQ: tuple[str, ...] = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd", "w:noWrap", "w:tcMar",
    "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
)

W_VAL = qn("w:val")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Strong-direction spans: a Latin run inside RTL text, a Hebrew run inside LTR text. Neutrals
# (spaces, digits, punctuation) between two strong characters of the same kind stay with them;
# neutrals at the edges take the paragraph's direction.
_HEB = "\u0590-\u05ff\ufb1d-\ufb4f"
_LAT = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
LATIN_SPAN = re.compile(f"[{_LAT}](?:[^{_HEB}]*[{_LAT}])?")
HEBREW_SPAN = re.compile(f"[{_HEB}](?:[^{_LAT}]*[{_HEB}])?")
_HAS_LATIN = re.compile(f"[{_LAT}]")
_HAS_HEBREW = re.compile(f"[{_HEB}]")


def xml_text(s: str) -> str:
    """Text XML 1.0 can carry (control characters and lone surrogates removed)."""
    return _INVALID_XML.sub("", s) if _INVALID_XML.search(s) else s


def twips_mm(mm: float) -> int:
    return round(mm * 1440 / 25.4)


# ---------------------------------------------------------------------------------------------
# Properties on existing elements


def set_child(parent, tag: str, successors: Sequence[str], attrs: dict[str, str] | None = None):
    """Get or insert ``parent/tag`` at its schema position; set ``attrs`` (``w:`` names)."""
    child = parent.find(qn(tag))
    if child is None:
        child = parent.makeelement(qn(tag), {})
        parent.insert_element_before(child, *successors)
    for k, v in (attrs or {}).items():
        child.set(qn(k), v)
    return child


def set_ppr(ppr, tag: str, attrs: dict[str, str] | None = None):
    return set_child(ppr, tag, PPR_SEQ[PPR_SEQ.index(tag) + 1 :], attrs)


def set_rpr(rpr, tag: str, attrs: dict[str, str] | None = None):
    return set_child(rpr, tag, RPR_SEQ[RPR_SEQ.index(tag) + 1 :], attrs)


def set_sectpr(sectpr, tag: str, attrs: dict[str, str] | None = None):
    return set_child(sectpr, tag, SECTPR_SEQ[SECTPR_SEQ.index(tag) + 1 :], attrs)


def font_rpr(rpr, *, latin: str, hebrew: str, latin_pt: float, hebrew_pt: float, lang: str = "en-US") -> None:
    """Fonts, sizes and languages for both scripts on an existing ``w:rPr`` (theme fonts removed)."""
    fonts = set_rpr(rpr, "w:rFonts")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", latin), ("w:cs", hebrew)):
        fonts.set(qn(attr), name)
    set_rpr(rpr, "w:sz", {"w:val": str(round(latin_pt * 2))})
    set_rpr(rpr, "w:szCs", {"w:val": str(round(hebrew_pt * 2))})
    set_rpr(rpr, "w:lang", {"w:val": lang, "w:bidi": "he-IL"})


# ---------------------------------------------------------------------------------------------
# Building new content


def new_ppr(p, props: Iterable[tuple[str, dict[str, str] | None]]):
    """Create ``p/w:pPr`` with ``props`` in schema order (``p`` must not have a pPr yet)."""
    ppr = SubElement(p, qn("w:pPr"))
    for tag, attrs in sorted(((qn(t), a) for t, a in props), key=lambda x: PPR_ORDER[x[0]]):
        el = SubElement(ppr, tag)
        for k, v in (attrs or {}).items():
            el.set(qn(k), v)
    return ppr


def paragraph(parent, style: str | None, *, bidi: bool = False, extra: Sequence[tuple[str, dict | None]] = ()):
    p = SubElement(parent, qn("w:p"))
    props: list[tuple[str, dict[str, str] | None]] = list(extra)
    if style:
        props.append(("w:pStyle", {"w:val": style}))
    if bidi:
        props.append(("w:bidi", None))
    if props:
        new_ppr(p, props)
    return p


def run(p, text: str, *, bold: bool = False, italic: bool = False, rtl: bool = False, style: str | None = None):
    """Append one run; ``\\n`` becomes a line break and ``\\t`` a tab."""
    r = SubElement(p, qn("w:r"))
    if bold or italic or rtl or style:
        rpr = SubElement(r, qn("w:rPr"))  # children below are created in CT_RPr order
        if style:
            SubElement(rpr, qn("w:rStyle")).set(W_VAL, style)
        if bold:
            SubElement(rpr, qn("w:b"))
            SubElement(rpr, qn("w:bCs"))
        if italic:
            SubElement(rpr, qn("w:i"))
            SubElement(rpr, qn("w:iCs"))
        if rtl:
            SubElement(rpr, qn("w:rtl"))
    text = xml_text(text)
    if "\n" in text or "\t" in text:
        for i, line in enumerate(text.split("\n")):
            if i:
                SubElement(r, qn("w:br"))
            for j, chunk in enumerate(line.split("\t")):
                if j:
                    SubElement(r, qn("w:tab"))
                if chunk:
                    _t(r, chunk)
    else:
        _t(r, text)
    return r


def _t(r, text: str) -> None:
    t = SubElement(r, qn("w:t"))
    t.text = text
    if text[:1].isspace() or text[-1:].isspace():
        t.set(XML_SPACE, "preserve")


def directional_chunks(text: str, para_rtl: bool) -> list[tuple[str, bool]]:
    """Split ``text`` into (chunk, rtl) so that Latin inside Hebrew (and Hebrew inside English)
    get runs of their own direction; everything else follows the paragraph."""
    pattern, finder = (LATIN_SPAN, _HAS_LATIN) if para_rtl else (HEBREW_SPAN, _HAS_HEBREW)
    if not finder.search(text):
        return [(text, para_rtl)]
    out: list[tuple[str, bool]] = []
    last = 0
    for m in pattern.finditer(text):
        if m.start() > last:
            out.append((text[last : m.start()], para_rtl))
        out.append((m.group(), not para_rtl))
        last = m.end()
    if last < len(text):
        out.append((text[last:], para_rtl))
    return out


def page_field_runs(p, instr: str = "PAGE") -> None:
    """A complex field (fldChar begin / instrText / separate / result / end), e.g. the page number."""
    for kind, text in (("begin", None), ("instr", f" {instr} "), ("separate", None), ("result", "1"), ("end", None)):
        r = SubElement(p, qn("w:r"))
        if kind == "instr":
            it = SubElement(r, qn("w:instrText"))
            it.set(XML_SPACE, "preserve")
            it.text = text
        elif kind == "result":
            _t(r, text or "")
        else:
            SubElement(r, qn("w:fldChar")).set(qn("w:fldCharType"), kind)


def page_break(parent) -> None:
    p = SubElement(parent, qn("w:p"))
    SubElement(SubElement(p, qn("w:r")), qn("w:br")).set(qn("w:type"), "page")


# ---------------------------------------------------------------------------------------------
# Footnotes part (python-docx has no API for it)

FOOTNOTES_URI = "/word/footnotes.xml"
FOOTNOTE_TEXT_STYLE = "FootnoteText"
FOOTNOTE_REF_STYLE = "FootnoteReference"


class Footnotes:
    """The ``/word/footnotes.xml`` part: created on the first note, with the separator (-1) and
    continuation separator (0) notes Word expects, a relationship from the document part (the
    content-type override follows from the part's content type when the package is written),
    and ``w:footnotePr`` in the settings naming the two separators."""

    def __init__(self, document) -> None:
        self.document = document
        self.root = None
        self.count = 0

    def _ensure(self) -> None:
        if self.root is not None:
            return
        doc_part = self.document.part
        xml = (
            f"<w:footnotes {nsdecls('w', 'r')}>"
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240"'
            ' w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"'
            ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            "</w:footnotes>"
        )
        self.root = parse_xml(xml)
        part = XmlPart(PackURI(FOOTNOTES_URI), CT.WML_FOOTNOTES, self.root, doc_part.package)
        doc_part.relate_to(part, RT.FOOTNOTES)
        settings = self.document.settings.element
        pr = set_child(settings, "w:footnotePr", SETTINGS_AFTER_FOOTNOTEPR)
        for nid in ("-1", "0"):
            SubElement(pr, qn("w:footnote")).set(qn("w:id"), nid)

    def add(self, text: str, *, rtl: bool = False) -> int:
        """Add a note; return its id for the ``w:footnoteReference``."""
        self._ensure()
        self.count += 1
        note = SubElement(self.root, qn("w:footnote"))
        note.set(qn("w:id"), str(self.count))
        p = paragraph(note, FOOTNOTE_TEXT_STYLE, bidi=rtl)
        r = SubElement(p, qn("w:r"))
        rpr = SubElement(r, qn("w:rPr"))
        SubElement(rpr, qn("w:rStyle")).set(W_VAL, FOOTNOTE_REF_STYLE)
        if rtl:
            SubElement(rpr, qn("w:rtl"))
        SubElement(r, qn("w:footnoteRef"))
        run(p, " ", rtl=rtl)
        for chunk, chunk_rtl in directional_chunks(text, rtl):
            run(p, chunk, rtl=chunk_rtl)
        return self.count


def footnote_reference(p, note_id: int, *, rtl: bool = False) -> None:
    r = SubElement(p, qn("w:r"))
    rpr = SubElement(r, qn("w:rPr"))
    SubElement(rpr, qn("w:rStyle")).set(W_VAL, FOOTNOTE_REF_STYLE)
    if rtl:
        SubElement(rpr, qn("w:rtl"))
    SubElement(r, qn("w:footnoteReference")).set(qn("w:id"), str(note_id))


# ---------------------------------------------------------------------------------------------
# Saving without a second in-memory copy of the document XML


def save_streaming(document, path: str | Path) -> None:
    """Write the package like ``Document.save`` but stream each XML part into the zip.

    ``Document.save`` serialises every part to a bytes object first, which for a 10,000-link
    edition is a second full copy of the document in memory; lxml can write straight into the
    zip member instead.
    """
    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        z.writestr(PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            if isinstance(part, XmlPart):
                with z.open(part.partname.membername, "w", force_zip64=True) as fh:
                    etree.ElementTree(part.element).write(fh, encoding="UTF-8", xml_declaration=True, standalone=True)
            else:
                z.writestr(part.partname.membername, part.blob)
            if len(part.rels):
                z.writestr(part.partname.rels_uri.membername, part.rels.xml)
