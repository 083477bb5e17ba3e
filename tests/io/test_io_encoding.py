"""Bytes that are not (UTF) text: each is refused with one line naming the file and the problem."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.conftest import REPO
from workbench.errors import InputError, WorkbenchError
from workbench.io import read_bytes, read_paragraphs
from workbench.io.encoding import check_size, decode, human_size, max_bytes

HEBREW = "יא) שלום עולם, זהו טקסט בעברית שנכתב במעבד תמלילים ישן.\n\nיב) ועוד פסקה שנייה."


def fail(path: Path, **kw) -> str:
    with pytest.raises(InputError) as exc:
        read_paragraphs(path, **kw)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(path.name + ": "), msg
    return msg


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_empty_file(tmp_path: Path) -> None:
    assert fail(write(tmp_path, "empty.txt", b"")).endswith("file is empty")


def test_bom_only_is_empty(tmp_path: Path) -> None:
    assert "file is empty" in fail(write(tmp_path, "bom.txt", codecs.BOM_UTF8))


def test_whitespace_only_has_no_text(tmp_path: Path) -> None:
    assert "no text found" in fail(write(tmp_path, "blank.txt", b"\n  \n\t\n"))


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4
    assert fail(write(tmp_path, "picture.txt", data)).endswith("binary file, not text")


def test_binary_by_control_characters(tmp_path: Path) -> None:
    data = (b"abc\x01\x02\x03\x04\x05\x06" * 50)
    assert fail(write(tmp_path, "controls.md", data)).endswith("binary file, not text")


def test_over_size_limit_argument(tmp_path: Path) -> None:
    msg = fail(write(tmp_path, "big.txt", b"word " * 100), max_bytes=100)
    assert msg.endswith("file is 500 bytes, over the limit of 100 bytes (--max-mb or WORKBENCH_MAX_BYTES raises it)")


def test_over_size_limit_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MAX_BYTES", "2048")
    msg = fail(write(tmp_path, "big.txt", b"word " * 1000))
    assert "file is 4.9 KB, over the limit of 2 KB" in msg
    with pytest.raises(InputError, match="over the limit"):
        read_bytes("upload.txt", b"word " * 1000)


def test_default_limit_is_50_mb_and_checked_before_reading(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("WORKBENCH_MAX_BYTES", raising=False)
    assert max_bytes() == 50 * 1024 * 1024
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:  # sparse: 60 MB on paper, nothing on disk
        f.truncate(60 * 1024 * 1024)
    assert "file is 60 MB, over the limit of 50 MB (--max-mb" in fail(huge)
    with pytest.raises(InputError, match=r"big\.docx: file is 51 MB, over the limit of 50 MB"):
        check_size(51 * 1024 * 1024, "big.docx")


def test_bad_environment_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MAX_BYTES", "fifty")
    with pytest.raises(WorkbenchError, match="WORKBENCH_MAX_BYTES"):
        max_bytes()


def test_human_size() -> None:
    assert human_size(50 * 1024 * 1024) == "50 MB"
    assert human_size(int(1.5 * 1024 * 1024)) == "1.5 MB"
    assert human_size(999) == "999 bytes"


def test_undecodable_byte_names_offset(tmp_path: Path) -> None:
    msg = fail(write(tmp_path, "mixed.txt", b"hello world \xff\xfe and more"))
    assert msg.endswith("not valid UTF-8: undecodable byte 0xFF at offset 12")


def test_windows_1255_is_detected_and_said(tmp_path: Path) -> None:
    res = read_paragraphs(write(tmp_path, "legacy.txt", HEBREW.encode("cp1255")))
    assert [p.text for p in res.paragraphs] == HEBREW.split("\n\n")
    assert res.metadata["encoding"] == "cp1255" and res.lang == "he"
    assert res.warnings == ["legacy.txt: not UTF-8; decoded as Windows-1255 (legacy Hebrew, recognised by its"
                            " letters; give the encoding to override)"]


def test_real_hebrew_prose_with_points_and_quotes_is_windows_1255(tmp_path: Path) -> None:
    from workbench.io import read_paragraphs as read

    paras = [p.text for p in read(REPO / "corpus" / "intro_zohar" / "he.json").paragraphs[:40]]
    text = "\n\n".join(paras) + "\n\nבְּרֵאשִׁית – “בָּרָא” אֱלֹהִים"
    res = read_paragraphs(write(tmp_path, "zohar.txt", text.encode("cp1255")))
    assert "\n\n".join(p.text for p in res.paragraphs) == text
    assert res.metadata["encoding"] == "cp1255" and "decoded as Windows-1255 (legacy" in res.warnings[0]


def test_iso_8859_8_is_named_when_its_own_bytes_show(tmp_path: Path) -> None:
    text = HEBREW + " ‗"  # the double low line exists only in ISO-8859-8
    res = read_paragraphs(write(tmp_path, "iso.txt", text.encode("iso-8859-8")))
    assert res.metadata["encoding"] == "iso-8859-8" and res.paragraphs[-1].text.endswith("‗")


@pytest.mark.parametrize(
    ("data", "why"),
    [("Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний".encode("cp1251"),
      "does not define"),
     ("שלום עולם".encode("cp1255"), "too few to be sure"),
     # visual-order Hebrew (each line stored reversed): the final letters open the words
     ("\n".join(line[::-1] for line in (HEBREW * 2).splitlines()).encode("cp1255"), "final letters do not stand"),
     (HEBREW.encode("cp1255") + b" \xfc", "does not define")],
)  # fmt: skip
def test_unclear_legacy_text_is_refused_with_advice(tmp_path: Path, data: bytes, why: str) -> None:
    msg = fail(write(tmp_path, "legacy.txt", data))
    if "Windows-1255" in msg:
        assert why in msg and "--source-encoding/--target-encoding cp1255" in msg
        assert "`iconv -f cp1255 -t utf-8 legacy.txt > legacy.utf8.txt`" in msg
    else:
        assert "not valid UTF-8" in msg


def test_latin1_french_is_not_taken_for_hebrew(tmp_path: Path) -> None:
    data = "Il était une fois, à Paris, un élève très doué qui écrivait ça.".encode("latin-1")
    msg = fail(write(tmp_path, "fr.txt", data))
    assert "Windows-1255" not in msg
    assert msg.endswith("not valid UTF-8: undecodable byte 0xE9 at offset 3")


def test_windows_1255_opt_in(tmp_path: Path) -> None:
    path = write(tmp_path, "legacy.txt", HEBREW.encode("cp1255"))
    res = read_paragraphs(path, encoding="cp1255")
    assert [p.text for p in res.paragraphs] == HEBREW.split("\n\n")
    assert res.metadata["encoding"] == "cp1255"
    assert res.lang == "he"
    assert res.paragraphs[0].label_value == 11


def test_forced_encoding_reports_offset_and_unknown_codec(tmp_path: Path) -> None:
    path = write(tmp_path, "x.txt", b"abc\x81def")  # 0x81 is not defined in cp1255
    assert "undecodable byte 0x81 at offset 3" in fail(path, encoding="cp1255")
    assert "unknown encoding 'klingon'" in fail(path, encoding="klingon")


@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_utf16_with_bom(tmp_path: Path, codec: str, bom: bytes) -> None:
    path = write(tmp_path, "notepad.txt", bom + HEBREW.encode(codec))
    res = read_paragraphs(path)
    assert [p.text for p in res.paragraphs] == HEBREW.split("\n\n")
    assert res.metadata["encoding"] == codec


def test_utf16_without_bom_english() -> None:
    text, enc = decode("First paragraph.\n\nSecond one.".encode("utf-16-le"), "x.txt")
    assert (text, enc) == ("First paragraph.\n\nSecond one.", "utf-16-le")


def test_utf8_bom_is_removed_and_label_still_found(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", codecs.BOM_UTF8 + HEBREW.encode())
    res = read_paragraphs(path)
    assert res.paragraphs[0].text.startswith("יא)")
    assert res.paragraphs[0].label == "יא)"
    assert res.metadata["encoding"] == "utf-8"


def test_utf8_without_bom(tmp_path: Path) -> None:
    res = read_paragraphs(write(tmp_path, "plain.txt", HEBREW.encode()))
    assert len(res.paragraphs) == 2
    assert res.metadata["encoding"] == "utf-8"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert fail(tmp_path / "nope.txt").endswith("no such file")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert "folder" in fail(folder)


def test_cli_decodes_each_side_with_its_own_codec(tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture) -> None:
    """A cp1255 Hebrew source beside a UTF-16 English target, in one command (and detected without it)."""
    from workbench.cli import main
    from workbench.store import open_store

    he = write(tmp_path, "he.txt", HEBREW.encode("cp1255"))
    en = write(tmp_path, "en.txt", "11) Hello world, this is text.\n\n12) And a second paragraph.".encode("utf-16"))
    args = ["--db", str(db_path), "import", "--source", str(he), "--target", str(en), "--json"]
    assert main([*args, "--source-encoding", "cp1255", "--target-encoding", "utf-16"]) == 0
    assert main(args) == 0  # detected: the Hebrew by its letters, the English by its BOM
    err = capsys.readouterr().err
    assert err.count("he.txt: not UTF-8; decoded as Windows-1255") == 1  # said only when guessed
    store = open_store(db_path)
    for d in store.list_documents():
        doc = store.get_document(d.id)
        assert [p.text for p in doc.source.paragraphs] == HEBREW.split("\n\n")
        assert doc.target.paragraphs[1].text == "12) And a second paragraph."
    assert main([*args, "--source-encoding", "klingon"]) == 2
    assert "unknown encoding 'klingon'" in capsys.readouterr().err
