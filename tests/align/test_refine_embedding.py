"""The second look keeps the embedding's say where commentary is woven in (``AlignConfig.refine_embedding``):
its sentence tables cannot hold a signal run per paragraph, so in a document whose lengths spread
wide the paragraph pass's embedding nats are added to the window's paragraph beads; in a close
translation (and with the weight at 0) the window is solved as before. Fake embedder of
test_embedding.py: no model needed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from workbench.align import AlignConfig, Aligner, refine
from workbench.align.signals import EmbeddingPairSignal, LearnedLexiconSignal, LengthSignal
from workbench.align.signals import embedding as emb_mod
from workbench.align.woven import WIDE_SPREAD

from .test_embedding import CONCEPTS, FakeEmbedder

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    emb_mod._CACHE.clear()


def test_add_bead_costs_adds_to_linking_beads_only_and_keeps_forbidden_cells() -> None:
    tables = {(1, 1): np.zeros((4, 5)), (2, 1): np.zeros((4, 5)), (1, 0): np.zeros((4, 5))}
    tables[(1, 1)][2, 3] = np.inf
    seen: list[tuple[int, int]] = []

    def cost(ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        seen.append((ds, dt))
        assert cols.shape == (rows.size, 5 - dt)  # every end cell the bead can reach
        return 10.0 * rows[:, None] + cols + 0.5 * ds

    refine.add_bead_costs(tables, cost)
    assert sorted(seen) == [(1, 1), (2, 1)]  # a paragraph left alone has no pair to score
    assert not tables[(1, 0)].any()
    one = tables[(1, 1)]
    assert one[0].sum() == 0 and not one[:, 0].any()  # no bead ends before it starts
    assert one[1, 2] == 10 + 2 + 0.5 and one[3, 4] == 30 + 4 + 0.5
    assert np.isinf(one[2, 3])  # forbidden stays forbidden
    assert tables[(2, 1)][1].sum() == 0 and tables[(2, 1)][2, 1] == 20 + 1 + 1.0


def _woven(k: int, seed: int = 3) -> tuple[list[str], list[str]]:
    """k lines, most about two concepts, every third about none (the doubt a second look is for);
    the English of each is its translation plus a commentary of any length (1 to 30 times the
    line), as in the Bavli's commentary-woven English."""
    rng = np.random.default_rng(seed)
    he, en = [], []
    for i in range(k):
        a, b = CONCEPTS[i % len(CONCEPTS)], CONCEPTS[(i + 5) % len(CONCEPTS)]
        a, b = (a, b) if i % 3 != 2 else (("זה", "this"), ("זה", "this"))
        he.append(f"{a[0]} {b[0]} " + "ד" * 40)
        en.append(f"{a[1]} {b[1]} " + " ".join(["gloss"] * int(8 * np.exp(rng.uniform(0.0, 3.4)))) + ".")
    return he, en


#: every link doubtful, so the whole (short) document is one window of the second look
ALL = AlignConfig(refine_below=1.01)


def _signals() -> list:
    # the spread is re-estimated from the first pass, which runs where a signal learns
    return [LengthSignal(), LearnedLexiconSignal(), EmbeddingPairSignal(FakeEmbedder(), bead_weight=0.3)]


def _record(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    calls: list[dict] = []
    real = refine.add_bead_costs

    def spy(tables: dict, cost: refine.CostFn) -> None:
        calls.append({"before": {b: t.copy() for b, t in tables.items()}, "cost": cost})
        real(tables, cost)

    monkeypatch.setattr(refine, "add_bead_costs", spy)
    return calls


def test_a_woven_documents_second_look_adds_the_embedding_nats(monkeypatch: pytest.MonkeyPatch) -> None:
    he, en = _woven(14)
    calls = _record(monkeypatch)
    al = Aligner(_signals(), ALL)
    run = al.run(he, en)
    assert run.params.sigma > WIDE_SPREAD
    assert calls, "the second look ran without the embedding"
    cost = calls[0]["cost"]
    # a line against its own English costs less than against its neighbour's (concepts shared)
    rows, cols = np.array([3, 4]), np.array([[3, 4], [3, 4]])
    own = cost(1, 1, rows, cols)
    assert own[0, 0] < own[0, 1] and own[1, 1] < own[1, 0]


@pytest.mark.parametrize("config", [replace(ALL, refine_embedding=0.0), replace(ALL, wide_spread=None)])
def test_switched_off_the_second_look_is_solved_without_it(monkeypatch: pytest.MonkeyPatch, config: AlignConfig) -> None:
    he, en = _woven(14)
    calls = _record(monkeypatch)
    run = Aligner(_signals(), config).run(he, en)
    assert len(run.links) == 14 and not calls


def test_a_close_translation_is_refined_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    he, en = [], []
    for i in range(14):
        a, b = CONCEPTS[i % len(CONCEPTS)], CONCEPTS[(i + 5) % len(CONCEPTS)]
        n = int(rng.integers(30, 200))
        he.append(f"{a[0]} {b[0]} " + "ד" * n)
        en.append(f"{a[1]} {b[1]} " + "x" * int(n * 1.6))
    calls = _record(monkeypatch)
    run = Aligner(_signals(), ALL).run(he, en)
    assert run.params.sigma <= WIDE_SPREAD
    assert not calls
