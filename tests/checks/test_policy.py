"""Severities the termbase decides per finding: a forbidden variant is an error, a missing rendering of
an ambiguous source word only a hint; term-missing says what the aligned sentence has instead."""

from __future__ import annotations

from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import TermIndex, run_checks

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
    assert f.severity == "info" and f.data["ambiguous"]
    (g,) = _run([["והמסך עולה", "and it rises"]], "term-missing")
    assert g.severity == "warning"


def test_term_missing_names_what_the_sentence_has_instead() -> None:
    (f,) = _run([["המסך עולה למעלה. והאור יורד למטה.", "The Masakhh rises above. And the light descends below."]],
                "term-missing")  # fmt: skip
    assert f.data["instead"] == "Masakhh" and "has ‘Masakhh’ in its place" in f.message
    (g,) = _run([["המסך עולה למעלה. והאור יורד למטה.", "It rises above. And the light descends below."]],
                "term-missing")  # fmt: skip
    assert g.data["sentence"] == "It rises above." and "reads ‘It rises above.’" in g.message
