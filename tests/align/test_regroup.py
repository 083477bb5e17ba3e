"""The sentence-level route for regrouped paragraphs (workbench/align/regroup.py): paragraph links made
as the groups of paragraphs that sentence links join, the charge for a sentence bead across a
paragraph boundary, the stretch-by-stretch choice between the routes, and on real input: a
regrouped Ruth the paragraph dp gets wrong, and a close translation left as it was."""

from __future__ import annotations

import numpy as np
import pytest

from tests.bench.make_align_case import DEFAULT_RATES, build_case, build_regrouped_case, read_pairs
from tests.conftest import need_data
from workbench.align import AlignConfig, Aligner
from workbench.align.regroup import (
    LONGEST_ONE_SIDED,
    MAX_CROSSING,
    PARAGRAPH_KEY,
    REGROUP_PRIORS,
    ParagraphBounds,
    components,
    crossing,
    doubtful,
    marked,
    merge_heavy,
    merge_routes,
    regrouped_shape,
    route_priors,
    sentence_units,
    sentences_comparable,
    sentences_surer,
    sure_joins,
    taken_unasked,
    worth_trying,
)
from workbench.align.signals.base import Window, prepare
from workbench.align.types import AlignedLink

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _pairs(links: list[AlignedLink]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(tuple(lk.source), tuple(lk.target)) for lk in links]


def test_sentence_links_that_share_paragraphs_make_one_n_to_m_link() -> None:
    # each sentence's paragraph: the sentence links cross the paragraph bounds so that source
    # paragraphs 0-2 and target paragraphs 0-1 are joined (a 3-2 link), then 3 and 2-3 (a 1-2)
    s_owner, t_owner = [0, 0, 1, 2, 2, 3], [0, 1, 1, 2, 3]
    links = [AlignedLink([0], [0], 0.9), AlignedLink([1, 2], [1], 0.8), AlignedLink([3], [2], 0.95),
             AlignedLink([4], [], 0.7), AlignedLink([5], [3, 4], 0.6)]  # fmt: skip
    out = components(links, s_owner, t_owner)
    assert _pairs(out) == [((0, 1, 2), (0, 1)), ((3,), (2, 3))]
    # a link is as sure as the least sure sentence link that shaped it
    assert [lk.score for lk in out] == [0.7, 0.6]


def test_a_sentence_bead_pays_for_every_paragraph_bound_it_runs_across() -> None:
    src, _owner = sentence_units(prepare(["One. Two.", "Three."], labels=False))
    tgt, _owner = sentence_units(prepare(["Un.", "Deux. Trois."], labels=False))
    assert [u.cache[PARAGRAPH_KEY] for u in src] == [0, 0, 1] and [u.cache[PARAGRAPH_KEY] for u in tgt] == [
        0,
        1,
        1,
    ]
    cost = ParagraphBounds(2.0).bead_model(src, tgt, Window.full(3, 3))
    assert cost is not None
    rows = np.array([2, 3])
    cols = np.array([[1, 3], [1, 3]])
    # 2-1 beads: src[0:2] (one paragraph) or src[1:3] (across the bound) with tgt[0:1] or tgt[2:3]
    assert cost(2, 1, rows, cols).tolist() == [[0.0, 0.0], [2.0, 2.0]]
    # tgt[1:3] lies in one paragraph, tgt[0:3] runs across one bound
    assert cost(1, 2, np.array([1]), np.array([[3]])).tolist() == [[0.0]]
    assert cost(1, 3, np.array([1]), np.array([[3]])).tolist() == [[2.0]]
    assert ParagraphBounds(0.0).bead_model(src, tgt, Window.full(3, 3)) is None


def test_the_route_grows_one_sided_beads_where_a_sides_units_need_them() -> None:
    # units of 8 words against sentences of one: each unit is expected to take 8 sentences
    long_units = prepare(["word " * 8] * 10, labels=False)
    short = prepare(["word"] * 80, labels=False)
    priors = route_priors(long_units, short)
    assert {b: p for b, p in priors.items() if b not in REGROUP_PRIORS} == pytest.approx(
        {(1, 7): REGROUP_PRIORS[(1, 6)] / 2, (1, 8): REGROUP_PRIORS[(1, 6)] / 4}
    )
    # the other way round: the target's units grow the k-1 beads, from the fixed set's longest (4-1)
    reverse = route_priors(short, long_units)
    assert set(reverse) - set(REGROUP_PRIORS) == {(5, 1), (6, 1), (7, 1), (8, 1)}
    assert reverse[(8, 1)] == pytest.approx(REGROUP_PRIORS[(4, 1)] / 16)
    # a text of sentences of one order keeps the fixed beads; no bead grows past the longest
    assert route_priors(short, short) == REGROUP_PRIORS
    assert max(b[1] for b in route_priors(prepare(["word " * 60] * 3, labels=False), short)) == LONGEST_ONE_SIDED


