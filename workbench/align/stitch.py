"""The first pass of a long book in two overlapping parts, one per core, stitched where they meet.

The first pass has no path to cut at yet (the second pass cuts after one of its sure links, see
``Aligner._final_pass``), so a long piece is cut by length: the source at its middle, the target
where the length diagonal puts it, and each part reaches ``overlap`` source paragraphs past the
middle into the other's (:func:`overlapping_parts`). Each part's best path must end at its own
corner, which the true path may miss near the part's far end, but a best path forgets where it
must end a few links back: in the overlap both parts' paths run together. They are stitched at a
corner both pass through nearest the middle (:func:`meeting`); where they meet nowhere near it,
the piece is searched whole, as before. The parts are fixed by the lengths alone, so one core and
two make the same cut and the same links. Pure functions; :func:`workbench.align.longbook.first_split`
does the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from workbench.align.dp import Step

Bounds = tuple[int, int, int, int]


def length_diagonal(src_len: np.ndarray, tgt_len: np.ndarray) -> np.ndarray:
    """For each source boundary, the target boundary at the same share of the text (by length)."""
    cs = np.concatenate([[0.0], np.cumsum(src_len + 1.0)])
    ct = np.concatenate([[0.0], np.cumsum(tgt_len + 1.0)])
    pos = cs / cs[-1] * ct[-1]
    return np.rint(np.interp(pos, ct, np.arange(len(ct)))).astype(np.int64)


def overlapping_parts(n: int, m: int, diag: np.ndarray, overlap: int) -> list[Bounds] | None:
    """The two parts of an ``n`` x ``m`` piece (bounds ``(s0, s1, t0, t1)`` in piece coordinates):
    the source cut at its middle, the target at the length diagonal's position there (``diag``:
    per source boundary, the target boundary at the same share of the text), each part reaching
    ``overlap`` source paragraphs past the cut; None where the piece is too short for that."""
    mid = n // 2
    if overlap <= 0 or mid - overlap <= 0 or mid + overlap >= n:
        return None
    a1, b0 = mid + overlap, mid - overlap
    ta1, tb0 = int(diag[a1]), int(diag[b0])
    if not 0 < tb0 < ta1 < m:
        return None
    return [(0, a1, 0, ta1), (b0, n, tb0, m)]


def meeting(first: Sequence[Step], second: Sequence[Step], offset: tuple[int, int], middle: int,
            reach: int) -> tuple[int, int] | None:  # fmt: skip
    """Where two overlapping parts' paths meet: ``(ka, kb)`` such that ``first[:ka]`` then
    ``second[kb:]`` is one path through a corner both pass through, the one nearest source
    ``middle`` (the lower of two as near) within ``reach`` of it; None where they share none there.
    ``first`` starts at the piece's origin, ``second`` at ``offset`` (its steps in its own
    coordinates)."""
    di, dj = offset
    ends = {(st.i, st.j): k + 1 for k, st in enumerate(first)}
    best: tuple[int, int, int, int] | None = None
    for kb, st in enumerate(second):
        i, j = st.i - st.ds + di, st.j - st.dt + dj  # the corner this step starts from
        d = abs(i - middle)
        if d > reach or (i, j) not in ends:
            continue
        if best is None or (d, i) < (best[0], best[1]):
            best = (d, i, ends[(i, j)], kb)
    return None if best is None else (best[2], best[3])


def stitched(first: Sequence[Step], second: Sequence[Step], offset: tuple[int, int], at: tuple[int, int]) -> list[Step]:
    """``first`` up to the meeting ``at`` (see :func:`meeting`), then ``second`` from there, in
    the piece's coordinates."""
    di, dj = offset
    ka, kb = at
    return [*first[:ka], *(Step(st.i + di, st.j + dj, st.ds, st.dt) for st in second[kb:])]
