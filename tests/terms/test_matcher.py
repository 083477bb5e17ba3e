"""TermMatcher: Hebrew prefixes/niqqud/finals/gershayim, English case/plural/hyphen/diacritics, offsets."""

from __future__ import annotations

import random

import pytest

from workbench.terms import Term, TermMatcher
from workbench.terms.normalize import en_key, he_key

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

TERMS = [
    Term("מסך", "Masach", variants=["Masakh", "Masachim"], forbidden=["screen"], gloss="screen"),
    Term("מסך דגוף", "Masach de Guf"),
    Term("פה דראש", "Peh de Rosh"),
    Term("ראש", "Rosh"),
    Term('בי"ע', "BYA", kind="acronym"),
    Term("חכמה", "Hochma", variants=["Ḥokhma", "Chochma"]),
    Term("זיווג", "Zivug", source_variants=["זווג"]),
    Term("אור עליון", "Upper Light", kind="translation"),
    Term("ישות", "entity", kind="translation"),
    Term("פרצוף", "Partzuf", variants=["Partzufim"], source_variants=["פרצופים"]),
]


@pytest.fixture(scope="module")
def m() -> TermMatcher:
    return TermMatcher(TERMS)


def src(m: TermMatcher, text: str) -> list[tuple[str, str, str]]:
    return [(TERMS[h.term_id].preferred, h.surface, h.prefix) for h in m.find_source(text)]


def tgt(m: TermMatcher, text: str) -> list[tuple[str, str, str, bool]]:
    return [(TERMS[h.term_id].preferred, h.surface, h.form_kind, h.case_ok) for h in m.find_target(text)]


@pytest.mark.parametrize(
    "word, prefix",
    [("מסך", ""), ("המסך", "ה"), ("במסך", "ב"), ("והמסך", "וה"), ("שבמסך", "שב"), ("דמסך", "ד"), ("ולמסך", "ול")],
)
def test_hebrew_prefixes(m: TermMatcher, word: str, prefix: str) -> None:
    assert src(m, f"אמר {word}, ועוד") == [("Masach", "מסך", prefix)]


def test_hebrew_non_prefix_letters_and_longer_words_do_not_match(m: TermMatcher) -> None:
    assert src(m, "אמסך") == []  # א is not a prefix letter
    assert src(m, "מסכים רבים") == []  # a different word, not the term
    assert src(m, "ושבהלמסך") == []  # more than three prefixes


def test_hebrew_niqqud_cantillation_and_finals(m: TermMatcher) -> None:
    text = "וְהַמָּסָךְ֙ עוֹלֶה"
    hits = m.find_source(text)
    assert len(hits) == 1
    h = hits[0]
    assert text[h.start : h.end] == h.surface
    assert h.surface.startswith("מ") and "ס" in h.surface
    assert h.prefix == "וְהַ"


def test_hebrew_gershayim_variants(m: TermMatcher) -> None:
    for text in ('ובבי"ע', "ובבי״ע", "ובבי”ע"):
        assert src(m, text)[0][0] == "BYA", text
    # A quotation mark around a word is not part of it.
    assert src(m, 'אמר "מסך" כאן') == [("Masach", "מסך", "")]


def test_hebrew_multiword_and_construct(m: TermMatcher) -> None:
    assert src(m, "עלה לפה דראש") == [("Peh de Rosh", "פה דראש", "ל")]
    assert src(m, "והמסך דגוף נזדכך") == [("Masach de Guf", "מסך דגוף", "וה")]
    assert src(m, "עד דראש") == [("Rosh", "ראש", "ד")]
    # Source variants (plural) match too.
    assert src(m, "הפרצופים") == [("Partzuf", "פרצופים", "ה")]


def test_english_forms_kinds_and_case(m: TermMatcher) -> None:
    text = "The Masach de Guf, the masach, Masakh's and Masachim; screens. BYA, Bya."
    assert tgt(m, text) == [
        ("Masach de Guf", "Masach de Guf", "preferred", True),
        ("Masach", "masach", "preferred", False),
        ("Masach", "Masakh", "variant", True),
        ("Masach", "Masachim", "variant", True),
        ("Masach", "screens", "forbidden", True),
        ("BYA", "BYA", "preferred", True),
        ("BYA", "Bya", "preferred", False),  # acronyms: strict case
    ]


def test_strict_case_terms_skip_lowercase_words() -> None:
    m = TermMatcher([Term('מ"ן', "MAN", kind="acronym")])
    assert [(h.surface, h.case_ok) for h in m.find_target("raising MAN; a man; Man")] == [("MAN", True), ("Man", False)]


