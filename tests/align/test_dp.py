"""The banded dp on hand-made costs: bead choice, bands, posteriors."""

import numpy as np
import pytest

from workbench.align.dp import BEADS, Band, Step, bead_posteriors, expected_accuracy_path, viterbi

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def length_cost(src: list[float], tgt: list[float], skip: float = 3.0):  # noqa: ANN201
    """Cost = |log length ratio| * 10 + a bead penalty; 1-0 / 0-1 cost ``skip``."""
    ps = np.concatenate([[0.0], np.cumsum(src)])
    pt = np.concatenate([[0.0], np.cumsum(tgt)])
    pen = {(1, 1): 0.0, (2, 1): 1.0, (1, 2): 1.0, (2, 2): 2.0, (1, 3): 2.0, (3, 1): 2.0, (1, 0): skip, (0, 1): skip}

    def cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if ds == 0 or dt == 0:
            return np.full(cols.shape, pen[(ds, dt)])
        ls = (ps[rows] - ps[rows - ds])[:, None]
        lt = pt[cols] - pt[cols - dt]
        return 10 * np.abs(np.log(lt / ls)) + pen[(ds, dt)]

    return cost


def links(path: list[Step]) -> list[tuple[list[int], list[int]]]:
    return [(list(range(s.i - s.ds, s.i)), list(range(s.j - s.dt, s.j))) for s in path]


@pytest.mark.parametrize(
    ("src", "tgt", "expected"),
    [
        ([10, 20, 30], [10, 20, 30], [([0], [0]), ([1], [1]), ([2], [2])]),
        ([10, 40, 30], [10, 20, 20, 30], [([0], [0]), ([1], [1, 2]), ([2], [3])]),  # 1-2
        ([10, 20, 20, 30], [10, 40, 30], [([0], [0]), ([1, 2], [1]), ([3], [2])]),  # 2-1
    ],
)
def test_merges_and_splits(src: list[float], tgt: list[float], expected: list) -> None:
    path, total = viterbi(Band.full(len(src), len(tgt)), length_cost(src, tgt))
    assert links(path) == expected
    assert total >= 0


def test_deletion_and_insertion() -> None:
    # a source paragraph with nothing like it on the other side: 1-0; and an extra target: 0-1
    src, tgt = [10, 20, 500, 30], [10, 20, 30]
    cost = length_cost(src, tgt, skip=1.0)
    path, _ = viterbi(Band.full(len(src), len(tgt)), cost)
    assert links(path) == [([0], [0]), ([1], [1]), ([2], []), ([3], [2])]
    path, _ = viterbi(Band.full(len(tgt), len(src)), length_cost(tgt, src, skip=1.0))
    assert links(path) == [([0], [0]), ([1], [1]), ([], [2]), ([2], [3])]


def test_empty_sides() -> None:
    path, _ = viterbi(Band.full(0, 3), length_cost([], [1, 2, 3]))
    assert links(path) == [([], [0]), ([], [1]), ([], [2])]
    path, _ = viterbi(Band.full(2, 0), length_cost([1, 2], []))
    assert links(path) == [([0], []), ([1], [])]


def test_banded_search_equals_full_search_when_the_path_fits() -> None:
    rng = np.random.default_rng(3)
    src = list(rng.uniform(20, 200, 300))
    tgt = [x * rng.uniform(0.9, 1.1) for x in src]
    tgt[100:102] = [tgt[100] + tgt[101]]  # one 2-1
    cost = length_cost(src, tgt)
    full, t_full = viterbi(Band.full(len(src), len(tgt)), cost)
    centers = np.rint(np.arange(len(src) + 1) * len(tgt) / len(src)).astype(int)
    band = Band.around(centers, 10, len(src), len(tgt))
    assert band.width == 21
    banded, t_band = viterbi(band, cost)
    assert links(banded) == links(full) and t_band == pytest.approx(t_full)
    assert not band.near_edge(banded, 3)


def test_too_narrow_band_is_detected() -> None:
    # equal lengths: the true path is the diagonal; a guide lagging 5 columns behind it gives a band
    # (half-width 4) that still holds a path, but a worse one pressed against the band's edge
    src = tgt = [10.0] * 60
    cost = length_cost(src, tgt)
    diagonal = np.arange(61)
    right = Band.around(diagonal, 4, 60, 60)
    path, total = viterbi(right, cost)
    assert total == 0.0 and not right.near_edge(path, 2)
    lagging = np.clip(diagonal - 5, 0, 60)
    lagging[-1] = 60
    wrong = Band.around(lagging, 4, 60, 60)
    path, total = viterbi(wrong, cost)
    assert total > 0.0 and wrong.near_edge(path, 2)


