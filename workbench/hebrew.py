"""Hebrew (and Aramaic) text facts needed for matching and labels (sentences: :mod:`workbench.segment`).

Everything here is pure and fast: the aligner and the term matcher call these functions on every
paragraph, so they work on plain strings with precompiled tables rather than per-call regexes.
"""

from __future__ import annotations

import re
import unicodedata

# Cantillation U+0591-U+05AF, points U+05B0-U+05BD, U+05BF, U+05C1-U+05C2, U+05C4-U+05C5, U+05C7.
_MARKS = [*range(0x0591, 0x05BE), 0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7]
_STRIP_TABLE = {cp: None for cp in _MARKS}
# Maqaf joins words like a hyphen; for matching it separates them.
_STRIP_TABLE[0x05BE] = " "

FINALS = {"ך": "כ", "ם": "מ", "ן": "נ", "ף": "פ", "ץ": "צ"}
TO_FINAL = {v: k for k, v in FINALS.items()}
_FINAL_TABLE = str.maketrans(FINALS)

GERSHAYIM = "\u05f4"  # ״
GERESH = "\u05f3"  # ׳
# Typographic quotes that editors' word processors put where gershayim/geresh belong.
_GERESH_TABLE = str.maketrans({GERSHAYIM: '"', "\u201d": '"', "\u201c": '"', GERESH: "'", "\u2019": "'", "\u2018": "'"})

HEBREW_LETTERS = "אבגדהוזחטיכךלמםנןסעפףצץקרשת"
PREFIX_LETTERS = "הובכלמש"
ARAMAIC_CONSTRUCT = "ד"

_LETTER_VALUES = {
    "א": 1, "ב": 2, "ג": 3, "ד": 4, "ה": 5, "ו": 6, "ז": 7, "ח": 8, "ט": 9,
    "י": 10, "כ": 20, "ך": 20, "ל": 30, "מ": 40, "ם": 40, "נ": 50, "ן": 50, "ס": 60, "ע": 70,
    "פ": 80, "ף": 80, "צ": 90, "ץ": 90, "ק": 100, "ר": 200, "ש": 300, "ת": 400,
}  # fmt: skip


def is_hebrew_letter(ch: str) -> bool:
    return "\u05d0" <= ch <= "\u05ea"


def strip_niqqud(text: str) -> str:
    """Remove vowel points and cantillation; pointed and unpointed texts must match each other."""
    return text.translate(_STRIP_TABLE)


def normalize_finals(text: str) -> str:
    return text.translate(_FINAL_TABLE)


def normalize_geresh(text: str) -> str:
    """Map ״ ׳ and curly quotes to ASCII so בי״ע, בי"ע and בי”ע compare equal."""
    return text.translate(_GERESH_TABLE)


def normalize_for_match(text: str) -> str:
    """The matching key for Hebrew: no points, ASCII geresh/gershayim, no final forms."""
    return normalize_finals(normalize_geresh(strip_niqqud(unicodedata.normalize("NFC", text))))


def hebrew_ratio(text: str) -> float:
    """Share of letters that are Hebrew script (Aramaic included: the script is what we can see)."""
    letters = heb = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if "\u0590" <= ch <= "\u05ff" or "\ufb1d" <= ch <= "\ufb4f":
                heb += 1
    return heb / letters if letters else 0.0


def strip_prefixes(word: str, max_prefixes: int = 3, aramaic: bool = True) -> list[str]:
    """Every reading of ``word`` with 0..max stacked one-letter prefixes removed.

    והמסך -> [והמסך, המסך, מסך]; דראש -> [דראש, ראש]. The stem must keep at least two letters, so
    a short word is never reduced to nothing. Callers decide which reading is a known term.
    """
    out = [word]
    stem = word
    for i in range(max_prefixes):
        if len(stem) <= 2:
            break
        first = stem[0]
        if first in PREFIX_LETTERS or (aramaic and first == ARAMAIC_CONSTRUCT and i == len(out) - 1):
            stem = stem[1:]
            out.append(stem)
        else:
            break
    return out


def is_gershayim_at(text: str, i: int) -> bool:
    """True when the quote at ``text[i]`` sits between two Hebrew letters (an acronym, not a quote)."""
    return 0 < i < len(text) - 1 and is_hebrew_letter(text[i - 1]) and is_hebrew_letter(text[i + 1])


# ---------------------------------------------------------------------------------------------
# Letter numerals and item labels


def hebrew_numeral_value(letters: str) -> int | None:
    """Value of a Hebrew letter numeral (יא -> 11, טו -> 15, קכ -> 120), or None if not a numeral.

    Letters must run in non-increasing value order (טו and טז are the traditional exceptions), so
    ordinary short words such as אב or גם are not taken for numbers.
    """
    s = normalize_geresh(letters).replace('"', "").replace("'", "")
    if not s or len(s) > 5 or any(ch not in _LETTER_VALUES for ch in s):
        return None
    vals = [_LETTER_VALUES[ch] for ch in s]
    for i in range(1, len(vals)):
        if vals[i] > vals[i - 1]:
            return None
        if vals[i] == vals[i - 1] and vals[i] != 400:
            return None
    # Final forms only at the end; 15/16 are never written יה/יו.
    if any(ch in FINALS for ch in s[:-1]):
        return None
    total = sum(vals)
    if s.endswith(("יה", "יו")) and total % 100 in (15, 16):
        return None
    return total


def to_hebrew_numeral(n: int) -> str:
    if n <= 0:
        raise ValueError("Hebrew numerals start at 1")
    out = []
    n %= 1000
    while n >= 400:
        out.append("ת")
        n -= 400
    for letter, v in (("ש", 300), ("ר", 200), ("ק", 100)):
        if n >= v:
            out.append(letter)
            n -= v
    if n in (15, 16):
        out.append("ט" + ("ו" if n == 15 else "ז"))
        n = 0
    for letter, v in (("צ", 90), ("פ", 80), ("ע", 70), ("ס", 60), ("נ", 50), ("מ", 40), ("ל", 30), ("כ", 20), ("י", 10)):
        if n >= v:
            out.append(letter)
            n -= v
    if n:
        out.append("אבגדהוזחט"[n - 1])
    return "".join(out)


_HE_LABEL = re.compile(r"^\s*([\u05d0-\u05ea]{1,4}(?:[\"'\u05f3\u05f4][\u05d0-\u05ea]?)?)\s*([).])(?=\s|$)")
_NUM_LABEL = re.compile(r"^\s*(?:(\((\d{1,4})\))|((\d{1,4})[.)])|((?:Item|Par\.|Paragraph|§)\s*(\d{1,4})[.:]?))(?=\s|$)", re.I)


def parse_label(text: str) -> tuple[str | None, int | None, int]:
    """Find an item label at the start of a paragraph.

    Returns (label as written, numeric value, offset where the body starts); (None, None, 0) when
    there is none. Hebrew labels need ``)`` or ``.`` right after a valid letter numeral.
    """
    m = _HE_LABEL.match(text)
    if m:
        value = hebrew_numeral_value(m.group(1))
        if value is not None:
            label = m.group(1) + m.group(2)
            return label, value, m.end()
    m = _NUM_LABEL.match(text)
    if m:
        label = next(g for g in (m.group(1), m.group(3), m.group(5)) if g)
        value = int(next(g for g in (m.group(2), m.group(4), m.group(6)) if g))
        return label.strip(), value, m.end()
    return None, None, 0
