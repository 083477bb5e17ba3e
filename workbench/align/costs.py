"""Bead costs for the dp: bead prior + length cost - pair evidence (all in nats). Pure numpy.

:class:`RectSum` stores the pair evidence of a band as row-wise prefix sums, so the evidence of any
bead (a rectangle of source x target units) is ``2 * ds`` gathers, vectorised over a block of cells.
:class:`BeadCosts` is the :data:`workbench.align.dp.CostFn` the dp calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from workbench.align.dp import BEADS, Band, Bead, CostFn, Step
from workbench.align.signals.base import PairEvidence, Window
from workbench.align.signals.length import LengthParams, LengthSignal

#: Prior probability of each bead type (paragraph level). 1-1 dominates real editions; merges and
#: splits are the usual disagreements; dropped and added paragraphs are rare. A 2-2 bead is only
#: needed when content crosses a boundary; two 1-1 beads explain the rest, so it is kept rare.
PARAGRAPH_PRIORS: dict[Bead, float] = {
    (1, 1): 0.86, (2, 1): 0.04, (1, 2): 0.04, (1, 0): 0.02, (0, 1): 0.02,
    (2, 2): 0.0001, (1, 3): 0.0005, (3, 1): 0.0005,
}  # fmt: skip
#: Sentence level: translators split and join sentences far more often than paragraphs.
SENTENCE_PRIORS: dict[Bead, float] = {
    (1, 1): 0.70, (2, 1): 0.09, (1, 2): 0.12, (1, 0): 0.015, (0, 1): 0.015,
    (2, 2): 0.02, (1, 3): 0.03, (3, 1): 0.01,
}  # fmt: skip


def adapted_priors(base: Mapping[Bead, float], counts: Mapping[Bead, int], *, alpha: float = 30.0,
                   min_rate: float = 0.2) -> dict[Bead, float] | None:  # fmt: skip
    """Bead priors for a second pass, from the bead counts of a first pass's path (``counts``).

    The default priors are those of editions that keep each other's paragraphs: 1-1 nearly always,
    and a link of two paragraphs on both sides or three on one side almost never. A translation
    that paragraphs the text anew shows itself in the first pass as many 2-1 and 1-2 links; where
    at least ``min_rate`` of the links are merges, the priors become the first pass's rates (with
    ``alpha`` links' worth of the defaults mixed in), and the beads the first pass could hardly take
    get the rates two independent regroupings would give: with q the share of merges a side, 2-2
    at q^2, 3-1 and 1-3 at q^2 / 2, and 3-2 and 2-3 (added to the search) at q^3. Returns None
    below ``min_rate`` (or on fewer than 12 links): the common case keeps its priors and beads.
    """
    total = sum(counts.values())
    merges = sum(c for (ds, dt), c in counts.items() if ds and dt and ds + dt > 2)
    if total < 12 or merges < min_rate * total:
        return None
    out = {b: (counts.get(b, 0) + alpha * p) / (total + alpha) for b, p in base.items()}
    q = merges / total / 2
    out[(2, 2)] = max(out.get((2, 2), 0.0), q * q)
    for b in ((3, 1), (1, 3)):
        out[b] = max(out.get(b, 0.0), q * q / 2)
    for b in ((3, 2), (2, 3)):
        out[b] = max(out.get(b, 0.0), q**3)
    return out


def window_for_band(band: Band, center: np.ndarray, beads: Sequence[Bead] = BEADS) -> Window:
    """Target units that can share a bead with each source unit, given the dp band; ``center`` is
    the expected target position of each source unit (see :class:`Window`)."""
    n, m = band.n, band.m
    max_ds = max(ds for ds, _ in beads)
    max_dt = max(dt for _, dt in beads)
    a = np.arange(n)
    first_row = a + 1
    last_row = np.minimum(a + max_ds, n)
    lo = np.maximum(band.lo[first_row] - max_dt, 0)
    hi = np.minimum(band.lo[last_row] + band.width - 1, m)
    return Window(lo.astype(np.int64), np.maximum(hi, lo).astype(np.int64), np.asarray(center, dtype=np.int64))


class RectSum:
    """Banded row prefix sums of pair evidence: ``rect`` sums a bead's rectangle in O(ds) gathers."""

    def __init__(self, n: int, m: int, window: Window, src: np.ndarray, tgt: np.ndarray, score: np.ndarray) -> None:
        self.n, self.m = n, m
        self.base = window.lo.astype(np.int64)
        self.width = int(window.sizes.max(initial=0))
        w1 = self.width + 1
        self.empty = not src.size
        if self.empty:
            self.h = np.zeros((0, 0), dtype=np.float32)
            return
        h = np.zeros(max(n, 1) * w1, dtype=np.float64)
        k = tgt - self.base[src]
        ok = (k >= 0) & (k < self.width)
        flat = src[ok] * w1 + k[ok] + 1
        h += np.bincount(flat, weights=score[ok], minlength=h.size)
        self.h = np.cumsum(h.reshape(max(n, 1), w1), axis=1).astype(np.float32)

    def rect(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | float:
        """Evidence of beads covering source ``rows-ds .. rows-1`` and target ``cols-dt .. cols-1``."""
        if self.empty or ds <= 0 or dt <= 0:
            return 0.0
        total = np.zeros(cols.shape, dtype=np.float64)
        for d in range(1, ds + 1):
            a = rows - d
            base = self.base[a][:, None]
            # np.minimum(np.maximum()) rather than np.clip: the same integers, a third of the
            # overhead on these small arrays (tens of thousands of calls on a long book)
            hi = np.minimum(np.maximum(cols - base, 0), self.width)
            lo = np.minimum(np.maximum(cols - dt - base, 0), self.width)
            # h[a, hi] as a gather from the flat table: the same values, a third faster than
            # indexing with two broadcast index arrays
            row0 = (a * (self.width + 1))[:, None]
            flat = self.h.ravel()
            total += flat[row0 + hi]
            total -= flat[row0 + lo]
        return total


class BeadEvidence:
    """Evidence of a bead with each feature counted once (see :class:`PairEvidence`).

    With x_a = [f in source a] and y_b = [f in target b], a feature counts for a bead when it is in
    both of the bead's sides: (x1 + x2 - x1 x2)(y1 + y2 - y1 y2) for two units a side. Expanding
    gives four pair sums — all pairs, minus pairs whose feature recurs in the next source unit,
    minus those whose feature recurs in the next target unit, plus those where both hold — each a
    :class:`RectSum`. Exact for beads of up to two units a side, a close approximation for three.
    """

    def __init__(self, n: int, m: int, window: Window, ev: PairEvidence) -> None:
        sn, tn = ev.flags()
        both = sn & tn
        self.s = RectSum(n, m, window, ev.src, ev.tgt, ev.score)
        self.gs = RectSum(n, m, window, ev.src[sn], ev.tgt[sn], ev.score[sn])
        self.gt = RectSum(n, m, window, ev.src[tn], ev.tgt[tn], ev.score[tn])
        self.q = RectSum(n, m, window, ev.src[both], ev.tgt[both], ev.score[both])

    def bead(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | float:
        out = self.s.rect(ds, dt, rows, cols)
        if ds > 1:
            out = out - self.gs.rect(ds - 1, dt, rows - 1, cols)
        if dt > 1:
            out = out - self.gt.rect(ds, dt - 1, rows, cols - 1)
        if ds > 1 and dt > 1:
            out = out + self.q.rect(ds - 1, dt - 1, rows - 1, cols - 1)
        return out


def pair_best(ev: PairEvidence, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Each source and each target unit's strongest pair evidence (summed over signals) in the window."""
    best_s, best_t = np.zeros(n), np.zeros(m)
    if len(ev):
        key = ev.src.astype(np.int64) * (m + 1) + ev.tgt
        uniq, inv = np.unique(key, return_inverse=True)
        sums = np.bincount(inv, weights=ev.score)
        np.maximum.at(best_s, uniq // (m + 1), sums)
        np.maximum.at(best_t, uniq % (m + 1), sums)
    return best_s, best_t


def path_best(rect: RectSum, path: Sequence[Step], n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's pair evidence with the other side of its link on ``path`` (NaN for a unit the
    path leaves unlinked). Unlike the best partner in the window, this does not depend on how wide
    the band is, so a guided and an unguided search expect the same of every unit."""
    best_s, best_t = np.full(n, np.nan), np.full(m, np.nan)
    if rect.empty:
        return best_s, best_t
    steps = np.array([(st.i, st.j, st.ds, st.dt) for st in path if st.ds and st.dt], dtype=np.int64).reshape(-1, 4)
    for ds in np.unique(steps[:, 2]):
        for dt in np.unique(steps[:, 3]):
            sel = steps[(steps[:, 2] == ds) & (steps[:, 3] == dt)]
            if not len(sel):
                continue
            i, j = sel[:, 0], sel[:, 1]
            for d in range(int(ds)):  # each source member against the link's targets
                a = i - ds + d
                best_s[a] = np.asarray(rect.rect(1, int(dt), a + 1, j[:, None]))[:, 0]
            for d in range(int(dt)):  # each target member against the link's sources
                b = j - dt + d
                best_t[b] = np.asarray(rect.rect(int(ds), 1, i, (b + 1)[:, None]))[:, 0]
    return best_s, best_t


class SpareMember:
    """The length model's view of a merged bead's source members, for :class:`Unmatched`: the
    bead's length cost with all its members, and without one of them. ``cost(ls, lt)`` is the
    length model's cost of ``ls`` source and ``lt`` target characters; ``src_len``/``tgt_len`` the
    units' lengths as that model counts them."""

    def __init__(self, cost: Callable[[np.ndarray, np.ndarray], np.ndarray], src_len: np.ndarray,
                 tgt_len: np.ndarray, *, weight: float, share: float, margin: float) -> None:  # fmt: skip
        self.cost, self.weight, self.share, self.margin = cost, weight, share, margin
        self.src_len = np.asarray(src_len, dtype=np.float64)
        self.ps = np.concatenate([[0.0], np.cumsum(self.src_len)])
        self.pt = np.concatenate([[0.0], np.cumsum(np.asarray(tgt_len, dtype=np.float64))])

    def _sides(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (self.ps[rows] - self.ps[rows - ds])[:, None], self.pt[cols] - self.pt[cols - dt]

    def bead_cost(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        ls, lt = self._sides(ds, dt, rows, cols)
        return self.cost(ls, lt)

    def without_cost(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray, member: np.ndarray) -> np.ndarray:
        ls, lt = self._sides(ds, dt, rows, cols)
        return self.cost(ls - self.src_len[member][:, None], lt)


class Unmatched:
    """Evidence that a member of a merged bead has no part in it: the bead model of 1-0 against 2-1.

    When a translation leaves a paragraph out, the dp can explain the orphan two ways: a 1-0 link,
    or folding it into its neighbour's link as a 2-1. Priors and (where the translation's length
    varies a lot, as with commentary woven into it) the length model favour the merge; what tells
    them apart is that a merged paragraph's words are found in the merged link, an orphan's are not.
    So each member of a bead with two or more units on a side is checked against the bead's other
    side: its pair evidence there, against what a paragraph of its length has with its counterpart
    in this document (``density``: median evidence per letter of each unit with its partner on the
    first pass's path, :func:`path_best`; or with its best partner in the window where there was no
    first pass). A member with less than ``share`` of that expectation costs up to ``weight`` nats
    (linearly down to none at the expectation), so the dp takes the 1-0 when the orphan is bare and
    the merge when its words are there. Silent where the pair signals find nothing (a language pair
    without shared features): no expectation, no evidence either way. A member shorter than the
    median paragraph counts in proportion to its length: a one-word line (the Talmud's) finds no
    evidence by chance, and counted in full it was torn out of merges it belonged to.

    A member is bare against the others (``witness``): in a bead whose other members find less
    than ``witness`` times their own line (``share`` of the expectation) it counts in proportion,
    and not at all where they find nothing. Where the pair signals reach no member of a bead (the
    Talmud's short Aramaic lines against a translation the lexicon does not know), the bead's
    evidence cannot tell which member would be the orphan, and charging every bare member
    charged the true merge and its neighbour's alike, so the dp shifted a merge onto the wrong
    link (the literal Bavli's perturbed seed 3). 0 switches it off.

    ``spare`` (:class:`SpareMember`) adds the length model's side of it: a source member the bead's
    target does not need (the bead without it fits the length model at least ``margin`` nats
    better than with it) is checked against a higher share of the expectation, at its own weight.
    A dropped translation leaves exactly that: the neighbour's translation fits its own source,
    and the orphan only adds letters that find no words there; a true merge needs both members'
    letters to fill the translation.
    """

    def __init__(self, rect: RectSum, src_len: np.ndarray, tgt_len: np.ndarray, best_s: np.ndarray,
                 best_t: np.ndarray, weight: float, share: float = 0.5, targets: bool = False,
                 spare: SpareMember | None = None, witness: float = 1.0) -> None:  # fmt: skip
        self.rect, self.weight, self.targets, self.witness = rect, weight, targets, witness
        ok_s, ok_t = (src_len > 0) & ~np.isnan(best_s), (tgt_len > 0) & ~np.isnan(best_t)
        ds_ = np.median(best_s[ok_s] / src_len[ok_s]) if ok_s.any() else 0.0
        dt_ = np.median(best_t[ok_t] / tgt_len[ok_t]) if ok_t.any() else 0.0
        self.spare = spare if spare is not None and spare.weight else None
        self.spare_expect = None if self.spare is None else self.spare.share * ds_ * np.asarray(src_len, dtype=np.float64)
        self.expect_s = share * ds_ * np.asarray(src_len, dtype=np.float64)
        self.expect_t = share * dt_ * np.asarray(tgt_len, dtype=np.float64)
        # a short paragraph (a heading, a one-word line) finds no evidence often enough by chance:
        # its bareness counts in proportion to its length, in full from the median length up
        med_s = float(np.median(src_len[ok_s])) if ok_s.any() else 1.0
        med_t = float(np.median(tgt_len[ok_t])) if ok_t.any() else 1.0
        self.trust_s = np.clip(np.asarray(src_len, dtype=np.float64) / max(med_s, 1.0), 0.0, 1.0)
        self.trust_t = np.clip(np.asarray(tgt_len, dtype=np.float64) / max(med_t, 1.0), 0.0, 1.0)
        self.active = bool(weight) and ds_ > 0 and dt_ > 0 and not rect.empty

    def __call__(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | float:
        if not self.active or (ds < 2 and dt < 2):
            return 0.0
        out = np.zeros(cols.shape)
        if ds >= 2:
            whole = None if self.spare is None else self.spare.bead_cost(ds, dt, rows, cols)
            found = [self.rect.rect(1, dt, rows - d + 1, cols) for d in range(1, ds + 1)]
            expect = [self.expect_s[rows - d][:, None] for d in range(1, ds + 1)]
            all_found, all_expect = sum(found), sum(expect)
            for d in range(1, ds + 1):
                e, x = found[d - 1], expect[d - 1]
                trust = self.trust_s[rows - d][:, None]
                witnessed = trust
                if self.witness:
                    # a member is bare against the others: where they find nothing either (a
                    # stretch the pair signals do not reach) the bead says nothing of which
                    # member would be the orphan, so its bareness counts only as far as the
                    # others reach their own line
                    others = np.maximum(self.witness * (all_expect - x), 1e-9)
                    witnessed = trust * np.clip((all_found - e) / others, 0.0, 1.0)
                out += np.clip(1.0 - e / np.maximum(x, 1e-9), 0.0, 1.0) * (x > 0) * witnessed
                if self.spare is not None and self.spare_expect is not None and whole is not None:
                    # the length model's half needs no witness: the length says which member is spare
                    x2 = self.spare_expect[rows - d][:, None]
                    bare = np.clip(1.0 - e / np.maximum(x2, 1e-9), 0.0, 1.0) * (x2 > 0) * trust
                    unneeded = self.spare.without_cost(ds, dt, rows, cols, rows - d) + self.spare.margin <= whole
                    out += unneeded * bare * (self.spare.weight / self.weight)
        if dt >= 2 and self.targets:
            for d in range(1, dt + 1):
                e = self.rect.rect(ds, 1, rows, cols - d + 1)
                k = np.clip(cols - d, 0, self.expect_t.size - 1)
                x = self.expect_t[k]
                out += np.clip(1.0 - e / np.maximum(x, 1e-9), 0.0, 1.0) * (x > 0) * self.trust_t[k]
        return self.weight * out


class BeadCosts:
    """The dp cost callback: ``-log prior + length cost - pair evidence + bead models`` for each bead.

    ``bead_models`` are further bead-level costs (e.g. embedding similarity, see
    :mod:`workbench.align.signals.embedding`), called like the dp's :data:`CostFn` for linking beads.

    ``del_src``/``del_tgt`` mark units that must stay unlinked (confirmed 1-0 / 0-1 links): any
    bead pairing them with the other side is forbidden and their own 1-0 / 0-1 bead is free.
    """

    def __init__(
        self,
        src_len: np.ndarray,
        tgt_len: np.ndarray,
        *,
        length: LengthSignal | None,
        params: LengthParams | None,
        evidence: BeadEvidence | None,
        priors: Mapping[Bead, float],
        del_src: np.ndarray | None = None,
        del_tgt: np.ndarray | None = None,
        skip_src: np.ndarray | None = None,
        skip_tgt: np.ndarray | None = None,
        bead_models: Sequence[CostFn] = (),
    ) -> None:
        self.bead_models = [b for b in bead_models if b is not None]
        self.ps = np.concatenate([[0.0], np.cumsum(np.asarray(src_len, dtype=np.float64))])
        self.pt = np.concatenate([[0.0], np.cumsum(np.asarray(tgt_len, dtype=np.float64))])
        self.length = length if (length is not None and length.weight) else None
        self.params = params
        self.evidence = evidence
        self.prior = {b: -float(np.log(p)) for b, p in priors.items()}
        self.del_src = None if del_src is None or not np.any(del_src) else np.concatenate([[0], np.cumsum(del_src)])
        self.del_tgt = None if del_tgt is None or not np.any(del_tgt) else np.concatenate([[0], np.cumsum(del_tgt)])
        # evidence that a unit has no counterpart (editorial notes): prefix sums per side
        self.skip_src = None if skip_src is None or not np.any(skip_src) else np.concatenate([[0.0], np.cumsum(skip_src)])
        self.skip_tgt = None if skip_tgt is None or not np.any(skip_tgt) else np.concatenate([[0.0], np.cumsum(skip_tgt)])

    def __call__(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        out = np.full(cols.shape, self.prior[(ds, dt)])
        if self.skip_src is not None and ds:
            sk = (self.skip_src[rows] - self.skip_src[rows - ds])[:, None]
            out += -sk if not dt else sk
        if self.skip_tgt is not None and dt:
            sk = self.skip_tgt[cols] - self.skip_tgt[cols - dt]
            out += -sk if not ds else sk
        if ds and dt:
            if self.length is not None:
                assert self.params is not None
                ls = (self.ps[rows] - self.ps[rows - ds])[:, None]
                lt = self.pt[cols] - self.pt[cols - dt]
                out += self.length.cost(self.params, ls, lt)
            if self.evidence is not None:
                out -= self.evidence.bead(ds, dt, rows, cols)
            for model in self.bead_models:
                out += model(ds, dt, rows, cols)
            if self.del_src is not None:
                bad = (self.del_src[rows] - self.del_src[rows - ds]) > 0
                out[bad] = np.inf
            if self.del_tgt is not None:
                out[(self.del_tgt[cols] - self.del_tgt[cols - dt]) > 0] = np.inf
        elif ds and self.del_src is not None:
            forced = (self.del_src[rows] - self.del_src[rows - ds]) > 0
            out[forced] = 0.0
        elif dt and self.del_tgt is not None:
            out[(self.del_tgt[cols] - self.del_tgt[cols - dt]) > 0] = 0.0
        return out

    def parts(self, ds: int, dt: int, i: int, j: int) -> dict[str, float]:
        """Prior and length parts of one bead's cost (for explanations)."""
        out = {"prior": self.prior[(ds, dt)]}
        if ds and dt and self.length is not None and self.params is not None:
            ls = self.ps[i] - self.ps[i - ds]
            lt = self.pt[j] - self.pt[j - dt]
            out["length"] = float(self.length.cost(self.params, np.array([ls]), np.array([lt]))[0])
        return out
