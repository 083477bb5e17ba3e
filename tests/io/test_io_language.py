"""Language detection by script and (only on enough text) langdetect; warnings for odd pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.io import check_sides, detect_language, load_pair

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

EN = (
    "In this introduction I would like to clarify certain ideas that seem simple, matters that everyone "
    "handles and on which much ink has been spilled, and still we have not reached a clear and sufficient "
    "knowledge of them. My first question is: what is our essence? And the second: what is our role?"
)
HE = (
    'יא) ובזה תבין מה שאמרו ז"ל שהמסך דגוף עולה לפה דראש עם הרשימות, ושם נעשה זווג דהכאה חדש. '
    "ואחר כך יורד ממקום הזווג ולמטה ומתפשט לתוך הגוף."
)
ARAMAIC = "בְּהַאי חִבּוּרָא יִפְקוּן מִן גָּלוּתָא בְּרַחֲמֵי. תָּא חֲזֵי, כַּד בָּרָא קוּדְשָׁא בְּרִיךְ הוּא עָלְמָא"
FR = (
    "Dans cette introduction, je voudrais clarifier certaines choses qui semblent simples, c'est-à-dire des "
    "choses que tout le monde manipule et sur lesquelles beaucoup d'encre a été versée pour les clarifier, "
    "et pourtant nous ne sommes pas encore parvenus à une connaissance claire et suffisante de ces choses."
)


def test_hebrew_and_aramaic_by_script_even_when_short() -> None:
    assert detect_language(HE) == "he"
    assert detect_language("שלום") == "he"
    assert detect_language(ARAMAIC) == "he"


def test_latin_text_by_langdetect_when_long_enough() -> None:
    assert detect_language(EN) == "en"
    assert detect_language(FR) == "fr"
    assert [detect_language(EN * 3) for _ in range(3)] == ["en"] * 3  # fixed seed: stable


def test_short_latin_strings_are_undetermined() -> None:
    assert detect_language("Masach de Guf") == "und"  # langdetect alone says German
    assert detect_language("Zivug de Hakaa in the Partzuf") == "und"
    assert detect_language("12 34 -- ***") == "und"


def test_english_with_hebrew_quotes_is_english() -> None:
    assert detect_language(EN + " (מסך דגוף) " + EN) == "en"


def test_large_text_is_sampled_from_everywhere() -> None:
    text = EN + "\n" + (HE + "\n") * 2000  # an English preface does not make a Hebrew book English
    assert detect_language(text) == "he"


def test_check_sides_normal_pair_is_quiet() -> None:
    assert check_sides([HE] * 3, [EN] * 2, "he", "en") == []


def test_check_sides_swapped() -> None:
    (w,) = check_sides([EN], [HE], None, None)
    assert "source looks English and the target Hebrew" in w and "swapped" in w
    warnings = check_sides(["Masach de Guf"], [HE], None, None)
    assert "the target looks Hebrew and the source does not: were the files swapped?" in warnings[0]


def test_check_sides_same_language_and_declared_mismatch() -> None:
    assert check_sides([HE], [HE], "he", "he") == ["both sides look Hebrew: is one of them really the translation?"]
    assert check_sides([HE], [FR * 2], "he", "en") == ["the target is marked 'en' but its text looks French"]
    assert check_sides([EN], [FR], "he", "fr") == ["the source is marked 'he' but its text looks English"]


def test_check_sides_size_mismatch() -> None:
    (w,) = check_sides([HE], [EN] * 10, "he", "en")
    assert "the target has" in w and "characters of the source" in w


def test_load_pair_warns_on_swapped_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b.txt").write_text(HE, encoding="utf-8")
    doc, warnings = load_pair(tmp_path / "a.txt", tmp_path / "b.txt")
    assert (doc.source_lang, doc.target_lang) == ("en", "he")
    assert any("swapped" in w for w in warnings)


def test_explicit_languages_override_detection(tmp_path: Path) -> None:
    (tmp_path / "short.en.txt").write_text("Masach de Guf", encoding="utf-8")
    doc, warnings = load_pair(target=tmp_path / "short.en.txt", target_lang="de")
    assert doc.target_lang == "de" and warnings == []


def test_short_translation_falls_back_to_english_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("Masach de Guf", encoding="utf-8")
    doc, warnings = load_pair(target=tmp_path / "short.txt")
    assert doc.target_lang == "en"
    assert warnings == [
        "short.txt: too little text to tell its language; assumed English ('en'), give the target language to change it"
    ]