def test_one_long_unit_does_not_grow_the_beads() -> None:
    # the beads hold the expected translation of 95 % of the units, not of the longest one
    src = prepare(["word " * 12] + ["word word"] * 39, labels=False)
    assert route_priors(src, prepare(["word"] * 90, labels=False)) == REGROUP_PRIORS


def test_each_stretch_keeps_the_surer_routes_links() -> None:
    paragraph = [AlignedLink([0], [0], 0.95), AlignedLink([1], [1], 0.4), AlignedLink([2], [2], 0.5),
                 AlignedLink([3], [3], 0.9)]  # fmt: skip
    sentence = [AlignedLink([0], [0], 0.6), AlignedLink([1, 2], [1, 2], 0.8), AlignedLink([3], [3], 0.5)]
    out = merge_routes(paragraph, sentence)
    assert _pairs(out) == [((0,), (0,)), ((1, 2), (1, 2)), ((3,), (3,))]
    assert [lk.score for lk in out] == [0.95, 0.8, 0.9]
    # a margin the sentence route does not beat keeps the paragraph route's links
    assert _pairs(merge_routes(paragraph, sentence, margin=0.5)) == _pairs(paragraph)
    # the stretches are cut where both routes have a link boundary: here only after the first link
    merged = [AlignedLink([0], [0], 0.5), AlignedLink([1, 2], [1], 0.99), AlignedLink([3], [2, 3], 0.99)]
    assert _pairs(merge_routes(paragraph, merged)) == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2, 3))]
    # routes over different paragraphs are not compared
    assert _pairs(merge_routes(paragraph, sentence[:2])) == _pairs(paragraph)


def test_the_route_needs_sentence_counts_of_one_order() -> None:
    assert sentences_comparable(64, 103)  # Ruth regrouped: unsplit Hebrew verses, English sentences
    assert not sentences_comparable(38, 189)  # the Bavli: each Aramaic line explained in several sentences
    assert not sentences_comparable(0, 5)


def test_a_regrouped_ruth_is_linked_right_where_the_paragraph_dp_is_not() -> None:
    pairs = read_pairs(need_data("ruth", "pairs.jsonl"))[:16]
    case = build_regrouped_case(pairs, 5, join=0.25, max_group=3)
    gold = {(tuple(a), tuple(b)) for a, b in case["gold"]}
    beyond = {g for g in gold if len(g[0]) >= 2 and len(g[1]) >= 2 or len(g[0]) + len(g[1]) > 3}
    assert ((1, 2, 3), (1,)) in beyond and ((6, 7), (4, 5)) in beyond  # a 3-1 and two 2-2 links
    plain = set(_pairs(Aligner(config=AlignConfig(regroup=False)).align(case["source"], case["target"])))
    assert not beyond & plain
    routed = set(_pairs(Aligner(config=AlignConfig(regroup=True)).align(case["source"], case["target"])))
    assert routed == gold


def test_unasked_the_route_is_taken_where_the_evidence_asks_for_it() -> None:
    case = build_regrouped_case(read_pairs(need_data("ruth", "pairs.jsonl"))[:24], 2, join=0.25, max_group=3)
    gold = {(tuple(a), tuple(b)) for a, b in case["gold"]}
    assert {((2,), (2, 3, 4)), ((4, 5, 6), (6,))} <= gold  # a 1-3 and a 3-1
    plain = Aligner(config=AlignConfig(regroup=False)).align(case["source"], case["target"])
    assert doubtful(plain) and set(_pairs(plain)) != gold
    # the paragraph links are unsure of themselves, and the sentence route's groups are surer
    assert set(_pairs(Aligner().align(case["source"], case["target"]))) == gold


def test_a_close_translation_keeps_its_links(monkeypatch) -> None:  # noqa: ANN001
    case = build_case(read_pairs(need_data("preface_zohar", "pairs.jsonl")), 1, **DEFAULT_RATES)
    plain = Aligner(config=AlignConfig(regroup=False)).align(case["source"], case["target"])
    assert not doubtful(plain)
    routed = Aligner(config=AlignConfig(regroup=True)).align(case["source"], case["target"])
    assert _pairs(routed) == _pairs(plain)
    assert [lk.score for lk in routed] == [lk.score for lk in plain]
    # unasked, a paragraph alignment this sure is not re-done at all: no sentence is split
    import workbench.align.regroup as regroup_mod

    def refuse(paragraphs):  # noqa: ANN001, ANN202
        raise AssertionError("the sentence route ran")

    monkeypatch.setattr(regroup_mod, "sentence_units", refuse)
    auto = Aligner().align(case["source"], case["target"])
    assert _pairs(auto) == _pairs(plain) and [lk.score for lk in auto] == [lk.score for lk in plain]


