"""DOCX files built in the test run (python-docx plus a hand-made footnotes part), so no binary
fixture can drift from the code that reads it."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"

HEBREW = "יא) ובזה תבין מה שאמרו ז\"ל שהמסך דגוף עולה לפה דראש עם הרשימות, ושם נעשה זווג דהכאה חדש."


def footnote_reference(paragraph, note_id: int) -> None:
    """Append ``<w:r><w:footnoteReference w:id=N/></w:r>`` the way Word writes it."""
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "FootnoteReference")
    rpr.append(style)
    run.append(rpr)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(note_id))
    run.append(ref)
    paragraph._p.append(run)


def footnotes_xml(notes: dict[int, list[str]]) -> bytes:
    """A footnotes part with Word's two separators and one footnote per id (several paragraphs)."""
    body = [
        f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">',
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        "</w:p></w:footnote>",
    ]
    for nid, paras in notes.items():
        body.append(f'<w:footnote w:id="{nid}">')
        for i, text in enumerate(paras):
            ref = '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>' if i == 0 else ""
            body.append(f'<w:p>{ref}<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p>')
        body.append("</w:footnote>")
    body.append("</w:footnotes>")
    return "".join(body).encode()


def add_footnotes_part(data: bytes, notes: dict[int, list[str]]) -> bytes:
    """Add word/footnotes.xml, its relationship and its content type to a saved DOCX."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_CT}"/></Types>'.encode(),
                )
            elif info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdFn1" Type="{FOOTNOTES_RT}" Target="footnotes.xml"/></Relationships>'.encode(),
                )
            dst.writestr(info, content)
        dst.writestr("word/footnotes.xml", footnotes_xml(notes))
    return out.getvalue()


def replace_part(data: bytes, part: str, transform) -> bytes:
    """Rewrite one part of a zip (to break its XML, for instance)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info, transform(content) if info.filename == part else content)
    return out.getvalue()


def save(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def sample_docx() -> bytes:
    """Plain, italic (split over two runs), bold, an empty paragraph, a table and a footnote."""
    d = docx.Document()
    p = d.add_paragraph("The ")
    p.add_run("Masach").italic = True
    p.add_run(" de Guf").italic = True
    p.add_run(" rises to ")
    p.add_run("Peh de Rosh").bold = True
    p.add_run(".")
    footnote_reference(p, 1)
    d.add_paragraph("")
    d.add_paragraph("   ")
    d.add_paragraph(HEBREW)
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "cell one"
    table.cell(0, 1).text = "cell two"
    last = d.add_paragraph("After the table")
    footnote_reference(last, 2)
    last.add_run(" and more.")
    data = save(d)
    return add_footnotes_part(data, {1: ["Screen of the body;", "see Item 50."], 2: ["Second & last note."]})
