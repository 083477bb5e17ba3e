"""Sentence alignment inside an aligned paragraph pair (or between two short texts).

The caller hands over the aligner to use (anything with ``align(src, tgt) -> list[AlignedLink]``;
the package's :func:`workbench.align.aligner.sentence_aligner` is the usual one), so this module
knows nothing of how alignment is done: it cuts the texts into sentences
(:mod:`workbench.segment`) and keeps the indices straight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from workbench.align.types import AlignedLink
from workbench.segment import Span, split_sentences


class UnitAligner(Protocol):
    """What sentence alignment needs from an aligner."""

    def align(self, src: Sequence[str], tgt: Sequence[str]) -> list[AlignedLink]: ...


@dataclass
class SentenceAlignment:
    """Sentence links between two texts; link indices refer to ``source_spans`` / ``target_spans``."""

    source_spans: list[Span]
    target_spans: list[Span]
    links: list[AlignedLink]


def align_units(src: Sequence[str], tgt: Sequence[str], aligner: UnitAligner) -> list[AlignedLink]:
    """Align two lists of sentences (strings); nothing to align gives no links."""
    if not src and not tgt:
        return []
    return aligner.align(list(src), list(tgt))


def align_text_sentences(
    src_text: str, tgt_text: str, src_lang: str | None, tgt_lang: str | None, aligner: UnitAligner
) -> SentenceAlignment:
    """Split both texts into sentences and align them (the texts are taken to be translations)."""
    ss = split_sentences(src_text, src_lang)
    ts = split_sentences(tgt_text, tgt_lang)
    links = align_units([src_text[a:b] for a, b in ss], [tgt_text[a:b] for a, b in ts], aligner)
    return SentenceAlignment(ss, ts, links)


def align_paragraph_sentences(
    src_paragraphs: Sequence[str],
    tgt_paragraphs: Sequence[str],
    src_lang: str | None,
    tgt_lang: str | None,
    aligner: UnitAligner,
) -> list[AlignedLink]:
    """Sentence links inside one paragraph link; indices run over the sentences of the link's
    paragraphs taken in order (a sentence never spans two paragraphs)."""
    return align_units(paragraph_sentences(src_paragraphs, src_lang), paragraph_sentences(tgt_paragraphs, tgt_lang),
                       aligner)  # fmt: skip


def paragraph_sentences(paragraphs: Sequence[str], lang: str | None) -> list[str]:
    """The sentences of a link's paragraphs on one side, in order: the units its sentence links count."""
    return [p[a:b] for p in paragraphs for a, b in split_sentences(p, lang)]