def test_unasked_the_route_needs_doubt_and_surer_sentences() -> None:
    sure = [AlignedLink([k], [k], 0.9 + 0.1 * (k % 2)) for k in range(12)]
    unsure = [AlignedLink([k], [k], 0.6 + 0.1 * (k % 2)) for k in range(12)]
    assert not doubtful(sure) and doubtful(unsure)
    # a short text's mean is no evidence (a local re-alignment after an edit)
    assert not doubtful(unsure[:11])
    groups = [AlignedLink([0, 1], [0, 1], 0.8)]
    assert sentences_surer(unsure, groups) and not sentences_surer(sure, groups)


def test_many_merges_below_a_close_translations_mean_mark_a_regrouped_text() -> None:
    def links(score: float, merges: int, n: int = 12) -> list[AlignedLink]:
        out = [AlignedLink([2 * k, 2 * k + 1], [k], score) for k in range(merges)]
        base = 2 * merges
        return out + [AlignedLink([base + k], [merges + k], score) for k in range(n - merges)]

    assert merge_heavy(links(0.915, 2)) and merge_heavy(links(0.915, 6))  # 1 in 6 of the links join
    assert not merge_heavy(links(0.915, 1))  # a drop-heavy or close text: few merges
    assert not merge_heavy(links(0.95, 6))  # a close translation's mean: the Baal HaSulam cases
    assert not merge_heavy(links(0.925, 6))  # the margin under their lowest, 0.932
    assert not merge_heavy(links(0.915, 6, n=8))  # too short to tell
    assert not marked(links(0.915, 6), True) and not marked(links(0.915, 6), False)  # the evidence only
    assert marked(links(0.915, 6), None) and not marked(links(0.915, 1), None)


def test_fixed_links_leave_the_paragraph_route_alone() -> None:
    pairs = read_pairs(need_data("ruth", "pairs.jsonl"))[:16]
    case = build_regrouped_case(pairs, 5, join=0.25, max_group=3)
    fixed = [([0], [0])]
    plain = Aligner(config=AlignConfig(regroup=False)).align(case["source"], case["target"], fixed=fixed)
    routed = Aligner(config=AlignConfig(regroup=True)).align(case["source"], case["target"], fixed=fixed)
    assert _pairs(routed) == _pairs(plain)


def test_the_align_command_takes_the_route_with_regrouped(tmp_path, capsys) -> None:  # noqa: ANN001
    import json

    from workbench.cli import main
    from workbench.commands.align import _config

    case = build_regrouped_case(read_pairs(need_data("ruth", "pairs.jsonl"))[:16], 5, join=0.25, max_group=3)
    src, tgt = tmp_path / "he.txt", tmp_path / "en.txt"
    src.write_text("\n\n".join(case["source"]) + "\n", encoding="utf-8")
    tgt.write_text("\n\n".join(case["target"]) + "\n", encoding="utf-8")
    gold = sorted((tuple(a), tuple(b)) for a, b in case["gold"])
    runs = {}
    for flag in ([], ["--regrouped"]):
        assert main(["align", str(src), str(tgt), *flag]) == 0
        links = json.loads(capsys.readouterr().out)["links"]
        runs[bool(flag)] = sorted((tuple(lk["source"]), tuple(lk["target"])) for lk in links)
    assert runs[True] == gold
    # the flag asks for the route; without it the aligner decides (AlignConfig.regroup None)
    assert _config(True, True).regroup is True and _config(False, True).regroup is True
    assert _config(True, False) is None and _config(False, False).regroup is None


def test_sure_joins_count_the_paragraph_bounds_inside_sure_links() -> None:
    groups = [AlignedLink([0, 1, 2], [0, 1], 0.8), AlignedLink([3], [2], 0.9),
              AlignedLink([4, 5], [3, 4], 0.2)]  # fmt: skip
    # 6 + 5 paragraphs: 9 boundaries; the 3-2 link holds 3 of them, the unsure 2-2 does not count
    assert sure_joins(groups, 6, 5) == 3 / 9
    assert sure_joins(groups, 6, 5, sure=0.1) == 5 / 9
    assert sure_joins([], 1, 1) == 0.0


