"""gc_paused hands what a run left alive to the collector's oldest generation (workbench/perf.py)."""

from __future__ import annotations

import gc
import weakref

import pytest

from workbench.perf import gc_paused, promote

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


class _Node:
    def __init__(self) -> None:
        self.other: object = None


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


def test_objects_a_run_keeps_are_not_left_in_the_young_generation(collector_on) -> None:
    with gc_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(5000)]
    assert gc.isenabled()
    ids = {id(x) for x in kept}
    young = {id(o) for o in gc.get_objects(generation=0)} | {id(o) for o in gc.get_objects(generation=1)}
    assert not ids & young  # the next young collection does not walk them
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert ids <= oldest
    assert gc.get_freeze_count() == 0  # promoted, not frozen


def test_cycles_a_run_leaves_behind_are_still_collected(collector_on) -> None:
    with gc_paused():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
    assert ref() is not None  # no collection ran inside
    gc.collect()
    assert ref() is None


def test_a_freeze_made_by_the_caller_is_left_as_it_was(collector_on) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with gc_paused():
            kept = [[i] for i in range(100)]
        assert gc.get_freeze_count() == frozen
        assert kept
    finally:
        gc.unfreeze()


def test_promote_keeps_every_object(collector_on) -> None:
    kept = _Node()
    kept.other = [[i] for i in range(1000)]
    ref = weakref.ref(kept)
    promote()
    assert ref() is kept
    assert {id(x) for x in kept.other} <= {id(o) for o in gc.get_objects(generation=2)}
    assert gc.get_freeze_count() == 0


def test_the_collector_stays_off_where_it_was_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
