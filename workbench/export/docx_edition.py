"""DOCX editions: parallel columns, alternating paragraphs, or the translation alone.

Hebrew is set the way Word expects it: paragraphs in the ``Source RTL`` style (``w:bidi``, the
complex-script font and size, ``w:lang w:bidi="he-IL"``), every Hebrew run marked ``w:rtl``,
complex-script bold/italic beside the Latin ones, no forced ``w:jc`` on bidi paragraphs. Notes
(source notes and term glosses) are real footnotes in ``/word/footnotes.xml``.

The body is built straight into the document's XML tree (python-docx's object layer costs about
a millisecond per table cell), one row at a time from :func:`iter_rows`, so the text exists once in
the Document model and once in the DOCX tree, never as a third copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Mm, Pt

from workbench.atomic import atomic_path
from workbench.errors import WorkbenchError
from workbench.export import ooxml
from workbench.export.comments_part import DocxComments, exported_paragraphs
from workbench.export.notes import Extras, GlossaryEntry, TermSpan
from workbench.export.options import PAGE_SIZES, ExportOptions
from workbench.export.units import Row, check_exportable, count_rows, iter_rows, text_is_rtl
from workbench.hebrew import hebrew_ratio
from workbench.model import Document, Link, Paragraph

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

SubElement = ooxml.SubElement

Progress = Callable[[float, str], None]

STYLE_SOURCE_RTL = "Source RTL"
STYLE_TRANSLATION = "Translation"
STYLE_HEADING = "Column Heading"
STYLE_TITLE = "Edition Title"
STYLE_BYLINE = "Edition Byline"
STYLE_CREDITS = "Edition Credits"
STYLE_GLOSSARY_HEADING = "Glossary Heading"

LANG_NAMES = {"he": "Hebrew", "arc": "Aramaic", "en": "English", "yi": "Yiddish", "ar": "Arabic",
              "fr": "French", "de": "German", "es": "Spanish", "ru": "Russian", "it": "Italian"}


@dataclass
class DocxStats:
    rows: int = 0
    paragraphs: int = 0
    footnotes: int = 0
    comments: int = 0  # Word comments written (one per message of a thread)
    glossary_entries: int = 0
    warnings: list[str] = field(default_factory=list)


def _core_text(value: str, limit: int = 255) -> str:
    """A document property value Word accepts: XML-safe and at most ``limit`` characters."""
    value = ooxml.xml_text(value)
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def _lang_name(lang: str | None, fallback: str) -> str:
    if not lang or lang == "und":
        return fallback
    return LANG_NAMES.get(lang.split("-")[0].lower(), lang)


class _Builder:
    def __init__(self, doc: Document, options: ExportOptions, extras: Extras | None) -> None:
        self.doc = doc
        self.o = options
        self.extras = extras or Extras()
        self.document = docx.Document()
        self.footnotes = ooxml.Footnotes(self.document)
        self.comments = DocxComments(self.document, self.extras.comments if options.comments else ())
        self.comments.plan(exported_paragraphs(doc, options.layout))
        self.stats = DocxStats(warnings=list(options.warnings))
        self.spans = self.extras.by_paragraph() if options.annotations else {}
        self.glossed: set[str] = set()
        self.source_rtl = text_is_rtl(doc.source)
        self.target_rtl = text_is_rtl(doc.target)
        self.style_ids: dict[str, str] = {}
        # New body content goes right before the final sectPr (kept, so no search per insert).
        self.sentinel = self.document.element.body.get_or_add_sectPr()

    # -- setup -------------------------------------------------------------------------------

    def setup(self) -> None:
        o = self.o
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        ooxml.font_rpr(rpr, latin=o.latin_font, hebrew=o.hebrew_font, latin_pt=o.latin_size, hebrew_pt=o.hebrew_size)

        def add(name: str, kind=WD_STYLE_TYPE.PARAGRAPH, style_id: str | None = None):
            st = styles.add_style(name, kind)
            if style_id:
                st.element.styleId = style_id
            if kind == WD_STYLE_TYPE.PARAGRAPH:
                st.base_style = styles["Normal"]
            self.style_ids[name] = st.style_id
            return st

        # Alternating: a source paragraph sits close to its translation, pairs are set apart.
        src_after, tgt_after = ("60", "280") if o.layout == "alternating" else ("120", "120")
        # Hebrew paragraphs: defined once, so an editor restyles the whole source in one place.
        st = add(STYLE_SOURCE_RTL)
        st.quick_style = True
        ppr = st.element.get_or_add_pPr()
        ooxml.set_ppr(ppr, "w:bidi")
        ooxml.set_ppr(ppr, "w:spacing", {"w:after": src_after, "w:line": "264", "w:lineRule": "auto"})
        ooxml.font_rpr(st.element.get_or_add_rPr(), latin=o.latin_font, hebrew=o.hebrew_font,
                       latin_pt=o.latin_size, hebrew_pt=o.hebrew_size)

        st = add(STYLE_TRANSLATION)
        st.quick_style = True
        ppr = st.element.get_or_add_pPr()
        ooxml.set_ppr(ppr, "w:spacing", {"w:after": tgt_after, "w:line": "264", "w:lineRule": "auto"})
        # A Hebrew word quoted inside English is set a little larger than the Latin, not at full size.
        ooxml.font_rpr(st.element.get_or_add_rPr(), latin=o.latin_font, hebrew=o.hebrew_font,
                       latin_pt=o.latin_size, hebrew_pt=min(o.hebrew_size, round(o.latin_size * 1.1 * 2) / 2))

        st = add(STYLE_HEADING)
        st.font.bold = True
        ooxml.set_rpr(st.element.get_or_add_rPr(), "w:bCs")
        st.paragraph_format.keep_with_next = True
        ooxml.set_ppr(st.element.get_or_add_pPr(), "w:spacing", {"w:before": "0", "w:after": "60"})

        for name, size, after in ((STYLE_TITLE, 26, 480), (STYLE_BYLINE, 14, 200), (STYLE_CREDITS, 9, 120)):
            st = add(name)
            st.font.size = Pt(size)
            ooxml.set_rpr(st.element.get_or_add_rPr(), "w:szCs", {"w:val": str(size * 2)})
            if name == STYLE_TITLE:
                st.font.bold = True
                ooxml.set_rpr(st.element.get_or_add_rPr(), "w:bCs")
            ppr = st.element.get_or_add_pPr()
            ooxml.set_ppr(ppr, "w:spacing", {"w:after": str(after)})
            ooxml.set_ppr(ppr, "w:jc", {"w:val": "center"})

        st = add(STYLE_GLOSSARY_HEADING)
        st.font.bold = True
        st.font.size = Pt(16)
        rpr = st.element.get_or_add_rPr()
        ooxml.set_rpr(rpr, "w:bCs")
        ooxml.set_rpr(rpr, "w:szCs", {"w:val": "32"})
        ooxml.set_ppr(st.element.get_or_add_pPr(), "w:spacing", {"w:after": "240"})

        st = add("footnote text", style_id=ooxml.FOOTNOTE_TEXT_STYLE)
        st.font.size = Pt(9)
        ooxml.set_rpr(st.element.get_or_add_rPr(), "w:szCs", {"w:val": "20"})
        ooxml.set_ppr(st.element.get_or_add_pPr(), "w:spacing", {"w:after": "0", "w:line": "240", "w:lineRule": "auto"})
        st = add("footnote reference", WD_STYLE_TYPE.CHARACTER, style_id=ooxml.FOOTNOTE_REF_STYLE)
        st.base_style = styles["Default Paragraph Font"]
        ooxml.set_rpr(st.element.get_or_add_rPr(), "w:vertAlign", {"w:val": "superscript"})

        # Page.
        section = self.document.sections[0]
        w, h = PAGE_SIZES[o.page_size]
        section.page_width, section.page_height = Mm(w), Mm(h)
        top, right, bottom, left = o.margins()
        section.top_margin, section.right_margin = Mm(top), Mm(right)
        section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
        section.header_distance = Mm(max(5.0, min(12.5, top / 2)))
        section.footer_distance = Mm(max(5.0, min(12.5, bottom / 2)))
        self.text_width_twips = ooxml.twips_mm(w - left - right)

        core = self.document.core_properties
        # The package's core properties hold at most 255 characters (the title page has it whole).
        core.title = _core_text(self.title)
        core.author = _core_text(str(o.author or self.doc.metadata.get("author") or ""))
        core.comments = "Made with the workbench"

    @property
    def title(self) -> str:
        return (self.o.title or self.doc.title or "Untitled").strip()

    def sid(self, name: str) -> str:
        return self.style_ids[name]

    # -- paragraphs --------------------------------------------------------------------------

    def text_paragraph(self, parent, text: str, style: str, *, rtl: bool | None = None, bold: bool = False):
        if rtl is None:
            rtl = hebrew_ratio(text) > 0.5
        p = ooxml.paragraph(parent, self.sid(style), bidi=rtl)
        for chunk, chunk_rtl in ooxml.directional_chunks(text, rtl):
            ooxml.run(p, chunk, rtl=chunk_rtl, bold=bold)
        return p

    def para(self, parent, para: Paragraph, rtl: bool) -> None:
        """One model paragraph: label in bold, italic/bold marks, footnotes, term italics and glosses."""
        o = self.o
        self.stats.paragraphs += 1
        p = ooxml.paragraph(parent, self.sid(STYLE_SOURCE_RTL if rtl else STYLE_TRANSLATION), bidi=rtl)
        self.comments.anchor(p, para.id)
        text = para.text
        n = len(text)
        bold: list[tuple[int, int]] = []
        italic: list[tuple[int, int]] = []
        notes: list[tuple[int, int, str]] = []  # (position, order, note text)
        if o.bold_labels and para.label:
            stripped = len(text) - len(text.lstrip())
            if text.startswith(para.label, stripped):
                bold.append((stripped, stripped + len(para.label)))
        for m in para.marks:
            start, end = max(0, min(m.start, n)), max(0, min(m.end, n))
            if m.kind == "footnote":
                if o.source_notes and (m.value or "").strip():
                    notes.append((end, len(notes), m.value or ""))
            elif end > start and m.kind == "italic" and o.italics:
                italic.append((start, end))
            elif end > start and m.kind == "bold":
                bold.append((start, end))
        for span in self.spans.get(para.id, ()):
            start, end = max(0, min(span.start, n)), max(0, min(span.end, n))
            if span.italic and o.italics and end > start:
                italic.append((start, end))
            if o.notes == "footnotes" and span.gloss and span.term_key not in self.glossed:
                self.glossed.add(span.term_key)
                notes.append((end, len(notes), span.gloss))
        if not bold and not italic and not notes:
            for chunk, chunk_rtl in ooxml.directional_chunks(text, rtl):
                ooxml.run(p, chunk, rtl=chunk_rtl)
            return
        cuts = {0, n}
        for a, b in bold + italic:
            cuts.update((a, b))
        cuts.update(pos for pos, _, _ in notes)
        points = sorted(cuts)
        notes.sort()
        ni = 0
        for a, b in zip(points, points[1:] + [None], strict=True):
            while ni < len(notes) and notes[ni][0] == a:
                note_text = notes[ni][2]
                nid = self.footnotes.add(note_text, rtl=hebrew_ratio(note_text) > 0.5)
                ooxml.footnote_reference(p, nid, rtl=rtl)
                ni += 1
            if b is None or b <= a:
                continue
            is_b = any(x <= a and b <= y for x, y in bold)
            is_i = any(x <= a and b <= y for x, y in italic)
            for chunk, chunk_rtl in ooxml.directional_chunks(text[a:b], rtl):
                ooxml.run(p, chunk, rtl=chunk_rtl, bold=is_b, italic=is_i)

    def empty_paragraph(self, parent, rtl: bool) -> None:
        ooxml.paragraph(parent, self.sid(STYLE_SOURCE_RTL if rtl else STYLE_TRANSLATION), bidi=rtl)

    # -- body --------------------------------------------------------------------------------

    def title_page(self) -> None:
        o, meta = self.o, self.doc.metadata
        holder = self._holder()
        for _ in range(4):
            ooxml.paragraph(holder, self.sid(STYLE_BYLINE))
        self.text_paragraph(holder, self.title, STYLE_TITLE)
        author = o.author or meta.get("author")
        translator = o.translator or meta.get("translator")
        credits = o.credits if o.credits is not None else meta.get("credits")
        if author:
            self.text_paragraph(holder, str(author), STYLE_BYLINE)
        if translator:
            self.text_paragraph(holder, f"Translated by {translator}", STYLE_BYLINE, rtl=False)
        if credits:
            ooxml.paragraph(holder, self.sid(STYLE_CREDITS))
            for line in str(credits).splitlines():
                if line.strip():
                    self.text_paragraph(holder, line.strip(), STYLE_CREDITS)
        self._flush(holder)
        # The title page is a section of its own: no running header, page numbers start after it.
        self.document.add_section(WD_SECTION.NEW_PAGE)
        ooxml.set_sectpr(self.sentinel, "w:pgNumType", {"w:start": "1"})

    def _holder(self):
        """A detached container; its children are moved before the final sectPr in one go."""
        return OxmlElement("w:body")

    def _flush(self, holder) -> None:
        for child in list(holder):
            self.sentinel.addprevious(child)

    def body_rows(self, rows, total: int, progress: Progress | None) -> None:
        layout = self.o.layout
        if layout == "parallel":
            self.parallel(rows, total, progress)
            return
        step = max(1, total // 50)
        for i, row in enumerate(rows, 1):
            holder = self._holder()
            if layout == "alternating":
                for p in row.source:
                    self.para(holder, p, self.source_rtl)
            for p in row.target:
                self.para(holder, p, self.target_rtl)
            self._flush(holder)
            self.stats.rows += 1
            if progress and i % step == 0:
                progress(i / total, f"{i} of {total} links")

    def parallel(self, rows, total: int, progress: Progress | None) -> None:
        """One two-column table; the source column on the right unless asked otherwise."""
        source_first = self.o.source_side == "left"
        half = self.text_width_twips // 2
        tbl = OxmlElement("w:tbl")
        tblpr = SubElement(tbl, qn("w:tblPr"))  # children in CT_TblPr order
        # Columns are placed by their order; say so explicitly, or LibreOffice turns the whole table
        # right-to-left when its first cell holds a bidi paragraph (source column on the left).
        SubElement(tblpr, qn("w:bidiVisual"), {qn("w:val"): "0"})
        SubElement(tblpr, qn("w:tblW"), {qn("w:w"): "5000", qn("w:type"): "pct"})
        borders = SubElement(tblpr, qn("w:tblBorders"))
        for edge in ("top", "left", "bottom", "right", "insideH"):
            SubElement(borders, qn(f"w:{edge}"), {qn("w:val"): "nil"})
        SubElement(borders, qn("w:insideV"), {qn("w:val"): "single", qn("w:sz"): "4", qn("w:space"): "0",
                                              qn("w:color"): "BFBFBF"})
        SubElement(tblpr, qn("w:tblLayout"), {qn("w:type"): "fixed"})
        mar = SubElement(tblpr, qn("w:tblCellMar"))
        for edge in ("left", "right"):
            SubElement(mar, qn(f"w:{edge}"), {qn("w:w"): "170", qn("w:type"): "dxa"})
        SubElement(tblpr, qn("w:tblLook"), {qn("w:val"): "0420", qn("w:firstRow"): "1", qn("w:lastRow"): "0",
                                            qn("w:firstColumn"): "0", qn("w:lastColumn"): "0",
                                            qn("w:noHBand"): "1", qn("w:noVBand"): "1"})
        grid = SubElement(tbl, qn("w:tblGrid"))
        for _ in range(2):
            SubElement(grid, qn("w:gridCol"), {qn("w:w"): str(half)})
        self.sentinel.addprevious(tbl)

        def cell(tr):
            tc = SubElement(tr, qn("w:tc"))
            SubElement(SubElement(tc, qn("w:tcPr")), qn("w:tcW"), {qn("w:w"): str(half), qn("w:type"): "dxa"})
            return tc

        # Cells are filled in visual (XML) order so that footnote ids follow the reading order.
        sides = ("source", "target") if source_first else ("target", "source")

        if self.o.column_headings:
            tr = SubElement(tbl, qn("w:tr"))
            trpr = SubElement(tr, qn("w:trPr"))
            SubElement(trpr, qn("w:cantSplit"))
            SubElement(trpr, qn("w:tblHeader"))
            for side in sides:
                lang, fallback, rtl = ((self.doc.source_lang, "Source", self.source_rtl) if side == "source"
                                       else (self.doc.target_lang, "Translation", self.target_rtl))
                p = ooxml.paragraph(cell(tr), self.sid(STYLE_HEADING), bidi=rtl, extra=[("w:pBdr", None)])
                SubElement(p.find(qn("w:pPr")).find(qn("w:pBdr")), qn("w:bottom"),
                           {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1", qn("w:color"): "808080"})
                ooxml.run(p, _lang_name(lang, fallback))

        step = max(1, total // 50)
        for i, row in enumerate(rows, 1):
            tr = SubElement(tbl, qn("w:tr"))
            SubElement(SubElement(tr, qn("w:trPr")), qn("w:cantSplit"))
            for side in sides:
                tc = cell(tr)
                paras, rtl = (row.source, self.source_rtl) if side == "source" else (row.target, self.target_rtl)
                if paras:
                    for p in paras:
                        self.para(tc, p, rtl)
                else:
                    self.empty_paragraph(tc, rtl)  # a cell must hold a paragraph
            self.stats.rows += 1
            if progress and i % step == 0:
                progress(i / total, f"{i} of {total} links")
        # Word wants a paragraph between a table and the section properties.
        self.sentinel.addprevious(OxmlElement("w:p"))

    def glossary(self, entries: list[GlossaryEntry]) -> None:
        if not entries:
            return
        holder = self._holder()
        ooxml.page_break(holder)
        self.text_paragraph(holder, "Glossary", STYLE_GLOSSARY_HEADING, rtl=False)
        for e in sorted(entries, key=lambda e: (e.target.casefold(), e.source)):
            p = ooxml.paragraph(holder, self.sid(STYLE_TRANSLATION))
            ooxml.run(p, e.target, bold=True)
            ooxml.run(p, " \u2014 ")
            for chunk, rtl in ooxml.directional_chunks(e.source, False):
                ooxml.run(p, chunk, rtl=rtl)
            if e.variants:
                ooxml.run(p, " (also: ")
                ooxml.run(p, ", ".join(e.variants), italic=True)
                ooxml.run(p, ")")
            if e.note:
                ooxml.run(p, ". ")
                for chunk, rtl in ooxml.directional_chunks(e.note, False):
                    ooxml.run(p, chunk, rtl=rtl)
            self.stats.glossary_entries += 1
        self._flush(holder)

    def header_footer(self) -> None:
        section = self.document.sections[-1]
        if self.o.running_header:
            section.header.is_linked_to_previous = False
            p = section.header.paragraphs[0]
            rtl = hebrew_ratio(self.title) > 0.5
            if rtl:
                ooxml.set_ppr(p._p.get_or_add_pPr(), "w:bidi")
            else:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for chunk, chunk_rtl in ooxml.directional_chunks(self.title, rtl):
                ooxml.run(p._p, chunk, rtl=chunk_rtl, italic=True)
        if self.o.page_numbers:
            section.footer.is_linked_to_previous = False
            p = section.footer.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            ooxml.page_field_runs(p._p, "PAGE")


def build_docx(
    doc: Document,
    links: list[Link],
    options: ExportOptions | None = None,
    extras: Extras | None = None,
    progress: Progress | None = None,
) -> tuple[DocxDocument, DocxStats]:
    """Build the edition in memory; returns (python-docx Document, stats with warnings)."""
    o = (options or ExportOptions()).validated()
    check_exportable(doc, links, o.layout, o.confirmed_only)
    total = count_rows(doc, links, layout=o.layout, confirmed_only=o.confirmed_only)
    if total == 0:
        raise WorkbenchError(f"document #{doc.id} '{doc.title}': no links to export with these options")
    b = _Builder(doc, o, extras)
    b.setup()
    if o.title_page:
        b.title_page()
    rows = iter_rows(doc, links, layout=o.layout, confirmed_only=o.confirmed_only)
    b.body_rows(rows, total, progress)
    b.comments.finish()
    b.stats.comments = b.comments.count
    if o.notes == "glossary" and b.extras.glossary:
        b.glossary(b.extras.glossary)
    b.header_footer()
    b.stats.footnotes = b.footnotes.count
    if progress:
        progress(1.0, "built")
    return b.document, b.stats


def write_docx(
    doc: Document,
    links: list[Link],
    path: str | Path,
    options: ExportOptions | None = None,
    extras: Extras | None = None,
    progress: Progress | None = None,
) -> DocxStats:
    """Build and save the edition to ``path`` (temporary file + rename)."""
    document, stats = build_docx(doc, links, options, extras, progress)
    with atomic_path(path) as tmp:
        ooxml.save_streaming(document, tmp)
    return stats


__all__ = ["build_docx", "write_docx", "DocxStats", "Row", "TermSpan", "STYLE_SOURCE_RTL", "STYLE_TRANSLATION"]
