"""The embedding's half of 1-0 against 2-1 (workbench/align/drops.py), with the tiny fake embedder of
test_embedding.py (no model needed)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from workbench.align import AlignConfig, Aligner
from workbench.align.aligner import _without_bare_member
from workbench.align.costs import BeadCosts
from workbench.align.drops import (
    BareMember,
    Fold,
    Swap,
    bare_edge,
    fold_candidates,
    split_folds,
    swap_candidates,
    swapped,
)
from workbench.align.signals import EmbeddingPairSignal, LengthSignal, Window, prepare
from workbench.align.signals import embedding as emb_mod
from workbench.align.signals.embedding import BeadSimilarity
from workbench.align.types import AlignedLink

from .test_embedding import FakeEmbedder, _pairs

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    emb_mod._CACHE.clear()


def _similarity(n: int = 10) -> tuple[BeadSimilarity, np.ndarray, np.ndarray]:
    """Source unit i translated by target unit i; every vector a unit vector of its own direction
    plus a shared part (so that the fit has translations that stand out)."""
    rng = np.random.default_rng(5)
    vs = np.eye(n, 16) + 0.3 + 0.05 * rng.normal(size=(n, 16))
    vt = np.eye(n, 16) + 0.3 + 0.05 * rng.normal(size=(n, 16))
    vs /= np.linalg.norm(vs, axis=1, keepdims=True)
    vt /= np.linalg.norm(vt, axis=1, keepdims=True)
    return BeadSimilarity(vs, vt, Window.full(n, n), centre=False), vs, vt


def _at(model: BareMember, ds: int, dt: int, i: int, j: int) -> float:
    return float(np.asarray(model(ds, dt, np.array([i]), np.array([[j]]))).ravel()[0])


def test_member_ratio_is_the_fitted_ratio_of_one_member_against_the_bead_target() -> None:
    sim, vs, vt = _similarity()
    assert sim.slope > 0
    # bead source 3-4, target 3 (ends at cell (5, 4)); member d=1 is unit 4, d=2 unit 3
    for d, a in ((1, 4), (2, 3)):
        got = sim.member_ratio(2, 1, np.array([5]), np.array([[4]]), d)[0, 0]
        assert got == pytest.approx(sim.slope * (float(vs[a] @ vt[3]) - sim.mid))
    # against a two-unit target side: the cosine with the summed target vectors
    t = vt[3] + vt[4]
    got = sim.member_ratio(2, 2, np.array([5]), np.array([[5]]), 2)[0, 0]
    assert got == pytest.approx(sim.slope * (float(vs[3] @ t) / np.linalg.norm(t) - sim.mid))


def test_an_unrelated_member_is_charged_and_a_translated_one_is_not() -> None:
    sim, _vs, _vt = _similarity()
    bare = BareMember(sim, weight=1.0, floor=0.0, span=2.0)
    assert bare.active
    # (3, 4) -> 3: unit 4 has nothing of target 3 (full charge), unit 3 is its translation (none)
    assert _at(bare, 2, 1, 5, 4) == pytest.approx(1.0)
    # (3, 4) -> (3, 4): both members translated there
    assert _at(bare, 2, 2, 5, 5) == 0.0
    # three members, two of them strangers to target 3
    assert _at(bare, 3, 1, 6, 4) == pytest.approx(2.0)
    # beads with one source unit are never charged: a 1-2 is the target side's question
    assert _at(bare, 1, 2, 4, 5) == 0.0 and _at(bare, 1, 1, 4, 4) == 0.0 and _at(bare, 2, 0, 5, 4) == 0.0
    # the weight scales it; a floor far below even odds lets the stranger pass
    assert _at(BareMember(sim, weight=2.5, floor=0.0, span=2.0), 2, 1, 5, 4) == pytest.approx(2.5)
    assert _at(BareMember(sim, weight=1.0, floor=-1e6, span=2.0), 2, 1, 5, 4) == 0.0


def test_linear_between_the_floor_and_the_span_below_it() -> None:
    sim, _vs, _vt = _similarity()
    r = float(sim.member_ratio(2, 1, np.array([5]), np.array([[4]]), 1)[0, 0])
    model = BareMember(sim, weight=1.0, floor=r + 1.0, span=4.0)  # the member 1 nat below the floor
    # the other member (unit 3) is far above any floor near the stranger's ratio
    assert _at(model, 2, 1, 5, 4) == pytest.approx(0.25)
    with pytest.raises(ValueError):
        BareMember(sim, weight=1.0, floor=0.0, span=0.0)


def test_silent_without_a_fit_or_a_weight() -> None:
    same = np.ones((6, 4)) / 2.0  # every paragraph alike: the bead model fits nothing
    flat = BeadSimilarity(same, same, Window.full(6, 6))
    assert flat.slope == 0.0
    assert not BareMember(flat, weight=1.0, floor=0.0, span=2.0).active
    sim, _vs, _vt = _similarity()
    off = BareMember(sim, weight=0.0, floor=0.0, span=2.0)
    assert not off.active and _at(off, 2, 1, 5, 4) == 0.0


def _orphan_case(extra: int) -> tuple[list[str], list[str]]:
    """14 paragraphs; the translation of source 7 left out, and the translation of source 6 made
    ``extra`` letters longer, so that the length model and the priors favour folding 7 into it."""
    he, en = _pairs(14)
    tgt = en[:7] + en[8:]
    tgt[6] = tgt[6] + " " + "y" * extra
    return he, tgt


def _aligned(he: list[str], en: list[str], weight: float) -> list[tuple[list[int], list[int]]]:
    signals = [LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), bead_weight=0.3)]
    return [(lk.source, lk.target) for lk in Aligner(signals, AlignConfig(bare_member_weight=weight)).align(he, en)]


@pytest.mark.parametrize("extra", [30, 40])
def test_the_orphan_stands_alone_instead_of_folding_into_its_neighbour(extra: int) -> None:
    he, en = _orphan_case(extra)
    assert ([6, 7], [6]) in _aligned(he, en, 0.0)  # without it: 1-0 against 2-1 lost
    links = _aligned(he, en, 1.0)
    assert ([7], []) in links and ([6], [6]) in links and ([8], [7]) in links


def test_a_true_merge_stays_merged() -> None:
    he, en = _pairs(14)
    merged = en[:6] + [en[6] + " " + en[7]] + en[8:]  # source 6 and 7 both translated in one paragraph
    assert ([6, 7], [6]) in _aligned(he, merged, 1.0)


def test_scores_are_the_model_without_the_charge() -> None:
    sim, _vs, _vt = _similarity()
    bare = BareMember(sim, weight=1.0, floor=0.0, span=2.0)
    cost = BeadCosts(np.ones(10), np.ones(10), length=None, params=None, evidence=None,
                     priors={(1, 1): 0.9, (2, 1): 0.05, (1, 0): 0.05}, bead_models=[sim, bare])  # fmt: skip
    plain = _without_bare_member(cost)
    assert plain is not cost and plain.bead_models == [sim]
    assert cost.bead_models == [sim, bare]  # the search's cost keeps it
    rows, cols = np.array([5]), np.array([[4]])
    assert plain(2, 1, rows, cols)[0, 0] == pytest.approx(cost(2, 1, rows, cols)[0, 0] - 1.0)
    lone = BeadCosts(np.ones(10), np.ones(10), length=None, params=None, evidence=None, priors={(1, 1): 1.0})
    assert _without_bare_member(lone) is lone


# -- the second kind of miss: the wrong one of two neighbours left alone ---------------------------


def _links(*spec: tuple[list[int], list[int], float]) -> list[AlignedLink]:
    return [AlignedLink(list(s), list(t), p) for s, t, p in spec]


def test_candidates_are_doubtful_lone_paragraphs_next_to_a_one_to_one_of_their_neighbour() -> None:
    links = _links(([0], [0], 0.99), ([1], [1], 0.98), ([2], [], 0.36), ([3], [2], 0.9), ([4, 5], [3], 0.8),
                   ([6], [], 0.4), ([7], [], 0.2), ([], [4], 0.3), ([8], [5], 0.9))  # fmt: skip
    got = swap_candidates(links, below=0.5)
    assert got == [Swap(2, 1, 2, 1, 1), Swap(2, 3, 2, 3, 2)]  # 6 is next to a 2-1 and a 1-0; 7 to a 0-1
    assert swap_candidates(links, below=0.3) == []  # the 1-0 at 0.36 is sure enough
    frozen = [False, True, False, False, False, False, False, False, False]  # a confirmed link stays
    assert swap_candidates(links, below=0.5, frozen=frozen) == [Swap(2, 3, 2, 3, 2)]


def test_swapped_moves_the_translation_to_the_orphan() -> None:
    links = _links(([0], [0], 0.99), ([1], [1], 0.98), ([2], [], 0.36), ([3], [2], 0.9))
    out = swapped(links, [Swap(2, 1, 2, 1, 1)])
    assert [(lk.source, lk.target) for lk in out] == [([0], [0]), ([1], []), ([2], [1]), ([3], [2])]
    assert out[1].score == out[2].score == 0.36  # the model's doubt about the pair stands
    # one 1-0 with two candidate neighbours: the first swap given wins, the other is skipped
    both = swapped(links, [Swap(2, 3, 2, 3, 2), Swap(2, 1, 2, 1, 1)])
    assert [(lk.source, lk.target) for lk in both] == [([0], [0]), ([1], [1]), ([2], [2]), ([3], [])]
    assert links[2].target == []  # the input is left as it was


def _run(he: list[str], en: list[str]) -> SimpleNamespace:
    return SimpleNamespace(su=prepare(he), tu=prepare(en), cuts=[], del_src=np.zeros(len(he), dtype=bool),
                           del_tgt=np.zeros(len(en), dtype=bool))  # fmt: skip


def test_an_unembedded_document_asks_the_embedding_which_neighbour_stands_alone() -> None:
    he, en = _pairs(6)
    tgt = en[:1] + en[2:]  # the translation of source 1 left out
    # the aligner put it the wrong way round: 1 took 2's translation, 2 left alone (doubtfully)
    wrong = _links(([0], [0], 0.99), ([1], [1], 0.55), ([2], [], 0.36), ([3], [2], 0.99), ([4], [3], 0.99),
                   ([5], [4], 0.99))  # fmt: skip
    fake = FakeEmbedder()
    gated = Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful")])
    out = gated._lone_swaps(_run(he, tgt), wrong)
    assert [(lk.source, lk.target) for lk in out][:3] == [([0], [0]), ([1], []), ([2], [1])]
    # only the lone paragraph, its two neighbours and their translations were embedded
    assert sorted(fake.seen) == sorted(emb_mod.embed_text(u) for u in prepare(he[1:4]) + prepare(tgt[1:3]))
    # a right reading stays; so does everything without the gated signal, or with the check off
    right = swapped(wrong, [Swap(2, 1, 2, 1, 1)])
    assert gated._lone_swaps(_run(he, tgt), right) == right
    assert Aligner([LengthSignal()])._lone_swaps(_run(he, tgt), wrong) == wrong
    off = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), when="doubtful")], AlignConfig(lone_swap_margin=0.0))
    assert off._lone_swaps(_run(he, tgt), wrong) == wrong


# -- the orphan folded into a merge where the document was not embedded -------------------------


def test_fold_candidates_are_doubtful_merges_of_one_paragraph_on_the_other_side() -> None:
    links = _links(([0], [0], 0.99), ([1, 2], [1], 0.4), ([3], [2, 3], 0.3), ([4, 5], [4], 0.9),
                   ([6, 7], [5, 6], 0.2), ([8], [], 0.1), ([9, 10, 11], [7], 0.45))  # fmt: skip
    got = fold_candidates(links, below=0.5)
    assert got == [Fold(1, True, (1, 2), 1), Fold(2, False, (2, 3), 3), Fold(6, True, (9, 10, 11), 7)]
    assert fold_candidates(links, below=0.35) == [Fold(2, False, (2, 3), 3)]  # the 2-1 at 0.4 is sure enough
    frozen = [False, True, False, False, False, False, False]  # a confirmed link stays
    assert [f.link for f in fold_candidates(links, below=0.5, frozen=frozen)] == [2, 6]


def test_bare_edge_wants_a_clear_gap_to_every_other_member() -> None:
    even = [50.0, 50.0]
    assert bare_edge([0.85, 0.78], even, margin=0.04, share=0.25) == 1
    assert bare_edge([0.78, 0.85], even, margin=0.04, share=0.25) == 0
    assert bare_edge([0.85, 0.82], even, margin=0.04, share=0.25) is None  # the less alike of two, no more
    assert bare_edge([0.85, 0.78], even, margin=0.0, share=0.25) is None  # off
    assert bare_edge([0.85], [50.0], margin=0.04, share=0.25) is None
    # three members: only an edge can go (a link keeps its paragraphs contiguous), and only when it
    # stands clearly below both others
    assert bare_edge([0.85, 0.70, 0.86], [50.0] * 3, margin=0.04, share=0.25) is None
    assert bare_edge([0.85, 0.78, 0.70], [50.0] * 3, margin=0.04, share=0.25) == 2
    assert bare_edge([0.85, 0.73, 0.70], [50.0] * 3, margin=0.04, share=0.25) is None  # 0.03 below the middle one


def test_a_short_member_proves_nothing() -> None:
    # a heading or a one-line citation has a low cosine with anything: under a quarter of the
    # members' length it stays in the merge, however low
    assert bare_edge([0.85, 0.70], [300.0, 9.0], margin=0.04, share=0.25) is None
    assert bare_edge([0.85, 0.70], [300.0, 100.0], margin=0.04, share=0.25) == 1
    assert bare_edge([0.85, 0.70], [300.0, 9.0], margin=0.04, share=0.0) == 1


def test_split_folds_leaves_the_member_alone_and_the_rest_with_the_translation() -> None:
    links = _links(([0], [0], 0.99), ([1, 2], [1], 0.4), ([3], [2, 3], 0.3), ([4], [4], 0.9))
    out = split_folds(links, [(Fold(1, True, (1, 2), 1), 1), (Fold(2, False, (2, 3), 3), 0)])
    assert [(lk.source, lk.target) for lk in out] == [([0], [0]), ([1], [1]), ([2], []), ([], [2]), ([3], [3]),
                                                      ([4], [4])]  # fmt: skip
    assert [lk.score for lk in out[1:5]] == [0.4, 0.4, 0.3, 0.3]  # the model's doubt about the stretch stands
    assert links[1].source == [1, 2]  # the input is left as it was
    assert split_folds(links, []) == links


def test_an_unembedded_document_asks_the_embedding_whether_a_merge_member_was_translated() -> None:
    he, en = _pairs(6)
    tgt = en[:2] + en[3:]  # the translation of source 2 left out; the aligner folded 2 into 1's link
    folded = _links(([0], [0], 0.99), ([1, 2], [1], 0.45), ([3], [2], 0.99), ([4], [3], 0.99), ([5], [4], 0.99))
    fake = FakeEmbedder()
    gated = Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful")], AlignConfig(fold_split_margin=0.05, fold_split_share=0.3))
    out = gated._split_folds(_run(he, tgt), folded)
    assert [(lk.source, lk.target) for lk in out][:4] == [([0], [0]), ([1], [1]), ([2], []), ([3], [2])]
    # only the merge's members and its translation were embedded
    assert sorted(fake.seen) == sorted(emb_mod.embed_text(u) for u in prepare(he[1:3]) + prepare(tgt[1:2]))
    # a sure merge, a true merge, no gated signal, or the check off: as they were
    sure = _links(([0], [0], 0.99), ([1, 2], [1], 0.9), ([3], [2], 0.99), ([4], [3], 0.99), ([5], [4], 0.99))
    assert gated._split_folds(_run(he, tgt), sure) == sure
    merged = en[:1] + [en[1] + " " + en[2]] + en[3:]  # 1 and 2 both translated in one paragraph
    assert gated._split_folds(_run(he, merged), folded) == folded
    assert Aligner([LengthSignal()])._split_folds(_run(he, tgt), folded) == folded
    off = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), when="doubtful")], AlignConfig(fold_split_margin=0.0))
    assert off._split_folds(_run(he, tgt), folded) == folded


def test_a_target_paragraph_with_no_original_is_split_off_a_one_to_two() -> None:
    he, en = _pairs(5)
    tgt = en[:2] + ["A note the translator added, about nothing in the original " + "x" * 40] + en[2:]
    folded = _links(([0], [0], 0.99), ([1], [1, 2], 0.3), ([2], [3], 0.99), ([3], [4], 0.99), ([4], [5], 0.99))
    gated = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), when="doubtful")], AlignConfig(fold_split_margin=0.05, fold_split_share=0.3))
    out = gated._split_folds(_run(he, tgt), folded)
    assert [(lk.source, lk.target) for lk in out][:4] == [([0], [0]), ([1], [1]), ([], [2]), ([2], [3])]
