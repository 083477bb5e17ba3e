"""Paragraph and sentence alignment.

Public API (see the modules for details):

- :func:`align_paragraphs` (src, tgt, *, signals, fixed, progress) -> list[:class:`AlignedLink`]
- :func:`realign_document` (doc, links, ...) -> list[:class:`~workbench.model.Link`]
- :func:`align_sentences` (src_text, tgt_text, src_lang, tgt_lang) -> :class:`SentenceAlignment`
- :func:`split_sentences` (text, lang) -> list of (start, end) spans (from :mod:`workbench.segment`)
- :func:`skeleton_match` (latin_word, hebrew_word) -> float
- :func:`default_signals`, :class:`PairLexicon`, :class:`SkeletonLexicon`, :class:`LexiconSignal`
"""

from workbench.align.aligner import (
    AlignConfig,
    Aligner,
    AlignmentRun,
    align_link_sentences,
    align_paragraphs,
    align_sentences,
    document_sentence_spread,
    explain_link,
    realign_document,
    sentence_aligner,
)
from workbench.align.sentences import SentenceAlignment
from workbench.align.signals import LexiconSignal, LexMatch, PairLexicon, SkeletonLexicon, default_signals
from workbench.align.skeleton import best_skeleton_match, skeleton_match
from workbench.align.types import AlignedLink
from workbench.segment import split_sentences

__all__ = [
    "AlignConfig", "AlignedLink", "Aligner", "AlignmentRun", "LexMatch", "LexiconSignal", "PairLexicon", "SentenceAlignment",
    "SkeletonLexicon", "align_link_sentences", "align_paragraphs", "align_sentences", "best_skeleton_match",
    "default_signals", "document_sentence_spread", "explain_link", "realign_document", "sentence_aligner", "skeleton_match", "split_sentences",
]  # fmt: skip
