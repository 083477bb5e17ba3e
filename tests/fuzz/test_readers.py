"""Every reader, fed anything: it returns paragraphs, or refuses with one line (an InputError or
another WorkbenchError, which the command line prints as one line and exit 2). Never a traceback.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.io.helpers import sample_docx
from workbench.errors import WorkbenchError

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

HEBREW = "אבגדהוזחטיכלמנסעפצקרשתךםןףץ"
TEXTY = st.text(alphabet=st.sampled_from(list(HEBREW + "abcdefghij ABC.,;:'\"|\n\r\t=+-@{}[]\x00\u200f") ), max_size=400)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTY,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["text", "language", "versions",
                                                                                  "title", "x"]), inner, max_size=4),
    max_leaves=20,
)


def one_line(exc: WorkbenchError) -> None:
    msg = str(exc)
    assert msg and "\n" not in msg and "Traceback" not in msg, msg


def read(name: str, data: bytes) -> None:
    from workbench.io import read_bytes

    try:
        res = read_bytes(name, data)
    except WorkbenchError as exc:
        one_line(exc)
        return
    assert res.paragraphs and all(p.text and "\x00" not in p.text for p in res.paragraphs)


@given(st.binary(max_size=2000))
@example(b"ab\x00cd" * 10)
@example(b"\xff\xfe" + "שלום".encode("utf-16-le"))
def test_text_reader_bytes(data: bytes) -> None:
    read("x.txt", data)


@given(TEXTY, st.sampled_from(["utf-8", "utf-16", "utf-8-sig", "cp1255"]))
def test_text_and_markdown_reader_text(text: str, codec: str) -> None:
    data = text.encode(codec, errors="ignore")
    read("x.txt", data)
    read("x.md", data)


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    b = bytearray(data)
    for pos, val in edits:
        b[pos % len(b)] = val
    return bytes(b[:cut] if cut else b)


_DOCX = sample_docx()


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8), st.none() | st.integers(1, 4000))
def test_docx_reader(edits: list[tuple[int, int]], cut: int | None) -> None:
    read("x.docx", _mutate(_DOCX, edits, cut))


@given(st.text(max_size=300), st.sampled_from(["word/document.xml", "word/styles.xml", "[Content_Types].xml"]))
def test_docx_reader_part_content(xml: str, part: str) -> None:
    src = zipfile.ZipFile(io.BytesIO(_DOCX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, xml.encode() if info.filename == part else src.read(info.filename))
    read("x.docx", out.getvalue())


@given(JSON)
@example({"text": [[["<i class='footnote'>"]]]})
def test_sefaria_reader(obj: object) -> None:
    read("x.json", json.dumps(obj).encode())


@given(st.lists(st.tuples(st.text(alphabet=HEBREW + " ", min_size=1, max_size=60),
                          st.text(alphabet="abcdefgh ", min_size=1, max_size=60)), max_size=8),
       st.lists(st.integers(0, 20), max_size=4))
def test_interleaved_reader(pairs: list[tuple[str, str]], drops: list[int]) -> None:
    from workbench.io import load_pair, read_bytes

    paras = [p for pair in pairs for p in pair]
    for d in drops:
        if paras:
            paras.pop(d % len(paras))
    data = "\n\n".join(paras).encode()
    try:
        doc, _ = load_pair(interleaved=read_bytes("both.txt", data))
    except WorkbenchError as exc:
        one_line(exc)
        return
    assert doc.source is not None and doc.target is not None


@given(st.text(alphabet=st.sampled_from(list(HEBREW[:6] + "abc ,|\"\n\r=-")), max_size=300))
def test_termbase_csv_reader(body: str) -> None:
    from workbench.terms.csvio import read_csv

    try:
        terms, _ = read_csv(text="source,preferred,variants,gloss\n" + body)
    except WorkbenchError as exc:
        one_line(exc)
        return
    assert all(t.preferred and "\n" not in t.preferred for t in terms)


TERM_TEXT = st.text(alphabet=st.sampled_from(list(HEBREW[:8] + "abcXYZ ,\"'=+-@")), min_size=1, max_size=20).map(str.strip)


@given(st.lists(st.tuples(TERM_TEXT, TERM_TEXT, st.lists(TERM_TEXT, max_size=3), TERM_TEXT), max_size=6))
def test_termbase_csv_round_trip(rows: list[tuple[str, str, list[str], str]]) -> None:
    """Terms written to CSV read back the same (formula-looking cells included)."""
    from workbench.terms.csvio import read_csv, to_csv_text
    from workbench.terms.model import Term

    terms = [Term(src, pref, variants=[v for v in vs if v and "|" not in v], gloss=gloss or None)
             for src, pref, vs, gloss in rows if pref and "|" not in pref and "|" not in src and src]
    try:
        back, _ = read_csv(text=to_csv_text(terms))
    except WorkbenchError as exc:  # duplicates or invalid entries: refused, never mangled
        one_line(exc)
        return
    assert [(t.source, t.preferred, t.variants, t.gloss) for t in back] == \
        [(t.source, t.preferred, t.variants, t.gloss) for t in terms]


_TBX = None


def _tbx() -> bytes:
    global _TBX
    if _TBX is None:
        from workbench.terms.model import Term
        from workbench.terms.tbx import to_tbx_bytes

        _TBX = to_tbx_bytes([Term("מסך", "Masach", variants=["Masakh"], gloss="screen"), Term("אור", "Or")])
    return _TBX


@given(st.lists(st.tuples(st.integers(0, 10**5), st.integers(0, 255)), max_size=6), st.none() | st.integers(1, 2000))
@example([], None)
def test_tbx_reader(edits: list[tuple[int, int]], cut: int | None) -> None:
    from workbench.terms.tbx import read_tbx

    try:
        terms, _ = read_tbx(data=_mutate(_tbx(), edits, cut))
    except WorkbenchError as exc:
        one_line(exc)
        return
    assert all(t.preferred for t in terms)
