"""Consonant-skeleton matching of a Latin-script transliteration against a Hebrew/Aramaic word.

``skeleton_match("Masach", "מסך") -> 1.0``. Transliterations disagree on vowels, doubling and the
spelling of gutturals (Hochma, Chochmah, Ḥokhma), but they keep the consonants in order. So a Latin
word is cut into clusters (``sh``, ``tz``, ``ch`` ...), each cluster may stand for a small set of
Hebrew letters, vowels may stand for a mater lectionis (א ע ה ו י) or for nothing, and the Hebrew
weak letters may go unwritten in the Latin.

Two entry points:

- :func:`skeleton_match` scores one word pair (0.0 = impossible, 1.0 = every letter accounted for);
- :func:`latin_keys` / :func:`hebrew_keys` give *blocking keys*: the sequence of strong-consonant
  classes. Two words can only match if they share a key, so a matcher indexes thousands of words by
  key and runs :func:`skeleton_match` only on the few candidates (the aligner uses the keys alone).

Pure functions over strings; no I/O. Reused by the terms work (discovery of transliterated terms).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from workbench.hebrew import normalize_for_match, strip_prefixes

# Hebrew letters that a transliteration may leave out (matres lectionis and gutturals).
WEAK = frozenset("אעהוי")

# Latin cluster -> Hebrew letters it can stand for ("" in the set: it may stand for nothing).
_VOWEL = frozenset("אעהוי") | {""}
CLUSTERS: dict[str, frozenset[str]] = {
    "tch": frozenset("צ"),
    "sch": frozenset("ש"),
    "sh": frozenset("ש"),
    "zh": frozenset("ז"),
    "ch": frozenset("חכה"),
    "kh": frozenset("חכ"),
    "tz": frozenset("צ"),
    "ts": frozenset("צ"),
    "ph": frozenset("פ"),
    "th": frozenset("ת"),
    "h": frozenset("חכה"),
    "v": frozenset("בו"),
    "b": frozenset("ב"),
    "k": frozenset("כק"),
    "q": frozenset("ק"),
    "c": frozenset("כקסח"),
    "t": frozenset("תט"),
    "s": frozenset("סש"),
    "z": frozenset("ז"),
    "p": frozenset("פ"),
    "f": frozenset("פ"),
    "g": frozenset("ג"),
    "j": frozenset("גי"),
    "d": frozenset("ד"),
    "l": frozenset("ל"),
    "m": frozenset("מ"),
    "n": frozenset("נ"),
    "r": frozenset("ר"),
    "x": frozenset("כ"),  # x = k+s: the s follows as its own cluster (see _clusters)
    "w": frozenset("ו") | {""},
    "y": frozenset("י") | {""},
    "'": frozenset("אע") | {""},
    "a": _VOWEL,
    "e": _VOWEL,
    "i": _VOWEL,
    "o": _VOWEL,
    "u": _VOWEL,
}
_CLUSTER_RE = re.compile("|".join(sorted((re.escape(k) for k in CLUSTERS), key=len, reverse=True)))

# Strong-consonant classes for blocking keys: letters a Latin cluster cannot tell apart share a class.
HEBREW_CLASS = {
    "ב": "B", "ג": "G", "ד": "D", "ז": "Z", "ח": "K", "כ": "K", "ק": "K", "ט": "T", "ת": "T",
    "ל": "L", "מ": "M", "נ": "N", "ס": "S", "ש": "S", "פ": "P", "צ": "C", "ר": "R",
}  # fmt: skip
# Latin cluster -> possible classes ("" = the cluster may stand for a weak letter or nothing).
_LATIN_CLASS: dict[str, tuple[str, ...]] = {}
for _k, _letters in CLUSTERS.items():
    _opts = {HEBREW_CLASS.get(ch, "") for ch in _letters}
    _LATIN_CLASS[_k] = tuple(sorted(_opts))

_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+(?:['\u2019][A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+)*")
_HEBREW_WORD = re.compile(r"[\u05d0-\u05ea\u0591-\u05c7]+(?:[\"'\u05f3\u05f4][\u05d0-\u05ea\u0591-\u05c7]+)*")
_MAX_KEYS = 32
LATIN_SUFFIXES = ("im", "ot", "os", "es", "s")
# In matching form (final letters normalised): יות ים ות ין.
HEBREW_SUFFIXES = ("יות", "ימ", "ות", "ינ")


def ascii_fold(word: str) -> str:
    """Lower-case ASCII form of a transliteration: Ḥokhma -> hokhma, Ta’anit -> ta'anit."""
    word = word.replace("\u2019", "'").replace("\u02bc", "'").replace("\u2018", "'")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if ch.isascii()).lower()


