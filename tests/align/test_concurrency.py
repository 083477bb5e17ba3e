"""One configured :class:`Aligner` serves several callers at once (a team server does): a run's
learned lexicon, length model and evidence belong to the run, never to the shared aligner."""

from __future__ import annotations

import threading

import pytest

from tests.bench.make_align_case import build_case, read_pairs
from tests.conftest import need_data
from workbench.align import Aligner
from workbench.align.signals import default_signals

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def _links(links) -> list[tuple[list[int], list[int], float]]:  # noqa: ANN001
    return [(lk.source, lk.target, round(lk.score, 9)) for lk in links]


def test_two_threads_sharing_one_aligner_get_what_each_gets_alone() -> None:
    pairs = read_pairs(need_data("intro_zohar", "pairs.jsonl"))
    # two different documents: different halves of the text, perturbed differently
    a = build_case(pairs[:90], 1, 0.08, 0.08, 0.05, 0.03)
    b = build_case(pairs[80:], 2, 0.08, 0.08, 0.05, 0.03)
    shared = Aligner(default_signals(embed=False))
    alone = {name: _links(Aligner(default_signals(embed=False)).align(c["source"], c["target"]))
             for name, c in (("a", a), ("b", b))}  # fmt: skip

    # Both runs meet after their first pass and the learning between the passes (the second pass
    # starts at half the progress bar) and go on together: if either run kept its learned lexicon or
    # its length model on the shared aligner, the other would now decode with it.
    meet = threading.Barrier(2, timeout=120)
    got: dict[str, object] = {}

    def run(name: str, case: dict) -> None:
        met = False

        def progress(f: float) -> None:
            nonlocal met
            if f >= 0.5 and not met:
                met = True
                meet.wait()

        try:
            got[name] = _links(shared.align(case["source"], case["target"], progress=progress))
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            got[name] = exc
            meet.abort()

    threads = [threading.Thread(target=run, args=(name, c)) for name, c in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not any(t.is_alive() for t in threads)
    assert got["a"] == alone["a"]
    assert got["b"] == alone["b"]


def test_aligning_leaves_the_configured_aligner_as_it_was() -> None:
    pairs = read_pairs(need_data("intro_zohar", "pairs.jsonl"))
    case = build_case(pairs[:60], 3, 0.08, 0.08, 0.05, 0.03)
    aligner = Aligner(default_signals(embed=False))
    before = {id(s): dict(vars(s)) for s in aligner.signals}
    state = dict(vars(aligner))
    first = _links(aligner.align(case["source"], case["target"]))
    assert {id(s): dict(vars(s)) for s in aligner.signals} == before
    assert dict(vars(aligner)) == state
    assert _links(aligner.align(case["source"], case["target"])) == first


def test_gc_pause_is_counted_across_threads() -> None:
    """The first of two overlapping runs to finish must not switch the collector back on under the other."""
    import gc
    import threading

    from workbench.perf import gc_paused

    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def long_run() -> None:
        with gc_paused():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=long_run)
    with gc_paused():  # this run starts first and finishes first, while the other is still inside
        t.start()
        inside.wait(5)
    assert not gc.isenabled()
    release.set()
    t.join()
    assert gc.isenabled()
