"""A long book cut in two, one part per core: the first pass in overlapping parts, the second in halves.

A book of thousands of paragraphs takes each pass's band search a while; two cores halve that only
if the piece is cut so that the parts give the links of the whole. The first pass has no path yet,
so it is cut by length into overlapping parts stitched where their paths meet (the pure stitching
is :mod:`workbench.align.stitch`); the second pass has the first pass's path, so it is cut after a
sure link of it, which what the second pass adds does not move (:func:`halves`). The evidence the
first pass found is kept for the second, and a part of the piece is served the share of it that
holds it (:func:`held`, :func:`part_of`), so nothing is computed twice. The search and decoding
themselves stay the aligner's (:class:`~workbench.align.aligner.Aligner`): this module only cuts,
hands out and joins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from workbench.align import dp, stitch
from workbench.align.dp import Step
from workbench.align.parallel import split_map
from workbench.align.signals.base import PairEvidence, Window
from workbench.align.signals.length import LengthSignal

if TYPE_CHECKING:
    from workbench.align.aligner import Aligner, AlignmentRun

Progress = Callable[[float], None]
Bounds = tuple[int, int, int, int]
#: the first pass's evidence per piece, kept for the second: (window, static evidence, bead models)
Reuse = dict[tuple[int, ...], tuple[Window, list[PairEvidence], list[object]]]


def first_split(al: Aligner, run: AlignmentRun, k: int, *, min_work: int
                ) -> tuple[list[Step], list[Step], list[float]] | None:  # fmt: skip
    """A long piece's first pass in two overlapping parts (:func:`~workbench.align.stitch.overlapping_parts`),
    one on each core where two may be used: the stitched best path, the stitched decoded path
    and its posteriors; None where the piece is short or the parts' paths do not meet near the
    middle (it is then searched whole). Each part's evidence is kept for the second pass."""
    cfg = al.config
    s0, s1, t0, t1 = run.pieces[k]
    n, m = s1 - s0, t1 - t0
    if not cfg.first_split_min_units or n + m < cfg.first_split_min_units or run.reuse is None:
        return None
    diag = stitch.length_diagonal(LengthSignal.lengths(run.params, run.su[s0:s1], "source"),
                                  LengthSignal.lengths(run.params, run.tu[t0:t1], "target"))  # fmt: skip
    parts = stitch.overlapping_parts(n, m, diag, cfg.first_split_overlap)
    if parts is None:
        return None
    bounds = [(s0 + a0, s0 + a1, t0 + b0, t0 + b1) for a0, a1, b0, b1 in parts]
    # the progress bar hears of the first part only (the second may run in another process)
    jobs = [(b, run.report.part(0, k) if not x else None) for x, b in enumerate(bounds)]
    found = split_map(lambda job: _first_part(al, run, k, *job), jobs, work=n + m, min_work=min_work)
    (pa, da, sa, kept_a), (pb, db, sb, kept_b) = found
    offset = (parts[1][0], parts[1][2])
    reach = cfg.first_split_overlap // 2
    at_path = stitch.meeting(pa, pb, offset, n // 2, reach)
    at_decoded = stitch.meeting(da, db, offset, n // 2, reach)
    if at_path is None or at_decoded is None or kept_a is None or kept_b is None:
        return None
    for b, (window, static) in zip(bounds, (kept_a, kept_b), strict=True):
        S, T = run.su[b[0] : b[1]], run.tu[b[2] : b[3]]
        assert run.reuse is not None
        run.reuse[b] = (window, static, [sig.bead_model(S, T, window) for sig in al.bead_signals])
    scores = [*sa[: at_decoded[0]], *sb[at_decoded[1] :]]
    return (stitch.stitched(pa, pb, offset, at_path), stitch.stitched(da, db, offset, at_decoded), scores)


def _first_part(al: Aligner, run: AlignmentRun, k: int, bounds: Bounds, progress: Progress | None
                ) -> tuple[list[Step], list[Step], list[float], tuple[Window, list[PairEvidence]] | None]:  # fmt: skip
    """One part of a first pass cut in two: its best path, its decoded path and posteriors (in
    the part's coordinates), and the evidence it found (sent back from the second core: the bead
    models, callbacks, are made again where they are used)."""
    local: Reuse = {}
    path, band, cost = al._search(run, k, progress, reuse=local, bounds=bounds)
    decoded, scores = al._decode(band, cost, path, run)
    kept = local.get(bounds)
    return path, decoded, scores, None if kept is None else (kept[0], kept[1])


def final_part(al: Aligner, run: AlignmentRun, k: int,
               part: tuple[tuple[int, int, int, int], list[Step] | None], progress: Progress | None,
               ) -> list[tuple[list[int], list[int], float]]:  # fmt: skip
    """The decoded links (source, target, posterior) of one part of piece ``k`` (the piece, or
    one of its halves: ``part`` is its bounds and its stretch of the first pass's path)."""
    bounds, guide = part
    s0, _s1, t0, _t1 = bounds
    path, band, cost = al._search(run, k, progress, reuse=run.reuse, guide=guide, bounds=bounds)
    path, scores = al._decode(band, cost, path, run)
    return [
        (list(range(s0 + st.i - st.ds, s0 + st.i)), list(range(t0 + st.j - st.dt, t0 + st.j)), p)
        for st, p in zip(path, scores, strict=True)
    ]


#: a first-pass link this sure, with :data:`_CUT_CONTEXT` links as sure either side, may cut a piece
_CUT_SURE = 0.98
_CUT_CONTEXT = 3


def halves(first: list[tuple[Step, float]], guide: list[Step] | None, bounds: tuple[int, int, int, int],
            min_units: int) -> list[tuple[tuple[int, int, int, int], list[Step] | None]]:  # fmt: skip
    """The parts the second pass searches a piece in: the whole piece, or, for a piece of at least
    ``min_units`` paragraphs, its two halves either side of the corner after a sure 1-1 link of the
    first pass nearest the middle (``first``: the first pass's decoded steps with their posteriors,
    in piece coordinates), with the stretch of the first pass's path (``guide``) in each.

    A link the first pass is this sure of, among sure links, is not moved by what the second pass
    adds (the learned lexicon only moves links locally, the band already follows the first path),
    so the halves can be solved apart: each on its own core, with its own posteriors."""
    s0, s1, t0, t1 = bounds
    n = s1 - s0
    whole = [(bounds, guide)]
    if not min_units or n + (t1 - t0) < min_units or guide is None or not first:
        return whole
    on_guide = {(st.i, st.j) for st in guide}
    sure = [st.ds == 1 and st.dt == 1 and p >= _CUT_SURE for st, p in first]
    best: Step | None = None
    for k in range(_CUT_CONTEXT, len(first) - _CUT_CONTEXT):
        st = first[k][0]
        if not n // 4 <= st.i <= 3 * n // 4 or (st.i, st.j) not in on_guide:
            continue
        if all(sure[k - _CUT_CONTEXT : k + _CUT_CONTEXT + 1]) and (best is None or abs(st.i - n // 2) < abs(best.i - n // 2)):
            best = st
    if best is None:
        return whole
    ci, cj = best.i, best.j
    before = [st for st in guide if st.i <= ci and st.j <= cj]
    after = [Step(st.i - ci, st.j - cj, st.ds, st.dt) for st in guide if not (st.i <= ci and st.j <= cj)]
    return [((s0, s0 + ci, t0, t0 + cj), before), ((s0 + ci, s1, t0 + cj, t1), after)]


def part_of(kept: tuple[Window, list[PairEvidence], list[object]] | None, piece: tuple[int, int, int, int],
             part: tuple[int, int, int, int]) -> tuple[Window, list[PairEvidence], list[object]] | None:  # fmt: skip
    """A piece's kept first-pass evidence cut to one part of it: the pairs inside it, renumbered,
    and its bead models read at the part's offset."""
    if kept is None:
        return None
    window, static, models = kept
    da, db = part[0] - piece[0], part[2] - piece[2]
    na, nb = part[1] - part[0], part[3] - part[2]
    rows = slice(da, da + na)
    sub = Window(np.clip(window.lo[rows] - db, 0, nb), np.clip(window.hi[rows] - db, 0, nb),
                 np.clip(window.center[rows] - db, 0, max(nb - 1, 0)))  # fmt: skip
    out = []
    for ev in static:
        keep = (ev.src >= da) & (ev.src < da + na) & (ev.tgt >= db) & (ev.tgt < db + nb)
        out.append(PairEvidence(
            ev.src[keep] - da, ev.tgt[keep] - db, ev.score[keep],
            None if ev.src_next is None else ev.src_next[keep], None if ev.tgt_next is None else ev.tgt_next[keep],
        ))  # fmt: skip
    return sub, out, [None if mdl is None else _shifted(mdl, da, db) for mdl in models]


#: a first-pass part's evidence serves a second-pass part this many paragraphs inside it (each
#: side, but for the piece's own ends): nearer its edge, rarity was counted on fewer neighbours
_HELD_MARGIN = 32


def held(reuse: Reuse, piece: tuple[int, int, int, int],
          part: tuple[int, int, int, int]) -> tuple[Window, list[PairEvidence], list[object]] | None:  # fmt: skip
    """The kept evidence of a first-pass part (see :func:`first_split`) that holds ``part``
    of ``piece`` well inside it, cut to ``part``; None where none does."""
    s0, s1, t0, t1 = part
    for key in sorted(reuse):
        a0, a1, b0, b1 = key
        if (
            (a0 == piece[0] or a0 <= s0 - _HELD_MARGIN) and (b0 == piece[2] or b0 <= t0 - _HELD_MARGIN)
            and (a1 == piece[1] or a1 >= s1 + _HELD_MARGIN) and (b1 == piece[3] or b1 >= t1 + _HELD_MARGIN)
            and a0 <= s0 and b0 <= t0 and a1 >= s1 and b1 >= t1 and piece[0] <= a0 and a1 <= piece[1]
        ):
            return part_of(reuse[key], key, part)
    return None


def _shifted(model: dp.CostFn, da: int, db: int) -> dp.CostFn:
    """A piece's bead cost callback for a part of it that starts ``da`` source and ``db`` target
    units in: the same beads, the same costs."""

    def cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return model(ds, dt, rows + da, cols + db)

    return cost