def _clusters(latin: str) -> list[str]:
    s = ascii_fold(latin)
    s = re.sub(r"[^a-z']", "", s)
    # Doubled consonants are one sound (Kabbalah, Tikkun); doubled vowels stay (they may be two matres).
    s = re.sub(r"([b-df-hj-np-tv-z])\1+", r"\1", s)
    out: list[str] = []
    for m in _CLUSTER_RE.finditer(s):
        c = m.group(0)
        if c == "x":
            out += ["x", "s"]
        else:
            out.append(c)
    return out


def hebrew_letters(word: str) -> str:
    """The matching form of a Hebrew word: no points, no final forms, letters only."""
    return "".join(ch for ch in normalize_for_match(word) if "\u05d0" <= ch <= "\u05ea")


@lru_cache(maxsize=65536)
def skeleton_match(latin_word: str, hebrew_word: str) -> float:
    """How well ``latin_word`` transliterates ``hebrew_word``: 0.0 (cannot) to 1.0 (every letter fits).

    Every Latin consonant cluster must stand for the Hebrew letter in its position and every strong
    Hebrew letter must be written; vowels may stand for a weak letter (א ע ה ו י) or for nothing, and
    a weak letter left unwritten costs a little. The Hebrew word is taken as given (call it once per
    reading of :func:`workbench.hebrew.strip_prefixes`, or use :func:`best_skeleton_match`).

    >>> skeleton_match("Masach", "מסך"), skeleton_match("Zivug", "זווג") > 0.8
    (1.0, True)
    >>> skeleton_match("Masach", "מלך")
    0.0
    """
    cl = _clusters(latin_word)
    he = hebrew_letters(hebrew_word)
    if not cl or not he:
        return 0.0
    n, m = len(cl), len(he)
    inf = 10**9
    # cost[i][j]: best penalty having used i clusters and j Hebrew letters.
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c >= inf:
                continue
            if j < m and he[j] in WEAK and cost[i][j + 1] > c + 2:
                cost[i][j + 1] = c + 2  # a weak letter nobody wrote
            if i < n:
                opts = CLUSTERS[cl[i]]
                if "" in opts and cost[i + 1][j] > c:
                    cost[i + 1][j] = c  # a vowel standing for nothing
                if j < m and he[j] in opts and cost[i + 1][j + 1] > c:
                    cost[i + 1][j + 1] = c
    best = cost[n][m]
    if best >= inf:
        return 0.0
    strong = sum(ch not in WEAK for ch in he)
    if strong == 0:
        return 0.0
    return max(0.0, 1.0 - best / (2.0 * (m + 1)))


def best_skeleton_match(latin_word: str, hebrew_word: str) -> float:
    """:func:`skeleton_match` over the prefix readings of the Hebrew word (והמסך ~ Masach).

    Singular and plural meet at a small discount: Partzuf ~ פרצופים scores 0.9.
    """
    he = hebrew_letters(hebrew_word)
    best = 0.0
    latin_stem = _latin_stem(latin_word)
    for r in strip_prefixes(he):
        best = max(best, skeleton_match(latin_word, r))
        if best == 1.0:
            return best
        stem = _hebrew_stem(r)
        for lw, hw in ((latin_stem, r), (latin_word, stem), (latin_stem, stem)):
            if lw and hw:
                best = max(best, 0.9 * skeleton_match(lw, hw))
    return best


