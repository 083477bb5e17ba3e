"""DOCX: order, marks with exact offsets, footnotes as notes, and every kind of broken file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from tests.io.helpers import HEBREW, add_footnotes_part, footnote_reference, replace_part, sample_docx, save
from workbench.errors import InputError
from workbench.io import read_bytes, read_paragraphs

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def spans(p, kind: str) -> list[str]:
    return [p.text[m.start : m.end] for m in p.marks if m.kind == kind]


@pytest.fixture(scope="module")
def sample():
    return read_bytes("sample.docx", sample_docx())


def test_paragraph_order_tables_and_empty_paragraphs(sample) -> None:
    assert [p.text for p in sample.paragraphs] == [
        "The Masach de Guf rises to Peh de Rosh.",
        HEBREW,
        "cell one",
        "cell two",
        "After the table and more.",
    ]
    assert sample.fmt == "docx"
    assert sample.metadata["format"] == "docx" and sample.metadata["file"] == "sample.docx"


def test_italic_runs_merge_into_one_mark(sample) -> None:
    first = sample.paragraphs[0]
    italics = [(m.start, m.end) for m in first.marks if m.kind == "italic"]
    assert italics == [(4, 17)]
    assert spans(first, "italic") == ["Masach de Guf"]
    assert spans(first, "bold") == ["Peh de Rosh"]


def test_footnotes_are_zero_width_marks_with_the_note_text(sample) -> None:
    first, last = sample.paragraphs[0], sample.paragraphs[-1]
    (note,) = [m for m in first.marks if m.kind == "footnote"]
    assert note.start == note.end == len(first.text)
    assert note.value == "Screen of the body; see Item 50."
    assert "Screen" not in first.text
    assert first.notes == ["Screen of the body; see Item 50."]
    (note2,) = [m for m in last.marks if m.kind == "footnote"]
    assert last.text[: note2.start] == "After the table"
    assert note2.value == "Second & last note."
    assert sample.warnings == []


def test_hebrew_label_from_docx(sample) -> None:
    he = sample.paragraphs[1]
    assert (he.label, he.label_value) == ("יא)", 11)
    assert he.text.startswith("יא)")


def test_character_style_and_explicit_off() -> None:
    d = docx.Document()
    p = d.add_paragraph("Plain ")
    p.add_run("emphasised", style="Emphasis")
    p.add_run(" and ")
    r = p.add_run("not italic", style="Emphasis")
    r.italic = False  # direct formatting wins over the style
    p.add_run(" and ")
    p.add_run("strong", style="Strong")
    (para,) = read_bytes("s.docx", save(d)).paragraphs
    assert spans(para, "italic") == ["emphasised"]
    assert spans(para, "bold") == ["strong"]


def test_line_breaks_tabs_and_deleted_revisions() -> None:
    d = docx.Document()
    p = d.add_paragraph("one")
    p.add_run().add_break()
    p.add_run("two\tthree")
    deleted = parse_xml(
        '<w:del xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:id="9" w:author="x">'
        "<w:r><w:delText>GONE</w:delText></w:r></w:del>"
    )
    p._p.append(deleted)
    p.add_run(" end")
    (para,) = read_bytes("s.docx", save(d)).paragraphs
    assert para.text == "one two three end"


def test_missing_footnote_text_is_a_warning() -> None:
    d = docx.Document()
    p = d.add_paragraph("Text with a dangling reference.")
    footnote_reference(p, 7)
    data = add_footnotes_part(save(d), {1: ["unused"]})
    res = read_bytes("dangling.docx", data)
    assert res.paragraphs[0].marks == []
    assert res.warnings == ["dangling.docx: footnote reference(s) 7 have no text in the footnotes part"]


def test_docx_renamed_to_txt_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "renamed.txt"
    path.write_bytes(sample_docx())
    res = read_paragraphs(path)
    assert res.fmt == "docx"
    assert len(res.paragraphs) == 5


def fail_bytes(name: str, data: bytes) -> str:
    with pytest.raises(InputError) as exc:
        read_bytes(name, data)
    msg = str(exc.value)
    assert msg.startswith(name + ": ") and "\n" not in msg
    return msg


def test_not_a_zip() -> None:
    assert fail_bytes("broken.docx", b"This is plain text pretending to be Word.").endswith(
        "corrupt DOCX: not a zip archive"
    )


def test_truncated_zip() -> None:
    data = sample_docx()
    assert "corrupt DOCX" in fail_bytes("cut.docx", data[: len(data) // 2])


def test_broken_xml_inside_valid_zip() -> None:
    data = replace_part(sample_docx(), "word/document.xml", lambda b: b[: len(b) // 2])
    assert zipfile.is_zipfile(io.BytesIO(data))
    msg = fail_bytes("badxml.docx", data)
    assert "corrupt DOCX: broken XML in word/document.xml (line" in msg


def test_broken_footnotes_xml() -> None:
    data = replace_part(sample_docx(), "word/footnotes.xml", lambda b: b.replace(b"</w:footnotes>", b""))
    assert "broken XML in word/footnotes.xml" in fail_bytes("badnotes.docx", data)


def test_zip_that_is_not_word() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    assert fail_bytes("archive.docx", buf.getvalue()).endswith(
        "not a Word document: a zip archive without word/document.xml"
    )


def test_old_binary_doc() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert "old Word .doc format" in fail_bytes("old.doc", data)


def test_docx_without_text() -> None:
    d = docx.Document()
    d.add_paragraph("")
    assert fail_bytes("blank.docx", save(d)).endswith("no text found (nothing but blank lines or empty paragraphs)")


def test_docx_over_size_limit() -> None:
    with pytest.raises(InputError, match=r"sample\.docx: file is .* KB, over the limit of 1 KB"):
        read_bytes("sample.docx", sample_docx(), max_bytes=1024)
