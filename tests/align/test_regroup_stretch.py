"""The stretch-by-stretch choice between the paragraph and the sentence route for regrouped texts
(workbench/align/regroup.py, merge_routes): a paragraph stretch whose links stretch the length model
gives way to a sentence stretch that fits it better, however sure the paragraph links are; and on
real input, a regrouped text the least-sure comparison got wrong."""

from __future__ import annotations

import pytest

from tests.bench.make_align_case import build_regrouped_case, read_pairs
from tests.conftest import need_data
from workbench.align import Aligner
from workbench.align.regroup import LENGTH_MISFIT_Z, merge_routes
from workbench.align.types import AlignedLink

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _pairs(links: list[AlignedLink]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(tuple(lk.source), tuple(lk.target)) for lk in links]


#: two sure 1-1 links where the truth is one 2-2 (paragraphs 1-2 on each side), as on a regrouped text
PARAGRAPH = [AlignedLink([0], [0], 0.95), AlignedLink([1], [1], 1.0), AlignedLink([2], [2], 1.0),
             AlignedLink([3], [3], 0.9)]  # fmt: skip
SENTENCE = [AlignedLink([0], [0], 0.9), AlignedLink([1, 2], [1, 2], 0.55), AlignedLink([3], [3], 0.9)]


def _misfit(table: dict[tuple[tuple[int, ...], tuple[int, ...]], float]):  # noqa: ANN202
    return lambda lk: table[(tuple(lk.source), tuple(lk.target))]


def test_a_paragraph_stretch_that_stretches_the_length_gives_way_to_a_better_fitting_one() -> None:
    fits = {((0,), (0,)): 0.3, ((1,), (1,)): 2.5, ((2,), (2,)): 1.9, ((1, 2), (1, 2)): 0.4, ((3,), (3,)): 0.2}
    # least sure against least sure, the paragraph route keeps its stretch (1.0 against 0.55)
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE)) == _pairs(PARAGRAPH)
    out = merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(fits))
    assert _pairs(out) == [((0,), (0,)), ((1, 2), (1, 2)), ((3,), (3,))]
    assert [lk.score for lk in out] == [0.95, 0.55, 0.9]  # each link keeps its own route's score
    # by the length alone (a document the tests of taken_unasked turned down): the same stretch
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(fits), by_score=False)) == _pairs(out)


def test_the_length_takes_a_stretch_only_past_the_line_and_only_for_a_better_fit() -> None:
    just_under = {((0,), (0,)): 0.3, ((1,), (1,)): LENGTH_MISFIT_Z - 0.01, ((2,), (2,)): 0.5,
                  ((1, 2), (1, 2)): 0.1, ((3,), (3,)): 0.2}  # fmt: skip
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(just_under))) == _pairs(PARAGRAPH)
    worse = {((0,), (0,)): 0.3, ((1,), (1,)): 2.5, ((2,), (2,)): 0.5, ((1, 2), (1, 2)): 2.6, ((3,), (3,)): 0.2}
    assert _pairs(merge_routes(PARAGRAPH, SENTENCE, misfit=_misfit(worse))) == _pairs(PARAGRAPH)
    # a 1-0 link has no length ratio: it is never asked for one, and never marks its stretch
    dropped = [AlignedLink([0], [0], 0.95), AlignedLink([1], [], 1.0), AlignedLink([2], [1, 2], 1.0),
               AlignedLink([3], [3], 0.9)]  # fmt: skip
    asked: list[tuple[tuple[int, ...], tuple[int, ...]]] = []

    def fit(lk: AlignedLink) -> float:
        asked.append((tuple(lk.source), tuple(lk.target)))
        return 0.2

    assert _pairs(merge_routes(dropped, SENTENCE, misfit=fit)) == _pairs(dropped)
    assert ((1,), ()) not in asked


def test_by_length_alone_a_surer_sentence_stretch_is_not_taken() -> None:
    paragraph = [AlignedLink([0], [0], 0.95), AlignedLink([1], [1], 0.4), AlignedLink([2], [2], 0.5),
                 AlignedLink([3], [3], 0.9)]  # fmt: skip
    sentence = [AlignedLink([0], [0], 0.6), AlignedLink([1, 2], [1, 2], 0.8), AlignedLink([3], [3], 0.5)]
    fits = dict.fromkeys([((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((1, 2), (1, 2)), ((3,), (3,))], 0.5)
    assert _pairs(merge_routes(paragraph, sentence, misfit=_misfit(fits)))[1] == ((1, 2), (1, 2))
    assert _pairs(merge_routes(paragraph, sentence, misfit=_misfit(fits), by_score=False)) == _pairs(paragraph)


def _regrouped(path: tuple[str, str], n: int, seed: int) -> tuple[list[str], list[str], set]:
    case = build_regrouped_case(read_pairs(need_data(*path))[:n], seed, join=0.25, max_group=3)
    return case["source"], case["target"], {(tuple(a), tuple(b)) for a, b in case["gold"]}


def _routes(src: list[str], tgt: list[str], monkeypatch) -> tuple[set, set, list[bool]]:  # noqa: ANN001
    """The default alignment with and without the length's say, and what the document test said."""
    import workbench.align.regroup as regroup_mod

    taken = regroup_mod.taken_unasked
    seen: list[bool] = []

    def spy(*args):  # noqa: ANN002, ANN202
        seen.append(taken(*args))
        return seen[-1]

    monkeypatch.setattr(regroup_mod, "taken_unasked", spy)
    with_length = set(_pairs(Aligner().align(src, tgt)))
    monkeypatch.setattr(Aligner, "_length_misfit", lambda self, run: None)
    without = set(_pairs(Aligner().align(src, tgt)))
    return with_length, without, seen


def test_a_regrouped_text_taken_whole_keeps_no_stretch_the_length_refuses(monkeypatch) -> None:  # noqa: ANN001
    src, tgt, gold = _regrouped(("mesillat_yesharim", "pairs.jsonl"), 24, 4)
    with_length, without, seen = _routes(src, tgt, monkeypatch)
    assert seen[0] is True  # the document test takes the route
    assert without != gold and len(without & gold) < len(gold)
    assert with_length == gold


def test_a_regrouped_text_turned_down_whole_still_takes_the_stretches_the_length_marks(monkeypatch) -> None:  # noqa: ANN001
    # the literal Bavli: 2-3 English sentences to an Aramaic one, so its sentence links cross the
    # paragraphs more than the shape test allows
    src, tgt, gold = _regrouped(("talmud_berakhot", "pairs_literal.jsonl"), 32, 2)
    with_length, without, seen = _routes(src, tgt, monkeypatch)
    assert seen[0] is False  # the document test turns the route down
    assert len(gold) == 23 and len(without & gold) == 14
    # every link: an Aramaic paragraph translated in 7 English sentences (over three English
    # paragraphs) needs a 1-7 bead, which the text asks for (route_priors); with the fixed beads, up
    # to 1-6, its last English paragraph went to the next Aramaic one and both links were lost (21)
    assert with_length == gold
