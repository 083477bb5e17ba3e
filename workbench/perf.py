"""Small performance helpers shared by the long-running core loops (alignment, checks)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_PAUSE_LOCK = threading.Lock()
_pauses = [0, False]  # runs inside gc_paused now, and whether the collector was on before the first


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one run: alignment and checking allocate hundreds of
    thousands of small acyclic objects, and the collections they trigger cost up to a third of the time.

    Counted, so that on a server where two sessions align at once the first to finish does not switch
    the collector back on under the other, and the last restores what was there before the first.

    On the way out everything the run left alive is moved to the oldest generation (:func:`promote`):
    else the first young collection once the collector is back walks every object the run made (a
    long book's units, features and links: 0.2-0.3 s of its 4-5 s), to find them alive."""
    with _PAUSE_LOCK:
        if _pauses[0] == 0:
            _pauses[1] = gc.isenabled()
            gc.disable()
        _pauses[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses[0] -= 1
            if _pauses[0] == 0 and _pauses[1]:
                promote()
                gc.enable()


def promote() -> None:
    """Move every object the collector tracks to its oldest generation, as if it had survived the
    young collections. Nothing is freed or kept that would not be otherwise: the oldest generation
    is collected too, only less often (cycles the run left behind wait for that full collection)."""
    if not gc.get_freeze_count():  # a frozen set the caller made stays frozen
        gc.freeze()
        gc.unfreeze()
