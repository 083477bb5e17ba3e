"""The second look at doubtful stretches: windows, sentence sweeps, window bead costs, and the
aligner re-deciding a wrong boundary from the sentences."""

import math

import numpy as np
import pytest

from workbench.align import dp
from workbench.align.aligner import AlignConfig, Aligner
from workbench.align.dp import BEADS, Band
from workbench.align.refine import corner_sweeps, corners_near, uncertain_runs, window_costs
from workbench.align.signals import default_signals
from workbench.align.sweep_kernel import _corner_rows, corner_kernel
from workbench.align.types import AlignedLink

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def test_uncertain_runs_take_context_and_join() -> None:
    scores = [1.0, 0.9, 0.5, 0.9, 0.9, 0.9, 0.9, 0.3, 0.95, 0.6, 1.0]
    assert uncertain_runs(scores, 0.7, 1) == [(1, 4), (6, 11)]  # 7 and 9 share link 8
    assert uncertain_runs(scores, 0.7, 0) == [(2, 3), (7, 8), (9, 10)]
    assert uncertain_runs(scores, 0.2, 1) == []
    assert uncertain_runs([], 0.7, 1) == []


def test_uncertain_runs_stop_at_frozen_links() -> None:
    scores = [0.9, 0.5, 0.9, 0.5, 0.9]
    frozen = [False, False, True, False, False]
    # link 2 is confirmed: neither run reaches into it, and the two runs are not joined across it
    assert uncertain_runs(scores, 0.7, 1, frozen) == [(0, 2), (3, 5)]
    assert uncertain_runs([0.1, 0.1], 0.7, 1, [True, False]) == [(1, 2)]


def test_corners_near_keeps_the_links_corners_and_their_neighbours() -> None:
    near = corners_near([(1, 1), (1, 1), (1, 1)], 1)
    for c in [(0, 0), (1, 1), (2, 2), (3, 3), (2, 1), (1, 2), (0, 1)]:
        assert c in near
    assert (3, 0) not in near and (0, 3) not in near
    assert all(0 <= i <= 3 and 0 <= j <= 3 for i, j in near)
    assert corners_near([(2, 1)], 0) == [(0, 0), (2, 1)]


def _random_tables(ns: int, nt: int, seed: int) -> tuple[dict, tuple]:
    rng = np.random.default_rng(seed)
    beads = BEADS
    tables = {}
    for ds, dt in beads:
        tab = rng.uniform(0.0, 5.0, (ns + 1, nt + 1))
        tab[:ds, :] = np.inf
        tab[:, :dt] = np.inf
        tables[(ds, dt)] = tab
    return tables, beads


@pytest.mark.parametrize("seed", range(4))
def test_corner_sweeps_equal_a_viterbi_on_each_block(seed: int) -> None:
    ns, nt = 9, 11
    tables, beads = _random_tables(ns, nt, seed)
    starts = [(0, 0), (2, 3), (4, 1), (9, 11), (5, 11)]
    sweeps = corner_sweeps(tables, beads, starts)
    for c, (x0, y0) in enumerate(starts):
        for x1, y1 in [(ns, nt), (x0 + 2, y0 + 3), (x0, y0 + 1), (x0 + 3, y0)]:
            if x1 > ns or y1 > nt:
                continue

            def sub(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray, x0: int = x0, y0: int = y0) -> np.ndarray:
                return tables[(ds, dt)][(rows + x0)[:, None], cols + y0]

            _path, total = dp.viterbi(Band.full(x1 - x0, y1 - y0), sub, beads)
            assert sweeps[c, x1, y1] == pytest.approx(total)
        # nothing before the start is reachable from it
        assert np.isinf(sweeps[c, :x0, :]).all() and np.isinf(sweeps[c, :, :y0]).all()


