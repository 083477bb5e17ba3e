"""Output names are sanitised, the app cannot write outside the exports folder, writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.atomic import atomic_path
from workbench.errors import WorkbenchError
from workbench.export.files import export_path, exports_dir, safe_filename
from workbench.export.options import ExportOptions, normalize_page_size


@pytest.mark.parametrize(
    ("name", "ext", "expected"),
    [
        ("../../etc/passwd", ".docx", "etc_passwd.docx"),
        ("..\\..\\windows\\system32", ".csv", "windows_system32.csv"),
        ("מבוא לספר הזהר", ".docx", "מבוא_לספר_הזהר.docx"),
        ("Title: with <bad> |chars|?*", "tmx", "Title_with_bad_chars.tmx"),
        ("report.xlsx", ".xlsx", "report.xlsx"),
        ("", ".json", "export.json"),
        ("...", ".json", "export.json"),
        ("CON", ".csv", "export_CON.csv"),
        ("a\x00b\nc", ".csv", "abc.csv"),
        (".hidden", ".csv", "hidden.csv"),
        ("Zohar - parallel", ".docx", "Zohar-parallel.docx"),
    ],
)
def test_safe_filename(name: str, ext: str, expected: str) -> None:
    assert safe_filename(name, ext) == expected


def test_safe_filename_length() -> None:
    assert len(safe_filename("x" * 500, ".docx")) == 80 + 5


def test_export_path_stays_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    p = export_path("../../../escape", ".docx", folder)
    assert p.parent == folder.resolve() and p.name == "escape.docx"
    assert folder.is_dir()
    (folder / "link.docx").symlink_to(tmp_path / "elsewhere.docx")
    with pytest.raises(WorkbenchError, match="outside the exports folder"):
        export_path("link", ".docx", folder)


def test_exports_dir_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_EXPORTS", str(tmp_path / "x"))
    assert exports_dir() == tmp_path / "x"
    monkeypatch.delenv("WORKBENCH_EXPORTS")
    monkeypatch.chdir(tmp_path)
    assert exports_dir() == tmp_path / "exports"


def test_atomic_path_replaces_only_on_success(tmp_path: Path) -> None:
    dest = tmp_path / "out.txt"
    dest.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(dest) as tmp:
        assert tmp.parent == tmp_path and tmp != dest
        tmp.write_text("half")
        raise RuntimeError("failed")
    assert dest.read_text() == "old" and os.listdir(tmp_path) == ["out.txt"]
    with atomic_path(dest) as tmp:
        tmp.write_text("new")
    assert dest.read_text() == "new" and os.listdir(tmp_path) == ["out.txt"]
    dest.chmod(0o640)
    with atomic_path(dest) as tmp:
        tmp.write_text("newer")
    assert (dest.stat().st_mode & 0o777) == 0o640  # an existing file keeps its mode
    with atomic_path(tmp_path / "fresh.txt") as tmp:
        tmp.write_text("x")
    assert ((tmp_path / "fresh.txt").stat().st_mode & 0o777) == 0o644  # not mkstemp's private 0600


def test_atomic_path_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="does not exist"), atomic_path(tmp_path / "no" / "x.docx"):
        pass
    with pytest.raises(WorkbenchError, match="is a folder"), atomic_path(tmp_path):
        pass


def test_options_validation() -> None:
    assert normalize_page_size("letter") == "Letter" and normalize_page_size("6 x 9 in") == "6x9"
    o = ExportOptions(margins_mm=[10, 11, 12, 13]).validated()
    assert o.margins() == (10.0, 11.0, 12.0, 13.0)
    with pytest.raises(WorkbenchError, match="layout"):
        ExportOptions(layout="sideways").validated()  # type: ignore[arg-type]
    with pytest.raises(WorkbenchError, match="notes"):
        ExportOptions(notes="endnotes").validated()  # type: ignore[arg-type]
    with pytest.raises(WorkbenchError, match="size"):
        ExportOptions(hebrew_size=200).validated()
    with pytest.raises(WorkbenchError, match="negative"):
        ExportOptions(margins_mm=-1).validated()