def test_band_without_any_path_is_refused() -> None:
    src = tgt = [10.0] * 60
    centers = np.zeros(61, dtype=int)  # a guide that is plainly wrong: no monotone path fits
    centers[-1] = 60
    with pytest.raises(ValueError, match="no alignment path inside the band"):
        viterbi(Band.around(centers, 3, 60, 60), length_cost(src, tgt))


def test_posteriors_are_probabilities_and_track_ambiguity() -> None:
    src, tgt = [10, 20, 30, 40], [10, 20, 30, 40]
    cost = length_cost(src, tgt)
    band = Band.full(4, 4)
    path, _ = viterbi(band, cost)
    sure = bead_posteriors(band, cost, path)
    assert all(0.0 <= p <= 1.0 for p in sure) and min(sure) > 0.7
    # two equal neighbours: 1-1,1-1 and 2-2 and 1-2/2-1 compete -> lower confidence
    src2, tgt2 = [10, 10], [10, 10]
    cost2 = length_cost(src2, tgt2)
    path2, _ = viterbi(Band.full(2, 2), cost2)
    unsure = bead_posteriors(Band.full(2, 2), cost2, path2, temperature=5.0)
    assert max(unsure) < min(sure)


def test_posteriors_in_a_path_band_match_the_full_grid() -> None:
    cost = _noisy_pair(5, 80, 1.25)
    full = Band.full(80, 80)
    path, _ = viterbi(full, cost)
    p_full = bead_posteriors(full, cost, path, temperature=2.0)
    p_band = bead_posteriors(Band.around_path(path, 8, 80, 80), cost, path, temperature=2.0)
    assert np.allclose(p_full, p_band, atol=1e-3)


def _overriding(base, table: dict[tuple[int, int, int, int], float]):  # noqa: ANN001, ANN202
    """``base`` with the cost of some beads (ds, dt, i, j) set by hand."""

    def cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        out = np.array(base(ds, dt, rows, cols), dtype=np.float64)
        for r, i in enumerate(rows):
            for k, j in enumerate(cols[r]):
                out[r, k] = table.get((ds, dt, int(i), int(j)), out[r, k])
        return out

    return cost


def _noisy_pair(seed: int, n: int, spread: float):  # noqa: ANN202
    """Length costs of ``n`` paragraphs and translations within ``spread`` of their length."""
    rng = np.random.default_rng(seed)
    src = list(rng.uniform(20, 200, n))
    return length_cost(src, [x * rng.uniform(1 / spread, spread) for x in src])


def test_expected_accuracy_decoding_prefers_the_links_most_paths_agree_on() -> None:
    # the single cheapest path is one 2-2 bead (cost 0); three paths of cost 0.5 all start with the
    # 1-1 bead (1, 1), so that bead holds 65 % of the mass and the 2-2 only 35 %
    cost = _overriding(lambda ds, dt, rows, cols: np.full(cols.shape, 50.0), {
        (2, 2, 2, 2): 0.0,
        (1, 1, 1, 1): 0.0, (1, 1, 2, 2): 0.5,
        (1, 0, 2, 1): 0.25, (0, 1, 2, 2): 0.25,
        (0, 1, 1, 2): 0.25, (1, 0, 2, 2): 0.25,
    })  # fmt: skip
    band = Band.full(2, 2)
    best, _ = viterbi(band, cost)
    assert [(st.ds, st.dt) for st in best] == [(2, 2)]
    path, scores = expected_accuracy_path(band, cost, gamma=0.45)
    assert (path[0].i, path[0].j, path[0].ds, path[0].dt) == (1, 1, 1, 1)
    assert [(st.ds, st.dt) for st in path] == [(1, 1), (1, 1)]
    assert scores[0] == pytest.approx(3 * np.exp(-0.5) / (1 + 3 * np.exp(-0.5)), abs=1e-6)
    assert scores == pytest.approx(bead_posteriors(band, cost, path))
    # a link has to be worth its price: at a high gamma one 2-2 link beats two doubtful ones
    high, _ = expected_accuracy_path(band, cost, gamma=0.9)
    assert [(st.ds, st.dt) for st in high] == [(2, 2)]


def test_expected_accuracy_decoding_keeps_a_clear_path_and_forbidden_beads() -> None:
    cost = _noisy_pair(9, 60, 1.1)
    band = Band.full(60, 60)
    best, _ = viterbi(band, cost)
    path, scores = expected_accuracy_path(band, cost)
    assert path == best and min(scores) > 0.5
    # a bead the cost forbids (inf) is never taken, however the mass falls
    path2, _ = expected_accuracy_path(band, _overriding(cost, {(1, 1, 1, 1): np.inf}))
    assert path[0] == Step(1, 1, 1, 1) and all((st.ds, st.dt, st.i, st.j) != (1, 1, 1, 1) for st in path2)


