"""TMX, CSV and XLSX: parsed back and compared with the document they came from."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

from tests.export.helpers import make_doc
from workbench.errors import WorkbenchError
from workbench.export import write_csv, write_tmx, write_xlsx
from workbench.export.tabular import ALIGNMENT_COLUMNS, write_report_csv
from workbench.export.tmx import tmx_date
from workbench.model import Document, Link, Text

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _tmx(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(path), parser).getroot()


def test_tmx_one_unit_per_link_with_langs_status_and_dates(tmp_path: Path) -> None:
    doc, links = make_doc(4, statuses=["confirmed", "auto", "confirmed", "auto"])
    doc.created = "2024-03-05T10:11:12.000+00:00"
    doc.target.paragraphs[2].text = 'Quotes " & <tags> stay text'
    dates = {links[0].id: "2023-01-02T03:04:05+00:00"}
    out = tmp_path / "a.tmx"
    stats = write_tmx(doc, links, out, link_dates=dates)
    root = _tmx(out)
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("srclang") == "he" and header.get("segtype") == "paragraph"
    assert header.get("creationtool") == "workbench" and len(header.get("creationdate")) == 16
    tus = root.findall("body/tu")
    assert stats.units == len(tus) == 4
    assert [tu.get("tuid") for tu in tus] == [lk.id for lk in links]
    assert tus[0].get("creationdate") == "20230102T030405Z"
    assert tus[1].get("creationdate") == "20240305T101112Z"
    props = {p.get("type"): p.text for p in tus[1].findall("prop")}
    assert props["x-status"] == "auto" and props["x-kind"] == "1-1" and props["x-link"] == "2"
    assert props["x-source-label"] == "ב)" and props["x-target-label"] == "2."
    assert {p.get("type"): p.text for p in tus[0].findall("prop")}["x-status"] == "confirmed"
    tuvs = tus[1].findall("tuv")
    assert [t.get(XML_LANG) for t in tuvs] == ["he", "en"]
    assert tuvs[0].findtext("seg") == doc.source.paragraphs[1].text
    assert tuvs[1].findtext("seg") == doc.target.paragraphs[1].text
    assert tus[2].findall("tuv")[1].findtext("seg") == 'Quotes " & <tags> stay text'
    # prop elements come before the tuvs (TMX DTD: (note|prop)*, tuv+).
    for tu in tus:
        kinds = [c.tag for c in tu]
        assert kinds == sorted(kinds, key=lambda t: t == "tuv")


def test_tmx_confirmed_only_multi_paragraph_and_one_sided(tmp_path: Path) -> None:
    doc, links = make_doc(4)
    s, t = doc.source.paragraphs, doc.target.paragraphs
    links = [Link([s[0].id, s[1].id], [t[0].id], status="confirmed"), Link([], [t[1].id]),
             Link([s[2].id], [t[2].id], status="auto"), Link([s[3].id], [t[3].id], status="confirmed")]
    out = tmp_path / "b.tmx"
    stats = write_tmx(doc, links, out)
    assert (stats.units, stats.skipped_one_sided) == (3, 1)
    tus = _tmx(out).findall("body/tu")
    assert tus[0].find("tuv/seg").text == s[0].text + " " + s[1].text
    assert {p.get("type"): p.text for p in tus[0].findall("prop")}["x-kind"] == "2-1"
    stats = write_tmx(doc, links, out, confirmed_only=True)
    assert stats.units == 2
    assert [tu.get("tuid") for tu in _tmx(out).findall("body/tu")] == [links[0].id, links[3].id]


def test_tmx_date_formats() -> None:
    assert tmx_date("2024-12-31T23:59:59.123+02:00") == "20241231T215959Z"
    assert tmx_date("2024-01-01T00:00:00") == "20240101T000000Z"
    # An unreadable date is refused, never replaced by the current time.
    for bad in ("garbage", "", "2024-13-01T00:00:00"):
        with pytest.raises(WorkbenchError, match="not a date"):
            tmx_date(bad)


def test_csv_alignment_table(tmp_path: Path) -> None:
    doc, links = make_doc(3, statuses=["confirmed", "auto", "auto"])
    doc.target.paragraphs[1].text = "=HYPERLINK(\"x\")\nsecond line"
    out = tmp_path / "a.csv"
    stats = write_csv(doc, links, out)
    assert stats.rows == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Hebrew correctly
    rows = list(csv.reader(out.open(encoding="utf-8-sig", newline="")))
    assert rows[0] == ALIGNMENT_COLUMNS
    assert rows[1][:5] == ["1", links[0].id, "1-1", "א)", "1."]
    assert rows[1][5] == doc.source.paragraphs[0].text and rows[1][8] == "confirmed"
    assert rows[2][6] == "'=HYPERLINK(\"x\")\nsecond line"  # text for a spreadsheet, never a formula
    assert float(rows[2][7]) == 0.9
    write_csv(doc, links, out, confirmed_only=True)
    assert len(list(csv.reader(out.open(encoding="utf-8-sig")))) == 2


def test_report_csv(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    n = write_report_csv([{"check": "term", "message": "Masach ≠ Masakh", "tags": ["a", "b"]}], out)
    assert n == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows == [{"check": "term", "message": "Masach ≠ Masakh", "tags": "a, b"}]


def test_xlsx_alignment_and_report(tmp_path: Path) -> None:
    doc, links = make_doc(3)
    doc.target.paragraphs[0].text = "=1+1"
    doc.target.paragraphs[2].text = "bad \x07 char"
    out = tmp_path / "a.xlsx"
    report = [{"check": "consistency", "term": "מסך", "message": "Masach rendered as Masakh", "links": [2, 3]}]
    stats = write_xlsx(doc, links, out, report=report)
    assert stats.rows == 3 and stats.report_rows == 1
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Alignment", "Consistency"]
    ws = wb["Alignment"]
    assert [c.value for c in ws[1]] == ALIGNMENT_COLUMNS
    assert ws.freeze_panes == "A2"
    row = [c.value for c in ws[2]]
    assert row[0] == 1 and row[1] == links[0].id and row[3] == "א)" and row[5] == doc.source.paragraphs[0].text
    assert ws.cell(2, 7).value == "=1+1" and ws.cell(2, 7).data_type == "s"  # text, not a formula
    assert ws.cell(4, 7).value == "bad  char"
    assert ws.cell(2, 6).alignment.horizontal == "right" and ws.cell(2, 6).alignment.readingOrder == 2
    assert ws.cell(2, 7).alignment.horizontal == "left"
    rs = wb["Consistency"]
    assert [c.value for c in rs[1]] == ["check", "term", "message", "links"]
    assert [c.value for c in rs[2]] == ["consistency", "מסך", "Masach rendered as Masakh", "2, 3"]
    assert rs.cell(2, 2).alignment.readingOrder == 2
    write_xlsx(doc, links, out)
    assert openpyxl.load_workbook(out).sheetnames == ["Alignment"]


def test_data_exports_refuse_empty_documents(tmp_path: Path) -> None:
    empty = Document("Empty", Text("he", []), Text("en", []), id=9)
    for fn, name in ((write_tmx, "e.tmx"), (write_csv, "e.csv"), (write_xlsx, "e.xlsx")):
        with pytest.raises(WorkbenchError, match="empty"):
            fn(empty, [], tmp_path / name)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_exports_never_start_a_cell_with_a_formula(tmp_path: Path, start: str) -> None:
    """Alignment table, consistency report and termbase CSV: a cell a spreadsheet would run as a
    formula is written with a leading apostrophe (and the termbase CSV reads back as it was)."""
    from workbench.export.tabular import write_report_csv
    from workbench.terms.csvio import read_csv, to_csv_text
    from workbench.terms.model import Term

    evil = start + 'HYPERLINK("http://x","y")'
    doc, links = make_doc(2)
    doc.target.paragraphs[0].text = evil
    write_csv(doc, links, tmp_path / "a.csv")
    write_report_csv([{"message": evil, "excerpt": "fine"}], tmp_path / "r.csv")
    term = Term("מסך", "Masach", variants=[evil], gloss=evil, note=evil)
    (tmp_path / "t.csv").write_text(to_csv_text([term]), encoding="utf-8")
    for name in ("a.csv", "r.csv", "t.csv"):
        cells = [c for row in csv.reader((tmp_path / name).open(encoding="utf-8-sig", newline="")) for c in row]
        assert not [c for c in cells if c and c[0] in "=+-@"], name
        assert "'" + evil in cells, name
    back, _ = read_csv(tmp_path / "t.csv")
    assert (back[0].variants, back[0].gloss, back[0].note) == ([evil], evil, evil)