@pytest.mark.parametrize("seed", range(4))
def test_corner_sweeps_inside_their_boxes_equal_the_whole_sweep(seed: int) -> None:
    # each start swept only to its end: inside the box from start to end every cost is the whole
    # sweep's, to the last bit (the aligner's links may not depend on it); starts in any order
    ns, nt = 23, 19
    tables, beads = _random_tables(ns, nt, seed)
    rng = np.random.default_rng(100 + seed)
    starts = [(int(rng.integers(0, ns + 1)), int(rng.integers(0, nt + 1))) for _ in range(12)] + [(0, 0), (ns, nt)]
    ends = [(min(ns, x + int(rng.integers(0, 8))), min(nt + 3, y + int(rng.integers(0, 8)))) for x, y in starts]
    whole = corner_sweeps(tables, beads, starts)
    boxed = corner_sweeps(tables, beads, starts, ends)
    corner_kernel.cache_clear()  # (a test that switched numba off may have left None cached)
    compiled = corner_kernel()
    assert compiled is not None  # numba is a dependency
    # the kernel's own loops run as plain Python too: both held to the numpy sweep
    for kernel in (compiled, _corner_rows):
        fast = corner_sweeps(tables, beads, starts, ends, kernel)
        for c, ((x0, y0), (x1, y1)) in enumerate(zip(starts, ends, strict=True)):
            box = (slice(x0, x1 + 1), slice(y0, min(nt, y1) + 1))
            assert np.array_equal(boxed[c][box], whole[c][box])
            assert np.array_equal(fast[c][box], whole[c][box])
            assert np.isfinite(whole[c][box]).any()
    # without ends, the whole sweep, as before, numpy or compiled
    assert np.array_equal(corner_sweeps(tables, beads, starts, None), whole)
    assert np.array_equal(corner_sweeps(tables, beads, starts, None, compiled), whole)


def test_window_costs_keep_unlinked_paragraphs_unlinked() -> None:
    # two source paragraphs of one sentence each, three target paragraphs, the middle one unlinked
    src_b, tgt_b = [0, 1, 2], [0, 1, 2, 3]
    tables, beads = _random_tables(2, 3, 7)
    corners = [(i, j) for i in range(3) for j in range(4)]
    sweeps = corner_sweeps(tables, beads, [(src_b[i], tgt_b[j]) for i, j in corners])
    index = {c: k for k, c in enumerate(corners)}
    priors = {(1, 1): 0.8, (1, 2): 0.1, (1, 0): 0.05, (0, 1): 0.05}
    costs = window_costs(sweeps, index, src_b, tgt_b, priors, 0.5, [False, False], [False, True, False])
    assert costs[(0, 1)][0, 2] == 0.0  # target 1 alone: free
    assert math.isinf(costs[(0, 1)][0, 1]) and math.isinf(costs[(0, 1)][0, 3])  # no new 0-1 links
    assert math.isinf(costs[(1, 0)][1, 0])  # no new 1-0 links
    assert math.isinf(costs[(1, 2)][1, 2])  # a link may not hold the unlinked paragraph
    expected = -math.log(0.8) + 0.5 * sweeps[index[(1, 2)], 2, 3]
    assert costs[(1, 1)][2, 3] == pytest.approx(expected)
    # a bead that starts at a corner without a sweep is not considered
    costs = window_costs(sweeps, {(0, 0): 0}, src_b, tgt_b, priors, 0.5, [False, False], [False, True, False])
    assert math.isinf(costs[(1, 1)][2, 3]) and np.isfinite(costs[(1, 1)][1, 1])


# Hebrew and English sentences that say the same thing and share a year: the sentence dp pairs them
HE = "בשנת {y} נאמר דבר חשוב מאוד על הנושא הזה בספר."
EN = "In {y} something very important was said about this subject in the book."


def _para(lang: str, years: list[int]) -> str:
    return " ".join((HE if lang == "he" else EN).format(y=y) for y in years)


def _book() -> tuple[list[str], list[str], list[tuple[list[int], list[int]]]]:
    """A book whose fourth source paragraph is split in two on the English side."""
    years = [[1901 + 10 * k, 1903 + 10 * k] for k in range(8)]
    src = [_para("he", y) for y in years]
    tgt = []
    gold = []
    for k, y in enumerate(years):
        if k == 3:
            gold.append(([k], [len(tgt), len(tgt) + 1]))
            tgt += [_para("en", y[:1]), _para("en", y[1:])]
        else:
            gold.append(([k], [len(tgt)]))
            tgt.append(_para("en", y))
    return src, tgt, gold