def test_default_beads() -> None:
    assert {(1, 1), (1, 2), (2, 1), (1, 0), (0, 1), (2, 2)} <= set(BEADS)


def _without_numba(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on the dp runs its numpy rows (as on a machine without numba)."""
    from workbench.align import sweep_kernel

    monkeypatch.setenv("WORKBENCH_NUMBA", "0")
    sweep_kernel.kernel.cache_clear()


@pytest.fixture
def numpy_rows(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from workbench.align import sweep_kernel

    _without_numba(monkeypatch)
    yield
    sweep_kernel.kernel.cache_clear()


def _random_problems(seed: int, count: int):  # noqa: ANN202
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n, m = (int(x) for x in rng.integers(0, 30, 2))
        tables = {b: rng.exponential(3.0, (n + 1, m + 1)) for b in BEADS}
        if rng.random() < 0.3:  # forbidden beads (confirmed links make these)
            for t in tables.values():
                t[rng.random(t.shape) < 0.2] = np.inf
        band = (Band.full(n, m) if rng.random() < 0.4
                else Band.around(np.linspace(0, m, n + 1).astype(np.int64), int(rng.integers(1, 6)), n, m))
        beads = BEADS if rng.random() < 0.7 else tuple(b for b in BEADS if b != (0, 1))

        def cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray, tables=tables) -> np.ndarray:
            return tables[(ds, dt)][rows[:, None], cols]

        yield band, cost, beads


def test_compiled_rows_fill_the_same_tables_as_numpy_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.align import dp, sweep_kernel

    assert sweep_kernel.kernel() is not None, "numba is a dependency: the compiled kernel must load"
    problems = list(_random_problems(3, 120))
    compiled = [(dp._sweep(b, c, bs, "min"), dp._sweep(b, c, bs, "sum")) for b, c, bs in problems]
    _without_numba(monkeypatch)
    try:
        assert sweep_kernel.kernel() is None
        for (b, c, bs), ((vt, vb), (ft, _)) in zip(problems, compiled, strict=True):
            nt, nb = dp._sweep(b, c, bs, "min")
            assert np.array_equal(vt, nt) and np.array_equal(vb, nb)  # min-sum: bit for bit
            nf, _ = dp._sweep(b, c, bs, "sum")
            assert np.array_equal(np.isinf(ft), np.isinf(nf))
            np.testing.assert_allclose(ft[np.isfinite(ft)], nf[np.isfinite(nf)], rtol=1e-12, atol=1e-12)
    finally:
        sweep_kernel.kernel.cache_clear()


@pytest.mark.usefixtures("numpy_rows")
def test_numpy_rows_alone_still_align() -> None:
    path, _ = viterbi(Band.full(3, 4), length_cost([10, 40, 30], [10, 20, 20, 30]))
    assert links(path) == [([0], [0]), ([1], [1, 2]), ([2], [3])]


def test_small_tables_do_not_load_the_kernel_until_the_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process's first small sweeps (a local re-alignment after an update) use the numpy
    rows instead of paying for numba's load; a large table, or enough small ones, load it; the tables
    are the same either way."""
    from workbench.align import dp, sweep_kernel

    band, cost, beads = next(iter(_random_problems(5, 1)))
    expected = dp._sweep(band, cost, beads, "min")  # whichever path: the reference table
    sweep_kernel.kernel.cache_clear()
    monkeypatch.setattr(dp, "_numpy_rows_done", [0])
    try:
        got = dp._sweep(band, cost, beads, "min")
        assert sweep_kernel.kernel.cache_info().currsize == 0  # not loaded for a small table
        assert np.array_equal(got[0], expected[0]) and np.array_equal(got[1], expected[1])
        monkeypatch.setattr(dp, "_numpy_rows_done", [dp._NUMPY_ROWS_BUDGET])
        dp._sweep(band, cost, beads, "min")
        assert sweep_kernel.kernel.cache_info().currsize == 1  # the budget spent: loaded
        sweep_kernel.kernel.cache_clear()
        monkeypatch.setattr(dp, "_numpy_rows_done", [0])
        n = dp._SMALL_ROWS + 1
        dp._sweep(Band.full(n, n), length_cost([10.0] * n, [10.0] * n), BEADS, "min")
        assert sweep_kernel.kernel.cache_info().currsize == 1  # a large table loads it at once
    finally:
        sweep_kernel.kernel.cache_clear()
