"""Sefaria JSON: the real Introduction to the Zohar versions, HTML rules, and wrong shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, need_data
from workbench.errors import InputError
from workbench.io import load_pair, read_bytes, read_paragraphs
from workbench.io.sefaria import parse_sefaria

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


@pytest.fixture(scope="module")
def he():
    return read_paragraphs(CORPUS / "intro_zohar" / "he.json")


@pytest.fixture(scope="module")
def en():
    return read_paragraphs(CORPUS / "intro_zohar" / "en.json")


def test_segment_counts_and_languages(he, en) -> None:
    assert len(he.paragraphs) == 169
    assert len(en.paragraphs) == 168
    assert (he.lang, en.lang) == ("he", "en")
    assert he.fmt == en.fmt == "sefaria"
    assert he.metadata["versionTitle"] == "Sefer Matan Torah, ed. Zohar HaSulam, 2019"
    assert en.metadata["license"] == "CC0"
    assert he.warnings == [] and en.warnings == []


def test_text_matches_the_stripped_gold_pairs(he, en) -> None:
    """pairs.jsonl was stripped independently (tags removed, footnotes dropped): same text."""
    gold = [json.loads(line) for line in need_data("intro_zohar", "pairs.jsonl").open()]
    by_addr = {
        side: {tuple(a): p.text for a, p in zip(res.metadata["addresses"], res.paragraphs, strict=True)}
        for side, res in (("he", he), ("en", en))
    }
    assert len(gold) == 168
    for pair in gold:
        assert by_addr["he"][tuple(pair["addr"])] == pair["he"], pair["ref"]
        assert by_addr["en"][tuple(pair["addr"])] == pair["en"], pair["ref"]


def test_footnotes_are_marks_not_text(he) -> None:
    notes = [(p, m) for p in he.paragraphs for m in p.marks if m.kind == "footnote"]
    assert len(notes) == 16
    all_text = "\n".join(p.text for p in he.paragraphs)
    for p, m in notes:
        assert m.start == m.end and 0 <= m.start <= len(p.text)
        assert m.value and len(m.value) > 20
        assert m.value not in all_text
        assert m.value[:30] not in all_text
    assert "<" not in all_text and "footnote" not in all_text
    first = notes[0][1].value
    assert first.startswith("אמר העורך, בהיות וראיתי רבים מתבלבלים")
    assert first.endswith("מושג כחלק.")


def test_footnote_running_into_next_segment(he) -> None:
    addrs = he.metadata["addresses"]
    i = addrs.index([63, 1])
    note = [m for m in he.paragraphs[i].marks if m.kind == "footnote"][-1]
    assert note.value.startswith("ביאור: אמר לו רב פפא לאביי")
    assert note.value.endswith("ואילו אנו איננו מוסרים נפשינו על קדושת ה'.")
    assert he.paragraphs[i + 1].text == '. עכ"ל עש"ה.'


def test_hebrew_labels_after_headings(he, en) -> None:
    values = [p.label_value for p in he.paragraphs if p.label]
    assert values == list(range(1, 72))
    first = he.paragraphs[0]
    assert first.text.startswith("שאלות וחקירות א. רצוני")
    assert first.label == "א." and first.label_value == 1
    assert [first.text[m.start : m.end] for m in first.marks if m.kind == "bold"] == ["שאלות וחקירות"]
    assert [p.label for p in en.paragraphs[:3]] == [None, "1.", "2."]


def test_load_pair_of_the_real_versions() -> None:
    doc, warnings = load_pair(
        CORPUS / "intro_zohar" / "he.json",
        CORPUS / "intro_zohar" / "en.json",
    )
    assert warnings == []
    assert doc.title == "Baal HaSulam's Introduction to Zohar"
    assert (doc.source_lang, doc.target_lang) == ("he", "en")
    assert doc.metadata["source"]["file"] == "he.json" and doc.metadata["target"]["format"] == "sefaria"
    refs = doc.metadata["source"]["refs"]
    assert refs[doc.source.paragraphs[0].id] == "1:1"
    assert refs[doc.source.paragraphs[-1].id] == "71:5"
    assert "CC-BY-NC" in doc.metadata["credits"]


def seg(*segments: str) -> list:
    return parse_sefaria({"language": "en", "text": [list(segments)]}, "x.json")[0]


def test_html_rules() -> None:
    (p,) = seg("<b>Heading</b><br>1. Text &amp; more &quot;quoted&quot;<br/>next <i>it</i>.")
    assert p.text == 'Heading 1. Text & more "quoted" next it.'
    assert [p.text[m.start : m.end] for m in p.marks] == ["Heading", "it"]
    assert (p.label, p.label_value) == ("1.", 1)


def test_footnote_marker_class_and_nested_italics() -> None:
    (p,) = seg('Word<sup class="footnote-marker">3</sup><i class="footnote">Note with <i>nested</i> '
               "italics.</i> after, and 10<sup>th</sup> stays.")
    assert p.text == "Word after, and 10th stays."
    (note,) = p.marks
    assert (note.start, note.kind, note.value) == (4, "footnote", "Note with nested italics.")


def test_dict_text_is_flattened_in_order() -> None:
    obj = {"text": {"Introduction": ["intro one", "intro two"], "": [["one"], ["", "two"]]}}
    paras, meta, _ = parse_sefaria(obj, "complex.json")
    assert [p.text for p in paras] == ["intro one", "intro two", "one", "two"]
    assert meta["addresses"][-1] == ["", 1, 1]


@pytest.mark.parametrize(
    "obj,found",
    [
        ([["a", "b"]], "found a JSON list"),
        ({"title": "x", "content": []}, "found keys: title, content"),
        ({"text": "just a string"}, "found keys: text"),
    ],
)
def test_wrong_shape(obj, found: str) -> None:
    with pytest.raises(InputError) as exc:
        read_bytes("wrong.json", json.dumps(obj).encode())
    msg = str(exc.value)
    assert msg.startswith("wrong.json: Sefaria JSON has no 'text' array (")
    assert found in msg


def test_non_string_segment_and_empty_text() -> None:
    with pytest.raises(InputError, match=r"n\.json: Sefaria JSON 'text'\[0\]\[1\] is a int"):
        read_bytes("n.json", b'{"text": [["a", 5]]}')
    with pytest.raises(InputError, match="no non-empty segments"):
        read_bytes("e.json", b'{"text": [[], [""]]}')


def test_invalid_json() -> None:
    with pytest.raises(InputError, match=r"bad\.json: not valid JSON: .* at line 2, column"):
        read_bytes("bad.json", b'{"text":\n [oops]}')


def test_json_content_with_txt_extension_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text(json.dumps({"language": "en", "text": ["One.", "Two."]}), encoding="utf-8")
    res = read_paragraphs(path)
    assert res.fmt == "sefaria"
    assert [p.text for p in res.paragraphs] == ["One.", "Two."]
