"""The project's cache of paragraph embeddings (``embedding_cache``), for the aligner's optional
embedding signal (:mod:`workbench.align.signals.embedding`, which sees it only as a
:class:`~workbench.align.signals.embedding.VectorCache` handed in by the service that aligns).

Keyed by (model name, SHA-256 of the text as embedded): a document re-aligned with ``--embed``, on
the Alignment page or after ``workbench update`` embeds only the texts the project has not embedded
before; and documents that share paragraphs share their vectors. Derived data, so:

- no role is asked for and no history written: the vectors are what the model says of a text,
  whoever aligns (the services that align check the aligner's own right to save links first, so a
  viewer never gets this far);
- it never joins another unit of work (a reading one refuses writes, and a write one would roll the
  vectors back with itself), and a write that fails (a read-only file, a busy or failing database)
  just leaves the vectors uncached: the aligner has them anyway;
- bounded: beyond :data:`MAX_ROWS` rows (``WORKBENCH_EMBED_CACHE`` overrides it; ``0`` turns the
  cache off) the least recently used vectors are evicted, a read counting as a use.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from workbench.errors import WorkbenchError
from workbench.store.db import Conn

if TYPE_CHECKING:
    from workbench.store import Store

#: rows kept at most (about 1.6 kB each for multilingual-e5-small's 384 floats: ~80 MB), e.g. both
#: sides of two 10,000-paragraph books and their revisions
MAX_ROWS = 50_000
#: keys asked for in one statement
CHUNK = 500


def _db_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg

        return (WorkbenchError, sqlite3.Error, psycopg.Error)
    except ImportError:  # pragma: no cover
        return (WorkbenchError, sqlite3.Error)


def max_rows_setting() -> int:
    """:data:`MAX_ROWS`, or ``WORKBENCH_EMBED_CACHE`` when it holds a whole number (0: no cache)."""
    raw = os.environ.get("WORKBENCH_EMBED_CACHE", "").strip()
    return max(0, int(raw)) if raw.isdigit() else MAX_ROWS


class EmbeddingCache:
    """:class:`~workbench.align.signals.embedding.VectorCache` over the project database."""

    def __init__(self, store: Store, max_rows: int | None = None) -> None:
        self.store = store
        self.max_rows = max_rows_setting() if max_rows is None else max(0, max_rows)
        self._clock = 0

    def _tick(self) -> int:
        """A clock for ``used``: microseconds, strictly increasing within this process."""
        self._clock = max(time.time_ns() // 1000, self._clock + 1)
        return self._clock

    def _write(self, fn: Callable[[Conn], None]) -> bool:
        if self.max_rows == 0 or self.store.db.in_unit():
            return False
        try:
            with self.store.transaction() as c:
                fn(c)
        except _db_errors():
            return False  # derived data: the aligner has its vectors; they are just not kept
        return True

    def get(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of ``keys`` under ``model`` (missing keys are absent); marks them used."""
        if self.max_rows == 0 or not keys:
            return {}
        out: dict[str, np.ndarray] = {}
        sql = (f"SELECT text_key, dim, vector FROM embedding_cache WHERE model = ? AND text_key IN "
               f"{self.store.db.dialect.json_list()}")  # fmt: skip
        try:
            with self.store.reading() as c:
                for k in range(0, len(keys), CHUNK):
                    for key, dim, blob in c.execute(sql, (model, json.dumps(list(keys[k : k + CHUNK])))):
                        vec = np.frombuffer(bytes(blob), dtype="<f4")
                        if vec.size == dim:
                            out[key] = vec.astype(np.float32)
        except _db_errors():
            return {}
        if out:
            self._touch(model, list(out))
        return out

    def _touch(self, model: str, keys: list[str]) -> None:
        sql = f"UPDATE embedding_cache SET used = ? WHERE model = ? AND text_key IN {self.store.db.dialect.json_list()}"

        def run(c: Conn) -> None:
            stamp = self._tick()
            for k in range(0, len(keys), CHUNK):
                c.execute(sql, (stamp, model, json.dumps(keys[k : k + CHUNK])))

        self._write(run)

    def put(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        """Keep ``vectors`` (float32 rows) under ``model``, then evict beyond :attr:`max_rows`."""
        if not vectors:
            return

        def run(c: Conn) -> None:
            stamp = self._tick()
            rows = []
            for key, vec in vectors.items():
                v = np.ascontiguousarray(np.asarray(vec, dtype="<f4").ravel())
                rows.append((model, key, int(v.size), v.tobytes(), stamp))
            c.executemany(
                "INSERT INTO embedding_cache (model, text_key, dim, vector, used) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (model, text_key) DO UPDATE SET dim = excluded.dim, vector = excluded.vector, "
                "used = excluded.used",
                rows,
            )
            self._evict(c)

        self._write(run)

    def _evict(self, c: Conn) -> None:
        n = int(c.execute("SELECT count(*) FROM embedding_cache").fetchone()[0])
        if n > self.max_rows:
            c.execute(
                "DELETE FROM embedding_cache WHERE (model, text_key) IN (SELECT model, text_key FROM embedding_cache "
                "ORDER BY used, model, text_key LIMIT ?)",
                (n - self.max_rows,),
            )

    def stats(self) -> dict[str, int]:
        """Rows per model (for a status line, and tests)."""
        with self.store.reading() as c:
            return {r[0]: int(r[1]) for r in c.execute("SELECT model, count(*) FROM embedding_cache GROUP BY model")}