def test_refinement_moves_a_split_half_to_the_paragraph_its_sentences_belong_to() -> None:
    src, tgt, gold = _book()
    al = Aligner(default_signals(embed=False))
    run = al.run(src, tgt)
    assert [(lk.source, lk.target) for lk in run.links] == gold
    # the first half of the split hung on the paragraph before, as a length-minded pass might
    wrong = [AlignedLink(s, t, 0.99) for s, t in gold]
    wrong[2:4] = [AlignedLink([2], [2, 3], 0.5), AlignedLink([3], [4], 0.5)]
    fixed = al._refine(run, wrong, [False] * len(wrong))
    assert [(lk.source, lk.target) for lk in fixed] == gold
    assert all(0.0 <= lk.score <= 1.0 for lk in fixed)
    # and it is fairly sure of it: the sentences decide (with the bead priors alone the two readings
    # tie, and the split link scores 0.23)
    assert fixed[3].score > 0.6 and sum(lk.score for lk in fixed[1:5]) / 4 > 0.8
    # a confirmed link is never re-decided, even when it is wrong and doubtful
    frozen = [k == 2 for k in range(len(wrong))]
    kept = al._refine(run, wrong, frozen)
    assert (kept[2].source, kept[2].target) == ([2], [2, 3])


def test_refinement_keeps_an_unlinked_paragraph_unlinked() -> None:
    src, tgt, gold = _book()
    al = Aligner(default_signals(embed=False))
    run = al.run(src, tgt)
    # source paragraph 5 left unlinked by the first decoding: it stays so, and nothing else is dropped
    links = [AlignedLink(s, t, 0.5 if 3 <= k <= 6 else 0.99) for k, (s, t) in enumerate(gold) if k != 5]
    links.insert(5, AlignedLink([5], [], 0.5))
    links[6] = AlignedLink([6], [6, 7], 0.5)
    out = al._refine(run, links, [False] * len(links))
    assert [lk.source for lk in out if not lk.target] == [[5]]
    assert not [lk for lk in out if not lk.source]
    assert sorted(j for lk in out for j in lk.target) == list(range(len(tgt)))


def test_refinement_can_be_switched_off_and_leaves_long_windows_alone() -> None:
    src, tgt, gold = _book()
    al = Aligner(default_signals(embed=False), AlignConfig(refine=False))
    assert [(lk.source, lk.target) for lk in al.align(src, tgt)] == gold
    al = Aligner(default_signals(embed=False), AlignConfig(refine_max=2))
    run = al.run(src, tgt)
    wrong = [AlignedLink(s, t, 0.99) for s, t in gold]
    wrong[2:4] = [AlignedLink([2], [2, 3], 0.5), AlignedLink([3], [4], 0.5)]
    out = al._refine(run, wrong, [False] * len(wrong))
    assert [(lk.source, lk.target) for lk in out] == [(lk.source, lk.target) for lk in wrong]
    # nor windows with more sentence pairs than it may hold (here 8 x 8 sentences: 81 cells)
    for cells, moved in ((80, False), (81, True)):
        al = Aligner(default_signals(embed=False), AlignConfig(refine_max_cells=cells))
        run = al.run(src, tgt)
        out = al._refine(run, wrong, [False] * len(wrong))
        assert ([(lk.source, lk.target) for lk in out] == gold) is moved


def test_the_refined_scores_are_tempered_but_the_links_are_not() -> None:
    src, tgt, gold = _book()
    out = {}
    for t in (1.0, 2.0):
        al = Aligner(default_signals(embed=False), AlignConfig(refine_temperature=t))
        run = al.run(src, tgt)
        wrong = [AlignedLink(s, tg, 0.99) for s, tg in gold]
        wrong[2:4] = [AlignedLink([2], [2, 3], 0.5), AlignedLink([3], [4], 0.5)]
        out[t] = al._refine(run, wrong, [False] * len(wrong))
    assert [(lk.source, lk.target) for lk in out[1.0]] == [(lk.source, lk.target) for lk in out[2.0]] == gold
    sharp, tempered = [lk.score for lk in out[1.0][1:5]], [lk.score for lk in out[2.0][1:5]]
    assert all(b < a for a, b in zip(sharp, tempered, strict=True))
