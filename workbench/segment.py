"""Sentence segmentation for every language the workbench meets: the one place that cuts text into
sentences.

Two kinds of cut, for two kinds of caller:

- :func:`split_sentences` (``text``, ``lang``) gives the sentence spans an editor sees (the sentence
  links inside a paragraph link, the split points the editor offers). Hebrew/Aramaic uses
  :func:`split_sentences_he` (gershayim and geresh are never boundaries: הקב"ה, בי"ע, ע"ב, א').
  Other languages use pysbd, which knows abbreviations such as "Dr." and "e.g."; a few reference
  abbreviations it misses ("vol. 2", "par. 14") and bare item labels ("Item 3.") are joined back
  to the sentence they belong to.
- :func:`rough_sentences` (``text``, ``hebrew``) gives sentences good enough for the aligner's own
  use (the lexicon it learns, the second look at doubtful links), where it runs on every training
  link of a book: Hebrew by the same rules, anything else at . ! ? before a space. An abbreviation
  cut in two costs a training pair a little precision; pysbd would cost half the learning time.

Pure functions of the text (pysbd is imported on first use of a non-Hebrew :func:`split_sentences`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from workbench.hebrew import hebrew_ratio, is_hebrew_letter, parse_label

Span = tuple[int, int]

# ---------------------------------------------------------------------------------------------
# Hebrew and Aramaic

_HE_SENT_END = re.compile(r"([.!?:;]+)([\"'\u201d\u05f4)\]]*)(\s+)")


def split_sentences_he(text: str) -> list[Span]:
    """Sentence spans of Hebrew/Aramaic text.

    Breaks after . ! ? : followed by space. A period right after a geresh abbreviation (א'. or
    ע"ב.) still ends a sentence, but gershayim inside a word never do because quotes are not
    boundaries here; a lone letter numeral with a period at paragraph start (א.) is a label, not a
    sentence.
    """
    spans: list[Span] = []
    start = 0
    _label, _value, body = parse_label(text)
    for m in _HE_SENT_END.finditer(text):
        end = m.end(2)
        if end <= body:
            continue
        # Abbreviations written with a period (e.g. "וכו." is rare); avoid breaking after one letter.
        word_start = text.rfind(" ", 0, m.start(1)) + 1
        word = text[word_start : m.start(1)]
        if len(word) == 1 and is_hebrew_letter(word):
            continue
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end(3)
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans or ([(0, len(text))] if text else [])


def is_hebrew_lang(lang: str | None) -> bool:
    return bool(lang) and str(lang).lower().split("-")[0] in ("he", "heb", "arc", "yi", "hbo", "jrb")


# ---------------------------------------------------------------------------------------------
# Other languages

_REF_ABBREV = re.compile(
    r"(?:\b(?:vol|vols|p|pp|par|para|paras|no|nos|ch|chap|cf|fig|ibid|ed|eds|trans|v|vs|art|sec|n|nn|ff|lit|viz|ca)\.)\s*$",
    re.IGNORECASE,
)
_PYSBD_LANGS = {"en", "de", "fr", "es", "it", "ru", "nl", "pl", "da", "el", "ar", "fa", "hy", "bg", "am", "ur",
                "mr", "hi", "my", "zh", "ja", "kk", "sk"}  # fmt: skip


@lru_cache(maxsize=8)
def _segmenter(lang: str):  # noqa: ANN202 - pysbd has no type hints
    import pysbd

    return pysbd.Segmenter(language=lang, clean=False)


def split_sentences_en(text: str, lang: str = "en") -> list[Span]:
    """Sentence spans of Latin-script text (pysbd, plus the repairs described in the module doc)."""
    if not text.strip():
        return []
    seg = _segmenter(lang if lang in _PYSBD_LANGS else "en")
    spans: list[Span] = []
    pos = 0
    for piece in seg.segment(text):
        s = piece.strip()
        if not s:
            continue
        start = text.find(s, pos)
        if start < 0:  # pysbd changed the text; fall back to its length
            start = pos
        end = start + len(s)
        spans.append((start, end))
        pos = end
    merged: list[Span] = []
    for sp in spans:
        if merged:
            prev = text[merged[-1][0] : merged[-1][1]]
            label, _v, body = parse_label(prev)
            if _REF_ABBREV.search(prev) or (label is not None and not prev[body:].strip()):
                merged[-1] = (merged[-1][0], sp[1])
                continue
        merged.append(sp)
    return merged


# ---------------------------------------------------------------------------------------------
# Entry points


def split_sentences(text: str, lang: str | None = None) -> list[Span]:
    """Sentence spans ``(start, end)`` of ``text``; Hebrew rules when ``lang`` is Hebrew/Aramaic or,
    without a language, when the text is mostly Hebrew script."""
    hebrew = is_hebrew_lang(lang) if lang else hebrew_ratio(text[:400]) >= 0.5
    if hebrew:
        return [(a, b) for a, b in split_sentences_he(text) if text[a:b].strip()]
    return split_sentences_en(text, (lang or "en").lower().split("-")[0])


_SENT_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+")


def rough_sentences(text: str, hebrew: bool) -> list[str]:
    """Sentences (stripped strings) good enough for the aligner's own use: Hebrew by
    :func:`split_sentences_he`, anything else at . ! ? before a space (see the module docstring)."""
    if hebrew:
        parts = [text[a:b] for a, b in split_sentences_he(text)]
    else:
        parts, pos = [], 0
        for m in _SENT_END.finditer(text):
            parts.append(text[pos : m.end()])
            pos = m.end()
        parts.append(text[pos:])
    return [p.strip() for p in parts if p.strip()]
