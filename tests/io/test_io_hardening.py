"""Hostile and broken inputs: refused in one line naming the file (exit 2), never stored as garbage."""

from __future__ import annotations

import contextlib
import io
import os
import threading
import zipfile
from pathlib import Path

import docx
import pytest

from tests.io.helpers import sample_docx, save
from workbench.errors import InputError
from workbench.io import read_bytes, read_paragraphs


def cli(*argv: str) -> tuple[int, str]:
    from workbench.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def refused(tmp_path: Path, *argv: str, match: str) -> None:
    """``workbench import ARGV`` exits 2 with one line containing ``match`` and stores nothing."""
    from workbench.store import open_store

    db = tmp_path / "refused.db"
    code, err = cli("--db", str(db), "import", *argv)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert match in err, err
    assert open_store(db).list_documents() == []


# ------------------------------------------------------------------------------ NUL bytes


def test_a_utf8_text_with_one_nul_is_refused_not_decoded_as_utf16(tmp_path: Path) -> None:
    text = "\n\n".join(f"Paragraph {i} of a plain English translation, with words." for i in range(40))
    data = text.encode("utf-8")
    data = data[:101] + b"\x00" + data[101:]
    if len(data) % 2:  # an even length is what made it pass for UTF-16
        data += b"."
    assert len(data) % 2 == 0
    (tmp_path / "en.txt").write_bytes(data)
    with pytest.raises(InputError, match="NUL character"):
        read_paragraphs(tmp_path / "en.txt")
    refused(tmp_path, "--target", str(tmp_path / "en.txt"), match="NUL character at line 3")


def test_a_nul_after_the_first_64_kb_is_refused(tmp_path: Path) -> None:
    data = ("A line of English text for the translation.\n\n" * 3000).encode() + b"tail\x00end\n"
    assert len(data) > 64 * 1024
    (tmp_path / "en.txt").write_bytes(data)
    refused(tmp_path, "--target", str(tmp_path / "en.txt"), match="NUL character")


def test_real_utf16_without_bom_still_reads() -> None:
    text = "\n\n".join(f"Paragraph {i} of an English translation." for i in range(10))
    res = read_bytes("en.txt", text.encode("utf-16-le"))
    assert res.metadata["encoding"] == "utf-16-le" and len(res.paragraphs) == 10


# ------------------------------------------------------------------------------ devices and pipes


def test_dev_zero_stops_at_the_limit(tmp_path: Path) -> None:
    refused(tmp_path, "--target", "/dev/zero", "--max-mb", "1", match="over the limit of 1 MB (--max-mb")


def test_a_fifo_without_a_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    done: list[BaseException | None] = []

    def run() -> None:
        try:
            read_paragraphs(fifo)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            done.append(exc)
        else:
            done.append(None)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(5)
    if t.is_alive():  # unblock the reader so the test process can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO with no writer hung")
    assert isinstance(done[0], InputError) and "empty" in str(done[0])


def test_a_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as fh:
            fh.write(b"One paragraph of English text.\n\nAnother paragraph of it.\n")

    t = threading.Thread(target=write, daemon=True)
    t.start()
    import time

    time.sleep(0.2)
    res = read_paragraphs(fifo)
    assert [p.text for p in res.paragraphs] == ["One paragraph of English text.", "Another paragraph of it."]


# ------------------------------------------------------------------------------ DOCX


def _rezip(data: bytes, change) -> bytes:  # noqa: ANN001
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def test_docx_with_corrupted_compressed_data_is_one_line(tmp_path: Path) -> None:
    data = bytearray(sample_docx())
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("word/document.xml")
    # the local header is 30 bytes plus the name and the extra field; damage the deflate stream after it
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 4
    for k in range(start, start + 40):
        data[k] ^= 0x5A
    (tmp_path / "bad.docx").write_bytes(bytes(data))
    refused(tmp_path, "--target", str(tmp_path / "bad.docx"), match="bad.docx: corrupt DOCX")


def _bomb(paragraphs: int) -> bytes:
    d = docx.Document()
    d.add_paragraph("seed")
    base = save(d)
    para = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"

    def change(name: str, content: bytes) -> bytes:
        if name == "word/document.xml":
            return content.replace(b"<w:body>", b"<w:body>" + para * paragraphs, 1)
        return content

    return _rezip(base, change)


def test_a_docx_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    data = _bomb(400_000)  # 14 MB of XML from a small file
    assert len(data) < 200_000
    (tmp_path / "bomb.docx").write_bytes(data)
    refused(tmp_path, "--target", str(tmp_path / "bomb.docx"), "--max-docx-mb", "5",
            match="DOCX unpacks to 13.")
    code, err = cli("--db", str(tmp_path / "x.db"), "import", "--target", str(tmp_path / "bomb.docx"),
                    "--max-docx-mb", "5")
    assert "--max-docx-mb raises it" in err


def test_too_many_paragraphs_are_refused_naming_the_flag(tmp_path: Path) -> None:
    (tmp_path / "many.docx").write_bytes(_bomb(3000))
    refused(tmp_path, "--target", str(tmp_path / "many.docx"), "--max-paragraphs", "1000",
            match="more than 1,000 paragraphs, over the limit (--max-paragraphs raises it)")
    (tmp_path / "many.txt").write_text("line\n" * 3000, encoding="utf-8")
    refused(tmp_path, "--target", str(tmp_path / "many.txt"), "--max-paragraphs", "1000",
            match="more than 1,000 paragraphs")


def test_the_default_docx_limit_refuses_the_190_mb_bomb_shape() -> None:
    from workbench.io.docx import DEFAULT_MAX_UNPACKED

    assert DEFAULT_MAX_UNPACKED < 190 * 1024 * 1024


# ------------------------------------------------------------------------------ JSON


def test_json_nested_thousands_of_levels_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text('{"text": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    refused(tmp_path, "--target", str(tmp_path / "deep.json"), match="nested more than")
    (tmp_path / "deep.txt").write_text('{"text": ' + "[" * 5000 + '"x"' + "]" * 5000 + "}", encoding="utf-8")
    code, err = cli("--db", str(tmp_path / "y.db"), "import", "--target", str(tmp_path / "deep.txt"))
    assert code in (0, 2) and "Traceback" not in err
