import pytest

from workbench import hebrew as h
from workbench import segment

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


@pytest.mark.parametrize(
    ("letters", "value"),
    [("א", 1), ("יא", 11), ("טו", 15), ("טז", 16), ("יט", 19), ("כ", 20), ("ק", 100), ("קכ", 120),
     ("קכג", 123), ("ת", 400), ("תתק", 900), ('י"א', 11), ("ט״ו", 15)],
)
def test_numeral_values(letters: str, value: int) -> None:
    assert h.hebrew_numeral_value(letters) == value


@pytest.mark.parametrize("word", ["אב", "גם", "יה", "יו", "ככ", "שלום", "ךא", ""])
def test_words_that_are_not_numerals(word: str) -> None:
    assert h.hebrew_numeral_value(word) is None


@pytest.mark.parametrize("n", [1, 9, 10, 11, 14, 15, 16, 17, 20, 99, 100, 120, 399, 400, 500, 999])
def test_numeral_round_trip(n: int) -> None:
    assert h.hebrew_numeral_value(h.to_hebrew_numeral(n)) == n


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("א) רצוני בהקדמה", "א)", 1),
        ("יא) ונבאר", "יא)", 11),
        ("טו. ועתה", "טו.", 15),
        ("טז) ובזה", "טז)", 16),
        ("קכ) וזה", "קכ)", 120),
        ("12. Now let us", "12.", 12),
        ("(12) Now", "(12)", 12),
        ("Item 7 We", "Item 7", 7),
        ("אב) לא", None, None),
        ("It is known", None, None),
        ("1,000 worlds", None, None),
    ],
)
def test_parse_label(text: str, label: str | None, value: int | None) -> None:
    got_label, got_value, _ = h.parse_label(text)
    assert (got_label, got_value) == (label, value)


def test_strip_niqqud_and_cantillation() -> None:
    assert h.strip_niqqud("בְּרֵאשִׁ֖ית") == "בראשית"
    assert h.strip_niqqud("עַל־פְּנֵי") == "על פני"


def test_normalize_for_match_unifies_finals_and_gershayim() -> None:
    assert h.normalize_for_match("בי״ע") == h.normalize_for_match('בי"ע') == h.normalize_for_match("בי”ע")
    assert h.normalize_for_match("מסך") == h.normalize_for_match("מסכ")
    assert h.normalize_for_match("מָסָךְ") == "מסכ"


def test_prefixes() -> None:
    assert "מסך" in h.strip_prefixes("והמסך")
    assert "מסך" in h.strip_prefixes("שבמסך")
    assert "ראש" in h.strip_prefixes("דראש")
    assert h.strip_prefixes("אור") == ["אור"]
    assert h.strip_prefixes("לא") == ["לא"]  # never reduced below two letters


def test_hebrew_ratio() -> None:
    assert h.hebrew_ratio("שלום עולם") == 1.0
    assert h.hebrew_ratio("The Masach (מסך) rises") < 0.3
    assert h.hebrew_ratio("123 ...") == 0.0


def test_gershayim_is_not_a_quote() -> None:
    s = 'עולמות בי"ע'
    assert h.is_gershayim_at(s, s.index('"'))
    q = '"שלום"'
    assert not h.is_gershayim_at(q, 0)
    assert not h.is_gershayim_at(q, len(q) - 1)


def test_hebrew_sentences_keep_acronyms_and_labels() -> None:
    t = 'א. רצוני לברר. אמר הקב"ה שבי"ע הם בחינה ד\'. ושם ע"ב עולה'
    sents = [t[a:b] for a, b in segment.split_sentences_he(t)]
    assert sents == ["א. רצוני לברר.", 'אמר הקב"ה שבי"ע הם בחינה ד\'.', 'ושם ע"ב עולה']
