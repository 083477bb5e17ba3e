"""Item labels: ``יא)`` in the source and ``11.`` / ``(11)`` / ``Item 11`` in the target.

When both texts number their items, equal numbers are near-certain anchors and different numbers
near-certain non-links. Labels count only when both sides carry them: if fewer than
``min_coverage`` of the units on either side have a label (Sefaria's English of the Zohar
introduction has none; its list of questions "1." .. "5." is not the Hebrew item numbering), the
signal stays silent instead of anchoring on coincidences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.align.signals.base import PairEvidence, Unit, Window


@dataclass
class LabelSignal:
    name: str = "labels"
    weight: float = 1.0
    match: float = 8.0
    mismatch: float = 6.0
    min_coverage: float = 0.2

    def active(self, src: Sequence[Unit], tgt: Sequence[Unit]) -> bool:
        if not src or not tgt:
            return False
        cs = sum(u.label_value is not None for u in src) / len(src)
        ct = sum(u.label_value is not None for u in tgt) / len(tgt)
        return min(cs, ct) >= self.min_coverage

    def evidence(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window) -> PairEvidence:
        if self.weight == 0 or not self.active(src, tgt):
            return PairEvidence.empty()
        s_idx = np.array([a for a, u in enumerate(src) if u.label_value is not None], dtype=np.int64)
        t_idx = np.array([b for b, u in enumerate(tgt) if u.label_value is not None], dtype=np.int64)
        s_val = np.array([src[a].label_value for a in s_idx.tolist()], dtype=np.int64)
        t_val = np.array([tgt[b].label_value for b in t_idx.tolist()], dtype=np.int64)
        starts = np.searchsorted(t_idx, window.lo[s_idx], side="left")
        ends = np.searchsorted(t_idx, window.hi[s_idx], side="left")
        k = np.maximum(ends - starts, 0)
        total = int(k.sum())
        if total == 0:
            return PairEvidence.empty()
        rep_a = np.repeat(s_idx, k)
        rep_v = np.repeat(s_val, k)
        pos = np.repeat(starts, k) + (np.arange(total) - np.repeat(np.cumsum(k) - k, k))
        same = t_val[pos] == rep_v
        score = np.where(same, self.match, -self.mismatch) * self.weight
        return PairEvidence(rep_a, t_idx[pos], score.astype(np.float64))
