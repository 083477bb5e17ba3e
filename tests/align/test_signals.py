"""Each signal on its own."""

import numpy as np
import pytest

from workbench.align import Aligner
from workbench.align.signals import (
    LabelSignal,
    LatinWordSignal,
    LengthSignal,
    LexiconSignal,
    NumberSignal,
    SkeletonLexicon,
    Window,
    prepare,
)
from workbench.align.signals.numbers import english_numbers, hebrew_citations, hebrew_numbers
from workbench.hebrew import normalize_for_match

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _evidence(sig, src, tgt):  # noqa: ANN001, ANN202
    su, tu = prepare(src), prepare(tgt)
    return sig.evidence(su, tu, Window.full(len(su), len(tu))).as_dict()


# -- length -------------------------------------------------------------------------------------


def test_length_ratio_is_estimated_from_the_texts() -> None:
    src = prepare(["א" * 100, "ב" * 200, "ג" * 300])
    tgt = prepare(["a" * 170, "b" * 340, "c" * 510])
    params = LengthSignal().fit(src, tgt)
    assert params.ratio == pytest.approx(1.7, rel=0.01)


def test_length_cost_prefers_the_right_bead() -> None:
    sig = LengthSignal()
    params = sig.fit(prepare(["א" * 600]), prepare(["a" * 1000]))  # English ~1.67x
    ls = np.array([[300.0]])
    right = sig.cost(params, ls, np.array([[500.0]]))
    half = sig.cost(params, ls, np.array([[250.0]]))
    double = sig.cost(params, ls, np.array([[1000.0]]))
    assert right < 0.05 < half and right < double
    # a 2-1 bead whose sides fit beats a 1-1 whose English is twice as long as expected
    two_to_one = sig.cost(params, np.array([[300.0 + 300.0]]), np.array([[1000.0]]))
    assert two_to_one < sig.cost(params, np.array([[300.0]]), np.array([[1000.0]]))


def test_fixed_ratio_of_one_would_be_wrong() -> None:
    sig = LengthSignal(ratio=1.0)
    params = sig.fit(prepare(["א" * 600]), prepare(["a" * 1000]))
    assert params.ratio == 1.0
    assert sig.cost(params, np.array([[300.0]]), np.array([[500.0]])) > LengthSignal().cost(
        LengthSignal().fit(prepare(["א" * 600]), prepare(["a" * 1000])), np.array([[300.0]]), np.array([[500.0]])
    )


def test_refit_recentres_ratio_and_spread() -> None:
    sig = LengthSignal()
    rng = np.random.default_rng(0)
    ls = rng.uniform(100, 800, 200)
    lt = ls * 1.8 * np.exp(rng.normal(0, 0.1, 200))
    params = sig.refit(sig.fit(prepare(["א"]), prepare(["a"])), ls, lt)
    assert params.ratio == pytest.approx(1.8, rel=0.05)
    assert 0.06 <= params.sigma < 0.2


def test_niqqud_does_not_count_as_length() -> None:
    pointed, plain = prepare(["בְּרֵאשִׁית בָּרָא", "בראשית ברא"])
    assert pointed.length == plain.length == 9


def test_asides_weigh_by_how_much_more_of_them_a_side_has() -> None:
    (u,) = prepare(["word word (an added gloss) and [a bracket]"])
    assert u.aside == len("anaddedgloss") + len("abracket") and prepare(["no asides here"])[0].aside == 0
    he = ["א" * 90 + " (" + "ב" * 10 + ")"] * 10  # 10 % of the Hebrew in parentheses
    en = ["a" * 120 + " (" + "b" * 30 + ")" + " [" + "c" * 30 + "]"] * 10  # 33 % of the English
    params = LengthSignal().fit(prepare(he), prepare(en))
    assert params.aside_source == 1.0 and params.aside_target == pytest.approx(0.1 / (60 / 180), rel=1e-6)
    # the English counts its plain text and 30 % of its asides; the ratio is taken on those lengths
    assert LengthSignal.lengths(params, prepare(en), "target")[0] == pytest.approx(120 + 0.3 * 60)
    assert params.ratio == pytest.approx((120 + 0.3 * 60) / 100, rel=0.01)
    # the same share on both sides, or the option off: asides count in full
    same = LengthSignal().fit(prepare(he), prepare(["a" * 135 + " (" + "b" * 15 + ")"] * 10))
    assert same.aside_source == same.aside_target == 1.0
    off = LengthSignal(asides=False).fit(prepare(he), prepare(en))
    assert off.aside_target == 1.0 and LengthSignal.lengths(off, prepare(en), "target")[0] == 180


