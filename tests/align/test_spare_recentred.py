"""The embedding's bead cosine in the spare check's windows, from vectors centred on the document's
mean (``AlignConfig.spare_recentred``, :func:`~workbench.align.signals.embedding.recentred`): a
small model's vectors share one large direction, so a merge's summed vector stays close to its
translation even where one member has no part in it. Centred, the unrelated member adds next to
nothing, and a dropped translation's source stands alone instead of riding along in its neighbour's
link. The real model's vectors for one benchmark case are in the repository
(``tests/bench/recorded_vectors.py``), so the case is aligned as the benchmark aligns it."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bench.align_bench import GENRE_KINDS
from tests.bench.make_align_case import read_pairs
from tests.bench.recorded_vectors import RecordedEmbedder
from tests.conftest import need_data
from workbench.align import AlignConfig, Aligner
from workbench.align.signals import embedding
from workbench.align.signals.base import Window
from workbench.align.signals.embedding import BeadSimilarity, recentred

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def test_an_unrelated_member_adds_next_to_nothing_once_centred() -> None:
    # every vector shares one large direction (the last axis), as a small model's do: unrelated
    # texts have a raw cosine near 0.7. Source 0 says what target 0 says, source 1 something else
    rng = np.random.default_rng(0)
    dim, shared = 12, 5.0
    own = rng.normal(size=(8, dim - 1))

    def unit(v: np.ndarray) -> np.ndarray:
        w = np.append(v, shared)
        return w / np.linalg.norm(w)

    vs = np.stack([unit(own[k]) for k in range(6)])
    vt = np.stack([unit(own[0] + 0.1 * rng.normal(size=dim - 1))] + [unit(own[k]) for k in (6, 7, 2, 3, 4)])
    win = Window.full(6, 6)
    target0 = np.array([[1]])

    def cosines(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
        """Target 0's cosine with source 0 alone, with sources 0 and 1 merged, with source 1 alone."""
        sim = BeadSimilarity(a, b, win, centre=False)
        return (float(sim.cosine(1, 1, np.array([1]), target0)[0, 0]), float(sim.cosine(2, 1, np.array([2]), target0)[0, 0]),
                float(sim.cosine(1, 1, np.array([2]), target0)[0, 0]))  # fmt: skip

    alone, merged, unrelated = cosines(vs, vt)
    assert unrelated > 0.6 and merged > 0.85 * alone  # raw: the unrelated member costs the merge little
    alone, merged, unrelated = cosines(recentred(vs, vs.mean(axis=0)), recentred(vt, vt.mean(axis=0)))
    # centred: the unrelated member is no closer than chance, and the merge falls to about
    # 1/sqrt(2) of the member alone, as if that member were orthogonal to the translation
    assert unrelated < 0.0 and merged < 0.75 * alone and alone > 0.9
    got = recentred(vs, vs.mean(axis=0))
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0)


def test_dropped_translations_stand_alone_with_the_centred_cosine(recorded: RecordedEmbedder) -> None:
    # the literal Bavli (Aramaic, its literal English) with 8 % of the translations dropped (the
    # benchmark's drop-heavy case, seed 3): three of the dropped lines (8, 15, 37) rode along in
    # their neighbour's link with the raw cosine; with the centred one each stands alone, and
    # nothing that was right before is lost
    case = GENRE_KINDS["drops"][1](read_pairs(need_data("talmud_berakhot", "pairs_literal.jsonl")), 3)
    gold = {(tuple(a), tuple(b)) for a, b in case["gold"]}

    def links(cfg: AlignConfig) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
        embedding._CACHE.clear()
        return {(tuple(lk.source), tuple(lk.target)) for lk in Aligner(None, cfg).align(case["source"], case["target"])}

    on, off = links(AlignConfig()), links(AlignConfig(spare_recentred=False))
    for lone, merged in (((8,), ((7, 8), (6,))), ((15,), ((15, 16), (13,))), ((37,), ((37, 38), (30,)))):
        assert (lone, ()) in gold and merged not in gold
        assert (lone, ()) in on and merged in off
    assert off & gold <= on & gold
    assert len(on & gold) >= len(off & gold) + 6
