"""Numbers and citations shared by both sides.

A translation keeps the numbers of its source: ``(אות יד)`` / ``(par. 14)``, ``תרי"ג מצוות`` /
``613 Mitzvot``, ``ג' מצבים`` / ``three situations``, ``חקירה הד'`` / ``Fourth Inquiry``, and the
books it cites: ``(איוב ה, א)`` / ``(Job 5:1)``. Each number or cited book is a feature; the
feature join in :class:`~workbench.align.signals.base.FeatureSignal` turns rare shared ones into
strong evidence and common ones (1, 2, "first") into almost none.

Hebrew numbers are letter numerals written with geresh or gershayim (ג', י"ג, with prefixes:
הד', מי"ג), letter numerals after אות/דף/פרק/סימן, short letter numerals inside parentheses, and
digits. The item label at the start of a paragraph is not a number here (see :mod:`.labels`).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from functools import lru_cache

from workbench.align.signals.base import FeatureSignal, Unit, lower_words_of
from workbench.hebrew import (
    PREFIX_LETTERS,
    hebrew_numeral_value,
    normalize_finals,
    normalize_for_match,
    to_hebrew_numeral,
)

_DIGITS = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)?(?![\w])")
_RANGE = re.compile(r"(?<![\w.])(\d+)\s*[-–]\s*(\d+)(?![\w])")
# the look-behind finds the same tokens: where a word's first letter does not start one, none of its
# later letters does (each would reach the same end), and without it each was tried again
_GERESH_TOKEN = re.compile(r"(?<![\u05d0-\u05ea])([\u05d0-\u05ea]+)(?:\"([\u05d0-\u05ea])|')(?![\u05d0-\u05ea])")
_KEYWORD_NUM = re.compile(
    r"(?<![\u05d0-\u05ea])(?:ב|ו|ל)?(?:אות|אותיות|סעיף|סימן|דף|פרק|עמוד)\s+([\u05d0-\u05ea\"']{1,5})"
    r"(?:\s*[-–]\s*([\u05d0-\u05ea\"']{1,5}))?"
)
_KEYWORDS = ("אות", "סעיף", "סימן", "דף", "פרק", "עמוד")
_PARENS = re.compile(r"\(([^()]{1,80})\)")
_HE_WORD = re.compile(r"[\u05d0-\u05ea]+(?:[\"'][\u05d0-\u05ea]+)*'?")
# Geresh abbreviations that look like numerals: וכו' (etc.), ר' (Rabbi).
_NOT_NUMERALS = {"כו", "וכו", "ר"}
# Two-letter words that are also valid numerals; inside parentheses they are words.
_PAREN_WORDS = {normalize_finals(w) for w in ("לא", "לו", "מה", "לה", "של", "שם", "כה", "נא", "קל", "רע", "רב", "כד", "גד", "טל", "דל")}

_ONES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "twentieth": 20,
}  # fmt: skip

# canonical id: (Hebrew forms, English forms, Hebrew form unambiguous outside parentheses)
BOOKS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "genesis": (("בראשית",), ("Genesis", "Bereshit", "Bereishit"), False),
    "exodus": (("שמות",), ("Exodus", "Shemot"), False),
    "leviticus": (("ויקרא",), ("Leviticus", "Vayikra"), False),
    "numbers": (("במדבר",), ("Numbers", "Bamidbar"), False),
    "deuteronomy": (("דברים",), ("Deuteronomy", "Devarim"), False),
    "joshua": (("יהושע",), ("Joshua",), False),
    "judges": (("שופטים",), ("Judges",), False),
    "samuel": (("שמואל",), ("Samuel",), False),
    "kings": (("מלכים",), ("Kings",), False),
    "isaiah": (("ישעיה", "ישעיהו"), ("Isaiah",), True),
    "jeremiah": (("ירמיה", "ירמיהו"), ("Jeremiah",), True),
    "ezekiel": (("יחזקאל",), ("Ezekiel",), True),
    "hosea": (("הושע",), ("Hosea",), False),
    "joel": (("יואל",), ("Joel",), False),
    "amos": (("עמוס",), ("Amos",), False),
    "micah": (("מיכה",), ("Micah",), False),
    "habakkuk": (("חבקוק",), ("Habakkuk",), True),
    "zechariah": (("זכריה",), ("Zechariah",), False),
    "malachi": (("מלאכי",), ("Malachi",), False),
    "psalms": (("תהלים", "תהילים"), ("Psalms", "Psalm", "Tehilim", "Tehillim"), True),
    "proverbs": (("משלי",), ("Proverbs", "Mishlei"), False),
    "job": (("איוב",), ("Job",), True),
    "song": (("שיר השירים", 'שה"ש'), ("Song of Songs", "Song of Solomon"), True),
    "ruth": (("רות",), ("Ruth",), False),
    "lamentations": (("איכה",), ("Lamentations",), False),
    "ecclesiastes": (("קהלת",), ("Ecclesiastes", "Kohelet"), True),
    "esther": (("אסתר",), ("Esther",), False),
    "daniel": (("דניאל",), ("Daniel",), False),
    "chronicles": (("דברי הימים", 'דה"י'), ("Chronicles",), True),
    "zohar": (("זוהר", "זהר"), ("Zohar",), True),
    "tikunim": (("תיקונים", "תקונים", "תיקוני", "תקוני", 'תקו"ז', 'תיקו"ז'), ("Tikunim", "Tikkunim", "Tikunei", "Tikkunei", "Tikunae", "Tikkunei Zohar"), True),
    "avot": (("אבות",), ("Avot", "Pirkei Avot", "Ethics of the Fathers"), False),
    "berachot": (("ברכות",), ("Berachot", "Brachot", "Berakhot"), False),
    "shabbat": (("שבת",), ("Shabbat",), False),
    "pesachim": (("פסחים",), ("Pesachim",), False),
    "yoma": (("יומא",), ("Yoma",), False),
    "sukkah": (("סוכה",), ("Sukkah",), False),
    "taanit": (("תענית",), ("Taanit", "Ta'anit"), False),
    "megillah": (("מגילה",), ("Megillah",), False),
    "chagigah": (("חגיגה",), ("Chagigah", "Hagigah"), False),
    "yevamot": (("יבמות",), ("Yevamot",), False),
    "ketubot": (("כתובות",), ("Ketubot",), False),
    "sotah": (("סוטה",), ("Sotah",), False),
    "kiddushin": (("קידושין", "קדושין"), ("Kiddushin",), False),
    "sanhedrin": (("סנהדרין",), ("Sanhedrin",), True),
    "menachot": (("מנחות",), ("Menachot",), False),
    "chulin": (("חולין",), ("Chulin", "Hullin"), False),
    "niddah": (("נדה",), ("Niddah",), False),
    "midrash": (("מדרש", "במדרש"), ("Midrash",), True),
    "rabbah": (("רבה",), ("Rabbah", "Raba"), False),
    "etz_chaim": (('ע"ח', "עץ חיים", "עץ החיים"), ("Etz Chaim", "Etz Chayim", "Tree of Life"), True),
    "tes": (('תע"ס', "תלמוד עשר הספירות"), ("Talmud Eser Sefirot", "Study of the Ten Sefirot"), True),
}

_EN_BOOK = re.compile(
    r"\b("
    + "|".join(sorted({re.escape(f) for _h, en, _u in BOOKS.values() for f in en}, key=len, reverse=True))
    + r")\b"
)
_EN_BOOK_ID = {f: k for k, (_h, en, _u) in BOOKS.items() for f in en}
_HE_BOOK_ID: dict[str, tuple[str, bool]] = {}
for _k, (_he, _en, _u) in BOOKS.items():
    for _f in _he:
        _HE_BOOK_ID[normalize_for_match(_f)] = (_k, _u)

_HE_TOKEN = re.compile(r"[\u05d0-\u05ea]+(?:\"[\u05d0-\u05ea]+)?")
# every single-word book name with up to two prefix letters in front (ובזוהר, כבתהלים)
_HE_PREFIXED: dict[str, tuple[str, bool]] = {}
for _f, (_k, _u) in _HE_BOOK_ID.items():
    if " " in _f or '"' in _f:
        continue
    for _p in ["", *"הובכלמשד", *(a + b for a in "הובכלמשד" for b in "הובכלמשד")]:
        _HE_PREFIXED.setdefault(_p + _f, (_k, _u))
_HE_MULTI = [(f, k) for f, (k, _u) in _HE_BOOK_ID.items() if " " in f or '"' in f]
_HE_UNAMBIGUOUS = tuple(f for f, (_k, u) in _HE_BOOK_ID.items() if u and " " not in f and '"' not in f)
_HE_MULTI_ANYWHERE = [(f, k) for f, (k, u) in _HE_BOOK_ID.items() if (" " in f or '"' in f) and u]
_CAP_WORD = re.compile(r"\b[A-Z][A-Za-z']+")
_EN_FIRST_WORDS = {f.split()[0] for _h, en, _u in BOOKS.values() for f in en}

@lru_cache(maxsize=8192)
def _canonical_value(letters: str) -> int | None:
    """Value of a letter numeral written the standard way (so words like הד or כו are not numbers),
    after up to three prefix letters (הד' = the 4th, מי"ג = from 13)."""
    for k in range(min(3, len(letters) - 1) + 1):
        if k and letters[k - 1] not in PREFIX_LETTERS:
            break
        r = letters[k:]
        if r in _NOT_NUMERALS:
            return None
        v = hebrew_numeral_value(r)
        if v is not None and to_hebrew_numeral(v) == normalize_finals(r):
            return v
    return None


def hebrew_numbers(text: str, normalized: bool = False) -> list[int]:
    """Numbers written in Hebrew/Aramaic text (letter numerals and digits).

    ``normalized``: the text is already in :func:`~workbench.hebrew.normalize_for_match` form.
    """
    t = text if normalized else normalize_for_match(text)
    out: list[int] = []
    quoted = "'" in t or '"' in t
    keyword = any(k in t for k in _KEYWORDS)
    if not quoted and "(" not in t and not keyword:
        return _digits(t)
    # each pattern only where what it needs is in the text (a geresh, a keyword, a parenthesis)
    for letters in _geresh_tokens(t) if quoted else ():
        v = _canonical_value(letters)
        if v is not None:
            out.append(v)
    for m in _keyword_matches(t) if keyword else ():
        for g in (m.group(1), m.group(2)):
            if g:
                v = _canonical_value(g.replace('"', "").replace("'", ""))
                if v is not None:
                    out.append(v)
    for m in _PARENS.finditer(t) if "(" in t else ():
        for w in _HE_WORD.findall(m.group(1)):
            if '"' in w or "'" in w or len(w) > 3 or w in _PAREN_WORDS:
                continue
            v = hebrew_numeral_value(w)
            if v is not None and to_hebrew_numeral(v) == w:
                out.append(v)
    out += _digits(t)
    return out


_QUOTE = re.compile("['\"]")
_HE_LETTERS = frozenset(chr(c) for c in range(0x05D0, 0x05EB))


def _geresh_tokens(t: str) -> list[str]:
    """The letters of every ``_GERESH_TOKEN`` of ``t`` (``m.group(1) + (m.group(2) or "")``), in
    order, the pattern tried only where a token can start: at the first letter of the word before
    each geresh or gershayim (the pattern's own search tries every letter of every word)."""
    out: list[str] = []
    end = 0
    for q in _QUOTE.finditer(t):
        k = q.start()
        while k > end and t[k - 1] in _HE_LETTERS:
            k -= 1
        # a word that reaches back into the last token, or no word at all, starts none
        if k == q.start() or (k == end and k and t[k - 1] in _HE_LETTERS):
            continue
        m = _GERESH_TOKEN.match(t, k)
        if m is not None:
            out.append(m.group(1) + (m.group(2) or ""))
            end = m.end()
    return out


def _keyword_matches(t: str) -> list[re.Match[str]]:
    """``list(_KEYWORD_NUM.finditer(t))``, the pattern tried only where a match can start: at each
    keyword, or the prefix letter before it (found with ``str.find``, much faster than the pattern's
    own search through every letter)."""
    starts: set[int] = set()
    for k in _KEYWORDS:
        p = t.find(k)
        while p >= 0:
            starts.add(p)
            if p and t[p - 1] in "בול":
                starts.add(p - 1)
            p = t.find(k, p + 1)
    out: list[re.Match[str]] = []
    end = 0
    for p in sorted(starts):
        if p < end:
            continue
        m = _KEYWORD_NUM.match(t, p)
        if m is not None:
            out.append(m)
            end = m.end()
    return out


_ANY_DIGIT = re.compile(r"\d")


def _digits(text: str) -> list[int]:
    if not _ANY_DIGIT.search(text):
        return []
    out = []
    for m in _RANGE.finditer(text) if "-" in text or "\u2013" in text else ():
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 50:
            out += list(range(a + 1, b))  # the ends are found below
    for m in _DIGITS.finditer(text):
        out.append(int(m.group(1).replace(",", "")))
    return out


_ALL_WORDS = {**_ONES, **_TENS, **_ORDINALS}
_EN_TOKEN = re.compile(r"[a-z]+(?:-[a-z]+)?")


def english_numbers(text: str, words: list[str] | None = None) -> list[int]:
    """Numbers in English text: digits, number words (seventy, twenty-one, six thousand) and ordinals.

    ``words``: the text's ``_EN_TOKEN`` words if split already (a unit's ``lower_words_of``)."""
    out = _digits(text)
    if words is None:
        words = _EN_TOKEN.findall(text.lower())
    if _ALL_WORDS.keys().isdisjoint(words) and not any("-" in w for w in words):
        return out
    hits = [k for k, w in enumerate(words) if w in _ALL_WORDS or ("-" in w and w.partition("-")[0] in _TENS)]
    for k in hits:
        w = words[k]
        if "-" in w:
            a, _, b = w.partition("-")
            unit = _ONES.get(b, _ORDINALS.get(b))
            if unit is None or unit >= 10:
                continue
            v = _TENS[a] + unit
        else:
            v = _ALL_WORDS[w]
        if k + 1 < len(words) and words[k + 1] in ("hundred", "thousand"):
            v *= 100 if words[k + 1] == "hundred" else 1000
        out.append(v)
    return out


def hebrew_citations(text: str, normalized: bool = False) -> set[str]:
    """Books cited in Hebrew text (inside parentheses, or anywhere for unambiguous names)."""
    t = text if normalized else normalize_for_match(text)
    found: set[str] = set()
    # a word that names a book unambiguously holds one of these names: most paragraphs hold none,
    # and need not be split into words for it
    if any(f in t for f in _HE_UNAMBIGUOUS):
        found = {_HE_PREFIXED[w][0] for w in _HE_TOKEN.findall(t) if w in _HE_PREFIXED and _HE_PREFIXED[w][1]}
    if "(" in t:
        for p in _PARENS.finditer(t):
            inner = p.group(1)
            found |= {_HE_PREFIXED[w][0] for w in _HE_TOKEN.findall(inner) if w in _HE_PREFIXED}
            found |= {k for f, k in _HE_MULTI if f in inner}
    found |= {k for f, k in _HE_MULTI_ANYWHERE if f in t}
    return found


# any book's first word anywhere in a text (a capitalised word can only be one where this finds it):
# most paragraphs hold none, and need not be split into words for it
_EN_FIRST_ANY = re.compile("|".join(sorted(map(re.escape, _EN_FIRST_WORDS))))


def english_citations(text: str) -> set[str]:
    if not _EN_FIRST_ANY.search(text):
        return set()
    caps = set(_CAP_WORD.findall(text))
    if not caps & _EN_FIRST_WORDS:
        return set()
    return {_EN_BOOK_ID[m.group(1)] for m in _EN_BOOK.finditer(text)}


class NumberSignal(FeatureSignal):
    """Shared numbers and cited books (see the module docstring)."""

    q = 0.6
    cap = 5.0

    def __init__(self, weight: float = 1.0, citations: bool = True, labels: bool = True, name: str = "numbers") -> None:
        self.weight = weight
        self.citations = citations
        self.labels = labels
        self.name = name

    def features(self, unit: Unit, side: str) -> Mapping[Hashable, float]:
        nums = (hebrew_numbers(unit.norm, normalized=True) if unit.hebrew
                else english_numbers(unit.body, lower_words_of(unit)))  # fmt: skip
        feats: dict[Hashable, float] = {("n", v): (0.6 if v <= 3 else 1.0) for v in nums}
        if self.labels and unit.label_value is not None:
            # An item number on one side is often a plain number on the other ("1. What is our
            # essence?" / "שאלה א': מה מהותנו"); the label signal covers labels on both sides.
            feats.setdefault(("n", unit.label_value), 0.5)
        if self.citations:
            books = hebrew_citations(unit.norm, normalized=True) if unit.hebrew else english_citations(unit.body)
            feats.update({("c", b): 1.0 for b in books})
        return feats
