"""Quoted verses on one side, their references on the other (see :mod:`workbench.align.quotes`).

A Hebrew or Aramaic paragraph's features are the verses it quotes; an English paragraph's, the
verses it gives references for. Each verse is two features: the verse itself, and its chapter at
half the reliability, because editions number some chapters differently (a psalm's heading is
verse 1 in the Hebrew and not in most English Bibles) and a reference may name the chapter only.

Most translations cite no verse at all, and finding the quotations in a Hebrew paragraph means
building the verse index (about half a second, once a process) and reading every shingle of the
paragraph. So the English side is read first (a regular expression, and only where a paragraph has
a digit), and a Hebrew paragraph is searched only where a paragraph of its window gives a reference:
a book without references costs a regular expression per English paragraph.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from workbench.align.quotes import english_references, verse_index
from workbench.align.signals.base import FeatureSignal, PairEvidence, Unit, Window, hebrew_words_of


class QuotationSignal(FeatureSignal):
    q = 0.8
    cap = 6.0

    def __init__(self, weight: float = 1.0, name: str = "quotes") -> None:
        self.weight = weight
        self.name = name

    def features(self, unit: Unit, side: str) -> Mapping[Hashable, float]:
        if unit.hebrew:
            # the words the lexicons split already (once a unit), where the matching form allows
            words = hebrew_words_of(unit)
            refs = verse_index().quoted(unit.norm) if words is None else verse_index().quoted_words(words)
        else:
            refs = english_references(unit.body)
        feats: dict[Hashable, float] = {}
        for book, chapter, verse in refs:
            feats[("qc", book, chapter)] = 0.5
            if verse is not None:
                feats[("qv", book, chapter, verse)] = 1.0
        return feats

    def prepares(self, unit: Unit) -> bool:
        # a Hebrew paragraph is searched only when its window holds a reference (the module docstring)
        return not unit.hebrew

    def evidence(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window) -> PairEvidence:
        if self.weight == 0 or not src or not tgt:
            return PairEvidence.empty()
        s_heb, t_heb = [u.hebrew for u in src], [u.hebrew for u in tgt]
        if not (any(s_heb) or any(t_heb)) or (all(s_heb) and all(t_heb)):
            # one script on both sides: no quotation to find against a reference
            return PairEvidence.empty()
        # the references first: a Hebrew unit is read only where some unit it may pair with has one
        s_ref = np.array([not h and bool(self._cached(u, "source")) for u, h in zip(src, s_heb, strict=True)])
        t_ref = np.array([not h and bool(self._cached(u, "target")) for u, h in zip(tgt, t_heb, strict=True)])
        if not s_ref.any() and not t_ref.any():
            return PairEvidence.empty()
        t_cum = np.concatenate([[0], np.cumsum(t_ref)])
        lo, hi = np.clip(window.lo, 0, len(tgt)), np.clip(window.hi, 0, len(tgt))
        reaches = t_cum[np.maximum(hi, lo)] > t_cum[lo]
        # a Hebrew target unit is read where some source unit whose window holds it has a reference
        t_wanted = np.zeros(len(tgt) + 1, dtype=np.int64)
        for a in np.flatnonzero(s_ref):
            t_wanted[lo[a]] += 1
            t_wanted[max(hi[a], lo[a])] -= 1
        t_wanted = np.cumsum(t_wanted)[: len(tgt)] > 0
        sfeats = [self._cached(u, "source") if (not h or reaches[a]) else {}
                  for a, (u, h) in enumerate(zip(src, s_heb, strict=True))]  # fmt: skip
        tfeats = [self._cached(u, "target") if (not h or t_wanted[b]) else {}
                  for b, (u, h) in enumerate(zip(tgt, t_heb, strict=True))]  # fmt: skip
        return self.joined(sfeats, tfeats, window)
