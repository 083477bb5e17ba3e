"""The punctuation signal on its own: counts, the bead cost, when it stays silent, and a drift that
lengths alone cannot place but clause marks can."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.align import AlignConfig, Aligner
from workbench.align.signals import (
    LengthSignal,
    NoteSignal,
    PunctuationSignal,
    Window,
    default_signals,
    prepare,
)
from workbench.align.signals.punctuation import count_marks

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _model(src: list[str], tgt: list[str], **kw):  # noqa: ANN003, ANN202
    su, tu = prepare(src), prepare(tgt)
    return PunctuationSignal(**kw).bead_model(su, tu, Window.full(len(su), len(tu)))


def test_count_marks_counts_clause_and_sentence_marks_only() -> None:
    assert count_marks("One, two; three: four. Five? Six!") == 6
    assert count_marks("אחד, שתים; שלש: ארבע.") == 4
    assert count_marks("no marks here - 'quoted' (aside) \"x\"") == 0


def test_labels_are_not_counted() -> None:
    sig = PunctuationSignal()
    assert sig.counts(prepare(["טז. אחד, שתים."]))[0] == 2  # the label's full stop is not a mark


def test_a_matching_count_is_cheap_and_a_wrong_one_costs() -> None:
    src = ["א, ב, ג, ד, ה."] * 10  # 5 marks each
    tgt = ["a, b, c, d, e."] * 10
    model = _model(src, tgt)
    assert model is not None
    assert model.ratio == pytest.approx(1.0, rel=0.05)
    right = model.cost(5.0, 5.0)
    wrong_few = model.cost(5.0, 1.0)
    wrong_many = model.cost(5.0, 15.0)
    assert right < 0 < wrong_few
    assert right < 0 < wrong_many
    assert float(model.cost(50.0, 50.0)) < 0 < float(model.cost(50.0, 100.0))


def test_small_counts_are_weak_evidence() -> None:
    """Two marks against four is Poisson noise; twenty against forty is a different paragraph."""
    model = _model(["א, ב, ג."] * 10, ["a, b, c."] * 10)
    assert model is not None
    assert float(model.cost(2.0, 4.0)) < float(model.cost(20.0, 40.0)) - 0.5


def test_the_ratio_comes_from_the_texts() -> None:
    """A translator who writes twice the commas is no evidence against any one pair."""
    model = _model(["א, ב."] * 10, ["a, b, c, d."] * 10)
    assert model is not None
    assert model.ratio == pytest.approx(2.0, rel=0.1)
    assert float(model.cost(6.0, 12.0)) < 0 < float(model.cost(6.0, 6.0))


def test_bead_callback_sums_the_sides_and_leaves_skips_alone() -> None:
    src = ["א, ב.", "א, ב, ג, ד, ה, ו."] * 6
    tgt = ["a, b.", "a, b, c, d, e, f."] * 6
    model = _model(src, tgt)
    assert model is not None
    rows = np.array([2])
    cols = np.array([[1, 2, 3]])
    one = model(1, 1, rows, cols)  # source 1 (6 marks) against targets 0 (2), 1 (6), 2 (2)
    assert one.shape == (1, 3)
    assert one[0, 1] < one[0, 0] and one[0, 1] < one[0, 2]
    merged = model(2, 1, rows, np.array([[2]]))  # sources 0+1 (8 marks) against target 1 (6)
    assert merged[0, 0] == pytest.approx(float(model.cost(8.0, 6.0)))
    assert np.all(model(1, 0, rows, cols) == 0)
    assert np.all(model(0, 1, rows, cols) == 0)


def test_silent_without_marks_or_weight() -> None:
    assert _model(["אבג"] * 5, ["abc"] * 5) is None  # hardly any marks: no evidence either way
    assert _model(["א, ב."] * 20, ["a, b."] * 20, weight=0.0) is None
    assert _model([], ["a, b."]) is None


def test_in_the_default_set() -> None:
    assert "punctuation" in [s.name for s in default_signals()]


# -- the drift it is for ------------------------------------------------------------------------------

_MARK_COUNTS = [3, 9, 2, 12, 5, 1, 8, 4, 10, 2, 6, 11]


def _para(letter: str, marks: int, chars: int = 240) -> str:
    """A paragraph of ``chars`` letters (spaces aside) with ``marks`` commas spread through it."""
    words = [letter * 6] * (chars // 6)
    step = max(1, len(words) // (marks + 1))
    out = []
    for k, w in enumerate(words):
        out.append(w + ("," if marks and (k + 1) % step == 0 and sum(x.endswith(",") for x in out) < marks else ""))
    return " ".join(out)


def _drift_case() -> tuple[list[str], list[str], int]:
    """Source paragraphs all of one length, differing only in clause marks; the translation drops
    one of them. By length every 1-0 position is as good as the next."""
    src = [_para("א", k) for k in _MARK_COUNTS]
    drop = 7
    tgt = [_para("a", k, 400) for i, k in enumerate(_MARK_COUNTS) if i != drop]
    return src, tgt, drop


def _dropped(links) -> list[int]:  # noqa: ANN001
    return [lk.source[0] for lk in links if lk.source and not lk.target]


def test_clause_marks_place_the_skip_that_length_cannot() -> None:
    src, tgt, drop = _drift_case()
    assert [count_marks(s) for s in src] == _MARK_COUNTS
    cfg = AlignConfig()
    with_marks = Aligner([LengthSignal(), NoteSignal(), PunctuationSignal()], cfg).align(src, tgt)
    assert _dropped(with_marks) == [drop]
    assert all(lk.source == [lk.target[0] + (lk.target[0] >= drop)] for lk in with_marks if lk.target)
    # the same case without the signal: the skip lands somewhere else (the test can fail)
    without = Aligner([LengthSignal(), NoteSignal()], cfg).align(src, tgt)
    assert _dropped(without) != [drop]