def test_a_translators_long_aside_does_not_pass_for_a_merge() -> None:
    """The translation of paragraph 7 is missing, and 6's translation carries an explanation in
    parentheses as long as the paragraph itself. Counted in full, that English looks like 6 and 7
    merged; weighed by the document's aside shares, 6 stands alone and 7 is the one left out."""
    rng = np.random.default_rng(4)
    sizes = [int(x) for x in rng.uniform(150, 400, 14)]
    he = ["א" * k for k in sizes]
    en = ["a" * int(k * 1.6) for k in sizes]
    en[6] += " (" + "g" * int(sizes[7] * 1.6) + ")"
    for k in (2, 11):  # a few short glosses elsewhere, as translators write them
        en[k] += " (" + "g" * 20 + ")"
    del en[7]
    gold = [([k], [k]) for k in range(7)] + [([7], [])] + [([k], [k - 1]) for k in range(8, 14)]
    with_asides = [(lk.source, lk.target) for lk in Aligner([LengthSignal()]).align(he, en)]
    plain = [(lk.source, lk.target) for lk in Aligner([LengthSignal(asides=False)]).align(he, en)]
    assert with_asides == gold
    assert ([6, 7], [6]) in plain


# -- labels -------------------------------------------------------------------------------------


def test_labels_anchor_equal_numbers_and_reject_different_ones() -> None:
    src = ["יא) ובזה תבין", "יב) ועוד", "יג) וכן"]
    tgt = ["11. By this you will understand", "(12) And more", "13. And so"]
    ev = _evidence(LabelSignal(), src, tgt)
    assert ev[(0, 0)] > 5 and ev[(1, 1)] > 5 and ev[(2, 2)] > 5
    assert ev[(0, 1)] < 0 and ev[(1, 2)] < 0


def test_labels_need_both_sides() -> None:
    # The Hebrew numbers its items; the English has one stray "2." in a list: no anchors at all.
    src = [f"{h}) פסקה" for h in "אבגדהוזחטי"]
    tgt = ["A paragraph"] * 5 + ["2. A list item"] + ["A paragraph"] * 4
    assert _evidence(LabelSignal(), src, tgt) == {}


# -- numbers ------------------------------------------------------------------------------------


def test_hebrew_and_english_numbers() -> None:
    he = hebrew_numbers('חקירה הד\': ראה (אות יד) ותרי"ג מצוות מי"ג שנים, ג\' מצבים וכו\' ר\' שמעון ית\'')
    assert {4, 14, 613, 13, 3} <= set(he)
    assert 26 not in he and 200 not in he  # וכו' and ר' are abbreviations, not numbers
    en = english_numbers("The Fourth Inquiry (par. 14): 613 Mitzvot from the age of thirteen, three states")
    assert {4, 14, 613, 13, 3} <= set(en)


def test_citations() -> None:
    assert hebrew_citations("כמ\"ש (איוב ה, א)") == {"job"}
    assert hebrew_citations("ויקרא לו שם חדש") == set()  # a verb outside parentheses is not Leviticus


