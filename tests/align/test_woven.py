"""Commentary woven into the translation (workbench/align/woven.py): where the first pass's links show
a wide length spread, the learned lexicon trains on more of them; a close translation is untouched.
The figures are the benchmark's (tests/bench/align_bench.py --genres-only); these tests pin behaviour
on the stored Bavli excerpt (the William Davidson English, and the same lines' literal English)."""

from __future__ import annotations

import math

import pytest

from tests.bench.make_align_case import DEFAULT_RATES, build_case, read_pairs
from tests.conftest import need_data
from workbench.align import AlignConfig, Aligner
from workbench.align.signals import LearnedLexiconSignal
from workbench.align.woven import LEARN_FROM, WIDE_SPREAD, learners_for_spread

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _case(name: str, seed: int = 1) -> dict:
    return build_case(read_pairs(need_data("talmud_berakhot", name)), seed, **DEFAULT_RATES)


def _learned(run) -> LearnedLexiconSignal:  # noqa: ANN001
    (sig,) = [s for s in run.learning_signals if isinstance(s, LearnedLexiconSignal)]
    return sig


def test_a_wide_spread_lowers_the_training_floor_on_a_copy() -> None:
    configured = LearnedLexiconSignal(weight=0.8)
    (wide,) = learners_for_spread([configured], WIDE_SPREAD + 0.1)
    assert wide is not configured and wide.min_score == LEARN_FROM and wide.weight == 0.8
    assert configured.min_score == 0.9  # the configured signal serves other runs as it was
    assert learners_for_spread([configured], WIDE_SPREAD)[0] is configured  # at the threshold: as configured
    assert learners_for_spread([configured], 0.2)[0] is configured
    assert learners_for_spread([configured], 0.9, spread=None)[0] is configured  # switched off
    assert learners_for_spread([configured], None)[0] is configured  # no length model
    lower = LearnedLexiconSignal(min_score=0.3)
    assert learners_for_spread([lower], 0.9)[0] is lower  # never raises a floor set lower


def test_commentary_woven_translation_learns_from_more_links() -> None:
    woven = _case("pairs.jsonl")
    al = Aligner()
    run = al.run(woven["source"], woven["target"])
    off = Aligner(None, AlignConfig(wide_spread=None)).run(woven["source"], woven["target"])
    assert run.params.sigma > WIDE_SPREAD  # the lengths say little: 2 to 45 times the Aramaic
    assert len(_learned(run).lexicon) > len(_learned(off).lexicon)
    # the aligner's own learning signal is left as configured
    assert all(s.min_score == 0.9 for s in al.learners if isinstance(s, LearnedLexiconSignal))


def test_a_close_translation_of_the_same_lines_is_untouched() -> None:
    literal = _case("pairs_literal.jsonl")
    run = Aligner().run(literal["source"], literal["target"])
    off = Aligner(None, AlignConfig(wide_spread=None)).run(literal["source"], literal["target"])
    assert run.params.sigma <= WIDE_SPREAD
    assert _learned(run).lexicon == _learned(off).lexicon
    assert [(lk.source, lk.target, lk.score) for lk in run.links] == [
        (lk.source, lk.target, lk.score) for lk in off.links
    ]


def test_explain_with_the_run_counts_the_length_the_link_was_chosen_by() -> None:
    """The "why is this linked?" parts of a run use that run's widened length model: fitted afresh
    at the default spread, a long commentary's length part would be overstated several times over."""
    woven = _case("pairs.jsonl")
    al = Aligner()
    run = al.run(woven["source"], woven["target"])
    assert run.params.sigma > WIDE_SPREAD
    link = max((lk for lk in run.links if len(lk.source) == 1 and len(lk.target) == 1),
               key=lambda lk: len(woven["target"][lk.target[0]]) / max(1, len(woven["source"][lk.source[0]])))  # fmt: skip
    with_run = al.explain(woven["source"], woven["target"], link, run=run)
    afresh = al.explain(woven["source"], woven["target"], link)
    assert with_run["length"] < afresh["length"]  # the wide spread charges a long commentary less
    prior = run.priors[(1, 1)] if run.priors is not None else al.config.priors[(1, 1)]
    assert with_run["prior"] == pytest.approx(-math.log(prior))
