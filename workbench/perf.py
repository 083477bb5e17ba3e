"""Small performance helpers shared by the long-running core loops (alignment, checks)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one run: alignment and checking allocate hundreds of
    thousands of small acyclic objects, and the collections they trigger cost up to a third of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
