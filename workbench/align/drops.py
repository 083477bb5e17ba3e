"""Dropped translations (1-0) against merges: what the embedding says of each member of a merge.

Where a translation leaves a paragraph out, the dp can read the orphan as a 1-0 link or fold it
into its neighbour's link as a 2-1 (or, the same in effect, give the orphan its neighbour's
translation and shift the links after it until a merge takes up the slack). The bead priors favour
the fold by 0.84 nats (a 2-1 at 0.04 against a 1-1 at 0.86 and a 1-0 at 0.02), and the content
evidence hardly pushes back: the pair signals give only evidence *for* a link (a pair that merely
looks unrelated is no proof: a translation may be free), so an orphan costs its merge nothing, and
the cosine of a merge's summed vectors runs higher than a single paragraph's (a paragraph's
neighbours are on its topic). On the other genres' drop-heavy cases (seeds 1-5) most missed 1-0
links came out 0.2 to 2 nats cheaper than the gold under the final pass's costs, the prior and the
bead cosine doing most of it.

An embedding does say "unrelated", paragraph by paragraph. On the drop-heavy and perturbed cases
(seeds 1-5), the fitted log-likelihood ratio of an orphan against its neighbour's translation is
below 0 for 55 to 87 % of the orphans (per set), that of a true member of a merge against its
link's translation for 28 to 53 %. :class:`BareMember` charges each source member of a merged bead
whose own ratio against the bead's target side is below ``floor``, linearly up to ``weight`` nats
at ``span`` below it: the 0.84 nats of the prior are undone where the member looks unrelated, and
a merge whose member finds its translation there pays nothing. The aligner uses it only in texts
that keep their paragraphs and whose lengths still say something (``Aligner._bare_member``), and
keeps it out of the links' scores (``aligner._without_bare_member``).

The other kind of miss, the wrong one of two neighbours left alone, is a near tie where the
document was not embedded at all (the default set's gate stayed closed): the two readings (A with
the translation and B alone, or B with it and A alone) cost nearly the same by prior and length,
and where both paragraphs share the translation's words (two verses that say the same phrase) the
lexicon cannot break it. :func:`swap_candidates` finds such doubtful pairs and :func:`swapped`
moves the translation; the aligner (``Aligner._lone_swaps``) embeds only the paragraphs involved
and swaps where the orphan's cosine with the translation is clearly the higher.

The first kind of miss in a document the gate left unembedded has its own check: no
:class:`BareMember` ran there, so a doubtful merge of one paragraph on the other side
(:func:`fold_candidates`) has its members and its translation embedded (``Aligner._split_folds``),
and a member at the merge's edge whose cosine with the translation stands clearly below the other
member's (:func:`bare_edge`) is split off as a lone link (:func:`split_folds`). The lower of two
cosines alone is no proof: in the true merges of the perturbed and drop-heavy cases (seeds 1-30)
one member often stands 0.03 to 0.09 below the other, and all that stood 0.04 or more below were
short (a heading, a one-line citation of 5 to 52 characters beside a long member); the orphans
that were split rightly stood 0.040 to 0.068 below and made a third or more of the merge's length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.align.signals.embedding import BeadSimilarity
from workbench.align.types import AlignedLink


class BareMember:
    """The dp bead model (:data:`workbench.align.dp.CostFn`): ``weight`` nats for each source member
    of a bead with two or more source paragraphs that looks unrelated to the bead's target side
    (its ratio ``floor`` or more below even odds: in full at ``floor - span``), as the embedding's
    bead model (``similarity``) fitted the ratio on the document."""

    def __init__(self, similarity: BeadSimilarity, *, weight: float, floor: float, span: float) -> None:
        if span <= 0:
            raise ValueError(f"span must be positive, not {span}")
        self.sim, self.weight, self.floor, self.span = similarity, weight, floor, span
        self.active = bool(weight) and similarity.slope > 0.0

    def __call__(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | float:
        if not self.active or ds < 2 or not dt:
            return 0.0
        out: np.ndarray | float = 0.0
        for d in range(1, ds + 1):
            llr = self.sim.member_ratio(ds, dt, rows, cols, d)
            out = out + np.clip((self.floor - llr) / self.span, 0.0, 1.0)
        return self.weight * out


@dataclass(frozen=True)
class Swap:
    """A paragraph left unlinked (``lone``: index of its 1-0 link) next to a 1-1 link (``linked``)
    of the adjacent source paragraph: the two readings differ only in which of the two paragraphs
    the translation ``target`` belongs to."""

    lone: int
    linked: int
    orphan: int
    neighbour: int
    target: int


def swap_candidates(links: Sequence[AlignedLink], below: float, frozen: Sequence[bool] | None = None) -> list[Swap]:
    """Every 1-0 link scored below ``below`` next to a 1-1 link of the adjacent source paragraph
    (``frozen`` links, confirmed ones, are neither): each (1-0, neighbour) pair once, in order."""
    fz = [False] * len(links) if frozen is None else list(frozen)
    out = []
    for k, lk in enumerate(links):
        if len(lk.source) != 1 or lk.target or not lk.score < below or fz[k]:
            continue
        for nb in (k - 1, k + 1):
            if not 0 <= nb < len(links) or fz[nb]:
                continue
            n = links[nb]
            if len(n.source) == 1 and len(n.target) == 1 and abs(n.source[0] - lk.source[0]) == 1:
                out.append(Swap(k, nb, lk.source[0], n.source[0], n.target[0]))
    return out


def swapped(links: Sequence[AlignedLink], swaps: Iterable[Swap]) -> list[AlignedLink]:
    """``links`` with each swap's translation moved to its orphan and its neighbour left unlinked,
    each new link scored with the lower score of the two it replaces (the model's doubt about the
    pair stands). Swaps that share a link after the first are skipped."""
    out = list(links)
    used: set[int] = set()
    for sw in swaps:
        if sw.lone in used or sw.linked in used:
            continue
        used |= {sw.lone, sw.linked}
        score = min(links[sw.lone].score, links[sw.linked].score)
        # each link keeps its place (its source paragraph): the orphan's now has the translation
        out[sw.lone] = AlignedLink([sw.orphan], [sw.target], score)
        out[sw.linked] = AlignedLink([sw.neighbour], [], score)
    return out


@dataclass(frozen=True)
class Fold:
    """A merged link (``link``: its index) of two or more paragraphs on one side (``members``, the
    side given by ``source``) and one on the other (``other``): the reading the dp prefers where
    one of the members' translation was left out (a 2-1 at a 1-0's expense, or a 1-2 at a 0-1's)."""

    link: int
    source: bool
    members: tuple[int, ...]
    other: int


