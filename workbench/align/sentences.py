"""Sentence splitting for both languages and sentence alignment inside an aligned paragraph pair.

Hebrew/Aramaic uses :func:`workbench.hebrew.split_sentences_he` (gershayim and geresh are never
boundaries: הקב"ה, בי"ע, ע"ב, א'). Other languages use pysbd, which knows abbreviations such as
"Dr." and "e.g."; a few reference abbreviations it misses ("vol. 2", "par. 14") and bare item
labels ("Item 3.") are joined back to the sentence they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from workbench.align.costs import SENTENCE_PRIORS
from workbench.align.types import AlignedLink
from workbench.hebrew import hebrew_ratio, parse_label, split_sentences_he

Span = tuple[int, int]

_REF_ABBREV = re.compile(
    r"(?:\b(?:vol|vols|p|pp|par|para|paras|no|nos|ch|chap|cf|fig|ibid|ed|eds|trans|v|vs|art|sec|n|nn|ff|lit|viz|ca)\.)\s*$",
    re.IGNORECASE,
)
_PYSBD_LANGS = {"en", "de", "fr", "es", "it", "ru", "nl", "pl", "da", "el", "ar", "fa", "hy", "bg", "am", "ur",
                "mr", "hi", "my", "zh", "ja", "kk", "sk"}  # fmt: skip


def is_hebrew_lang(lang: str | None) -> bool:
    return bool(lang) and str(lang).lower().split("-")[0] in ("he", "heb", "arc", "yi", "hbo", "jrb")


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


def split_sentences(text: str, lang: str | None = None) -> list[Span]:
    """Sentence spans ``(start, end)`` of ``text``; Hebrew rules when ``lang`` is Hebrew/Aramaic or,
    without a language, when the text is mostly Hebrew script."""
    hebrew = is_hebrew_lang(lang) if lang else hebrew_ratio(text[:400]) >= 0.5
    if hebrew:
        return [(a, b) for a, b in split_sentences_he(text) if text[a:b].strip()]
    return split_sentences_en(text, (lang or "en").lower().split("-")[0])


@dataclass
class SentenceAlignment:
    """Sentence links between two texts; link indices refer to ``source_spans`` / ``target_spans``."""

    source_spans: list[Span]
    target_spans: list[Span]
    links: list[AlignedLink]


def _sentence_aligner(signals: Iterable[object] | None):  # noqa: ANN202
    from workbench.align.aligner import AlignConfig, Aligner

    cfg = AlignConfig(priors=dict(SENTENCE_PRIORS), refit=False, labels=False, full_cells=4_000_000, refine=False)
    if signals is None:
        from workbench.align.signals import default_signals

        signals = default_signals(learn=False)
    return Aligner(signals, cfg)


def align_units(
    src: Sequence[str], tgt: Sequence[str], *, signals: Iterable[object] | None = None
) -> list[AlignedLink]:
    """Align two lists of sentences (strings) with the sentence-level settings."""
    if not src and not tgt:
        return []
    return _sentence_aligner(signals).align(list(src), list(tgt))


def align_sentences(
    src_text: str,
    tgt_text: str,
    src_lang: str | None = "he",
    tgt_lang: str | None = "en",
    *,
    signals: Iterable[object] | None = None,
) -> SentenceAlignment:
    """Split both texts into sentences and align them (the texts are taken to be translations)."""
    ss = split_sentences(src_text, src_lang)
    ts = split_sentences(tgt_text, tgt_lang)
    links = align_units([src_text[a:b] for a, b in ss], [tgt_text[a:b] for a, b in ts], signals=signals)
    return SentenceAlignment(ss, ts, links)


def align_link_sentences(
    src_paragraphs: Sequence[str],
    tgt_paragraphs: Sequence[str],
    src_lang: str | None = "he",
    tgt_lang: str | None = "en",
    *,
    signals: Iterable[object] | None = None,
) -> list[AlignedLink]:
    """Sentence links inside one paragraph link; indices run over the sentences of the link's
    paragraphs taken in order (a sentence never spans two paragraphs)."""
    src = [p[a:b] for p in src_paragraphs for a, b in split_sentences(p, src_lang)]
    tgt = [p[a:b] for p in tgt_paragraphs for a, b in split_sentences(p, tgt_lang)]
    return align_units(src, tgt, signals=signals)
