"""SQLite connection, schema migrations and transactions.

One connection per Store, shared by Streamlit's script threads behind a re-entrant lock: SQLite
serialises writers anyway, and a single connection keeps WAL checkpoints and ``BEGIN IMMEDIATE``
semantics predictable. Every write goes through :meth:`Database.transaction`, so a failure anywhere
rolls the whole operation back and nothing is ever half written.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

MIGRATIONS_PACKAGE = "workbench.store.migrations"


def default_db_path() -> Path:
    """``WORKBENCH_DB`` if set, else ``workbench.db`` in the per-user data folder.

    Linux: ``$XDG_DATA_HOME/workbench`` (``~/.local/share/workbench``); macOS:
    ``~/Library/Application Support/workbench``; Windows: ``%APPDATA%\\workbench``.
    """
    env = os.environ.get("WORKBENCH_DB")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "workbench" / "workbench.db"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every ``NNNN_name.sql`` shipped in the package, in order."""
    out = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), name[5:-4], entry.read_text(encoding="utf-8")))
    return sorted(out)


class Database:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_db_path()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=30
            )
        except sqlite3.Error as exc:
            raise WorkbenchError(f"{self.path}: cannot open database ({exc})") from exc
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            raise WorkbenchError(f"{self.path}: not a workbench database ({exc})") from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """For a long run of write transactions: no WAL checkpoint after each commit, one at the end.

        A checkpoint copies every page the log holds back into the database; after each of many
        batches it copies the same hot index pages again and again.
        """
        with self._lock:
            self.conn.execute("PRAGMA wal_autocheckpoint=0")
            try:
                yield
            finally:
                self.conn.execute("PRAGMA wal_autocheckpoint=1000")
                if self._depth == 0:
                    self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent read: one snapshot even while another process writes."""
        with self._lock:
            if self._depth:
                yield self.conn
                return
            self.conn.execute("BEGIN")
            self._depth = 1
            try:
                yield self.conn
            finally:
                self._depth = 0
                self.conn.execute("COMMIT")

    def schema_version(self) -> int:
        row = self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction with its version row."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)"
        )
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
            with self.transaction() as c:
                for statement in _split_sql(sql):
                    c.execute(statement)
                c.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
            applied.append(version)
        return applied

    def log(
        self,
        conn: sqlite3.Connection,
        user: str,
        entity: str,
        entity_id: str | int | None,
        doc_id: int | None,
        action: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Append one history row; callers pass plain JSON-able dicts for before/after."""
        conn.execute(
            "INSERT INTO history (at, user, entity, entity_id, doc_id, action, before, after) VALUES (?,?,?,?,?,?,?,?)",
            (
                now(),
                user,
                entity,
                None if entity_id is None else str(entity_id),
                doc_id,
                action,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ),
        )

    @staticmethod
    def changed_by(conn: sqlite3.Connection, entity: str, entity_id: str | int) -> str:
        """" by NAME at TIME" of the latest history row of one thing ("" if it has none): what a
        refused stale save tells the editor, so they know whom to ask about it."""
        row = conn.execute(
            "SELECT user, at FROM history WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1",
            (entity, str(entity_id)),
        ).fetchone()
        return f" by {row[0]} at {str(row[1])[:19].replace('T', ' ')} UTC" if row else ""

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def _split_sql(sql: str) -> list[str]:
    """Statements of a migration file (no triggers with inner semicolons in our migrations)."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
