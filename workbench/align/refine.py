"""A second look at the stretches the aligner is unsure of: paragraph links re-decided by how well
the sentences inside them align. Pure numpy; the aligner (``Aligner._refine``) does the rest.

The paragraph dp sees a paragraph as a bag: its length, and the words it shares with the other
side wherever they stand. Where a translator split a paragraph and one half could join either
neighbour, or merged two short items next to a paraphrase, both readings fit those bags almost
equally well. Sentences tell them apart: in the right reading each sentence of a link finds its
counterpart, in order, inside the same link; in the wrong one a split half has to line up with the
neighbour's closing sentences (a hymn the translator left out, a citation) and its words go unused.

So each run of doubtful links (:func:`uncertain_runs`) is solved again by a small paragraph dp
whose bead cost is the paragraph prior plus ``weight`` times the cost of the best sentence
alignment inside the bead (:func:`window_costs`): the sentence dp runs over the window's sentences
with bead costs computed once for the whole window, and one min-sum sweep from each paragraph
corner prices every bead that starts there.

Paragraphs the first decoding left unlinked stay unlinked, and no new ones are made: sentence
costs do not compare an aligned paragraph with a dropped one (each dropped sentence pays its 1-0
prior, so absorbing a dropped paragraph into a merge always looks cheaper). Drops are the
paragraph model's call (its length, note and rarity evidence), boundaries between links are this
module's. Letting the window re-decide drops too was measured two ways: with each dropped sentence
priced at the sentence dp's 1-0 prior, dropped paragraphs were absorbed into merges and strict F1
fell; with a drop priced at its paragraph prior only, it moved some misplaced drops back but also
turned split halves into added paragraphs, better on some seed sets and worse on others. A wash, so
the simpler rule stays.

What the second look adds to strict F1, and what it costs on the 10,000-paragraph book, is printed
by the benchmark (tests/bench/align_bench.py) and kept in the README's alignment figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from workbench.align.dp import INF, Bead, CostFn


def uncertain_runs(
    scores: Sequence[float], below: float, context: int, frozen: Sequence[bool] | None = None
) -> list[tuple[int, int]]:
    """Ranges ``[start, stop)`` of links to solve again: each link scored below ``below`` with
    ``context`` links either side (a wrong boundary is fixed by moving a paragraph into a
    neighbour, which may be sure of itself), overlapping or touching ranges joined. ``frozen``
    links (confirmed ones) are never inside a range: a range stops short of them."""
    n = len(scores)
    fz = [False] * n if frozen is None else [bool(x) for x in frozen]
    runs: list[list[int]] = []
    for k in range(n):
        if fz[k] or not scores[k] < below:
            continue
        a = k
        while a > 0 and k - a < context and not fz[a - 1]:
            a -= 1
        b = k + 1
        while b < n and b - k <= context and not fz[b]:
            b += 1
        if runs and a <= runs[-1][1] and not any(fz[runs[-1][1] : a]):
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    return [(a, b) for a, b in runs]


def corner_sweeps(
    sentence_tables: Mapping[Bead, np.ndarray],
    sentence_beads: Sequence[Bead],
    starts: Sequence[tuple[int, int]],
    ends: Sequence[tuple[int, int]] | None = None,
    compiled: Callable[..., None] | None = None,
) -> np.ndarray:
    """``out[c, x, y]``: the cost of the cheapest sentence alignment from sentence cell ``starts[c]``
    to cell (x, y) of the window (inf where none reaches), for all starts in one vectorised sweep.

    ``sentence_tables`` are the sentence beads' costs over the whole window (full band, as
    :func:`workbench.align.dp.cost_tables` gives them: ``[x, y]`` for the bead ending at (x, y)).

    ``ends``: for each start, the last cell (x, y) it is read at; then ``out[c]`` holds those costs
    only inside the box from ``starts[c]`` to ``ends[c]`` (the paths to a cell stay in it), each one
    equal to the whole sweep's, and anything elsewhere. A paragraph bead reaches only a few
    paragraphs from its corner, so each row is swept only for the corners whose box it crosses and
    only over their columns. ``compiled``: :func:`workbench.align.sweep_kernel.corner_kernel`, the
    same sweeps over the same boxes without a numpy call per row (a window is a few dozen sentences
    a side, so the numpy rows spend their time in calls, not in sums); the same costs in the boxes.
    """
    first = next(iter(sentence_tables.values()))
    ns, nt = first.shape[0] - 1, first.shape[1] - 1
    d = np.full((len(starts), ns + 1, nt + 1), INF)
    if not len(starts):
        return d
    xs = np.array([x for x, _ in starts])
    ys = np.array([y for _, y in starts])
    d[np.arange(len(starts)), xs, ys] = 0.0
    if ends is None:
        xe, ye = np.full(len(starts), ns), np.full(len(starts), nt)
    else:
        xe = np.minimum(np.array([x for x, _ in ends]), ns)
        ye = np.minimum(np.array([y for _, y in ends]), nt)
    vert = [(ds, dt) for ds, dt in sentence_beads if ds]
    horiz = (0, 1) in sentence_beads
    if compiled is not None:
        tabs = np.stack([np.asarray(sentence_tables[b], dtype=np.float64) for b in vert]) if vert else np.full((0, ns + 1, nt + 1), INF)
        compiled(d, tabs, np.array([b[0] for b in vert], dtype=np.int64), np.array([b[1] for b in vert], dtype=np.int64),
                 np.asarray(sentence_tables[(0, 1)] if horiz else first, dtype=np.float64), horiz,
                 xs.astype(np.int64), ys.astype(np.int64), xe.astype(np.int64), ye.astype(np.int64))  # fmt: skip
        return d
    for x in range(int(xs.min()), int(xe.max()) + 1):
        # the corners whose box this row crosses, and every corner between them (a corner before
        # its start row has only inf there, one past its end row is read no more); the columns from
        # the first of their starts (all before it are inf) to the last of their ends
        active = np.flatnonzero((xs <= x) & (xe >= x))
        if not active.size:
            continue
        c0, c1 = int(active[0]), int(active[-1]) + 1
        y0, y1 = int(ys[c0:c1].min()), int(ye[c0:c1].max()) + 1
        row = d[c0:c1, x, :]
        for ds, dt in vert:
            if x < ds or dt > nt or max(dt, y0) >= y1:
                continue
            lo = max(dt, y0)
            cand = d[c0:c1, x - ds, lo - dt : y1 - dt] + sentence_tables[(ds, dt)][x, lo:y1]
            np.minimum(row[:, lo:y1], cand, out=row[:, lo:y1])
        if horiz and nt:
            # row[y] = min(row[y], row[y-1] + c[y]) along the row, as a running minimum (the sums
            # taken along the whole row, as ever: the same values in the columns swept)
            cc = np.concatenate([[0.0], np.cumsum(np.minimum(sentence_tables[(0, 1)][x, 1:], 1e9))])[y0:y1]
            with np.errstate(invalid="ignore"):
                row[:, y0:y1] = np.minimum.accumulate(row[:, y0:y1] - cc, axis=1) + cc
    return d


def window_costs(
    sweeps: np.ndarray,
    corner_index: Mapping[tuple[int, int], int],
    src_bounds: Sequence[int],
    tgt_bounds: Sequence[int],
    priors: Mapping[Bead, float],
    weight: float,
    unlinked_src: Sequence[bool],
    unlinked_tgt: Sequence[bool],
) -> dict[Bead, np.ndarray]:
    """Paragraph bead costs of a window, ``[i, j]`` for the bead ending at corner (i, j), from the
    :func:`corner_sweeps` of the corners in ``corner_index`` (corner -> its row in ``sweeps``; a bead
    from a corner without a sweep is not considered):
    ``-log prior + weight * sentence cost`` for linking beads; a 1-0 / 0-1 bead is free for a
    paragraph in ``unlinked_*`` and forbidden for any other, and no linking bead may hold an
    unlinked paragraph (see the module docstring)."""
    ks, kt = len(src_bounds) - 1, len(tgt_bounds) - 1
    us = np.concatenate([[0], np.cumsum(np.asarray(unlinked_src, dtype=np.int64))])
    ut = np.concatenate([[0], np.cumsum(np.asarray(unlinked_tgt, dtype=np.int64))])
    out: dict[Bead, np.ndarray] = {}
    for (ds, dt), p in priors.items():
        tab = np.full((ks + 1, kt + 1), INF)
        for i in range(ds, ks + 1):
            for j in range(dt, kt + 1):
                n_un = (us[i] - us[i - ds]) + (ut[j] - ut[j - dt])
                if not ds or not dt:
                    tab[i, j] = 0.0 if n_un == ds + dt else INF
                elif n_un == 0 and (c := corner_index.get((i - ds, j - dt))) is not None:
                    tab[i, j] = -np.log(p) + weight * float(sweeps[c, src_bounds[i], tgt_bounds[j]])
        out[(ds, dt)] = tab
    return out


def add_bead_costs(tables: dict[Bead, np.ndarray], cost: CostFn) -> None:
    """Add ``cost`` (a :data:`~workbench.align.dp.CostFn` in the window's paragraph coordinates) to
    every linking bead of :func:`window_costs`' ``tables``, in place: the paragraph-level signals
    the sentence tables cannot hold. Forbidden cells stay forbidden."""
    for (ds, dt), tab in tables.items():
        ks, kt = tab.shape[0] - 1, tab.shape[1] - 1
        if not ds or not dt or ds > ks or dt > kt:
            continue
        rows = np.arange(ds, ks + 1)
        cols = np.broadcast_to(np.arange(dt, kt + 1), (rows.size, kt + 1 - dt)).copy()
        tab[ds:, dt:] += np.asarray(cost(ds, dt, rows, cols), dtype=np.float64)


def table_cost(tables: Mapping[Bead, np.ndarray]) -> CostFn:
    """The dp cost callback that reads bead costs from full-grid tables."""

    def cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return tables[(ds, dt)][rows[:, None], cols]

    return cost


def corners_near(sizes: Sequence[tuple[int, int]], reach: int) -> list[tuple[int, int]]:
    """Paragraph corners of a window within ``reach`` (source plus target paragraphs) of a corner
    between its links (``sizes``: each link's source and target paragraph counts): where a reading
    a few moves away from the first one may pass."""
    base = [(0, 0)]
    i = j = 0
    for ds, dt in sizes:
        i, j = i + ds, j + dt
        base.append((i, j))
    ks, kt = i, j
    near = set()
    for bi, bj in base:
        for di in range(-reach, reach + 1):
            for dj in range(abs(di) - reach, reach - abs(di) + 1):
                a, b = bi + di, bj + dj
                if 0 <= a <= ks and 0 <= b <= kt:
                    near.add((a, b))
    return sorted(near)
