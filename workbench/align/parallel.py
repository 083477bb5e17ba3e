"""Independent pieces of one alignment run on the machine's second core.

Three parts of aligning a long book are independent pieces of work: preparing the units of each
side and extracting every feature signal's features from each unit (about a third of the whole run
on the benchmark's 10,000-paragraph book), the second pass, once its piece is cut in two at a sure
link of the first (``Aligner._final_pass``; the cut is made on one core too, so the links do not
depend on the cores), and the second look at the doubtful stretches (each window solved on its own,
about a fifth). :func:`split_map` hands the second half of such a list to a forked process while
this one does the first, and takes the results back.

Forked, so the second process shares the run as it is, with nothing pickled on the way in: the same
signal objects with the same ids (feature caches are keyed by the signal's id, see
:meth:`~workbench.align.signals.base.FeatureSignal._cached`), the same units, the same learned
lexicon; only the results come back pickled. A fork is made only where it is safe and pays
(:func:`can_fork`): a process that runs no other Python thread (a server's session threads would be
copied in mid-step; the app's sessions align on one core), two cores or more, the fork start method
available, enough work, and ``WORKBENCH_PARALLEL`` not set to ``0``. Whatever goes wrong in the
second process, its half is done here instead: the results are the same either way, only slower.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# the work of the forked process: set just before the fork, read by the child from inherited memory
_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def can_fork(work: int, min_work: int) -> bool:
    """Whether a second process would be used for ``work`` (at least ``min_work`` of it)."""
    return (
        work >= min_work
        and os.environ.get("WORKBENCH_PARALLEL", "1") != "0"
        and (os.cpu_count() or 1) >= 2
        and threading.active_count() == 1
        and "fork" in mp.get_all_start_methods()
    )


def _child(conn: Any) -> None:  # pragma: no cover - runs in the forked process
    try:
        assert _JOB is not None
        fn, items = _JOB
        conn.send([fn(x) for x in items])
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which does the work itself
        conn.send(exc)
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers or finalizers of the parent's objects in the copy


def split_map(fn: Callable[[T], R], items: Sequence[T], *, work: int | None = None, min_work: int = 2,
              split: int | None = None) -> list[R]:  # fmt: skip
    """``[fn(x) for x in items]``, the items from ``split`` (default: half) on computed in a forked
    process where :func:`can_fork` allows it for ``work`` (default: the number of items)."""
    global _JOB
    n = len(items)
    if n < 2 or not can_fork(n if work is None else work, min_work):
        return [fn(x) for x in items]
    k = n // 2 if split is None else max(0, min(n, split))
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    _JOB = (fn, items[k:])
    try:
        proc = ctx.Process(target=_child, args=(child,), daemon=True)
        proc.start()
    except OSError:
        parent.close()
        child.close()
        return [fn(x) for x in items]
    finally:
        _JOB = None
    child.close()
    first = [fn(x) for x in items[:k]]
    try:
        second = parent.recv()
    except (EOFError, OSError):
        second = None
    finally:
        parent.close()
        proc.join()
    if not isinstance(second, list) or len(second) != n - k:
        second = [fn(x) for x in items[k:]]
    return first + second