def test_crossing_counts_sentence_links_across_a_paragraph_bound() -> None:
    s_owner, t_owner = [0, 0, 1, 1], [0, 1, 1, 2]
    links = [AlignedLink([0], [0], 0.9), AlignedLink([1, 2], [1], 0.9),  # source 0|1 crossed
             AlignedLink([3], [2, 3], 0.9)]  # target 1|2 crossed  # fmt: skip
    assert crossing(links, s_owner, t_owner) == 2 / 3
    assert crossing(links[:1], s_owner, t_owner) == 0.0
    assert crossing([], s_owner, t_owner) == 0.0


def test_the_shape_of_a_regrouped_text_takes_the_route_whatever_the_means() -> None:
    # 12 x 12 paragraphs, two sentences each, the sentence links keeping inside them
    s_owner = t_owner = [k // 2 for k in range(24)]
    sentences = [AlignedLink([k], [k], 0.9) for k in range(24)]
    paragraph = [AlignedLink([k], [k], 0.86) for k in range(12)]
    # groups joining paragraphs 2-2 three times (6 of the 22 boundaries, 0.27) at a score of 0.6:
    # less sure on average than the paragraph links, so the mean-score test turns them down
    groups: list[AlignedLink] = []
    for k in range(0, 12, 4):
        groups += [AlignedLink([k, k + 1], [k, k + 1], 0.6), AlignedLink([k + 2], [k + 2], 0.9),
                   AlignedLink([k + 3], [k + 3], 0.9)]  # fmt: skip
    assert not sentences_surer(paragraph, groups)
    assert regrouped_shape(paragraph, sentences, groups, s_owner, t_owner)
    assert taken_unasked(paragraph, sentences, groups, s_owner, t_owner)
    # the same joins made at scores the route gives its guesses: no evidence
    unsure = [AlignedLink(g.source, g.target, 0.2 if len(g.source) > 1 else g.score) for g in groups]
    assert not regrouped_shape(paragraph, sentences, unsure, s_owner, t_owner)
    # a kept text loses a boundary to a merge here and there: one join (1 of 22) is not the shape
    kept = [AlignedLink([0, 1], [0, 1], 0.9)] + [AlignedLink([k], [k], 0.9) for k in range(2, 12)]
    assert not regrouped_shape(paragraph, sentences, kept, s_owner, t_owner)
    # sentence links that must run across the paragraphs (a side of far fewer sentences)
    across = [AlignedLink([2 * k, 2 * k + 1], [2 * k], 0.9) for k in range(12)] + [
        AlignedLink([], [2 * k + 1], 0.9) for k in range(12)]  # fmt: skip
    s_across = [k // 3 for k in range(24)]
    assert crossing(across, s_across, t_owner) > MAX_CROSSING
    assert not regrouped_shape(paragraph, across, groups, s_across, t_owner)
    # paragraph links at a close translation's mean: not doubtful, neither test runs
    sure = [AlignedLink([k], [k], 0.95) for k in range(12)]
    assert not regrouped_shape(sure, sentences, groups, s_owner, t_owner)
    assert not taken_unasked(sure, sentences, groups, s_owner, t_owner)


def test_the_route_is_run_below_the_embedding_gates_line() -> None:
    def links(score: float, n: int = 12) -> list[AlignedLink]:
        return [AlignedLink([k], [k], score) for k in range(n)]

    assert worth_trying(links(0.87)) and not doubtful(links(0.87))  # only the shape test may take it
    assert worth_trying(links(0.7))
    assert not worth_trying(links(0.91))  # the embedding gate's line: a close translation is not re-done
    assert not worth_trying(links(0.7, n=11))  # too short to tell


def test_a_regrouped_text_the_mean_test_turns_down_takes_the_route_by_its_shape(monkeypatch) -> None:  # noqa: ANN001
    import workbench.align.regroup as regroup_mod

    pairs = read_pairs(need_data("mesillat_yesharim", "pairs.jsonl"))[:40]
    case = build_regrouped_case(pairs, 5, join=0.25, max_group=3)
    gold = {(tuple(a), tuple(b)) for a, b in case["gold"]}
    plain = Aligner(config=AlignConfig(regroup=False)).align(case["source"], case["target"])
    assert set(_pairs(plain)) != gold
    seen: list[tuple[bool, bool]] = []
    taken = regroup_mod.taken_unasked

    def spy(paragraph, sentences, groups, s_owner, t_owner):  # noqa: ANN001, ANN202
        shape = regrouped_shape(paragraph, sentences, groups, s_owner, t_owner)
        seen.append((sentences_surer(paragraph, groups), shape))
        return taken(paragraph, sentences, groups, s_owner, t_owner)

    monkeypatch.setattr(regroup_mod, "taken_unasked", spy)
    auto = Aligner().align(case["source"], case["target"])
    # the sentence groups are less sure on average than the paragraph links, but shaped as a regrouped text's
    assert seen == [(False, True)]
    assert set(_pairs(auto)) == gold
