"""Verses of the Hebrew Bible quoted in a Hebrew or Aramaic text, and verse references in English.

Baal HaSulam, the Zohar, the Talmud and the Mishnah quote verses without saying where they come
from (``דכתיב כי אראה שמיך מעשה אצבעותיך``); their English editions add the reference ("(Psalms
8:4)"). A quoted verse found on one side and its reference on the other is a rare, exact anchor
between two paragraphs, and where the translation names verses a source paragraph quotes, a
translation that names none of them is not that paragraph's (a dropped translation folded into its
neighbour's link). :class:`~workbench.align.signals.quotes.QuotationSignal` turns both into
features; this module finds them. Pure functions over strings and the bundled verse index.

The index (``data/tanakh.tsv.gz``, built by ``tests/bench/build_tanakh.py``) is the consonantal
text of the Westminster Leningrad Codex (public domain) from the Open Scriptures Hebrew Bible (CC
BY 4.0; ``data/ATTRIBUTION.md``). Quotations are matched on a spelling *skeleton* of each word,
because rabbinic texts quote in full spelling what the codex writes defectively (אצבעותיך /
אצבעתיך), change a construct ending (מעשה / מעשי) and write the divine name as ה' or יי: the
skeleton drops ו and י, then one final ה or א, and maps the name's forms to one token. Two and
three consecutive skeletons are shingles; a verse counts as quoted when two of its three-word
shingles are found (a run of four words or more), or one where the verse itself has at most five
words, or where any of its shingles is long (``_SURE_LETTERS``) and in no more than two verses (the
Talmud quotes two or three words: בשכבך ובקומך, ובא השמש וטהר). A shingle in more than ``_COMMON``
verses (formulas: ויאמר ה' אל משה) is no evidence of any of them. A false find costs little: it is
evidence only where a paragraph nearby gives that verse's reference.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources

import numpy as np

from workbench.hebrew import normalize_finals

#: a shingle found in more verses than this is a formula, not a quotation
_COMMON = 4
#: the letters (of the skeletons) of a shingle that is a quotation by itself where one or two verses have it
_SURE_LETTERS = 9
#: the bits of the index's bitmap (4 MB: about one shingle in ten that is in no verse passes it)
_BITS = 22
_MASK = np.uint64((1 << _BITS) - 1)
_HE_WORD = re.compile(r"[\u05d0-\u05ea]+(?:['\"][\u05d0-\u05ea]+)*'?")
# (not ד': in Baal HaSulam and the commentaries it is the numeral four, ד' בחינות, far more often)
_NAME_FORMS = {"יהוה": "ה'", "ה'": "ה'", "יי": "ה'", "יקוק": "ה'", "הויה": "ה'", "אלקים": "אלהים"}
_NAME_WORDS = frozenset(_NAME_FORMS)


def skeleton(word: str) -> str:
    """The spelling-independent form of a normalized Hebrew word (see the module docstring)."""
    return skeletons([word])[0]


def skeletons(words: list[str]) -> list[str]:
    """:func:`skeleton` of each word, the text translated at once (a paragraph's words, 0.1 ms)."""
    named = [_NAME_FORMS.get(w, w) for w in words] if _NAME_WORDS.intersection(words) else words
    # str.replace is several times faster than str.translate on Hebrew text
    out = " ".join(named).replace("ו", "").replace("י", "").replace("'", "").replace('"', "").split(" ")
    return [w[:-1] if len(w) > 2 and w[-1] in "הא" else w for w in out]


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _shingle_keys(skels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The keys of every run of three skeletons, then of every run of two (each word hashed once, the
    runs mixed in numpy), and each run's letters."""
    h = np.array([hash(w) for w in skels], dtype=np.int64).view(np.uint64)
    n = np.array([len(w) for w in skels], dtype=np.int64)
    two = h[:-1] * _MIX + h[1:]
    three = two[:-1] * _MIX + h[2:]
    return np.concatenate([three, two]), np.concatenate([n[:-2] + n[1:-1] + n[2:], n[:-1] + n[1:]])


class VerseIndex:
    """Every two- and three-word shingle of the codex, sorted by its hash, with the verse it is in."""

    def __init__(self, rows: list[tuple[str, int, int, str]]) -> None:
        """``rows``: (book, chapter, verse, the verse's consonants)."""
        self.refs = [(b, c, v) for b, c, v, _t in rows]
        self.words = np.zeros(len(rows), dtype=np.int32)
        keys: list[np.ndarray] = []
        ids: list[int] = []
        for k, (_b, _c, _v, text) in enumerate(rows):
            skels = skeletons(normalize_finals(text).split())
            self.words[k] = len(skels)
            if len(skels) >= 2:
                keys.append(_shingle_keys(skels)[0])
                ids += [k] * (2 * len(skels) - 3)
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
        vid = np.array(ids, dtype=np.int32)
        # each shingle once a verse, sorted by key; a shingle in many verses says nothing: drop it
        order = np.lexsort((vid, key))
        key, vid = key[order], vid[order]
        first = np.ones(key.size, dtype=bool)
        first[1:] = (key[1:] != key[:-1]) | (vid[1:] != vid[:-1])
        key, vid = key[first], vid[first]
        _uniq, count = np.unique(key, return_counts=True)
        keep = np.repeat(count <= _COMMON, count)
        self.keys, self.ids = key[keep], vid[keep]
        # a bitmap of the keys' low bits: most shingles of a paragraph are in no verse, and the
        # bitmap says so without a binary search in the whole index
        self.bits = np.zeros(1 << _BITS, dtype=bool)
        self.bits[self.keys & _MASK] = True

    def quoted(self, norm_text: str) -> list[tuple[str, int, int]]:
        """The verses quoted in a Hebrew text already in matching form (``normalize_for_match``)."""
        return self.quoted_words(_HE_WORD.findall(norm_text))

    def quoted_words(self, words: list[str]) -> list[tuple[str, int, int]]:
        """The same for a text's words (a trailing geresh kept or not: the skeletons drop it)."""
        if len(words) < 2 or not self.keys.size:
            return []
        skels = skeletons(words)
        h, letters = _shingle_keys(skels)
        threes = max(len(skels) - 2, 0)
        maybe = np.flatnonzero(self.bits[h & _MASK])
        if not maybe.size:
            return []
        lo = np.searchsorted(self.keys, h[maybe])
        ok = self.keys[np.minimum(lo, self.keys.size - 1)] == h[maybe]
        hits: dict[int, int] = {}
        verses: set[int] = set()
        for k, a in zip(maybe[ok].tolist(), lo[ok].tolist(), strict=True):
            b = a + 1
            while b < self.keys.size and self.keys[b] == h[k]:
                b += 1
            vids = self.ids[a:b].tolist()
            # a long shingle of one or two verses is a quotation by itself (the Talmud quotes two or
            # three words of a verse: ובא השמש וטהר, בשכבך ובקומך)
            if b - a <= 2 and letters[k] >= _SURE_LETTERS:
                verses.update(vids)
            if k < threes:
                for vid in vids:
                    hits[vid] = hits.get(vid, 0) + 1
        verses.update(v for v, n in hits.items() if n >= 2 or self.words[v] <= 5)
        return [self.refs[v] for v in sorted(verses)]


@cache
def verse_index() -> VerseIndex:
    """The bundled index, built once a process (about half a second) and only when asked for."""
    data = resources.files("workbench.align").joinpath("data", "tanakh.tsv.gz").read_bytes()
    rows = []
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        b, c, v, t = line.split("\t")
        rows.append((b, int(c), int(v), t))
    return VerseIndex(rows)


#: English names and abbreviations of each book (OSIS ids); a numbered book's bare name ("Kings")
#: stands for both of its books
_EN_NAMES: dict[str, tuple[str, ...]] = {
    "Gen": ("Genesis", "Gen", "Bereshit", "Bereishit", "Beresheet", "Bereishis"),
    "Exod": ("Exodus", "Exod", "Ex", "Shemot", "Shmot", "Shemos"),
    "Lev": ("Leviticus", "Lev", "Vayikra"), "Num": ("Numbers", "Num", "Bamidbar", "Bemidbar"),
    "Deut": ("Deuteronomy", "Deut", "Dt", "Devarim", "Dvarim"), "Josh": ("Joshua", "Josh", "Yehoshua"),
    "Judg": ("Judges", "Judg", "Shoftim"), "Sam": ("Samuel", "Sam", "Shmuel", "Shemuel"),
    "Kgs": ("Kings", "Kgs", "Melachim", "Melakhim"),
    "Isa": ("Isaiah", "Isa", "Is", "Yeshayahu", "Yeshaya"), "Jer": ("Jeremiah", "Jer", "Yirmiyahu", "Yirmeyahu"),
    "Ezek": ("Ezekiel", "Ezek", "Yechezkel", "Yehezkel"), "Hos": ("Hosea", "Hos", "Hoshea"), "Joel": ("Joel", "Yoel"),
    "Amos": ("Amos",), "Obad": ("Obadiah", "Obad", "Ovadiah"), "Jonah": ("Jonah", "Yonah"),
    "Mic": ("Micah", "Mic", "Michah"), "Nah": ("Nahum", "Nah", "Nachum"), "Hab": ("Habakkuk", "Hab", "Chavakuk"),
    "Zeph": ("Zephaniah", "Zeph", "Tzefaniah"), "Hag": ("Haggai", "Hag", "Chaggai"), "Zech": ("Zechariah", "Zech"),
    "Mal": ("Malachi", "Mal"), "Ps": ("Psalms", "Psalm", "Ps", "Psa", "Tehillim", "Tehilim"),
    "Prov": ("Proverbs", "Prov", "Mishlei", "Mishle"), "Job": ("Job", "Iyov"),
    "Song": ("Song of Songs", "Song of Solomon", "Song", "Canticles", "Shir HaShirim", "Shir Hashirim"),
    "Ruth": ("Ruth", "Rut"), "Lam": ("Lamentations", "Lam", "Eichah", "Eicha"),
    "Eccl": ("Ecclesiastes", "Eccl", "Kohelet", "Koheleth", "Qohelet"),
    "Esth": ("Esther", "Esth"), "Dan": ("Daniel", "Dan"), "Ezra": ("Ezra",), "Neh": ("Nehemiah", "Neh", "Nechemiah"),
    "Chr": ("Chronicles", "Chron", "Chr", "Divrei HaYamim", "Divrei Hayamim"),
}  # fmt: skip
_NUMBERED = {"Sam", "Kgs", "Chr"}
_EN_BOOK_OF = {name.lower(): book for book, names in _EN_NAMES.items() for name in names}
_EN_REF = re.compile(
    r"(?<![\w])(?:(?P<n>[12]|I{1,2}|First|Second|1st|2nd)\s*)?"
    r"(?P<book>" + "|".join(sorted((re.escape(n) for ns in _EN_NAMES.values() for n in ns), key=len, reverse=True))
    + r")(?:\s+(?P<n2>I{1,2}|[12])(?=\s+\d))?\.?\s+(?P<c>\d{1,3})(?:\s*[:.,]\s*(?P<v>\d{1,3})(?:\s*[-–]\s*(?P<v2>\d{1,3})(?![:\d]))?)?(?![\w:])"
)
# a book's name right after one of these names a portion of that book (the Zohar's, a midrash's)
_NOT_A_VERSE = re.compile(r"(?:Zohar|Midrash|Rabbah|Tikkun|Tikkunei|Tanchuma|Yalkut)[^.;()\[\]]{0,12}$")
# a reference needs a digit after a capitalised name: most paragraphs hold no digit at all
_DIGIT = re.compile(r"\d")


def english_references(text: str) -> list[tuple[str, int, int | None]]:
    """Verse references in English text: (OSIS book, chapter, verse or None for a whole chapter).

    "Psalms 8:4", "(Ps. 42:5)", "Deuteronomy 6:4-9" (each verse), "I Chronicles 28:9", "Isaiah 6".
    Only names written with a capital count ("job 5" is not a reference)."""
    if not _DIGIT.search(text):
        return []
    out: list[tuple[str, int, int | None]] = []
    for m in _EN_REF.finditer(text):
        name = m.group("book")
        if not name[0].isupper():
            continue
        book = _EN_BOOK_OF[name.lower()]
        if _NOT_A_VERSE.search(text[max(0, m.start() - 24) : m.start()]):
            continue  # "Zohar, Beresheet 1:23", "Midrash Rabbah, Shemot 2": a portion, not the book
        c = int(m.group("c"))
        if m.group("v") is None:
            # a bare number after a short name is too often something else ("Job 5 times")
            if len(name) < 4 and "(" not in text[max(0, m.start() - 2) : m.start() + 1]:
                continue
            verses: list[int | None] = [None]
        else:
            v = int(m.group("v"))
            v2 = int(m.group("v2")) if m.group("v2") else v
            verses = list(range(v, v2 + 1)) if v <= v2 <= v + 20 else [v]
        if book in _NUMBERED:
            n = m.group("n") or m.group("n2")
            which = ["1" if n in ("1", "I", "First", "1st") else "2"] if n else ["1", "2"]
            books = [w + book for w in which]
        else:
            books = [book]
        out += [(b, c, v) for b in books for v in verses]
    return out
