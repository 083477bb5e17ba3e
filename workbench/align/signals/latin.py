"""Latin-script words inside the Hebrew (a quoted name, an abbreviation, a foreign term) found again
in the translation. Rare in Baal HaSulam's own text, frequent in editions with glosses; cheap to
check, and a shared rare word is strong evidence."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence

from workbench.align.signals.base import FeatureSignal, PairEvidence, Unit, Window

_LATIN = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]")


class LatinWordSignal(FeatureSignal):
    q = 0.8
    cap = 6.0

    def __init__(self, weight: float = 1.0, name: str = "latin") -> None:
        self.weight = weight
        self.name = name

    def features(self, unit: Unit, side: str) -> Mapping[Hashable, float]:
        # A Hebrew unit offers its Latin words; a Latin unit offers all of its words, and the join
        # keeps only those that a Hebrew unit on the other side offered.
        # (every match has two letters or more)
        return dict.fromkeys(map(str.lower, _LATIN.findall(unit.body)), 1.0)

    def prepares(self, unit: Unit) -> bool:
        # A Latin-script unit's features are all its words (a tenth of a long book's prepared
        # features): needed only where a Hebrew unit on the other side offers Latin words, which
        # the evidence call sees first (it asks the source side, and stops when that offers none)
        return unit.hebrew

    def evidence(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window) -> PairEvidence:
        # Between two Latin-script texts this would be plain word overlap: only cross-script here.
        if not any(u.hebrew for u in src) and not any(u.hebrew for u in tgt):
            return PairEvidence.empty()
        if all(u.hebrew for u in src) and all(u.hebrew for u in tgt):
            return PairEvidence.empty()
        if all(u.hebrew for u in tgt) and not any(self._cached(u, "target") for u in tgt):
            # a Hebrew target offers no Latin words: nothing to share (the source side's words,
            # all of an English text's, are not extracted; see ``prepares``)
            return PairEvidence.empty()
        return super().evidence(src, tgt, window)
