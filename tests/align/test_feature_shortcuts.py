"""The feature extraction's shortcuts give what the plain patterns give.

Preparing a long book's units is a third of aligning it, so the signals take shortcuts there: a
pattern tried only where a match can start, one split of a translation's words shared by two
signals, a per-word cache keyed as the features are, features not extracted where they are empty.
The aligner's links may not depend on any of it: each shortcut is held here to the plain way on
generated text made of the pieces that matter (letters, gershayim, keywords, hyphens, letters and
digits outside ASCII), and the features of whole units to what the plain code computes.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.align.signals import LexiconSignal, NumberSignal, prepare
from workbench.align.signals.base import (
    _ASIDE,
    Unit,
    aside_length,
    count_length,
    letter_runs_of,
    lower_words_of,
)
from workbench.align.signals.learned import _WORD, LearnedLexiconSignal, plain_tokens, unit_tokens
from workbench.align.signals.lexicon import SkeletonLexicon
from workbench.align.signals.numbers import (
    _EN_TOKEN,
    _GERESH_TOKEN,
    _KEYWORD_NUM,
    _geresh_tokens,
    _keyword_matches,
    english_numbers,
)

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

_HEBREW_PIECES = ["א", "ב", "ו", "ל", "ג", "י", "'", '"', " ", "-", "–", "(", ")", "x", "1", "אות", "אותיות",
                  "סעיף", "סימן", "דף", "פרק", "עמוד", "  "]  # fmt: skip
_LATIN_PIECES = ["a", "b", "Z", "-", "--", "_", "1", " ", "'", "\u201c", "\u2013", "é", "ß", "\u0130", "\u212a",
                 "\u00bd", "\u0301", "\u0663", "one", "twenty-one", "\u05d0"]  # fmt: skip


def _text(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=14).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_text(_HEBREW_PIECES))
def test_geresh_tokens_are_the_patterns_tokens(t: str) -> None:
    assert _geresh_tokens(t) == [m.group(1) + (m.group(2) or "") for m in _GERESH_TOKEN.finditer(t)]


@settings(max_examples=3000, deadline=None)
@given(_text(_HEBREW_PIECES))
def test_keyword_matches_are_the_patterns_matches(t: str) -> None:
    def spans(ms: list[re.Match[str]]) -> list[tuple]:
        return [(m.span(), m.groups()) for m in ms]

    assert spans(_keyword_matches(t)) == spans(list(_KEYWORD_NUM.finditer(t)))


@settings(max_examples=3000, deadline=None)
@given(_text(_LATIN_PIECES))
def test_shared_latin_words_split_as_each_signal_did(t: str) -> None:
    unit = Unit(text=t, body=t)
    assert lower_words_of(unit) == _EN_TOKEN.findall(t.lower())
    runs = letter_runs_of(unit)
    if runs is not None:
        assert runs == _WORD.findall(t.lower())
    # the number words read from the shared split are the ones read from the text
    assert english_numbers(t, lower_words_of(unit)) == english_numbers(t)


def test_letter_runs_step_aside_for_letters_outside_ascii() -> None:
    # é, a Hebrew letter, ½ (numeric): the letter pattern splits them otherwise, so no shared split
    for t in ("café latte", "a\u05d0b", "a\u00bdb"):
        assert letter_runs_of(Unit(text=t, body=t)) is None
    # typographic quotes and dashes are not letters: the shared split serves
    t = "\u201cTwenty-one Partzufim\u201d \u2013 the worlds"
    assert letter_runs_of(Unit(text=t, body=t)) == ["twenty", "one", "partzufim", "the", "worlds"]
    assert unit_tokens(prepare([t])[0]) == plain_tokens(t)


@settings(max_examples=2000, deadline=None)
@given(_text(["a", "b", " ", "(", ")", "[", "]", "\u05b0", "\u0591", ".", ",", "-", "\u05d0", "'"]))
def test_aside_length_counts_each_aside(t: str) -> None:
    expected = 0 if "(" not in t and "[" not in t else sum(count_length(m.group(0)) for m in _ASIDE.finditer(t))
    assert aside_length(t) == expected


def test_lexicon_features_keyed_per_word_are_the_lexicons_keys() -> None:
    texts = ['העולמות והפרצופים של אצילות, מסך וזווג (אות יד) ותרי"ג', "The worlds and Partzufim of Atzilut: Masach, Zivug"]
    sig = LexiconSignal()
    for unit in prepare(texts):
        keys = SkeletonLexicon().source_keys(unit.norm) if unit.hebrew else SkeletonLexicon().target_keys(unit.body)
        assert sig.features(unit, "source") == {(0, k): float(w) for k, w in keys.items()}
        assert sig.features(unit, "source")
    # a second lexicon keeps its own index, the built-in one first or not
    two = LexiconSignal([SkeletonLexicon(), SkeletonLexicon()])
    unit = prepare(texts[:1])[0]
    feats = two.features(unit, "source")
    assert {i for i, _k in feats} == {0, 1} and len(feats) == 2 * len(sig.features(unit, "source"))


def test_learned_signal_prepares_nothing_before_it_has_learned() -> None:
    sig = LearnedLexiconSignal()
    unit = prepare(["The worlds of Atzilut"])[0]
    assert not sig.prepares(unit) and sig.features(unit, "target") == {}
    learned = sig._with({"עולמ": {"world"}, "אצילות": {"atzilut"}})
    assert learned.prepares(unit)
    assert learned.features(unit, "target") == {"world": 1.0, "atzilut": 1.0}  # plural -s off
    he = prepare(["העולמות של אצילות"])[0]
    assert learned.features(he, "source") == dict.fromkeys(
        [t for w in unit_tokens(he) for t in learned.lexicon.get(w, ())], 1.0
    )


def test_number_features_unchanged_on_a_mixed_text() -> None:
    he, en = prepare(['חקירה הד\': ראה (אות יד) ותרי"ג מצוות מי"ג שנים, ג\' מצבים וכו\' ר\' שמעון (איוב ה, א) פרק ב - ג',
                      "The Fourth Inquiry (par. 14-16): 613 Mitzvot from the age of thirteen, twenty-one (Job 5:1)"])
    sig = NumberSignal()
    assert {v for (kind, v) in sig.features(he, "source") if kind == "n"} >= {4, 14, 613, 13, 3, 2}
    assert ("c", "job") in sig.features(he, "source") and ("c", "job") in sig.features(en, "target")
    assert {v for (kind, v) in sig.features(en, "target") if kind == "n"} >= {4, 14, 15, 16, 613, 13, 21}