def fold_candidates(links: Sequence[AlignedLink], below: float, frozen: Sequence[bool] | None = None) -> list[Fold]:
    """Every link of two or more paragraphs on one side and exactly one on the other scored below
    ``below`` (``frozen`` links, confirmed ones, are not), in order."""
    fz = [False] * len(links) if frozen is None else list(frozen)
    out = []
    for k, lk in enumerate(links):
        if fz[k] or not lk.score < below:
            continue
        if len(lk.source) >= 2 and len(lk.target) == 1:
            out.append(Fold(k, True, tuple(lk.source), lk.target[0]))
        elif len(lk.target) >= 2 and len(lk.source) == 1:
            out.append(Fold(k, False, tuple(lk.target), lk.source[0]))
    return out


def bare_edge(cosines: Sequence[float], lengths: Sequence[float], margin: float, share: float) -> int | None:
    """Which member of a fold stands apart from its translation: the position (first or last: a
    link keeps its paragraphs contiguous) of a member whose cosine with the other side is at least
    ``margin`` below that of every other member and whose length is at least ``share`` of the
    members' together, or None where none is. The gap is the proof, not the member merely being
    the less alike of two on one topic; and a short member (a heading, a one-line citation) has a
    low cosine with anything, translated or not, so it proves nothing either."""
    if len(cosines) < 2 or margin <= 0:
        return None
    total = float(sum(lengths))
    for at in (0, len(cosines) - 1):
        gap = min(c for k, c in enumerate(cosines) if k != at) - cosines[at]
        if gap >= margin and lengths[at] >= share * total:
            return at
    return None


def split_folds(links: Sequence[AlignedLink], splits: Iterable[tuple[Fold, int]]) -> list[AlignedLink]:
    """``links`` with each fold's member at position ``at`` split off as a lone link (1-0, or 0-1
    for a target member) beside the rest, which keeps the other side; both scored with the fold's
    score (the model's doubt about the stretch stands)."""
    by_link = {f.link: (f, at) for f, at in splits}
    out: list[AlignedLink] = []
    for k, lk in enumerate(links):
        if k not in by_link:
            out.append(lk)
            continue
        f, at = by_link[k]
        lone = f.members[at]
        rest = [m for m in f.members if m != lone]
        kept = AlignedLink(rest, [f.other], lk.score) if f.source else AlignedLink([f.other], rest, lk.score)
        alone = AlignedLink([lone], [], lk.score) if f.source else AlignedLink([], [lone], lk.score)
        out += [alone, kept] if at == 0 else [kept, alone]
    return out
