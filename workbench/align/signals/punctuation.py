"""Punctuation signal: a second length model, on clause and sentence marks instead of characters.

A translation keeps the clause structure of its source about as faithfully as its length, and the
two disagree in useful ways. On the Zohar introduction's gold pairs the log ratio of the counts of
``, ; : . ? !`` spreads 0.25 for true pairs and 0.64 for pairs shifted by one paragraph, and it is
only moderately correlated with the log length ratio (0.53). So a paragraph of the right length but
with half the clauses is probably not the translation. That is what separates the shifted 1-1 runs
of a *drift* (one wrong 1-0 / 0-1, then a merge to catch up) from the right ones, which length alone
often cannot: paragraphs of an item tend to have similar lengths.

The model is the length model's (see :mod:`.length`) applied to counts. With ``c`` the ratio of the
total counts of the two texts (so a translator who writes shorter sentences is no problem),

    x = log((n_t + k) / (c * n_s + k))          z^2 = x^2 / (sigma^2 + 1 / (c * n_s + n_t + k))

(the second term of the variance is the Poisson noise of small counts: two commas against four is
no evidence, twenty against forty is), and the cost is Student's t negative log density at ``z``
less its value at ``z = centre``: a typical true pair costs about nothing, a clearly wrong count
costs a few nats, never more than logarithmically (free translations exist). Marks are counted in
the body (labels are parsed off), and 1-0 / 0-1 beads get no cost from this signal. When a text has
hardly any marks (fewer than ``min_total``, e.g. unpunctuated or very short), the signal is silent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.align.signals.base import Unit, Window

#: clause and sentence marks: , ; : . ? ! and the Arabic comma and Hebrew sof pasuq
_MARKS = re.compile("[,;:.?!\u060c\u05c3]")


def count_marks(text: str) -> int:
    """Clause and sentence marks in ``text``."""
    return len(_MARKS.findall(text))


@dataclass
class PunctuationSignal:
    """Bead cost from the number of clause and sentence marks on the two sides."""

    name: str = "punctuation"
    weight: float = 0.4
    sigma: float = 0.25
    smooth: float = 2.0
    dof: float = 2.0
    centre: float = 1.0
    #: a side with fewer marks than this in the whole piece switches the signal off
    min_total: int = 10

    def counts(self, units: Sequence[Unit]) -> np.ndarray:
        out = np.empty(len(units))
        for k, u in enumerate(units):
            v = u.cache.get("punctuation_marks")
            if v is None:
                v = u.cache["punctuation_marks"] = count_marks(u.body)
            out[k] = v
        return out

    def bead_model(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window) -> MarkCost | None:
        """The bead cost for ``src`` x ``tgt`` (``window`` is not needed: the cost is O(1) a bead)."""
        if self.weight == 0 or not src or not tgt:
            return None
        cs, ct = self.counts(src), self.counts(tgt)
        if cs.sum() < self.min_total or ct.sum() < self.min_total:
            return None
        return MarkCost(cs, ct, self)


class MarkCost:
    """The dp cost callback of :class:`PunctuationSignal` (prefix sums of the counts)."""

    def __init__(self, cs: np.ndarray, ct: np.ndarray, sig: PunctuationSignal) -> None:
        self.ps = np.concatenate([[0.0], np.cumsum(cs)])
        self.pt = np.concatenate([[0.0], np.cumsum(ct)])
        self.ratio = float((ct.sum() + 1.0) / (cs.sum() + 1.0))
        self.sig = sig
        nu = sig.dof
        self.base = 0.5 * (nu + 1.0) * np.log1p(sig.centre**2 / nu)

    def cost(self, ns: np.ndarray | float, nt: np.ndarray | float) -> np.ndarray:
        """Cost of beads with ``ns`` source and ``nt`` target marks (both sides non-empty)."""
        sig = self.sig
        c, k, nu = self.ratio, sig.smooth, sig.dof
        x = np.log((nt + k) / (c * np.asarray(ns) + k))
        var = sig.sigma**2 + 1.0 / (c * np.asarray(ns) + nt + k)
        return sig.weight * ((0.5 * (nu + 1.0)) * np.log1p(x * x / (var * nu)) - self.base)

    def __call__(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if not (ds and dt):
            return np.zeros(np.shape(cols))
        ns = (self.ps[rows] - self.ps[rows - ds])[:, None]
        nt = self.pt[cols] - self.pt[cols - dt]
        return self.cost(ns, nt)
