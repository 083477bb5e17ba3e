"""Commentary woven into the translation (workbench/align/woven.py): where the first pass's links show
a wide length spread, the learned lexicon trains on more of them and the length model is lop-sided
(an English far shorter than expected costs much, far longer little); a close translation is untouched.
The figures are the benchmark's (tests/bench/align_bench.py --genres-only); these tests pin behaviour
on the stored Bavli excerpt (the William Davidson English, and the same lines' literal English)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.bench.make_align_case import DEFAULT_RATES, build_case, read_pairs
from tests.conftest import need_data
from workbench.align import AlignConfig, Aligner
from workbench.align.signals import LearnedLexiconSignal
from workbench.align.signals.length import LengthParams, LengthSignal
from workbench.align.woven import (
    HIGH_SPREAD,
    LEARN_FROM,
    LOW_SIGMA,
    SPLIT_QUANTILE,
    WIDE_SPREAD,
    learners_for_spread,
    lopsided,
)

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


def _strict_f1(gold: list, links: list) -> float:
    g = {(tuple(a), tuple(b)) for a, b in gold}
    p = {(tuple(lk.source), tuple(lk.target)) for lk in links}
    return 2 * len(g & p) / (len(g) + len(p))


def _ratios(x: np.ndarray, ratio: float = 4.0, ls: float = 100.0) -> tuple[np.ndarray, np.ndarray]:
    """Source and target lengths whose log length ratios (relative to ``ratio``) are ``x``."""
    k = LengthParams().smooth
    src = np.full(len(x), ls)
    return src, np.exp(x) * (ratio * src + k) - k


def test_lopsided_is_made_only_where_the_spread_is_wide() -> None:
    x = np.linspace(-0.6, 1.4, 21)
    ls, lt = _ratios(x)
    wide = LengthParams(ratio=4.0, sigma=0.45)
    out = lopsided(wide, ls, lt)
    assert out.split_at == pytest.approx(float(np.quantile(x, SPLIT_QUANTILE)))
    assert out.low_sigma == LOW_SIGMA and out.high_sigma == pytest.approx(HIGH_SPREAD * 0.45)
    assert (out.ratio, out.sigma) == (wide.ratio, wide.sigma)
    assert wide.split_at is None  # params are values: the run's, never changed in place
    close = LengthParams(ratio=4.0, sigma=WIDE_SPREAD)
    assert lopsided(close, ls, lt) is close  # at the threshold: the symmetric model
    assert lopsided(wide, ls, lt, spread=None) is wide  # switched off
    assert lopsided(wide, ls[:11], lt[:11]) is wide  # too few links to place it


def test_lopsided_cost_charges_too_short_more_than_too_long() -> None:
    """The translation must fit in the English: 0.5 below the split costs more than 0.5 above it,
    where the symmetric model charges both the same."""
    sig = LengthSignal()
    sym = LengthParams(ratio=4.0, sigma=0.45, short=0.0)
    lop = lopsided(sym, *_ratios(np.linspace(-0.6, 1.4, 21)))
    at = lop.split_at
    ls, lt = _ratios(np.array([at, at - 0.5, at + 0.5, at + 1.5]))
    c_at, c_short, c_long, c_far = sig.cost(lop, ls, lt)
    assert c_at == pytest.approx(0.0, abs=1e-9)
    assert c_short > 2 * c_long > 0
    assert c_far < 1.5  # three times the spread above: a long commentary is cheap
    s_short, s_long = sig.cost(sym, *_ratios(np.array([-0.5, 0.5])))
    assert s_short == pytest.approx(s_long)
    # the symmetric model is the one every other text has, unchanged
    x = np.log((lt + sym.smooth) / (sym.ratio * ls + sym.smooth))
    assert np.allclose(sig.cost(sym, ls, lt), 1.5 * np.log1p(x * x / (sym.sigma**2 * 2.0)))


def test_woven_translation_gets_the_lopsided_length_and_more_links_right() -> None:
    """Seed 1's commentary-woven case: the symmetric model reads two lines, the first with a long
    commentary, as a merge and an added English paragraph; the lop-sided one links each alone."""
    woven = _case("pairs.jsonl")
    run = Aligner().run(woven["source"], woven["target"])
    off = Aligner(None, AlignConfig(woven_length=False)).run(woven["source"], woven["target"])
    assert run.params.split_at is not None and off.params.split_at is None
    links = {(tuple(lk.source), tuple(lk.target)) for lk in run.links}
    before = {(tuple(lk.source), tuple(lk.target)) for lk in off.links}
    assert {((31,), (29,)), ((32,), (30,))} <= links - before
    assert _strict_f1(woven["gold"], run.links) > _strict_f1(woven["gold"], off.links)


def test_a_close_translation_never_reaches_the_lopsided_length() -> None:
    literal = _case("pairs_literal.jsonl")
    run = Aligner().run(literal["source"], literal["target"])
    off = Aligner(None, AlignConfig(woven_length=False)).run(literal["source"], literal["target"])
    assert run.params.split_at is None
    assert [(lk.source, lk.target, lk.score) for lk in run.links] == [
        (lk.source, lk.target, lk.score) for lk in off.links
    ]
