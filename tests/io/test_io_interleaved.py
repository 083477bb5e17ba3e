"""Interleaved bilingual files: split by script, group what does not alternate, keep the pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import InputError, WorkbenchError
from workbench.io import load_pair, split_interleaved
from workbench.io.text import parse_text

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

HE = ["א) רצוני בהקדמה זו לברר איזה דברים פשוטים.", "ב) ונבאר את המסך שבכלי מלכות.", "ג) ובזה תבין מה שאמרו."]
EN = [
    "1. In this introduction I wish to clarify matters that seem simple.",
    "2. Let us explain the Masach in the Kli of Malchut.",
    "3. By this you will understand what our sages said.",
]


def split(lines: list[str], **kw):
    return split_interleaved(parse_text("\n\n".join(lines)), **kw)


def test_perfect_alternation() -> None:
    r = split([HE[0], EN[0], HE[1], EN[1], HE[2], EN[2]])
    assert [p.text for p in r.source] == HE
    assert [p.text for p in r.target] == EN
    assert (r.source_lang, r.target_lang) == ("he", "und")  # too little English for langdetect
    assert r.links == [([0], [0]), ([1], [1]), ([2], [2])]
    assert r.warnings == []
    long = split([HE[0], " ".join(EN * 3), HE[1], " ".join(EN * 2)])
    assert (long.source_lang, long.target_lang) == ("he", "en")


def test_heading_and_missing_paragraph_are_grouped() -> None:
    heading = "הקדמה לספר הזוהר"
    r = split([heading, HE[0], EN[0], HE[1], HE[2], EN[2]])
    assert [p.text for p in r.source] == [heading, *HE]
    assert r.links == [([0, 1], [0]), ([2, 3], [1])]
    assert len(r.warnings) == 1 and "2 place(s)" in r.warnings[0] and "source paragraph 1" in r.warnings[0]


def test_translation_first_file() -> None:
    r = split([EN[0], HE[0], EN[1], HE[1]])
    assert r.links == [([0], [0]), ([1], [1])]
    assert r.source_lang == "he"


def test_stray_leading_translation_heading() -> None:
    r = split(["Introduction", HE[0], EN[0], HE[1], EN[1]])
    assert r.links == [([], [0]), ([0], [1]), ([1], [2])]


def test_neutral_paragraph_goes_with_the_next_one() -> None:
    r = split([HE[0], EN[0], "* * *", HE[1], EN[1], "42"])
    assert [p.text for p in r.source] == [HE[0], "* * *", HE[1]]
    assert [p.text for p in r.target] == [EN[0], EN[1], "42"]


def test_explicit_languages_can_make_hebrew_the_target() -> None:
    r = split([EN[0], HE[0]], source_lang="en", target_lang="he")
    assert [p.text for p in r.source] == [EN[0]]
    assert (r.source_lang, r.target_lang) == ("en", "he")


def test_one_language_is_an_error() -> None:
    with pytest.raises(InputError, match=r"only one language \(Hebrew\)"):
        split(HE, path="he-only.txt")


def test_load_pair_interleaved(tmp_path: Path) -> None:
    path = tmp_path / "bilingual.txt"
    path.write_text("\n\n".join([HE[0], EN[0], HE[1], HE[2], EN[2]]), encoding="utf-8")
    doc, warnings = load_pair(interleaved=path)
    assert doc.title == "bilingual"
    assert (doc.source_lang, doc.target_lang) == ("he", "en")  # short English: assumed, with a warning
    assert any("assumed English" in w for w in warnings)
    assert [p.text for p in doc.source.paragraphs] == HE
    assert [p.text for p in doc.target.paragraphs] == [EN[0], EN[2]]
    src, tgt = doc.source.paragraphs, doc.target.paragraphs
    assert doc.metadata["interleaved_links"] == [[[src[0].id], [tgt[0].id]], [[src[1].id, src[2].id], [tgt[1].id]]]
    assert doc.metadata["interleaved"]["file"] == "bilingual.txt"
    assert any("do not alternate" in w for w in warnings)


def test_load_pair_interleaved_excludes_separate_files(tmp_path: Path) -> None:
    with pytest.raises(WorkbenchError, match="not both"):
        load_pair(tmp_path / "a.txt", interleaved=tmp_path / "b.txt")
