"""DOCX editions: the XML is checked, not assumed (bidi, rtl, fonts, footnotes, fields, tables)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from tests.export.helpers import NS, docx_members, docx_xml, make_doc, texts, w
from workbench.errors import WorkbenchError
from workbench.export import ExportOptions, Extras, GlossaryEntry, TermSpan, build_docx, write_docx
from workbench.model import Document, Link, Mark, Paragraph, Text

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

# ECMA-376 Part 1 sequences, written out independently of the exporter's own tables.
ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
    "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings sectPrChange",
    "tbl": "bookmarkStart tblPr tblGrid tr",
    "tc": "tcPr p tbl",
}


def assert_schema_order(root) -> None:
    """Children of every pPr/rPr/tblPr/tcPr/sectPr come in schema order, and are all known."""
    checked = 0
    for parent_name, seq in ORDER.items():
        names = seq.split()
        for el in root.iter(w(parent_name)):
            idx = []
            for child in el:
                local = child.tag.split("}")[1]
                if parent_name == "sectPr" and local in ("headerReference", "footerReference"):
                    local = "headerReference"
                assert local in names, f"unexpected <w:{local}> in <w:{parent_name}>"
                idx.append(names.index(local))
            assert idx == sorted(idx), f"<w:{parent_name}> children out of order: {[c.tag.split('}')[1] for c in el]}"
            checked += 1
    assert checked > 0


@pytest.fixture
def edition(tmp_path: Path):
    def make(doc=None, links=None, extras=None, **opts):
        if doc is None:
            doc, links = make_doc()
        path = tmp_path / "out.docx"
        stats = write_docx(doc, links, path, ExportOptions(**opts), extras)
        return path, stats

    return make


def body_paragraphs(path: Path, style_id: str):
    root = docx_xml(path)
    return [p for p in root.iter(w("p")) if p.find("w:pPr/w:pStyle", NS) is not None
            and p.find("w:pPr/w:pStyle", NS).get(w("val")) == style_id]


def test_opens_with_python_docx_and_has_both_texts(edition) -> None:
    path, stats = edition()
    d = docx.Document(str(path))
    assert stats.rows == 4 and stats.paragraphs == 8
    table = d.tables[0]
    assert len(table.rows) == 5  # heading row + one per link
    cells = [c.text for c in table.rows[2].cells]
    # Source on the right by default: translation first in the (LTR) table.
    assert cells[0].startswith("2. Let us explain") and cells[1].startswith("ב) ונבאר")


def test_hebrew_paragraphs_are_bidi_with_rtl_runs_and_no_forced_jc(edition) -> None:
    path, _ = edition()
    d = docx.Document(str(path))
    style = d.styles["Source RTL"]
    heb = body_paragraphs(path, style.style_id)
    assert len(heb) == 4
    for p in heb:
        assert p.find("w:pPr/w:bidi", NS) is not None
        assert p.find("w:pPr/w:jc", NS) is None
        runs = p.findall("w:r", NS)
        assert runs and all(r.find("w:rPr/w:rtl", NS) is not None for r in runs if "Reshimot" not in texts(r))
    # Every bidi paragraph in the body: never a forced left/right/both alignment.
    for p in docx_xml(path).iter(w("p")):
        if p.find("w:pPr/w:bidi", NS) is not None:
            jc = p.find("w:pPr/w:jc", NS)
            assert jc is None or jc.get(w("val")) == "center"
    # English paragraphs are not bidi and their Latin runs are not rtl.
    en = body_paragraphs(path, d.styles["Translation"].style_id)
    assert en and all(p.find("w:pPr/w:bidi", NS) is None for p in en)
    assert all(r.find("w:rPr/w:rtl", NS) is None for p in en for r in p.findall("w:r", NS) if "Reshimot" in texts(r))


def test_source_rtl_style_defined_once_with_complex_script_font_size_and_lang(edition) -> None:
    path, _ = edition(hebrew_font="Noto Serif Hebrew", hebrew_size=14, latin_font="Liberation Serif")
    styles = docx_xml(path, "word/styles.xml")
    defs = [s for s in styles.findall("w:style", NS) if s.find("w:name", NS).get(w("val")) == "Source RTL"]
    assert len(defs) == 1
    st = defs[0]
    assert st.get(w("type")) == "paragraph"
    assert st.find("w:pPr/w:bidi", NS) is not None
    assert st.find("w:pPr/w:jc", NS) is None
    fonts = st.find("w:rPr/w:rFonts", NS)
    assert fonts.get(w("cs")) == "Noto Serif Hebrew" and fonts.get(w("ascii")) == "Liberation Serif"
    assert st.find("w:rPr/w:szCs", NS).get(w("val")) == "28"
    assert st.find("w:rPr/w:lang", NS).get(w("bidi")) == "he-IL"
    # The defaults carry them too, without theme fonts that would override the names.
    rfonts = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert rfonts.get(w("cs")) == "Noto Serif Hebrew"
    assert not [k for k in rfonts.attrib if "Theme" in k or "theme" in k]
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(w("bidi")) == "he-IL"


def test_element_order_is_valid_for_the_schema(edition) -> None:
    doc, links = make_doc()
    doc.source.paragraphs[1].marks = [Mark(3, 8, "italic"), Mark(9, 12, "bold"), Mark(12, 12, "footnote", "הערה")]
    path, _ = edition(doc, links)
    for member in ("word/document.xml", "word/styles.xml", "word/footnotes.xml"):
        assert_schema_order(docx_xml(path, member))
    settings = docx_xml(path, "word/settings.xml")
    names = [c.tag.split("}")[1] for c in settings]
    assert names.index("footnotePr") < names.index("compat")
    for member in docx_members(path):
        if member.startswith("word/header") or member.startswith("word/footer"):
            assert_schema_order(docx_xml(path, member))


def test_parallel_table_repeats_header_and_rows_do_not_split(edition) -> None:
    path, _ = edition()
    tbl = docx_xml(path).find(".//w:tbl", NS)
    rows = tbl.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [texts(c) for c in rows[0].findall("w:tc", NS)] == ["English", "Hebrew"]
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    assert len(tbl.findall("w:tblGrid/w:gridCol", NS)) == 2
    # Column order decides the sides; the table itself is explicitly not right-to-left.
    assert tbl.find("w:tblPr/w:bidiVisual", NS).get(w("val")) == "0"


def test_source_side_left_puts_hebrew_first(edition) -> None:
    path, _ = edition(source_side="left")
    row = docx.Document(str(path)).tables[0].rows[1]
    assert row.cells[0].text.startswith("א)") and row.cells[1].text.startswith("1.")


def test_item_labels_are_kept_and_bold_with_complex_script_bold(edition) -> None:
    path, _ = edition()
    d = docx.Document(str(path))
    heb = body_paragraphs(path, d.styles["Source RTL"].style_id)
    first_run = heb[0].find("w:r", NS)
    assert texts(first_run) == "א)"
    assert first_run.find("w:rPr/w:b", NS) is not None and first_run.find("w:rPr/w:bCs", NS) is not None
    en = body_paragraphs(path, d.styles["Translation"].style_id)
    assert texts(en[0].find("w:r", NS)) == "1."
    path2, _ = edition(bold_labels=False)
    assert not docx_xml(path2).findall(".//w:b", NS)


def test_alternating_layout_source_then_translation(edition) -> None:
    path, _ = edition(layout="alternating")
    d = docx.Document(str(path))
    assert not d.tables
    sid_src, sid_tgt = d.styles["Source RTL"].style_id, d.styles["Translation"].style_id
    seq = [p.style.style_id for p in d.paragraphs if p.style.style_id in (sid_src, sid_tgt)]
    assert seq == [sid_src, sid_tgt] * 4
    body = [p.text for p in d.paragraphs if p.style.style_id in (sid_src, sid_tgt)]
    assert body[0].startswith("א)") and body[1].startswith("1.")


def test_translation_only_is_a_reading_edition(edition) -> None:
    path, _ = edition(layout="translation")
    d = docx.Document(str(path))
    all_text = "\n".join(p.text for p in d.paragraphs)
    assert "Let us explain the Masach" in all_text
    assert "ונבאר" not in all_text and not d.tables


def test_footnotes_part_is_real(edition) -> None:
    doc, links = make_doc()
    doc.source.paragraphs[0].marks = [Mark(10, 10, "footnote", "כך הוא בדפוס ראשון.")]
    doc.target.paragraphs[1].marks = [Mark(20, 20, "footnote", "Masach: the screen.")]
    path, stats = edition(doc, links)
    assert stats.footnotes == 2
    members = docx_members(path)
    assert "word/footnotes.xml" in members
    with zipfile.ZipFile(path) as z:
        ctypes = z.read("[Content_Types].xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert 'PartName="/word/footnotes.xml"' in ctypes and "wordprocessingml.footnotes+xml" in ctypes
    assert RT.FOOTNOTES in rels and 'Target="footnotes.xml"' in rels
    notes = docx_xml(path, "word/footnotes.xml")
    by_id = {n.get(w("id")): n for n in notes.findall("w:footnote", NS)}
    assert by_id["-1"].get(w("type")) == "separator" and by_id["-1"].find(".//w:separator", NS) is not None
    assert by_id["0"].get(w("type")) == "continuationSeparator"
    refs = docx_xml(path).findall(".//w:footnoteReference", NS)
    assert len(refs) == 2
    for ref in refs:
        r = ref.getparent()
        assert r.find("w:rPr/w:rStyle", NS).get(w("val")) == "FootnoteReference"
        note = by_id[ref.get(w("id"))]
        assert note.find(".//w:footnoteRef", NS) is not None
        assert note.find("w:p/w:pPr/w:pStyle", NS).get(w("val")) == "FootnoteText"
    # Reading order: the English note (left column) comes first, the Hebrew one (right) second.
    texts_by_ref = [texts(by_id[r.get(w("id"))]) for r in refs]
    assert "כך הוא בדפוס ראשון." in texts_by_ref[0] + texts_by_ref[1]
    heb_note = next(n for n in notes.findall("w:footnote", NS) if "בדפוס" in texts(n))
    assert heb_note.find("w:p/w:pPr/w:bidi", NS) is not None
    # The reference sits at the mark's offset: the text before it is exactly text[:10].
    heb_p = next(p for p in docx_xml(path).iter(w("p")) if "רצוני" in texts(p))
    before = []
    for r in heb_p.findall("w:r", NS):
        if r.find("w:footnoteReference", NS) is not None:
            break
        before.append(texts(r))
    assert "".join(before) == doc.source.paragraphs[0].text[:10]
    styles = docx_xml(path, "word/styles.xml")
    ref_style = styles.find("w:style[@w:styleId='FootnoteReference']", NS)
    assert ref_style.find("w:rPr/w:vertAlign", NS).get(w("val")) == "superscript"
    settings = docx_xml(path, "word/settings.xml")
    assert [f.get(w("id")) for f in settings.findall("w:footnotePr/w:footnote", NS)] == ["-1", "0"]


def test_no_notes_no_footnotes_part(edition) -> None:
    path, stats = edition()
    assert stats.footnotes == 0 and "word/footnotes.xml" not in docx_members(path)
    doc, links = make_doc()
    doc.target.paragraphs[0].marks = [Mark(3, 3, "footnote", "x")]
    path, stats = edition(doc, links, source_notes=False)
    assert stats.footnotes == 0


def test_page_number_field_and_running_header(edition) -> None:
    path, _ = edition(title="My Edition")
    d = docx.Document(str(path))
    section = d.sections[-1]
    assert section.header.paragraphs[0].text == "My Edition"
    footer = section.footer._element
    kinds = [f.get(w("fldCharType")) for f in footer.iter(w("fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert [t.text.strip() for t in footer.iter(w("instrText"))] == ["PAGE"]
    # begin, instrText, separate, result, end: one run each, in this order.
    seq = []
    for r in footer.iter(w("r")):
        child = next(iter(c for c in r if c.tag != w("rPr")))
        seq.append(child.get(w("fldCharType")) or child.tag.split("}")[1])
    assert seq == ["begin", "instrText", "separate", "t", "end"]
    path, _ = edition(page_numbers=False, running_header=False)
    d = docx.Document(str(path))
    assert not list(d.sections[-1].footer._element.iter(w("fldChar")))
    assert d.sections[-1].header.is_linked_to_previous


def test_title_page_is_its_own_section_and_numbering_restarts(edition) -> None:
    path, _ = edition(author="Baal HaSulam", translator="A. Editor", credits="Line one\nLine two")
    d = docx.Document(str(path))
    assert len(d.sections) == 2
    first = [p.text for p in d.paragraphs if p.text][:5]
    assert first == ["Introduction to the Book of Zohar", "Baal HaSulam", "Translated by A. Editor", "Line one", "Line two"]
    assert d.sections[0].header.is_linked_to_previous  # no header on the title page
    assert d.sections[0]._sectPr.find(w("headerReference")) is None
    assert d.sections[1]._sectPr.find("w:pgNumType", NS).get(w("start")) == "1"
    assert d.core_properties.title == "Introduction to the Book of Zohar"
    path, _ = edition(title_page=False)
    assert len(docx.Document(str(path)).sections) == 1


def test_page_size_and_margins(edition) -> None:
    path, _ = edition(page_size="6x9", margins_mm=(15, 18, 20, 22))
    s = docx.Document(str(path)).sections[-1]
    assert round(s.page_width.mm, 1) == 152.4 and round(s.page_height.mm, 1) == 228.6
    assert [round(x.mm) for x in (s.top_margin, s.right_margin, s.bottom_margin, s.left_margin)] == [15, 18, 20, 22]
    path, _ = edition(page_size="Letter")
    s = docx.Document(str(path)).sections[-1]
    assert round(s.page_width.inches, 2) == 8.5 and round(s.page_height.inches, 2) == 11.0
    with pytest.raises(WorkbenchError, match="page size"):
        edition(page_size="B5")
    with pytest.raises(WorkbenchError, match="margins"):
        edition(margins_mm=100)


def test_unknown_font_falls_back_with_a_warning(edition) -> None:
    path, stats = edition(hebrew_font="Frnk Rühl Typo", latin_font="Georgia")
    assert any("Frnk Rühl Typo" in w_ and "Noto Serif Hebrew" in w_ for w_ in stats.warnings)
    fonts = docx_xml(path, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert fonts.get(w("cs")) == "Noto Serif Hebrew" and fonts.get(w("ascii")) == "Georgia"
    _, stats = edition(hebrew_font="David", latin_font="Times New Roman")
    assert stats.warnings == []


def test_italics_from_marks_and_transliteration_annotations(edition) -> None:
    doc, links = make_doc()
    tp = doc.target.paragraphs[1]
    start = tp.text.index("Masach")
    z = tp.text.index("Zivug de Hakaa")
    tp.marks = [Mark(start, start + len("Masach"), "italic")]
    extras = Extras([TermSpan(tp.id, z, z + len("Zivug de Hakaa"), "zivug", italic=True)])
    path, _ = edition(doc, links, extras)
    p = next(p for p in docx_xml(path).iter(w("p")) if "Let us explain" in texts(p))
    italic = [texts(r) for r in p.findall("w:r", NS) if r.find("w:rPr/w:i", NS) is not None]
    assert italic == ["Masach", "Zivug de Hakaa"]
    assert all(r.find("w:rPr/w:iCs", NS) is not None for r in p.findall("w:r", NS) if r.find("w:rPr/w:i", NS) is not None)
    path, _ = edition(doc, links, extras, italics=False)
    p = next(p for p in docx_xml(path).iter(w("p")) if "Let us explain" in texts(p))
    assert not p.findall(".//w:i", NS)
    path, _ = edition(doc, links, extras, annotations=False)
    p = next(p for p in docx_xml(path).iter(w("p")) if "Let us explain" in texts(p))
    assert [texts(r) for r in p.findall("w:r", NS) if r.find("w:rPr/w:i", NS) is not None] == ["Masach"]


def test_glosses_as_footnotes_once_per_term_or_as_glossary(edition) -> None:
    doc, links = make_doc(8)
    spans = []
    for p in doc.target.paragraphs:
        if "Masach" in p.text:
            i = p.text.index("Masach")
            spans.append(TermSpan(p.id, i, i + 6, "masach", italic=True, gloss="Screen (מסך): the force that rejects."))
    assert len(spans) == 2
    glossary = [GlossaryEntry("מסך", "Masach", "screen", ("Masakh",)), GlossaryEntry("זיווג", "Zivug", None)]
    extras = Extras(spans, glossary)
    path, stats = edition(doc, links, extras)
    assert stats.footnotes == 1 and stats.glossary_entries == 0
    assert "Screen" in texts(docx_xml(path, "word/footnotes.xml"))
    path, stats = edition(doc, links, extras, notes="glossary")
    assert stats.footnotes == 0 and stats.glossary_entries == 2
    d = docx.Document(str(path))
    paras = [p.text for p in d.paragraphs]
    gi = paras.index("Glossary")
    assert paras[gi + 1].startswith("Masach — מסך (also: Masakh). screen")
    assert paras[gi + 2].startswith("Zivug — זיווג")
    path, stats = edition(doc, links, extras, notes="none")
    assert stats.footnotes == 0 and "Glossary" not in [p.text for p in docx.Document(str(path)).paragraphs]


def test_mixed_direction_runs(edition) -> None:
    path, _ = edition()
    root = docx_xml(path)
    heb = next(p for p in root.iter(w("p")) if "הרשימות" in texts(p))
    runs = [(texts(r), r.find("w:rPr/w:rtl", NS) is not None) for r in heb.findall("w:r", NS)]
    assert ("Reshimot", False) in runs
    assert all(rtl for t, rtl in runs if "ה" in t)
    en = next(p for p in root.iter(w("p")) if "Thus the matter" in texts(p))
    runs = [(texts(r), r.find("w:rPr/w:rtl", NS) is not None) for r in en.findall("w:r", NS)]
    assert ("רשימות", True) in runs
    assert all(not rtl for t, rtl in runs if "Thus" in t)


def test_confirmed_only(edition) -> None:
    doc, links = make_doc(4, statuses=["confirmed", "auto", "confirmed", "auto"])
    path, stats = edition(doc, links, confirmed_only=True)
    assert stats.rows == 2
    rows = docx.Document(str(path)).tables[0].rows
    assert [r.cells[0].text[:2] for r in rows[1:]] == ["1.", "3."]
    doc, links = make_doc(2, statuses=["auto", "auto"])
    with pytest.raises(WorkbenchError, match="no confirmed links"):
        edition(doc, links, confirmed_only=True)


def test_uneven_links_and_one_sided_rows(edition) -> None:
    doc, links = make_doc(4)
    s, t = doc.source.paragraphs, doc.target.paragraphs
    links = [Link([s[0].id, s[1].id], [t[0].id]), Link([], [t[1].id]), Link([s[2].id], [t[2].id, t[3].id]), Link([s[3].id], [])]
    path, stats = edition(doc, links)
    rows = docx.Document(str(path)).tables[0].rows[1:]
    assert stats.rows == 4
    assert rows[0].cells[1].text.count("\n") == 1  # two Hebrew paragraphs in one cell
    assert rows[1].cells[1].text == "" and rows[3].cells[0].text == ""
    for tc in docx_xml(path).iter(w("tc")):
        assert tc.find("w:p", NS) is not None  # every cell holds a paragraph


def test_empty_and_unaligned_documents_give_clear_errors(edition) -> None:
    empty = Document("Nothing", Text("he", []), Text("en", []), id=3)
    with pytest.raises(WorkbenchError, match="empty"):
        edition(empty, [])
    doc, _ = make_doc()
    with pytest.raises(WorkbenchError, match="not aligned"):
        edition(doc, [])
    # The translation alone needs no alignment.
    _, stats = edition(doc, [], layout="translation")
    assert stats.rows == 4
    only_source = Document("Source only", Text("he", [Paragraph("א) מסך")]), None, id=4)
    with pytest.raises(WorkbenchError, match="no translation"):
        edition(only_source, [], layout="translation")
    path, stats = edition(only_source, [])
    assert stats.rows == 1 and "מסך" in docx.Document(str(path)).tables[0].rows[1].cells[1].text


def test_control_characters_and_whitespace_survive(edition) -> None:
    doc, links = make_doc(1)
    doc.target.paragraphs[0].text = "  Bad\x00char\x0b and a\ttab\nnew line "
    path, _ = edition(doc, links)
    p = next(p for p in docx_xml(path).iter(w("p")) if "char" in texts(p))
    assert "Badchar" in texts(p)
    assert p.find(".//w:tab", NS) is not None and p.find(".//w:br", NS) is not None
    assert any(t.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve" for t in p.iter(w("t")))


def test_progress_is_reported_and_build_does_not_write(tmp_path: Path) -> None:
    doc, links = make_doc(120)
    seen = []
    document, stats = build_docx(doc, links, ExportOptions(), progress=lambda f, m: seen.append(f))
    assert seen[-1] == 1.0 and len(seen) > 10 and seen == sorted(seen)
    assert stats.rows == 120 and not list(tmp_path.iterdir())


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.export import ooxml

    doc, links = make_doc()
    out = tmp_path / "ed.docx"
    out.write_bytes(b"old")

    def boom(document, path):
        Path(path).write_bytes(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(ooxml, "save_streaming", boom)
    with pytest.raises(OSError):
        write_docx(doc, links, out)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["ed.docx"]
