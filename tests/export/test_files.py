"""Output names are sanitised, the app cannot write outside the exports folder, writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import as_other_user
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


# ------------------------------------------------------------------------------ foreign files


@pytest.fixture
def shared_dir():  # noqa: ANN201
    """A folder every user may write (pytest's tmp folders are private to their owner)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="wb-export-"))
    os.chmod(folder, 0o777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _write(dest: Path, text: str) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")


def test_a_read_only_file_is_not_replaced(shared_dir: Path) -> None:
    dest = shared_dir / "edition.csv"
    with as_other_user():
        dest.write_text("mine", encoding="utf-8")
        os.chmod(dest, 0o444)
        with pytest.raises(WorkbenchError, match="refusing to replace .*may not write it"):
            _write(dest, "new")
    assert dest.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in shared_dir.iterdir()] == ["edition.csv"]


def test_someone_elses_file_is_not_replaced(shared_dir: Path) -> None:
    dest = shared_dir / "theirs.csv"
    dest.write_text("theirs", encoding="utf-8")
    os.chmod(dest, 0o666)  # writable by everyone, but a rename would make it ours
    if os.geteuid() != 0:
        pytest.skip("needs root to make a file of another user")
    os.chown(dest, 4242, 4242)
    with as_other_user(), pytest.raises(WorkbenchError, match="belongs to another user"):
        _write(dest, "new")
    assert dest.read_text(encoding="utf-8") == "theirs" and dest.stat().st_uid == 4242


def test_the_cli_refuses_a_read_only_out_in_one_line(tmp_path: Path, shared_dir: Path) -> None:
    import contextlib
    import io

    from tests.export.helpers import make_doc
    from workbench.cli import main
    from workbench.store import open_store

    s = open_store(tmp_path / "p.db")
    doc, links = make_doc(2)
    doc.id = None
    doc_id = s.create_document(doc, "t")
    s.save_links(doc_id, links, 0, "t")
    s.close()
    os.chmod(tmp_path / "p.db", 0o666)
    dest = shared_dir / "out.csv"
    dest.write_text("keep", encoding="utf-8")
    os.chmod(dest, 0o444)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", str(tmp_path / "p.db"), "export", str(doc_id), "-f", "csv", "--out", str(dest)])
    if os.geteuid() == 0:  # root may write it: the refusal is shown by the tests above
        assert code == 0
        return
    assert code == 2 and err.getvalue().count("\n") == 1 and "refusing to replace" in err.getvalue()


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    dest = tmp_path / "a.csv"
    dest.write_text("old", encoding="utf-8")
    os.chmod(dest, 0o640)
    _write(dest, "new")
    assert dest.read_text(encoding="utf-8") == "new" and dest.stat().st_mode & 0o777 == 0o640


def test_a_device_is_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(WorkbenchError, match="not a regular file"):
        _write(fifo, "x")


def test_sigterm_during_an_export_leaves_no_temporary_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    dest = tmp_path / "big.csv"
    dest.write_text("old", encoding="utf-8")
    code = (
        "import os, signal, sys\n"
        "from workbench.atomic import atomic_path\n"
        f"with atomic_path({str(dest)!r}) as tmp:\n"
        "    tmp.write_text('half', encoding='utf-8')\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    import time; time.sleep(5)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 128 + 15, proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["big.csv"]
    assert dest.read_text(encoding="utf-8") == "old"


def test_temporary_files_of_a_killed_export_are_swept(tmp_path: Path) -> None:
    import subprocess
    import sys

    dest = tmp_path / "big.csv"
    code = (
        "import os, signal\n"
        "from workbench.atomic import atomic_path\n"
        f"with atomic_path({str(dest)!r}) as tmp:\n"
        "    tmp.write_text('half', encoding='utf-8')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", code], timeout=60)
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".big.csv.wb")  # SIGKILL cannot be caught
    _write(dest, "done")
    assert [p.name for p in tmp_path.iterdir()] == ["big.csv"]


def test_a_title_over_255_characters_exports_to_docx(tmp_path: Path) -> None:
    import docx

    from tests.export.helpers import make_doc
    from workbench.export.docx_edition import write_docx

    doc, links = make_doc(2)
    doc.title = "A very long title " * 20 + "\x01end"
    write_docx(doc, links, tmp_path / "e.docx", ExportOptions())
    core = docx.Document(str(tmp_path / "e.docx")).core_properties
    assert len(core.title) == 255 and core.title.endswith("\u2026")