def _latin_stem(word: str) -> str | None:
    folded = ascii_fold(word).replace("'", "")
    for suf in LATIN_SUFFIXES:
        if folded.endswith(suf) and len(folded) - len(suf) >= 3:
            return folded[: -len(suf)]
    return None


def _hebrew_stem(letters: str) -> str | None:
    for suf in HEBREW_SUFFIXES:
        if letters.endswith(suf) and len(letters) - len(suf) >= 2:
            return letters[: -len(suf)]
    return None


@lru_cache(maxsize=65536)
def latin_keys(latin_word: str, stems: bool = True) -> frozenset[str]:
    """Blocking keys of a transliteration: its strong-consonant class sequences.

    ``Zivug`` -> {"ZG", "ZBG"} (v may be ב or ו); with ``stems`` also the keys of the word without a
    plural ending (Partzufim -> PRCP as well as PRCPM), so singular and plural forms meet.
    """
    keys = _expand(_clusters(latin_word))
    stem = _latin_stem(latin_word) if stems else None
    if stem:
        keys |= _expand(_clusters(stem))
    return frozenset(k for k in keys if k)


def _expand(clusters: list[str]) -> set[str]:
    keys = {""}
    for c in clusters:
        opts = _LATIN_CLASS[c]
        if len(opts) == 1:
            keys = {k + opts[0] for k in keys}
        else:
            keys = {k + o for k in keys for o in opts}
            if len(keys) > _MAX_KEYS:
                return set()  # too ambiguous to be evidence of anything
    return keys


def hebrew_key(hebrew_word: str) -> str:
    """Strong-consonant class sequence of one Hebrew reading: פרצופים -> PRCPM."""
    return "".join(HEBREW_CLASS.get(ch, "") for ch in hebrew_letters(hebrew_word))


@lru_cache(maxsize=131072)
def hebrew_keys(hebrew_word: str, stems: bool = True) -> frozenset[str]:
    """Keys of every prefix reading of a Hebrew word (ובמסך -> BMSK, MSK), plus plural-less stems."""
    he = hebrew_letters(hebrew_word)
    out: set[str] = set()
    for r in strip_prefixes(he):
        out.add(hebrew_key(r))
        stem = _hebrew_stem(r) if stems else None
        if stem:
            out.add(hebrew_key(stem))
    return frozenset(k for k in out if k)


@lru_cache(maxsize=131072)
def hebrew_yod_keys(hebrew_word: str) -> frozenset[str]:
    """Keys of the prefix readings that start with a yod and hold one strong consonant: יוסי -> yS,
    ויהודה -> yD.

    A name of one strong consonant has no key of two (יוסי is S alone), and a key of one letter
    meets half of any text by chance; but a yod that starts a word is a consonant, the Y every
    transliteration writes (Yose, Yosi, Yehuda, Yehoshua), so it is kept as a class of its own
    there. Readings of three letters and more (יד is a word, not a name)."""
    out: set[str] = set()
    for r in strip_prefixes(hebrew_letters(hebrew_word)):
        if len(r) >= 3 and r[0] == "י":
            key = hebrew_key(r)
            if len(key) == 1:
                out.add("y" + key)
    return frozenset(out)


@lru_cache(maxsize=65536)
def latin_yod_keys(latin_word: str) -> frozenset[str]:
    """The same for a transliteration that starts with Y and a vowel: Yose -> yS, Yehuda -> yD
    (see :func:`hebrew_yod_keys`; a J is left out: Judah and Joshua are translations, and
    capitalised English words start with it)."""
    folded = ascii_fold(latin_word)
    if len(folded) < 3 or folded[0] != "y" or folded[1] not in "aeiou":
        return frozenset()
    return frozenset("y" + k for k in latin_keys(latin_word) if len(k) == 1)


def latin_words(text: str) -> list[str]:
    return _LATIN_WORD.findall(text)


def hebrew_words(text: str) -> list[str]:
    return _HEBREW_WORD.findall(text)
