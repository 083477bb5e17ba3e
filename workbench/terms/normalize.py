"""Matching keys for the two sides, with an exact way back to the original offsets.

Both key functions return ``(key, offsets)``. When the key has the same length as the text
(the usual case: no combining marks, no vowel points) ``offsets`` is ``None`` and key index ``i`` is
text index ``i``. Otherwise ``offsets`` has ``len(key) + 1`` entries: ``offsets[i]`` is the text
index of key character ``i`` and ``offsets[len(key)]`` is ``len(text)``, so a key span ``[a, b)``
maps to the text span ``[offsets[a], offsets[b])``.

Keys only ever contain word characters and single spaces in place of everything else, so
``"Peh de-Rosh"`` and ``"Peh de Rosh"`` share the key ``"peh de rosh"``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from encodings import cp1252, cp1255
from functools import lru_cache
from itertools import compress
from operator import not_

from workbench.hebrew import FINALS, GERESH, GERSHAYIM

# --------------------------------------------------------------------------------------------
# English (any Latin-script target language)

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_EN_NONWORD = re.compile(r"[\W_]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Precomposed Latin letters -> their base letter (Ḥ -> H, é -> e): one char for one char."""
    table: dict[int, str] = {}
    for lo, hi in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for cp in range(lo, hi):
            ch = chr(cp)
            base = unicodedata.normalize("NFD", ch)[0]
            if base != ch and base.isascii() and base.isalpha():
                table[cp] = base
    table.update({ord("ß"): "s", ord("ø"): "o", ord("Ø"): "O", ord("ł"): "l", ord("Ł"): "L", ord("đ"): "d"})
    return table


@lru_cache(maxsize=2)
def _en_table(fold: bool) -> dict[int, str]:
    """One translate table: every non-alphanumeric character below U+3000 -> space (and, with
    ``fold``, precomposed letters -> base letter). A table pass is faster than a regex over 1 M words."""
    table: dict[int, str] = {i: " " for i in range(0x3000) if not chr(i).isalnum()}
    if fold:
        table.update(_fold_table())
    return table


def _byte_table(table: dict[int, str], encoding: str) -> bytes:
    """``table`` as a 256-byte table over a one-byte code page, for ``bytes.translate``.

    Encoding, translating the bytes and decoding gives exactly ``str.translate(table)`` for any text
    the code page can encode, several times faster than a per-character dict lookup."""
    out = bytearray(range(256))
    for b in range(256):
        try:
            ch = bytes([b]).decode(encoding)
        except UnicodeDecodeError:
            continue  # undefined in the code page: never produced by encoding a str
        out[b] = table.get(ord(ch), ch).encode(encoding)[0]
    return bytes(out)


@lru_cache(maxsize=2)
def _en_bytes(fold: bool) -> bytes:
    return _byte_table(_en_table(fold), "cp1252")


def _en_translate(low: str, fold: bool) -> str:
    if low.isascii():
        return low.encode("ascii").translate(_en_bytes(fold)).decode("ascii")
    try:
        raw = codecs.charmap_encode(low, "strict", cp1252.encoding_table)[0]
    except UnicodeEncodeError:
        return low.translate(_en_table(fold))
    return codecs.charmap_decode(raw.translate(_en_bytes(fold)), "strict", cp1252.decoding_table)[0]


def fold_diacritics(text: str) -> str:
    """Ḥokhma -> Hokhma, keeping the length (decomposed marks are dropped, which may shorten it)."""
    return _COMBINING.sub("", text.translate(_fold_table()))


def en_key(text: str, fold: bool = False) -> tuple[str, list[int] | None]:
    """Lower-cased key of Latin-script text; with ``fold`` also without diacritics."""
    low = text.lower()
    if len(low) == len(text) and not _COMBINING.search(text):
        return _en_translate(low, fold), None
    return _en_key_slow(text, fold)


def _en_key_slow(text: str, fold: bool) -> tuple[str, list[int]]:
    """Per-character path for decomposed accents and case maps that change the length."""
    chars: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", text[i:j])
        base = cluster if len(cluster) == 1 else text[i]
        if fold:
            base = base.translate(_fold_table())
        low = base.lower()
        if len(low) != 1:
            low = base.casefold()[:1] or " "
        chars.append(low)
        offsets.append(i)
        i = j
    offsets.append(n)
    return _EN_NONWORD.sub(" ", "".join(chars)), offsets


def en_form_key(form: str, fold: bool = False) -> str:
    """Key of a termbase rendering: as :func:`en_key`, spaces collapsed and trimmed."""
    key, _ = en_key(form, fold)
    return _SPACES.sub(" ", key).strip()