def test_number_signal_links_paragraphs_that_share_a_rare_number() -> None:
    src = ["ותרי\"ג מצוות הן", "ואין כאן מספר", "ועוד דבר אחר"]
    tgt = ["And there is no number here", "The 613 commandments are", "Something else"]
    ev = _evidence(NumberSignal(), src, tgt)
    assert ev.get((0, 1), 0) > 1.0
    assert ev.get((0, 0), 0) == 0 and ev.get((1, 1), 0) == 0


# -- Latin words --------------------------------------------------------------------------------


def test_latin_words_in_the_hebrew() -> None:
    src = ["וכמו שכתב Newton בספרו", "ואין כאן דבר"]
    tgt = ["Nothing here", "As Newton wrote in his book"]
    ev = _evidence(LatinWordSignal(), src, tgt)
    assert ev.get((0, 1), 0) > 1.0 and ev.get((0, 0), 0) == 0


def test_latin_signal_is_silent_between_two_latin_texts() -> None:
    assert _evidence(LatinWordSignal(), ["the same words"], ["the same words"]) == {}


# -- lexicon ------------------------------------------------------------------------------------


def test_skeleton_lexicon_links_transliterations() -> None:
    src = ["והמסך דגוף עולה", "ואין כאן מונח", "ונעשה זווג דהכאה בפרצופים"]
    tgt = ["And the Masach of the Guf rises", "There is no term here", "A Zivug is made in the Partzufim"]
    ev = _evidence(LexiconSignal(), src, tgt)
    assert ev.get((0, 0), 0) > 1.0 and ev.get((2, 2), 0) > 1.0
    assert ev.get((0, 2), 0) == 0 and ev.get((1, 1), 0) == 0


def test_lexicon_matches_list_word_pairs() -> None:
    found = {(m.source, m.target) for m in SkeletonLexicon().matches("ונעשה זווג במסך", "A Zivug on the Masach")}
    assert ("זווג", "Zivug") in found and ("במסך", "Masach") in found


def test_a_termbase_lexicon_plugs_in() -> None:
    class Termbase:
        name = "termbase"

        def source_keys(self, text: str) -> dict[str, float]:
            return {"t-screen": 1.0} if normalize_for_match("מסך") in normalize_for_match(text) else {}

        def target_keys(self, text: str) -> dict[str, float]:
            return {"t-screen": 1.0} if "screen" in text.lower() else {}

        def matches(self, source_text: str, target_text: str) -> list:  # noqa: ANN001
            return []

    src = ["והמסך עולה", "אין כאן"]
    tgt = ["nothing", "and the screen rises"]
    ev = _evidence(LexiconSignal([Termbase()]), src, tgt)
    assert ev.get((0, 1), 0) > 1.0 and ev.get((0, 0), 0) == 0


def test_a_term_that_runs_through_a_section_is_weak_evidence() -> None:
    src = [f"ובעולם האצילות יש דבר {i}" for i in range(12)]
    tgt = [f"In the world of Atzilut there is thing {i}" for i in range(12)]
    ev = _evidence(LexiconSignal(), src, tgt)
    rare = _evidence(LexiconSignal(), ["ובעולם האצילות"] + ["דבר"] * 11, ["In the world of Atzilut"] + ["a thing"] * 11)
    assert max(ev.values(), default=0) < rare[(0, 0)]


def test_a_bracketed_note_is_a_clearer_note_than_a_parenthesis() -> None:
    from workbench.align.signals.notes import NoteSignal, note_strength

    assert note_strength("[Translator's note: see glossary.]") == 1.0
    assert note_strength("Translator's note: the term is kept.") == 1.0
    paren = note_strength("(The goal is between man and G-d, but the vehicle is the Mitzvot of man-to-man.)")
    assert 0.0 < paren < 1.0
    assert note_strength("The goal is between man and G-d (and man).") == 0.0
    skip = NoteSignal().skip_evidence(prepare(["[Note: x.]", "(An aside of the translator.)", "Plain text."]))
    assert skip[0] > skip[1] > skip[2] == 0.0
