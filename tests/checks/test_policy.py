"""Severities the termbase decides per finding: a forbidden variant is an error, a missing rendering of
an ambiguous source word only a hint; term-missing says what the aligned sentence has instead."""

from __future__ import annotations

import pytest

from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import TermIndex, run_checks

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

INDEX = TermIndex(termbase(load_cases()))


def _run(pairs: list[list[str]], check: str) -> list:
    return [f for f in run_checks([pair_doc(pairs)], INDEX) if f.check == check]


def test_a_forbidden_variant_is_an_error_at_every_occurrence() -> None:
    got = _run([["הצמצום", "the Tsimtsum, again the Tsimtsum"]], "term-variant")
    assert [f.severity for f in got] == ["error", "error"]


def test_a_deprecated_variant_is_one_warning_with_its_count() -> None:
    (f,) = _run([["הזדככות", "the Hizdakhut"], ["הזדככות", "the Hizdakhut"]], "term-variant")
    assert f.severity == "warning" and f.data["count"] == 2 and len(f.data["occurrences"]) == 2
    assert "2× in this document" in f.message


def test_missing_rendering_of_an_ambiguous_word_is_info() -> None:
    (f,) = _run([["והנשמה יורדת", "and it descends"]], "term-missing")
    assert f.severity == "info" and f.data["ambiguous"] and f.data["reason"] == "ambiguous"


# Item 62 of the Introduction to the Book of Zohar: the English abridges its first sentence to a
# clause, and translates the next one.
ITEM_62 = [
    "סב. גם הדרך היא בכל פרצוף פרטי, שבכלים דחב\"ד עד החזה שלו האורות מכוסים, ואינם מתחילים להאיר חסדים "
    "המגולים, שפירושו התגלות הארת חכמה עליונה, אלא מחזה ולמטה. והיא הסיבה שמטרם התחילו להתגלות הכלים "
    "בעולם, היתה חכמת הזוהר מכוסה מן העולם.",
    "This also occurs on an individual basis. For this reason the understanding of the Zohar was hidden "
    "from the world until then.",
]


def test_a_term_left_out_with_its_sentence_is_a_warning() -> None:
    got = {f.key: f for f in _run([ITEM_62], "term-missing")}
    f = got["חב\"ד"]
    assert f.severity == "warning" and f.data["reason"] == "omitted"
    assert "much shorter than its source" in f.message and "individual basis" in f.message
    # Kli (כלים) is in the sentence translated in full: only a reader can tell a paraphrase from a slip.
    assert got["כלים"].severity == "info" and got["כלים"].data["reason"] == "paraphrase"
    # Partzuf is in the first clause, which the one-clause abridgement renders ("בכל פרצוף פרטי" as
    # "on an individual basis"): a hint, not left out; חב"ד and חכמה, past it, were.
    p = got["פרצוף"]
    assert p.severity == "info" and p.data["reason"] == "paraphrase" and "the part it may render" in p.message
    assert got["חכמה"].severity == "warning" and got["חכמה"].data["reason"] == "omitted"


def test_a_term_paraphrased_or_named_fewer_times_is_info() -> None:
    (g,) = _run([["והמסך עולה", "and it rises"]], "term-missing")
    assert g.severity == "info" and g.data["reason"] == "paraphrase"
    got = _run([["המסך והמסך ובמסך", "The Masach"]], "term-missing")
    assert [(f.severity, f.data["reason"]) for f in got] == [("info", "count"), ("info", "count")]


def test_an_acronym_rendered_by_what_it_stands_for_is_rendered() -> None:
    """חב"ד as "Hochma, Bina and Daat" (each within a few words of the last), or spelled out over the
    link, is rendered; two of the three named far apart, in a longer text, is not."""
    assert not _run([["כלים דחב\"ד", "the vessels of Chochmah, Binah and Daat"]], "term-missing")
    assert not _run([["בחב\"ד שלו. ועוד.", "In his Hochma. And in Bina. And in Daat too."]], "term-missing")
    (f,) = _run([["כלים דחב\"ד", "the vessels of Chochmah and then, much later in a long winding sentence that "
                  "goes on and on about other things, Binah"]], "term-missing")  # fmt: skip
    assert f.data["rendered"] == 0


def test_term_missing_names_what_the_sentence_has_instead() -> None:
    (f,) = _run([["המסך עולה למעלה. והאור יורד למטה.", "The Masakhh rises above. And the light descends below."]],
                "term-missing")  # fmt: skip
    assert f.data["instead"] == "Masakhh" and "has ‘Masakhh’ in its place (probably a misspelling)" in f.message
    assert f.severity == "warning" and f.data["reason"] == "misspelt"
    (g,) = _run([["המסך עולה למעלה. והאור יורד למטה.", "It rises above. And the light descends below."]],
                "term-missing")  # fmt: skip
    assert g.data["sentence"] == "It rises above." and "reads ‘It rises above.’" in g.message


def test_in_its_place_names_no_citation_and_no_guess() -> None:
    """"in its place" once named "Naso" of a citation and "Kadmon" of "Adam Kadmon": a word of a
    citation or of a term's rendering is never named, an English word (however rare) neither, and
    of two unknown words none (the message quotes the sentence instead)."""
    src = "המסך עולה כמ\"ש בזוהר נשא דף קכד. והאור יורד למטה."
    (f,) = _run([[src, "It rises, as is written in the Zohar, Naso, page 124b. And the light descends below."]],
                "term-missing")  # fmt: skip
    assert f.data["instead"] is None and "reads ‘It rises, as is written in the Zohar, Naso" in f.message
    (g,) = _run([["המסך עולה למעלה. והאור יורד למטה.", "The Shmorit and the Kelpit rise above. And the light descends."]],
                "term-missing")  # fmt: skip
    assert g.data["instead"] is None
    (h,) = _run([["המסך עולה למעלה. והאור יורד למטה.", "The Shmorit rises in Godliness. And the light descends."]],
                "term-missing")  # fmt: skip
    assert h.data["instead"] == "Shmorit" and h.severity == "info"  # a word the reader may check, not a misspelling


def test_clauses_of_a_cut_translation() -> None:
    """A cut translation keeps as many clauses of its source as it has; a one-word "However," is no
    clause (else "However, this desire only awakens at thirteen." would keep two)."""
    from workbench.checks.terms import _clause_count

    assert _clause_count("This also occurs on an individual basis.") == 1
    assert _clause_count("However, this desire [to give] only awakens from the age of thirteen.") == 1
    assert _clause_count("It rises above, and the light descends; then it shines.") == 3