def case_view(text: str, fold: bool = False) -> str:
    """Text with its case kept but punctuation/hyphens as single spaces (for case comparisons)."""
    if fold:
        text = fold_diacritics(text)
    return _SPACES.sub(" ", _EN_NONWORD.sub(" ", text)).strip()


# --------------------------------------------------------------------------------------------
# Hebrew / Aramaic

_HE_MARK_CHARS = "".join(chr(c) for c in [*range(0x0591, 0x05BE), 0x05BF, 0x05C1, 0x05C2, 0x05C4, 0x05C5, 0x05C7])
_HE_MARKS = re.compile(f"[{_HE_MARK_CHARS}]")
_HE_MARK_SET = frozenset(_HE_MARK_CHARS)


@lru_cache(maxsize=1)
def _he_table() -> dict[int, str]:
    table = {ord(k): v for k, v in FINALS.items()}
    table.update({ord(GERSHAYIM): '"', 0x201D: '"', 0x201C: '"', 0x201E: '"', ord(GERESH): "'", 0x2019: "'",
                  0x2018: "'", 0x05BE: " "})
    # Everything that is not a Hebrew letter or a quote separates words.
    for cp in range(0x3000):
        if cp not in table and not ("\u05d0" <= chr(cp) <= "\u05ea") and chr(cp) not in "\"'":
            table[cp] = " "
    # Presentation forms (שׁ as one code point, etc.) -> the plain letter.
    for cp in range(0xFB1D, 0xFB50):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if "\u05d0" <= base <= "\u05ea":
            table[cp] = FINALS.get(base, base)
    return table


@lru_cache(maxsize=1)
def _he_bytes() -> bytes:
    return _byte_table(_he_table(), "cp1255")


def _he_translate(text: str) -> str:
    try:
        raw = codecs.charmap_encode(text, "strict", cp1255.encoding_table)[0]
    except UnicodeEncodeError:
        return text.translate(_he_table())
    return codecs.charmap_decode(raw.translate(_he_bytes()), "strict", cp1255.decoding_table)[0]


# A double quote is part of a word only between two letters (בי"ע); a single quote only after a
# letter (ד', א'). Anywhere else they are quotation marks, hence boundaries.
# The pattern starts with the quote itself (the context is looked at around it) so that the regex
# engine scans for the quote characters instead of trying a lookbehind at every position.
_HE_QUOTES = re.compile(r"""["'](?:(?<![\u05d0-\u05ea]["'])|(?<=")(?![\u05d0-\u05ea]))""")


def he_key(text: str) -> tuple[str, list[int] | None]:
    """Key of Hebrew/Aramaic text: no points, no final forms, ASCII gershayim, other chars -> space."""
    key, pointed = he_key_fast(text)
    return key, he_offsets(text) if pointed else None


def he_key_fast(text: str) -> tuple[str, bool]:
    """:func:`he_key` without the offsets: (key, True when points were removed, so that key
    offsets differ from text offsets and :func:`he_offsets` is needed to map them back)."""
    pointed = bool(_HE_MARKS.search(text))
    if pointed:
        text = _HE_MARKS.sub("", text)
    key = _he_translate(text)
    if '"' in key or "'" in key:
        key = _HE_QUOTES.sub(" ", key)
    return key, pointed


def _mark_byte_tables() -> tuple[bytes, bytes, bytes]:
    lo = bytearray(256)
    for ch in _HE_MARK_CHARS:  # all in U+0591..U+05C7: high byte 0x05
        lo[ord(ch) & 0xFF] = 1
    hi = bytearray(256)
    hi[0x05] = 1
    return bytes(lo), bytes(hi), bytes([1] + [0] * 255)


_MARK_LO, _MARK_HI, _MARK_FLIP = _mark_byte_tables()


def he_offsets(text: str) -> list[int]:
    """Offsets map of :func:`he_key` for pointed text (see the module doc)."""
    n = len(text)
    raw = text.encode("utf-16-le", "surrogatepass")
    if len(raw) == 2 * n:
        # One byte per character, 1 for a mark: (low byte is a mark's) & (high byte is 0x05), all in C.
        lo = int.from_bytes(raw[0::2].translate(_MARK_LO), "little")
        hi = int.from_bytes(raw[1::2].translate(_MARK_HI), "little")
        keep = (lo & hi).to_bytes(n, "little").translate(_MARK_FLIP)
        offsets = list(compress(range(n), keep))
    else:  # characters beyond the BMP
        # compress/map keep the per-character work in C (pointed paragraphs are long).
        offsets = list(compress(range(n), map(not_, map(_HE_MARK_SET.__contains__, text))))
    offsets.append(n)
    return offsets


def he_form_key(form: str) -> str:
    key, _ = he_key(form)
    return _SPACES.sub(" ", key).strip()