def test_english_sentence_start_heading_and_translation_case(m: TermMatcher) -> None:
    assert tgt(m, "Entity. ENTITY. entity.") == [("entity", s, "preferred", True) for s in ("Entity", "ENTITY", "entity")]
    assert tgt(m, "the upper light") == [("Upper Light", "upper light", "preferred", True)]
    assert tgt(m, "MASACH") == [("Masach", "MASACH", "preferred", True)]


def test_english_hyphen_space_plural_possessive(m: TermMatcher) -> None:
    hits = m.find_target("to Peh de-Rosh and Peh-de-Rosh; Partzufs' and Zivug's; entities")
    got = [(h.surface, h.exact, h.suffix) for h in hits]
    assert got == [
        ("Peh de-Rosh", False, ""),
        ("Peh-de-Rosh", False, ""),
        ("Partzufs", True, "s"),
        ("Zivug", True, ""),
        ("entities", True, "ies"),
    ]


def test_english_no_match_inside_words(m: TermMatcher) -> None:
    assert tgt(m, "Roshan rosh-like Masachusetts ZivugX") == [("Rosh", "rosh", "preferred", False)]


def test_diacritics_only_when_asked() -> None:
    terms = [Term("חכמה", "Ḥokhma")]
    assert [h.surface for h in TermMatcher(terms).find_target("Hokhma and Ḥokhma")] == ["Ḥokhma"]
    folded = TermMatcher(terms, fold_diacritics=True).find_target("Hokhma and Ḥokhma and H\u0323okhma")
    assert [h.surface for h in folded] == ["Hokhma", "Ḥokhma", "H\u0323okhma"]
    assert [h.case_ok for h in folded] == [True, True, True]
    assert [h.exact for h in folded] == [False, True, False]  # last one is decomposed (H + U+0323)


def test_decomposed_diacritics_keep_exact_offsets() -> None:
    text = "A H\u0323okhma and then Masach."  # decomposed Ḥ shifts every later offset
    m = TermMatcher([Term("חכמה", "Hokhma"), Term("מסך", "Masach")], fold_diacritics=True)
    hits = m.find_target(text)
    assert [text[h.start : h.end] for h in hits] == ["H\u0323okhma", "Masach"]


def test_leftmost_longest_and_shared_forms() -> None:
    terms = [Term("מסך", "Masach"), Term("מסך דגוף", "Masach de Guf"), Term("מחיצה", "Masach", status="proposed")]
    hits = TermMatcher(terms).find_target("Masach de Guf then Masach")
    assert [(h.term_id, h.surface) for h in hits] == [(1, "Masach de Guf"), (0, "Masach"), (2, "Masach")]


def test_ids_from_terms_when_present() -> None:
    m = TermMatcher([Term("מסך", "Masach", id=42)])
    assert [h.term_id for h in m.find_target("Masach")] == [42]
    assert [h.term_id for h in m.find_source("מסך")] == [42]


def test_batch_equals_single(m: TermMatcher) -> None:
    texts = ["The Masach rises.", "", "to Peh de Rosh", "והמסך עולה לפה דראש", "BYA. Masachim"]
    assert m.find_target_batch(texts) == [m.find_target(t) for t in texts]
    assert m.find_source_batch(texts) == [m.find_source(t) for t in texts]


def test_offsets_always_slice_to_surface_randomised(m: TermMatcher) -> None:
    rng = random.Random(7)
    words_en = ["Masach", "de", "Guf", "Ḥokhma", "H\u0323okhma", "the", "ROSH", "Peh-de-Rosh", "BYA,", "(Zivug)", "İstanbul"]
    words_he = ["וְהַמָּסָךְ", "לפה", "דראש", "ובי״ע", "הזִּוּוּג", "מסך", "ﬠולה", "שבמסך,"]
    fm = TermMatcher(TERMS, fold_diacritics=True)
    for _ in range(300):
        te = " ".join(rng.choice(words_en) for _ in range(rng.randint(1, 12)))
        th = " ".join(rng.choice(words_he) for _ in range(rng.randint(1, 12)))
        for h in m.find_target(te) + fm.find_target(te):
            assert te[h.start : h.end] == h.surface
        for h in m.find_source(th):
            assert th[h.start : h.end] == h.surface
            assert th[h.start - len(h.prefix) : h.start] == h.prefix


def test_key_functions_map_offsets() -> None:
    key, offsets = en_key("H\u0323-x", fold=True)
    assert key == "h x" and offsets == [0, 2, 3, 4]
    key, offsets = he_key("מָסָךְ")
    assert key == "מסכ" and offsets == [0, 2, 4, 6]
    assert he_key("מסך")[1] is None
