"""``workbench export`` / ``import-bundle`` from the command line."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from tests.export.helpers import make_doc
from workbench.cli import main
from workbench.model import Document, Text
from workbench.store import open_store


@pytest.fixture
def db(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBENCH_EXPORTS", str(tmp_path / "exports"))
    s = open_store(db_path)
    doc, links = make_doc(4, statuses=["confirmed", "auto", "confirmed", "auto"])
    doc.id = None
    doc_id = s.create_document(doc, "t")
    s.save_links(doc_id, links, 0, "t")
    s.create_document(Document("Empty", Text("he", []), Text("en", []), metadata={}), "t")
    s.close()
    return db_path


def test_export_docx_with_options(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "ed.docx"
    code = main(["--db", str(db), "export", "1", "--format", "docx", "--out", str(out), "--layout", "alternating",
                 "--page-size", "Letter", "--margins", "25,20,25,20", "--author", "Baal HaSulam",
                 "--hebrew-font", "No Such Font", "--confirmed-only", "--no-page-numbers"])
    assert code == 0
    captured = capsys.readouterr()
    assert "warning: font 'No Such Font'" in captured.err
    assert "wrote ed.docx (alternating): 2 rows" in captured.out
    d = docx.Document(str(out))
    assert [p.text for p in d.paragraphs if p.text][:2] == ["Introduction to the Book of Zohar", "Baal HaSulam"]
    assert round(d.sections[-1].page_width.inches, 1) == 8.5 and round(d.sections[-1].left_margin.mm) == 20
    assert not d.tables


def test_default_output_goes_to_the_exports_folder(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--db", str(db), "export", "1", "-f", "docx", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    path = Path(result["path"])
    assert path.parent == (tmp_path / "exports").resolve()
    assert path.name == "Introduction_to_the_Book_of_Zohar-parallel.docx" and path.exists()


def test_export_tmx_csv_xlsx(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for fmt in ("tmx", "csv", "xlsx"):
        out = tmp_path / f"a.{fmt}"
        assert main(["--db", str(db), "export", "1", "--format", fmt, "--out", str(out)]) == 0, fmt
    out = capsys.readouterr().out
    assert "4 translation units" in out and "4 rows" in out
    assert b"<tu " in (tmp_path / "a.tmx").read_bytes()
    rows = list(csv.reader((tmp_path / "a.csv").open(encoding="utf-8-sig")))
    assert len(rows) == 5 and rows[2][8] == "auto"
    assert openpyxl.load_workbook(tmp_path / "a.xlsx")["Alignment"].max_row == 5


def test_user_errors_exit_2_with_one_line(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--db", str(db), "export", "99", "-f", "docx", "-o", str(tmp_path / "x.docx")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "2", "-f", "docx", "-o", str(tmp_path / "x.docx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "is empty" in err and err.count("\n") == 1
    assert main(["--db", str(db), "export", "all", "-f", "csv"]) == 2
    assert "needs a document" in capsys.readouterr().err
    assert main(["--db", str(db), "export", "1", "-f", "docx", "-o", str(tmp_path / "nodir" / "x.docx")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


def test_help_lists_formats_and_layouts() -> None:
    proc = subprocess.run([sys.executable, "-m", "workbench.cli", "export", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for word in ("docx", "tmx", "tbx", "csv", "xlsx", "bundle", "parallel", "alternating", "translation"):
        assert word in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "workbench.cli", "import-bundle", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "FILE" in proc.stdout


def test_bundle_round_trip_by_cli(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "b.json"
    assert main(["--db", str(db), "export", "all", "-f", "bundle", "-o", str(out)]) == 0
    capsys.readouterr()
    db2 = tmp_path / "new.db"
    assert main(["--db", str(db2), "import-bundle", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 2 and report["links"] == 4 and report["paragraphs"] == 8
    s = open_store(db2)
    assert [d.title for d in s.list_documents()] == ["Introduction to the Book of Zohar", "Empty"]
    assert main(["--db", str(db2), "import-bundle", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err


def test_consistency_report_csv(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from workbench.checks import CheckRunner
    from workbench.checks.report import COLUMNS

    store = open_store(db)
    doc = store.get_document(1)
    p = doc.target.paragraphs[0]
    store.update_paragraph(p.id, p.text + " the the end", p.marks, p.rev, "t")
    CheckRunner(store).run([1], user="t")
    (typo,) = [f for f in store.findings.list(doc_id=1) if f.check == "typography" and "the the" in f.excerpt]
    store.findings.tag([typo.id], "accepted", "ed", "house style")
    assert main(["--db", str(db), "export", "1", "-f", "docx", "--report"]) == 2
    assert "--report goes with --format csv" in capsys.readouterr().err

    assert main(["--db", str(db), "export", "1", "-f", "csv", "--report", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["path"].endswith("Introduction_to_the_Book_of_Zohar-consistency.csv")
    got = list(csv.DictReader(Path(result["path"]).open(encoding="utf-8-sig")))
    assert list(got[0]) == COLUMNS
    assert len(got) == len(store.findings.list(doc_id=1))
    row = next(r for r in got if r["id"] == typo.id)
    assert (row["status"], row["comment"], row["user"]) == ("accepted", "house style", "ed")
    assert row["document_title"] == "Introduction to the Book of Zohar"
