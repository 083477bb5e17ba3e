"""The first pass of a long book in two overlapping parts (workbench/align/stitch.py): cut by length,
stitched where the parts' paths meet, the same links as the whole piece on one core or two, and each
part's evidence kept for the second pass."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align import Aligner, aligner, stitch
from workbench.align.aligner import AlignConfig, _held
from workbench.align.dp import Step
from workbench.align.signals.base import PairEvidence, Window

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _pairs(links: list) -> list[tuple[list[int], list[int]]]:
    return [(lk.source, lk.target) for lk in links]


def _path(beads: list[tuple[int, int]], i: int = 0, j: int = 0) -> list[Step]:
    out = []
    for ds, dt in beads:
        i, j = i + ds, j + dt
        out.append(Step(i, j, ds, dt))
    return out


def test_parts_cut_the_source_at_its_middle_and_the_target_on_the_diagonal() -> None:
    diag = np.arange(101) * 2  # the target twice the source
    assert stitch.overlapping_parts(100, 200, diag, 10) == [(0, 60, 0, 120), (40, 100, 80, 200)]
    assert stitch.overlapping_parts(100, 200, diag, 50) is None  # the overlap would reach the ends
    assert stitch.overlapping_parts(100, 200, diag, 0) is None


def test_paths_are_stitched_at_the_shared_corner_nearest_the_middle() -> None:
    # the first part's path: 1-1 links to (60, 60), then bent to its own corner (60, 64)
    first = _path([(1, 1)] * 55 + [(1, 2)] * 4 + [(1, 1)])
    # the second part starts at (40, 40), wanders off at first, then runs on the diagonal
    second = _path([(1, 2), (2, 1)] + [(1, 1)] * 57)
    assert first[-1] == Step(60, 64, 1, 1) and second[-1].i + 40 == 100
    at = stitch.meeting(first, second, (40, 40), 50, 10)
    assert at is not None
    joined = stitch.stitched(first, second, (40, 40), at)
    assert [(st.i, st.j) for st in joined] == [(k, k) for k in range(1, 101)]
    # the meeting corner is (50, 50): the nearest the middle both pass through
    ka, kb = at
    assert (first[ka - 1].i, first[ka - 1].j) == (50, 50) and (second[kb].i - 1 + 40, second[kb].j - 1 + 40) == (50, 50)
    # paths that meet nowhere near the middle are not stitched
    apart = _path([(1, 2)] * 59 + [(1, 1)] * 0)
    assert stitch.meeting(apart, second, (40, 40), 50, 10) is None


def test_kept_evidence_serves_a_part_well_inside_it() -> None:
    n, m = 100, 100
    win = Window(np.zeros(n, dtype=np.int64), np.full(n, m, dtype=np.int64), np.arange(n))
    ev = PairEvidence(np.arange(n), np.arange(n), np.ones(n))
    piece = (0, 200, 0, 200)
    reuse = {(0, 100, 0, 100): (win, [ev], [None])}
    got = _held(reuse, piece, (0, 60, 0, 60))
    assert got is not None
    sub, (part_ev,), _models = got
    assert part_ev.src.tolist() == list(range(60)) and len(sub.lo) == 60
    assert _held(reuse, piece, (0, 80, 0, 80)) is None  # too near the kept part's edge
    assert _held(reuse, piece, (10, 60, 10, 60)) is not None  # the piece's own start needs no margin
    assert _held(reuse, piece, (50, 150, 50, 150)) is None  # not inside


def test_the_first_pass_in_parts_gives_the_links_of_the_whole(book, monkeypatch) -> None:  # noqa: ANN001
    splits: list[bool] = []
    real = aligner.Aligner._first_split

    def spy(self, run, k):  # noqa: ANN001, ANN202
        got = real(self, run, k)
        splits.append(got is not None)
        return got

    monkeypatch.setattr(aligner.Aligner, "_first_split", spy)
    n = len(book["source"]) + len(book["target"])
    assert n > 400
    whole = Aligner(config=AlignConfig(first_split_min_units=0)).align(book["source"], book["target"])
    assert splits == [False]
    cfg = AlignConfig(first_split_min_units=400, first_split_overlap=60)
    parts = Aligner(config=cfg).align(book["source"], book["target"])
    assert splits[1:] == [True]  # this book was cut (and stitched)
    assert _pairs(parts) == _pairs(whole)
    assert [lk.score for lk in parts] == pytest.approx([lk.score for lk in whole], abs=0.02)
    # one core and two: the same parts, the same links
    monkeypatch.setattr(aligner, "PARALLEL_MIN_UNITS", 10)
    two = Aligner(config=cfg).align(book["source"], book["target"])
    monkeypatch.setenv("WORKBENCH_PARALLEL", "0")
    one = Aligner(config=cfg).align(book["source"], book["target"])
    assert _pairs(two) == _pairs(one) == _pairs(parts)
    assert [lk.score for lk in two] == pytest.approx([lk.score for lk in one], abs=1e-12)


def test_a_short_piece_is_searched_whole(book, monkeypatch) -> None:  # noqa: ANN001
    calls: list[object] = []
    real = stitch.overlapping_parts
    monkeypatch.setattr(stitch, "overlapping_parts", lambda *a: calls.append(a) or real(*a))
    Aligner(config=AlignConfig(first_split_min_units=10**6)).align(book["source"][:80], book["target"][:80])
    assert calls == []


def test_parts_that_do_not_meet_fall_back_to_the_whole_piece(book, monkeypatch) -> None:  # noqa: ANN001
    cfg = AlignConfig(first_split_min_units=400, first_split_overlap=60)
    whole = Aligner(config=AlignConfig(first_split_min_units=0)).align(book["source"], book["target"])
    monkeypatch.setattr(stitch, "meeting", lambda *a: None)
    apart = Aligner(config=cfg).align(book["source"], book["target"])
    assert _pairs(apart) == _pairs(whole)
    assert [lk.score for lk in apart] == pytest.approx([lk.score for lk in whole], abs=1e-12)
