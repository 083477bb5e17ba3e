"""Render editions with LibreOffice: page count, Hebrew and English in the PDF text, page images.

Page 1 (or 2, the first text page) is kept as a PNG under tests/artifacts/ for a human to look at.
In CI (CI=true) these tests must run: a missing soffice/poppler is a failure, not a skip.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import need_data, need_program
from tests.export.helpers import doc_from_pairs, first_pairs, make_doc
from workbench.export import ExportOptions, write_docx
from workbench.export.render import docx_to_pdf, page_png, pdf_pages, pdf_text
from workbench.model import Mark

pytestmark = [pytest.mark.render, pytest.mark.no_database]

_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _need_tools() -> None:
    need_program("soffice", "libreoffice")
    need_program("pdftotext")
    need_program("pdftoppm")
    need_program("pdfinfo")


def _plain(text: str) -> str:
    return " ".join(_BIDI_CONTROLS.sub("", text).split())


def test_parallel_edition_renders_with_hebrew_and_english(tmp_path: Path, artifacts: Path) -> None:
    _need_tools()
    pairs = first_pairs(need_data("intro_zohar", "pairs.jsonl"), 40)
    doc, links = doc_from_pairs(pairs)
    end = len(doc.target.paragraphs[0].text)
    doc.target.paragraphs[0].marks = [Mark(end, end, "footnote", "Baal HaSulam wrote it in 1933.")]
    doc.source.paragraphs[0].marks = [Mark(13, 13, "footnote", "בדפוס ראשון: וחקירות.")]
    out = tmp_path / "parallel.docx"
    write_docx(doc, links, out, ExportOptions(author="Rabbi Yehuda Ashlag (Baal HaSulam)", translator="Test Translator"))
    pdf = docx_to_pdf(out, tmp_path)
    pages = pdf_pages(pdf)
    assert 4 <= pages <= 30, pages
    first = _plain(pdf_text(pdf, 1, 1))
    assert "Introduction to the Book of Zohar" in first and "Translated by Test Translator" in first
    assert "רצוני" not in first  # the title page holds no text
    body = _plain(pdf_text(pdf, 2, pages))
    for word in ("רצוני", "בהקדמה", "מהותנו", "תפקידנו"):
        assert word in body, word
    assert "What is our essence?" in body and "In this introduction" in body
    assert "Baal HaSulam wrote it in 1933." in body and "וחקירות" in body  # footnotes are printed
    page2 = _plain(pdf_text(pdf, 2, 2))
    assert page2.startswith("Introduction to the Book of Zohar")  # running header
    assert re.search(r"\b1$", page2), page2[-80:]  # page number (restarts after the title page)
    assert pdf_text(pdf, 3, 3).strip().split("\n")[-1].strip() == "2"
    png = page_png(pdf, artifacts / "export_parallel_page2.png", page=2, dpi=80)
    page_png(pdf, artifacts / "export_parallel_page1.png", page=1, dpi=60)
    assert png.stat().st_size > 20_000


def test_source_column_side_as_asked(tmp_path: Path) -> None:
    """LibreOffice guesses a table's direction from its first cell unless told: the side must hold."""
    _need_tools()
    doc, links = make_doc(3)
    for side in ("right", "left"):
        out = tmp_path / f"{side}.docx"
        write_docx(doc, links, out, ExportOptions(source_side=side, title_page=False))
        text = pdf_text(docx_to_pdf(out, tmp_path), 1, 1, layout=True)
        heading = next(line for line in text.splitlines() if "English" in line and "Hebrew" in line)
        row = next(line for line in text.splitlines() if "Let us explain" in line)
        # the Hebrew of the row is printed on the same line as its English, in its own column
        assert "ונבאר" in row, row
        if side == "right":
            assert heading.index("English") < heading.index("Hebrew"), heading
            assert row.index("Let us explain") < row.index("ונבאר"), row
        else:
            assert heading.index("Hebrew") < heading.index("English"), heading
            assert row.index("ונבאר") < row.index("Let us explain"), row


def test_alternating_and_small_pages_render(tmp_path: Path, artifacts: Path) -> None:
    _need_tools()
    doc, links = make_doc(24)
    a4 = tmp_path / "a4.docx"
    small = tmp_path / "small.docx"
    write_docx(doc, links, a4, ExportOptions(layout="alternating", title_page=False))
    write_docx(doc, links, small, ExportOptions(layout="alternating", title_page=False, page_size="6x9"))
    pdf_a4, pdf_small = docx_to_pdf(a4, tmp_path), docx_to_pdf(small, tmp_path)
    n_a4, n_small = pdf_pages(pdf_a4), pdf_pages(pdf_small)
    assert n_a4 >= 2 and n_small > n_a4
    text = _plain(pdf_text(pdf_a4))
    # Source paragraph, then its translation.
    assert text.index("זווג") < text.index("Zivug de Hakaa") < text.index("ובזה")
    assert "Thus the matter of the Reshimot" in text and "רשימות" in text
    png = page_png(pdf_a4, artifacts / "export_alternating_page1.png", page=1)
    assert png.stat().st_size > 10_000


def test_translation_reading_edition_renders(tmp_path: Path, artifacts: Path) -> None:
    _need_tools()
    doc, links = make_doc(6)
    out = tmp_path / "reading.docx"
    write_docx(doc, links, out, ExportOptions(layout="translation", page_size="Letter", credits="CC0"))
    pdf = docx_to_pdf(out, tmp_path)
    assert pdf_pages(pdf) == 2  # title page + one page of text
    text = _plain(pdf_text(pdf, 2, 2))
    assert "Let us explain the Masach" in text and "ונבאר" not in text
    page_png(pdf, artifacts / "export_translation_page2.png", page=2)
