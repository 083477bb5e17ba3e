"""The second core: split_map gives what a plain loop gives, in order, and falls back to one process
whenever a fork is unsafe or fails; an alignment gives the same links and scores either way."""

from __future__ import annotations

import os
import threading

import pytest

from tests.bench.make_align_case import DEFAULT_RATES, build_case, read_pairs
from tests.conftest import need_data
from workbench.align import Aligner, aligner, parallel
from workbench.align.parallel import can_fork, split_map
from workbench.align.signals import learned

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def test_split_map_forks_and_keeps_the_order() -> None:
    parent = os.getpid()
    assert can_fork(10, 2)  # a plain test process: one thread, two or more cores
    got = split_map(lambda x: (x * x, os.getpid()), list(range(9)))
    assert [v for v, _pid in got] == [x * x for x in range(9)]
    pids = [pid for _v, pid in got]
    assert pids[:4] == [parent] * 4 and parent not in pids[4:]  # the second half came from the fork
    assert split_map(str, []) == [] and split_map(str, [1]) == ["1"]


def test_split_map_does_the_work_itself_when_the_fork_fails() -> None:
    parent = os.getpid()

    def only_here(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("no luck in the copy")
        return x + 1

    assert split_map(only_here, list(range(6))) == [1, 2, 3, 4, 5, 6]


def test_no_fork_with_other_threads_small_work_or_switched_off(monkeypatch) -> None:  # noqa: ANN001
    pid = os.getpid()
    assert not can_fork(1, 2)
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not can_fork(100, 2)  # a server's session threads must not be copied mid-step
        assert {p for p in split_map(lambda _x: os.getpid(), range(4))} == {pid}
    finally:
        stop.set()
        t.join()
    monkeypatch.setenv("WORKBENCH_PARALLEL", "0")
    assert not can_fork(100, 2)
    assert {p for p in split_map(lambda _x: os.getpid(), range(4))} == {pid}


def test_alignment_is_the_same_on_one_core_and_two(monkeypatch) -> None:  # noqa: ANN001
    case = build_case(read_pairs(need_data("intro_zohar", "pairs.jsonl")), 2, **DEFAULT_RATES)
    forks: list[int] = []
    real = parallel.can_fork

    def counting(work: int, min_work: int) -> bool:
        ok = real(work, min_work)
        forks.append(ok)
        return ok

    monkeypatch.setattr(parallel, "can_fork", counting)
    monkeypatch.setattr(learned, "can_fork", counting)
    # every part that can use the second core does so on this small book
    monkeypatch.setattr(aligner, "PARALLEL_MIN_UNITS", 10)
    monkeypatch.setattr(aligner, "PARALLEL_MIN_WINDOWS", 2)
    monkeypatch.setattr(learned, "PARALLEL_MIN_LINKS", 5)
    two = Aligner().align(case["source"], case["target"])
    assert sum(forks) >= 3  # units, training links, doubtful stretches
    monkeypatch.setenv("WORKBENCH_PARALLEL", "0")
    one = Aligner().align(case["source"], case["target"])
    assert [(lk.source, lk.target) for lk in two] == [(lk.source, lk.target) for lk in one]
    assert [lk.score for lk in two] == pytest.approx([lk.score for lk in one], abs=1e-12)
