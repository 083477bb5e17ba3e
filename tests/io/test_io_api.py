"""The public API: dispatch by extension and content, labels, load_pair, speed, and a store round trip."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.io.helpers import sample_docx
from workbench.errors import InputError, WorkbenchError
from workbench.io import ReadResult, load_pair, read_bytes, read_paragraphs

HE = 'יא) ובזה תבין מה שאמרו ז"ל שהמסך דגוף עולה לפה דראש עם הרשימות, ושם נעשה זווג דהכאה חדש. '
EN = ("11. By this you will understand what our sages said, that the Masach de Guf rises to Peh de Rosh "
      "with the Reshimot, and there a new Zivug de Hakaa is made. ")


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "name,fmt,texts",
    [
        ("a.txt", "text", ["*one* two", "three"]),
        ("a.md", "markdown", ["one two", "three"]),
        ("a.markdown", "markdown", ["one two", "three"]),
        ("a.rst", "text", ["*one* two", "three"]),
        ("noext", "text", ["*one* two", "three"]),
    ],
)
def test_dispatch_by_extension(tmp_path: Path, name: str, fmt: str, texts: list[str]) -> None:
    res = read_paragraphs(write(tmp_path, name, "*one*\ntwo\n\nthree\n"))
    assert isinstance(res, ReadResult)
    assert res.fmt == fmt and res.metadata["format"] == fmt and res.metadata["file"] == name
    assert [p.text for p in res.paragraphs] == texts


def test_read_bytes_matches_read_paragraphs(tmp_path: Path) -> None:
    text = f"{HE}\n\n{HE}"
    a = read_paragraphs(write(tmp_path, "x.txt", text))
    b = read_bytes("x.txt", text.encode())
    assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
    assert (a.lang, a.fmt) == (b.lang, b.fmt) == ("he", "text")
    assert read_bytes("upload.docx", sample_docx()).fmt == "docx"


@pytest.mark.parametrize(
    "data,problem",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF is not supported"),
        (b"{\\rtf1\\ansi\\deff0 {\\fonttbl}", "RTF is not supported"),
    ],
)
def test_unsupported_formats_say_what_to_do(data: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=rf"^book\.txt: {problem}; .*(docx|txt)"):
        read_bytes("book.txt", data)


@pytest.mark.parametrize(
    "text,label,value",
    [
        ("יא) ובזה תבין", "יא)", 11),
        ("טו. ובזה תבין", "טו.", 15),
        ("טז) ובזה", "טז)", 16),
        ("(12) By this", "(12)", 12),
        ("12. By this", "12.", 12),
        ("\u200fקכ) עם סימן כיוון", "קכ)", 120),
        ("כן. זה לא מספר", None, None),
        ("By this you will", None, None),
    ],
)
def test_labels_are_metadata_and_text_is_kept(text: str, label: str | None, value: int | None) -> None:
    (p,) = read_bytes("l.txt", text.encode()).paragraphs
    assert (p.label, p.label_value) == (label, value)
    assert p.text == text  # the label stays in the text


def test_load_pair_one_sided_and_metadata(tmp_path: Path) -> None:
    src = write(tmp_path, "zohar_intro.he.txt", f"{HE}\n\n{HE}")
    doc, warnings = load_pair(source=src)
    assert doc.title == "zohar intro"
    assert doc.target is None and doc.source_lang == "he" and len(doc.source.paragraphs) == 2
    assert doc.metadata["source"] == {"file": "zohar_intro.he.txt", "format": "text", "encoding": "utf-8"}
    assert warnings == []
    doc, _ = load_pair(target=src, title="Given", source_lang="he")
    assert doc.title == "Given" and doc.source is None
    assert doc.metadata["source_lang"] == "he"


def test_load_pair_two_files_and_read_results(tmp_path: Path) -> None:
    he = read_paragraphs(write(tmp_path, "intro.he.md", f"# כותרת\n\n{HE}"))
    doc, warnings = load_pair(he, read_bytes("intro.en.docx", sample_docx()))
    assert doc.title == "intro"
    assert doc.metadata["target"]["format"] == "docx" and doc.metadata["source"]["format"] == "markdown"
    assert doc.target.paragraphs[0].notes == ["Screen of the body; see Item 50."]


def test_load_pair_needs_something() -> None:
    with pytest.raises(WorkbenchError, match="nothing to import"):
        load_pair()


def test_load_pair_propagates_input_errors(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", HE)
    (tmp_path / "bad.txt").write_bytes(b"")
    with pytest.raises(InputError, match=r"^bad\.txt: file is empty$"):
        load_pair(good, tmp_path / "bad.txt")


def test_five_megabyte_pair_imports_fast(tmp_path: Path) -> None:
    half = 5 * 1024 * 1024 // 2
    paths = []
    for name, par in (("he.txt", HE), ("en.txt", EN)):
        unit = (par * 4).strip() + "\n\n"
        path = tmp_path / name
        path.write_text(unit * (half // len(unit.encode()) + 1), encoding="utf-8")
        paths.append(path)
    load_pair(target=write(tmp_path, "warm.txt", EN * 5))  # langdetect profiles load once per process
    t0 = time.perf_counter()
    doc, warnings = load_pair(*paths)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.0, f"5 MB pair took {elapsed:.2f} s"
    assert (doc.source_lang, doc.target_lang) == ("he", "en")
    assert len(doc.source.paragraphs) > 1000 and doc.source.paragraphs[0].label_value == 11
    assert warnings == []


def test_imported_document_round_trips_through_the_store(store, tmp_path: Path) -> None:
    src = write(tmp_path, "s.md", f"{HE}\n\nThe *Masach*[^1] here.\n\n[^1]: A note.")
    doc, _ = load_pair(src, read_bytes("t.docx", sample_docx()))
    doc_id = store.create_document(doc, "test")
    back = store.get_document(doc_id)
    assert [p.text for p in back.source.paragraphs] == [p.text for p in doc.source.paragraphs]
    assert back.source.paragraphs[1].marks == doc.source.paragraphs[1].marks
    assert back.target.paragraphs[0].notes == ["Screen of the body; see Item 50."]
    assert back.source.paragraphs[0].label_value == 11
