"""The dp's row recurrence compiled with numba: the same arithmetic as the numpy rows of
:func:`workbench.align.dp._sweep`, in the same order, without the Python interpreter between them.

Why: a band row is a few hundred cells, so the numpy version spends most of its time calling numpy
(about thirty calls a row), not computing; a 10,000-paragraph book runs eight sweeps of 10,000 rows
each. Compiled, the rows cost next to nothing and the cost callbacks (the signals' evidence) are
what is left. numba is loaded on the first sweep (importing it costs a quarter of a second that a
command which never aligns should not pay) and its machine code is cached on disk (``cache=True``),
so only the first process on a machine compiles (about a second).

Without numba (a Python it has no wheel for yet, or ``WORKBENCH_NUMBA=0``), :func:`kernel` returns
None and the dp runs its numpy rows; the tests hold the two to the same tables.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from functools import cache

import numpy as np

_LOGE2 = math.log(2.0)


def _rows(
    table: np.ndarray, back: np.ndarray, costs: np.ndarray, start: int, lo: np.ndarray, m: int,
    bead_ds: np.ndarray, bead_dt: np.ndarray, vert: np.ndarray, h: int, minimum: bool,
) -> None:  # pragma: no cover - compiled; the numpy rows in dp.py are the reference
    """Fill ``table`` (and ``back`` in min mode) for rows ``start .. start + costs.shape[1] - 1``.

    ``costs[b, r, k]``: cost of bead b ending at row ``start + r``, storage column k (inf where void).
    ``h``: index of the 0-1 bead, or -1 when there is none (or it has no costs in this grid).
    """
    w = table.shape[1]
    nv = vert.size
    cand = np.empty(nv)
    e = np.empty(w)
    best = np.zeros(w, dtype=np.int64)
    for r in range(costs.shape[1]):
        i = start + r
        li = lo[i]
        k0 = max(0, -li)
        k1 = min(w, m - li + 1)
        if k0 >= k1:
            continue
        for k in range(k0, k1):
            for v in range(nv):
                b = vert[v]
                ds = bead_ds[b]
                val = np.inf
                if i >= ds:
                    shift = lo[i] - lo[i - ds] - bead_dt[b]
                    if max(k0, -shift) <= k < min(k1, w - shift):
                        val = table[i - ds, k + shift] + costs[b, r, k]
                cand[v] = val
            if minimum:
                bi = 0
                for v in range(1, nv):
                    if cand[v] < cand[bi]:
                        bi = v
                best[k] = bi
                e[k] = cand[bi] if nv else np.inf
            else:
                mn = np.inf
                for v in range(nv):
                    if cand[v] < mn:
                        mn = cand[v]
                base = mn if np.isfinite(mn) else 0.0
                s = 0.0
                for v in range(nv):
                    s += np.exp(base - cand[v])
                e[k] = base - np.log(s)
        if i == 0 and k0 <= -lo[0] < k1:
            e[-lo[0]] = 0.0
        if h >= 0:
            cc = 0.0
            run = 0.0
            for k in range(k0, k1):
                if k > k0:
                    cc += min(costs[h, r, k], 1e9)
                f = e[k] - cc
                if minimum:
                    src = vert[best[k]] if np.isfinite(e[k]) else -1
                    if k == k0 or f <= run:
                        run = f
                        back[i, k] = src
                    else:
                        back[i, k] = h
                    table[i, k] = run + cc
                else:
                    x = -f
                    if k == k0:
                        run = x
                    elif run == x:  # numpy's npy_logaddexp, branch for branch (bit-equal tables)
                        run = run + _LOGE2
                    elif run - x > 0:
                        run = run + np.log1p(np.exp(x - run))
                    elif run - x <= 0:
                        run = x + np.log1p(np.exp(run - x))
                    else:
                        run = run - x
                    table[i, k] = cc - run
        else:
            for k in range(k0, k1):
                table[i, k] = e[k]
                if minimum:
                    back[i, k] = vert[best[k]] if np.isfinite(e[k]) else -1


def _compiled(fn: Callable[..., None]) -> Callable[..., None] | None:
    """``fn`` compiled by numba, or None when numba is missing or switched off (WORKBENCH_NUMBA=0)."""
    if os.environ.get("WORKBENCH_NUMBA", "1") == "0":
        return None
    try:
        import numba
    except ImportError:
        return None
    try:
        return numba.njit(cache=True, nogil=True)(fn)
    except RuntimeError:  # no writable cache location (a read-only install and no home): compile per process
        return numba.njit(nogil=True)(fn)


@cache
def kernel() -> Callable[..., None] | None:
    """The compiled row filler, or None when numba is missing or switched off."""
    return _compiled(_rows)


def _corner_rows(
    d: np.ndarray, tabs: np.ndarray, bead_ds: np.ndarray, bead_dt: np.ndarray, horiz: np.ndarray, has_h: bool,
    xs: np.ndarray, ys: np.ndarray, xe: np.ndarray, ye: np.ndarray,
) -> None:  # pragma: no cover - compiled; refine.corner_sweeps's numpy rows are the reference
    """The second look's corner sweeps (:func:`workbench.align.refine.corner_sweeps`), each corner c
    over its box only (rows ``xs[c] .. xe[c]``, columns ``ys[c] .. ye[c]``), with the numpy rows'
    arithmetic: each vertical bead's candidate ``d[x - ds, y - dt] + tabs[b, x, y]`` taken if
    smaller, then the row's running minimum of ``d - cc`` plus ``cc`` (``cc`` the 0-1 costs summed
    along the whole row, capped at 1e9 each), so every cell of a box is bit for bit the numpy one.
    ``d`` holds inf but 0 at each start."""
    nt = d.shape[2] - 1
    nb = bead_ds.size
    cc = np.empty(nt + 1)
    for c in range(d.shape[0]):
        x0, y0, x1, y1 = xs[c], ys[c], xe[c], ye[c]
        for x in range(x0, x1 + 1):
            for b in range(nb):
                ds, dt = bead_ds[b], bead_dt[b]
                if x - ds < x0:
                    continue
                for y in range(max(dt, y0), y1 + 1):
                    v = d[c, x - ds, y - dt] + tabs[b, x, y]
                    if v < d[c, x, y]:
                        d[c, x, y] = v
            if has_h and nt:
                cc[0] = 0.0
                for y in range(1, y1 + 1):
                    cc[y] = cc[y - 1] + min(horiz[x, y], 1e9)
                run = np.inf
                for y in range(y0, y1 + 1):
                    f = d[c, x, y] - cc[y]
                    if y == y0 or f < run:
                        run = f
                    d[c, x, y] = run + cc[y]


@cache
def corner_kernel() -> Callable[..., None] | None:
    """The compiled corner sweeps, or None when numba is missing or switched off (as :func:`kernel`)."""
    return _compiled(_corner_rows)
