"""Links the priors hold against the lengths (workbench/align/misfits.py, ``Aligner._misfits``), with
the tiny fake embedder of test_embedding.py (no model needed)."""

from __future__ import annotations

import pytest

from workbench.align import AlignConfig, Aligner
from workbench.align.misfits import chosen, misfit_flags, misfit_windows, replaced, span, stretches
from workbench.align.signals import EmbeddingPairSignal, LengthSignal, prepare
from workbench.align.signals import embedding as emb_mod
from workbench.align.types import AlignedLink

from .test_embedding import CONCEPTS, FakeEmbedder

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    emb_mod._CACHE.clear()


def _links(*spec: tuple[list[int], list[int]]) -> list[AlignedLink]:
    return [AlignedLink(list(s), list(t), 0.9) for s, t in spec]


def _shape(links: list[AlignedLink]) -> list[tuple[list[int], list[int]]]:
    return [(lk.source, lk.target) for lk in links]


def test_misfit_windows_are_the_rejected_links_with_their_context() -> None:
    links = _links(([0], [0]), ([1], [1]), ([2], []), ([3], [2]), ([4], [3]), ([5], [4]), ([6], [5]), ([7], [6]))
    z = {1: 3.0, 2: 9.0, 6: 2.5}  # by source paragraph; a lone link is never a misfit, whatever it is given
    flags = misfit_flags(links, lambda lk: z.get(lk.source[0], 0.5), 2.0)
    assert flags == [False, True, False, False, False, False, True, False]
    assert misfit_windows(flags, 1) == [(0, 3), (5, 8)]
    assert misfit_windows(flags, 2) == [(0, 8)]  # touching ranges are joined
    frozen = [False, False, False, False, False, True, False, False]  # a confirmed link stays outside
    assert misfit_windows(flags, 1, frozen) == [(0, 3), (6, 8)]
    assert misfit_windows([False] * 8, 3) == []
    assert span(links[2:5]) == (2, 5, 2, 4)
    assert span(_links(([3], []))) is None


def test_stretches_are_where_two_readings_differ_between_shared_boundaries() -> None:
    old = _links(([4], [3]), ([5], [4]), ([6], [5]), ([7], [6]))
    new = _links(([4], [3]), ([5], [4, 5]), ([6], []), ([7], [6]))
    assert stretches(old, new, 4, 3) == [((1, 3), (1, 3))]
    assert stretches(old, old, 4, 3) == []


def test_chosen_takes_a_reading_only_where_it_answers_the_misfit() -> None:
    # the lengths rejected 5->4 and 6->5 (each translation one paragraph off); the embedded
    # reading has source 5 split in two and source 6 left out
    old = _links(([4], [3]), ([5], [4]), ([6], [5]), ([7], [6]), ([8], [7]))
    new = _links(([4], [3]), ([5], [4, 5]), ([6], []), ([7, 8], [6, 7]))
    marked = [False, True, True, False, False]
    got = chosen(old, new, marked, [False, False, False, False])
    assert _shape(got) == [([4], [3]), ([5], [4, 5]), ([6], []), ([7], [6]), ([8], [7])]  # 7-8 was not asked about
    # a reading the lengths reject as much is no answer; nor is a stretch with no misfit in it
    assert chosen(old, new, [False, True, False, False, False], [False, True, False, False]) == old
    assert _shape(chosen(old, new, marked, [False, True, False, False])) == _shape(got)  # two misfits for one
    assert chosen(old, new, [False] * 5, [False] * 4) == old
    # the solved range put back in place
    assert _shape(replaced(old, [((1, 3), new[1:3])])) == _shape(got)


def _book(k: int, dropped: int) -> tuple[list[str], list[str]]:
    """``k`` source paragraphs of equal length, each about two concepts of its own; in the
    translation, paragraph ``dropped - 1`` is split in two (a concept in each half) and paragraph
    ``dropped`` left out: read as two 1-1 links, each half takes a paragraph and saves the priors
    of a 1-2 and a 1-0, though the lengths reject both."""
    he, en = [], []
    for i in range(k):
        a, b = CONCEPTS[i % len(CONCEPTS)], CONCEPTS[(i + 5) % len(CONCEPTS)]
        he.append(f"{a[0]} {b[0]} " + "ד" * 150)
        if i == dropped:
            continue
        if i == dropped - 1:
            en.append(f"{a[1]} " + "x" * (120 - len(a[1])))
            en.append(f"{b[1]} " + "x" * (120 - len(b[1])))
        else:
            en.append(f"{a[1]} {b[1]} " + "x" * (240 - len(a[1]) - len(b[1])))
    return he, en


def test_a_sure_reading_the_lengths_reject_is_asked_of_the_embedding() -> None:
    he, en = _book(12, 6)
    gold = [([i], [i]) for i in range(5)] + [([5], [5, 6]), ([6], [])] + [([i], [i]) for i in range(7, 12)]
    # without the check: the two translations one paragraph off, the document sure of itself (the
    # gate stays closed, nothing embedded)
    fake = FakeEmbedder()
    off = Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful")], AlignConfig(misfit_z=0.0))
    wrong = off.align(he, en)
    assert _shape(wrong) != gold
    assert ([5], [5]) in _shape(wrong) and ([6], [6]) in _shape(wrong)
    assert sum(lk.score for lk in wrong) / len(wrong) >= 0.9
    assert fake.seen == []
    # with it, the stretch around the misfits is solved again with the embedding, and only its
    # paragraphs (the misfits and two links either side) are embedded
    fake = FakeEmbedder()
    on = Aligner([LengthSignal(), EmbeddingPairSignal(fake, when="doubtful")], AlignConfig(misfit_context=2))
    assert _shape(on.align(he, en)) == gold
    assert fake.seen and len(set(fake.seen)) < len(he) + len(en)
    assert set(fake.seen) <= {emb_mod.embed_text(u) for u in prepare(he[3:9]) + prepare(en[3:9])}
    # no gated signal: nothing to ask
    assert _shape(Aligner([LengthSignal()]).align(he, en)) == _shape(wrong)


def test_the_misfit_windows_move_the_progress_bar_while_they_are_embedded() -> None:
    # two misfit stretches far apart (two windows), in paragraphs of varied length, so that the
    # first alignment is sure of itself and the gate stays closed
    he, en = [], []
    for i in range(24):
        a, b = CONCEPTS[i % len(CONCEPTS)], CONCEPTS[(i + 5) % len(CONCEPTS)]
        n = 100 + 40 * ((i * 7) % 5)
        he.append(f"{a[0]} {b[0]} " + "ד" * n)
        if i in (6, 18):
            continue
        halves = [a[1], b[1]] if i + 1 in (6, 18) else [f"{a[1]} {b[1]}"]
        en += [f"{h} " + "x" * (int(1.6 * n / len(halves)) - len(h)) for h in halves]
    seen: list[float] = []
    on = Aligner([LengthSignal(), EmbeddingPairSignal(FakeEmbedder(), when="doubtful")], AlignConfig(misfit_context=2))
    assert ([5], [5, 6]) in _shape(on.align(he, en, progress=seen.append))
    # after the first alignment (0.3 of the bar) the windows share the rest, one step each
    assert any(0.3 < f < 1.0 for f in seen) and seen == sorted(seen) and seen[-1] == 1.0
