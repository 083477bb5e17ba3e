"""Links the priors hold against the lengths: where a document stood without the embedding.

The default set's embedding signal is consulted only where an alignment without it is doubtful
(its links' mean score below the gate's line). A posterior measures doubt between the readings the
model weighs, and the bead priors weigh heavily: a translation that leaves one paragraph out and
splits its neighbour's in two (a 1-0 beside a 1-2) can also be read as two 1-1 links, each
translation one paragraph off, and the two 1-1 links save 6.8 nats of prior (a 1-0 at 0.02 and a
1-2 at 0.04 against two 1-1 at 0.86) where the length model charges them 3 to 7. Such a reading
comes out sure (0.9 and more) although the lengths reject it, and the document's mean score stays
far above the gate's line. On the other genres' perturbed and drop-heavy cases most wrong links of
documents the gate left unembedded were of that kind or its neighbours' (a 1-0 given a
translation, a merge read as a chain of 1-1 links), and the embedded alignment got most of them
right; on the Baal HaSulam sets the embedded alignment of a whole document costs links.

So the evidence asked for is local: a link whose lengths the run's own length model rejects
(``|z|`` above two spreads, the usual line of an outlier) marks a stretch to solve again with the
embedding, a few links either side of it (:func:`misfit_windows`); only those paragraphs are
embedded, and the rest of the document keeps its links (:func:`replaced`). The aligner does the
solving (``Aligner._misfits``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from workbench.align.refine import uncertain_runs
from workbench.align.regroup import link_ends
from workbench.align.types import AlignedLink


def misfit_flags(links: Sequence[AlignedLink], misfit: Callable[[AlignedLink], float], limit: float) -> list[bool]:
    """Which links (with both sides) the length model rejects: ``misfit`` (its ``|z|``) above ``limit``."""
    return [bool(lk.source and lk.target) and misfit(lk) > limit for lk in links]


def misfit_windows(flags: Sequence[bool], context: int, frozen: Sequence[bool] | None = None) -> list[tuple[int, int]]:
    """Ranges ``[start, stop)`` of links to solve again: each flagged link (:func:`misfit_flags`)
    with ``context`` links either side, overlapping or touching ranges joined; ``frozen`` links
    (confirmed ones) stay outside."""
    if not any(flags):
        return []
    return uncertain_runs([0.0 if f else 1.0 for f in flags], 0.5, context, frozen)


def span(links: Sequence[AlignedLink]) -> tuple[int, int, int, int] | None:
    """The paragraphs a run of consecutive links covers, ``(s0, s1, t0, t1)`` (ends exclusive), or
    None where one side has none (nothing to align)."""
    src = [i for lk in links for i in lk.source]
    tgt = [j for lk in links for j in lk.target]
    if not src or not tgt:
        return None
    return min(src), max(src) + 1, min(tgt), max(tgt) + 1


def stretches(old: Sequence[AlignedLink], new: Sequence[AlignedLink], s0: int, t0: int
              ) -> list[tuple[tuple[int, int], tuple[int, int]]]:  # fmt: skip
    """Where two readings of the same paragraphs (both starting at ``(s0, t0)``) differ: pairs of
    ranges ``([a, b) of old, [c, d) of new)`` between the places where both put a link boundary,
    the two runs of links in each pair not the same."""
    co, cn = link_ends(old, (s0, t0)), link_ends(new, (s0, t0))
    at_new = {c: k for k, c in enumerate(cn)}
    out = []
    a = c = 0
    for k, cut in enumerate(co):
        if cut not in at_new:
            continue
        b, d = k + 1, at_new[cut] + 1
        same = [(lk.source, lk.target) for lk in old[a:b]] == [(lk.source, lk.target) for lk in new[c:d]]
        if not same:
            out.append(((a, b), (c, d)))
        a, c = b, d
    return out


def chosen(old: Sequence[AlignedLink], new: Sequence[AlignedLink], marked: Sequence[bool],
           marked_new: Sequence[bool]) -> list[AlignedLink]:  # fmt: skip
    """``old`` with each stretch where ``new`` differs (:func:`stretches`) taken from ``new`` where
    it holds a ``marked`` link of ``old`` (a misfit: the question asked) and ``new``'s reading of it
    has fewer marked links (``marked_new``): the lengths reject less of it. (``Aligner._spare_folds``
    asks the same of a doubtful merge: marked are the merges, old and new.) Elsewhere ``old`` stands:
    the embedding was not asked about those stretches (where a document stands without it, it
    costs links as often as it gains them), and a reading that the lengths reject as much is no
    answer to a question the lengths asked."""
    src = [i for lk in old for i in lk.source]
    tgt = [j for lk in old for j in lk.target]
    s0 = min(src) if src else 0
    t0 = min(tgt) if tgt else 0
    out: list[AlignedLink] = []
    done = 0
    for (a, b), (c, d) in stretches(old, new, s0, t0):
        if any(marked[a:b]) and sum(marked_new[c:d]) < sum(marked[a:b]):
            out += old[done:a]
            out += new[c:d]
            done = b
    return out + list(old[done:])


def replaced(links: Sequence[AlignedLink], solved: Sequence[tuple[tuple[int, int], list[AlignedLink]]]) -> list[AlignedLink]:
    """``links`` with each range ``[a, b)`` of ``solved`` (in order, not overlapping) replaced by
    the links found for it."""
    out: list[AlignedLink] = []
    done = 0
    for (a, b), new in solved:
        out += links[done:a]
        out += new
        done = b
    return out + list(links[done:])
