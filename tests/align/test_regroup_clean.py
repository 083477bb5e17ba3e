"""A sentence-route stretch that joins paragraphs without any sentence link across a paragraph
boundary (workbench/align/regroup.py: uncrossed, merge_routes ``clean``) is taken below the length's
line where its worst link fits the length at least twice as well; the aligner asks for it only where
the embedding took part in the sentence route."""

from __future__ import annotations

import pytest

from tests.bench.make_align_case import build_regrouped_case, read_pairs
from tests.conftest import need_data
from workbench.align import Aligner
from workbench.align import regroup as regroup_mod
from workbench.align.regroup import CLEAN_JOIN_FIT, LENGTH_MISFIT_Z, components, merge_routes, uncrossed
from workbench.align.signals import default_signals
from workbench.align.signals.embedding_pairs import EmbeddingPairSignal
from workbench.align.types import AlignedLink

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _pairs(links: list[AlignedLink]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(tuple(lk.source), tuple(lk.target)) for lk in links]


def test_uncrossed_marks_the_groups_made_without_a_sentence_link_across_a_boundary() -> None:
    # source paragraphs: sentences 0 | 1 2 | 3 4 | 5 ; target paragraphs: 0 | 1 | 2 | 3 | 4
    s_owner, t_owner = [0, 1, 1, 2, 2, 3], [0, 1, 2, 3, 4]
    sentences = [
        AlignedLink([0], [0], 0.9),
        AlignedLink([1], [1], 0.8), AlignedLink([2], [2], 0.7),  # paragraph 1 to targets 1 and 2: no crossing
        AlignedLink([3, 4], [3], 0.6), AlignedLink([5], [4], 0.9),  # 3+4 stay in paragraph 2: no crossing
    ]  # fmt: skip
    groups = components(sentences, s_owner, t_owner)
    assert _pairs(groups) == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,)), ((3,), (4,))]
    assert uncrossed(sentences, s_owner, t_owner) == [True, True, True, True]
    # a sentence bead across the boundary between source paragraphs 2 and 3 joins them: marked
    crossed = [*sentences[:3], AlignedLink([3], [3], 0.6), AlignedLink([4, 5], [4], 0.5)]
    assert _pairs(components(crossed, s_owner, t_owner)) == [((0,), (0,)), ((1,), (1, 2)), ((2, 3), (3, 4))]
    assert uncrossed(crossed, s_owner, t_owner) == [True, True, False]


#: two sure 1-1 links where the truth is one 1-2, the paragraph route's length misfit under the line
PARAGRAPH = [AlignedLink([0], [0], 0.95), AlignedLink([1], [1], 1.0), AlignedLink([2], [2], 0.99),
             AlignedLink([3], [3], 0.9)]  # fmt: skip
SENTENCE = [AlignedLink([0], [0], 0.9), AlignedLink([1, 2], [1, 2], 0.6), AlignedLink([3], [3], 0.9)]
FITS = {((0,), (0,)): 0.3, ((1,), (1,)): 1.2, ((2,), (2,)): 0.4, ((1, 2), (1, 2)): 0.2, ((3,), (3,)): 0.2}


def _misfit(table: dict[tuple[tuple[int, ...], tuple[int, ...]], float]):  # noqa: ANN202
    return lambda lk: table[(tuple(lk.source), tuple(lk.target))]


def test_a_clean_join_that_fits_the_length_twice_as_well_is_taken_under_the_line() -> None:
    assert max(FITS.values()) < LENGTH_MISFIT_Z  # the length's line alone would not take it
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(FITS))) == _pairs(PARAGRAPH)
    clean = [True, True, True]
    out = merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(FITS), clean=clean)
    assert _pairs(out) == [((0,), (0,)), ((1, 2), (1, 2)), ((3,), (3,))]
    # the same by the length alone (a document the tests of taken_unasked turned down)
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(FITS), by_score=False, clean=clean)) == _pairs(out)


def test_a_join_is_not_taken_if_a_sentence_link_crosses_or_the_fit_is_not_twice_as_good() -> None:
    # its join made by a sentence link across a boundary: kept apart
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(FITS), clean=[True, False, True])) == _pairs(PARAGRAPH)
    # fits better, but not twice as well
    near = {**FITS, ((1, 2), (1, 2)): CLEAN_JOIN_FIT * 1.2 + 0.01}
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(near), clean=[True] * 3)) == _pairs(PARAGRAPH)
    # the sentence route splits what the paragraph route joins (more links, not fewer): kept
    joined = [AlignedLink([0], [0], 0.95), AlignedLink([1, 2], [1, 2], 1.0), AlignedLink([3], [3], 0.9)]
    split = [AlignedLink([0], [0], 0.9), AlignedLink([1], [1], 0.6), AlignedLink([2], [2], 0.6), AlignedLink([3], [3], 0.9)]
    fits = {((0,), (0,)): 0.3, ((1, 2), (1, 2)): 1.2, ((1,), (1,)): 0.1, ((2,), (2,)): 0.1, ((3,), (3,)): 0.2}
    assert _pairs(merge_routes(joined, split, misfit=_misfit(fits), clean=[True] * 4)) == _pairs(joined)
    # without a length model nothing changes
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, clean=[True] * 3)) == _pairs(PARAGRAPH)


class _Concepts:
    """A toy embedder: the vector of a text is which of a few words it holds (enough to take part)."""

    name = "toy"

    def passage(self, texts: list[str]):  # noqa: ANN201
        import numpy as np

        words = ("the", "and", "of", "to", "a", "in", "is", "that")
        out = np.array([[1.0 + t.lower().split().count(w) for w in words] for t in texts])
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_the_aligner_asks_for_clean_joins_only_where_the_embedding_took_part(monkeypatch) -> None:  # noqa: ANN001
    case = build_regrouped_case(read_pairs(need_data("mesillat_yesharim", "pairs.jsonl"))[:24], 4, join=0.25, max_group=3)
    seen: list[object] = []
    merge = regroup_mod.merge_routes

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(kwargs.get("clean"))
        return merge(*args, **kwargs)

    monkeypatch.setattr(regroup_mod, "merge_routes", spy)
    Aligner(default_signals(embed=False)).align(case["source"], case["target"])
    assert seen == [None]  # the route ran, without the embedding: no clean joins asked for
    seen.clear()
    Aligner([*default_signals(embed=False), EmbeddingPairSignal(embedder=_Concepts())]).align(case["source"], case["target"])
    assert len(seen) == 1 and isinstance(seen[0], list) and seen[0] and all(isinstance(x, bool) for x in seen[0])
