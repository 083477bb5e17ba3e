"""The command line: import/list/show/delete, JSON output, exit codes, --help everywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import build_parser, main

HE = "א) רצוני לברר.\n\nב) ונבאר את המסך.\n\nג) זווג דהכאה.\n"
EN = "1. I wish to clarify.\n\n2. Let us explain the Masach.\n\n3. Zivug de Hakaa.\n"


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    he, en = tmp_path / "he.txt", tmp_path / "en.txt"
    he.write_text(HE, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    return he, en


def run(db: Path, *args: str) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "workbench.cli", "--db", str(db), *args], capture_output=True, text=True
    )
    return proc.returncode, proc.stdout, proc.stderr


def test_import_list_show_delete(db_path: Path, pair: tuple[Path, Path], capsys: pytest.CaptureFixture) -> None:
    he, en = pair
    assert main(["--db", str(db_path), "import", "--source", str(he), "--target", str(en), "--title", "T1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["id"] == 1 and out["source_lang"] == "he" and out["target_lang"] == "en"
    assert (out["source_paragraphs"], out["target_paragraphs"]) == (3, 3)

    assert main(["--db", str(db_path), "import", "--target", str(en)]) == 0
    assert capsys.readouterr().out.strip() == "2"

    assert main(["--db", str(db_path), "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [d["title"] for d in listed] == ["T1", "en"]
    assert listed[1]["source_paragraphs"] == 0

    assert main(["--db", str(db_path), "show", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [p["label"] for p in shown["source"]["paragraphs"]] == ["א)", "ב)", "ג)"]
    assert [p["label_value"] for p in shown["target"]["paragraphs"]] == [1, 2, 3]

    assert main(["--db", str(db_path), "delete", "1", "--yes"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "list", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == [2]


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", "empty"), (b"\x00\x01\x02\x03binary\x00\x00" * 50, "binary"), ("שלום עולם".encode("cp1255"), "1255")],
)
def test_bad_input_exit_2_one_line_and_nothing_written(db_path: Path, tmp_path: Path, content: bytes, problem: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run(db_path, "import", "--target", str(bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "bad.txt" in lines[0] and problem in lines[0].lower()
    code, out, _ = run(db_path, "list", "--json")
    assert code == 0 and json.loads(out) == []


def test_missing_file_and_missing_document(db_path: Path) -> None:
    code, _, err = run(db_path, "import", "--target", "/nonexistent/x.txt")
    assert code == 2 and "x.txt" in err
    code, _, err = run(db_path, "show", "42")
    assert code == 2 and "42" in err and len(err.strip().splitlines()) == 1


def test_help_everywhere() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert {"import", "list", "show", "delete", "serve", "load-demo"} <= set(sub.choices)
    for name in sub.choices:
        with pytest.raises(SystemExit) as exc:
            parser.parse_args([name, "--help"])
        assert exc.value.code == 0


def test_default_db_from_env(db_path: Path, pair: tuple[Path, Path]) -> None:
    he, en = pair
    proc = subprocess.run([sys.executable, "-m", "workbench.cli", "import", "--source", str(he)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    from workbench.store import open_store

    assert [d.source_paragraphs > 0 for d in open_store(db_path).list_documents()] == [True]  # in WORKBENCH_DB


def test_import_encoding_option_decodes_legacy_hebrew(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    legacy = tmp_path / "he-1255.txt"
    legacy.write_bytes(HE.encode("cp1255"))
    code, _, err = run(db_path, "import", "--source", str(legacy))
    assert code == 2 and "he-1255.txt" in err and "cp1255" in err  # detected and reported, not guessed
    assert main(["--db", str(db_path), "import", "--source", str(legacy), "--encoding", "cp1255", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source_lang"] == "he" and out["source_paragraphs"] == 3
    assert main(["--db", str(db_path), "show", str(out["id"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["paragraphs"][1]["text"] == "ב) ונבאר את המסך."


def test_import_interleaved_file_keeps_its_pairing_as_links(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    he = [p for p in HE.split("\n\n") if p.strip()]
    en = [p for p in EN.split("\n\n") if p.strip()]
    both = tmp_path / "both.txt"
    both.write_text("\n\n".join(x.strip() for pair in zip(he, en, strict=True) for x in pair) + "\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import", "--interleaved", str(both), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["source_lang"], out["target_lang"]) == ("he", "en")
    assert (out["source_paragraphs"], out["target_paragraphs"]) == (3, 3)
    from workbench.store import open_store

    store = open_store(db_path)
    doc = store.get_document(out["id"])
    links = store.get_links(out["id"])
    assert [(lk.source, lk.target) for lk in links] == [
        ([s.id], [t.id]) for s, t in zip(doc.source.paragraphs, doc.target.paragraphs, strict=True)
    ]
    assert "interleaved_links" not in doc.metadata
    code, _, err = run(db_path, "import", "--interleaved", str(both), "--source", str(both))
    assert code == 2 and "not both" in err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_serve_stops_with_its_server(tmp_path: Path) -> None:
    """Stopping `workbench serve` must stop the app server too (it used to run streamlit as a child
    that outlived a terminated parent and kept its port)."""
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "--db", str(tmp_path / "s.db"), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/_stcore/health"
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.time() < deadline, "the server did not start"
                time.sleep(0.3)
        proc.terminate()
        proc.wait(15)
        deadline = time.time() + 15
        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
            except OSError:
                break  # nothing answers on the port any more
            assert time.time() < deadline, "the app server outlived `workbench serve`"
            time.sleep(0.3)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_output_cut_short_by_a_pipe_is_no_traceback(db_path: Path, tmp_path: Path) -> None:
    """`workbench show 1 --json | head -1`: the reader leaves after a line; the command stops quietly
    (exit 141, as a tool killed by SIGPIPE) instead of printing a BrokenPipeError traceback."""
    en = tmp_path / "long.txt"
    en.write_text("\n\n".join(f"{i}. The Masach stands at the Peh de Rosh and holds back the Light." for i in range(3000)),
                  encoding="utf-8")  # fmt: skip
    assert run(db_path, "import", "--target", str(en), "--title", "Long")[0] == 0
    proc = subprocess.Popen([sys.executable, "-m", "workbench.cli", "--db", str(db_path), "show", "1", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 141, err
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err
