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


#: ``PRAGMA application_id`` of a workbench project ("WBNC"): what tells our databases from any other
#: SQLite file, so ``--db`` pointed at another program's database never adopts and rewrites it.
APPLICATION_ID = 0x57424E43
#: Tables that make a database without the application id a project of an earlier release.
_LEGACY_TABLES = {"schema_migrations", "documents"}
_LOCK_TIMEOUT = 30.0


def _locked_message(path: Path, exc: BaseException) -> str:
    return (f"{path}: the database is busy (another workbench process has held its write lock for more than "
            f"{_LOCK_TIMEOUT:.0f} s: {exc}); try again when it has finished")


class Database:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_db_path()
        memory = str(self.path) == ":memory:"
        if not memory:
            self._check_path()
        try:
            self.conn = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=_LOCK_TIMEOUT
            )
        except sqlite3.Error as exc:
            raise WorkbenchError(f"{self.path}: cannot open database ({exc})") from exc
        self.conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self._open()
        except WorkbenchError:
            self.conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if _is_locked(exc):
                raise WorkbenchError(_locked_message(self.path, exc)) from exc
            if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
                raise WorkbenchError(f"{self.path}: the database is read-only here ({exc}); the workbench "
                                     "needs to write to it and to its folder") from exc
            raise WorkbenchError(f"{self.path}: not a workbench database ({exc})") from exc

    def _check_path(self) -> None:
        """Refuse what SQLite would misreport: a folder, a device or pipe, a file we may not write."""
        p = self.path
        try:
            exists = p.exists()
        except OSError as exc:
            raise WorkbenchError(f"{p}: cannot reach the database ({exc.strerror or exc})") from exc
        if exists:
            if p.is_dir():
                raise WorkbenchError(f"{p}: is a folder; give a database file for --db")
            if not p.is_file():
                raise WorkbenchError(f"{p}: not a regular file; give a database file for --db")
            if not _writable(p):
                raise WorkbenchError(f"{p}: the database is read-only (no permission to write it); the "
                                     "workbench needs to write to it: copy it, or ask its owner")
            if not _writable(p.parent):
                raise WorkbenchError(f"{p}: its folder {p.parent} is read-only, and SQLite needs to create its "
                                     "journal files beside it")
            return
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkbenchError(f"{p}: cannot create its folder ({exc.strerror or exc})") from exc

    def _open(self) -> None:
        """Recognise the database, then create or migrate it under the write lock.

        The first look is a read: a foreign or newer database is refused before anything is written
        (no schema added, no switch to WAL). Creation and migration then run in one ``BEGIN
        IMMEDIATE`` transaction that looks again, so when several processes open a new database at
        once exactly one creates the schema and the others wait, then find it done.
        """
        self._recognise(self.conn)  # refuses early, without any lock
        self.conn.execute("PRAGMA foreign_keys=ON")
        if self._state(self.conn)[0] != "current":
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self._depth = 1
                kind = self._recognise(self.conn)
                if kind != "current":
                    self._migrate_locked(self.conn)
                    self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0
        self._set_wal()
        self.conn.execute("PRAGMA synchronous=NORMAL")

    def _set_wal(self) -> None:
        """Switch to WAL (a no-op when it already is); the switch needs a moment alone with the file,
        which SQLite does not wait for, so a concurrent first open retries for a while."""
        import time

        deadline = time.monotonic() + _LOCK_TIMEOUT
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if not _is_locked(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _state(self, c: sqlite3.Connection) -> tuple[str, int]:
        """("new" | "ours" | "legacy" | "current" | "foreign", schema version)."""
        app_id = int(c.execute("PRAGMA application_id").fetchone()[0])
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if app_id not in (0, APPLICATION_ID):
            return "foreign", 0
        if app_id == 0 and not tables:
            return "new", 0
        if app_id == 0 and not _LEGACY_TABLES <= tables:
            return "foreign", 0
        if "schema_migrations" not in tables:
            return ("new", 0) if not tables else ("foreign", 0)
        row = c.execute("SELECT max(version) FROM schema_migrations").fetchone()
        version = int(row[0] or 0)
        known = max(v for v, _, _ in migrations())
        if app_id == APPLICATION_ID and version == known:
            return "current", version
        return ("ours" if app_id == APPLICATION_ID else "legacy"), version

    def _recognise(self, c: sqlite3.Connection) -> str:
        kind, version = self._state(c)
        if kind == "foreign":
            app_id = int(c.execute("PRAGMA application_id").fetchone()[0])
            tables = sorted(r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
            what = f"application id {app_id:#x}" if app_id else "tables " + ", ".join(tables[:5]) + (
                ", ..." if len(tables) > 5 else "")
            raise WorkbenchError(f"{self.path}: an SQLite database of another application ({what}), not a "
                                 "workbench project; nothing was changed: give a new file for --db")
        known = max(v for v, _, _ in migrations())
        if version > known:
            raise WorkbenchError(f"{self.path}: the project's schema (version {version}) is newer than this "
                                 f"workbench knows (version {known}); update the workbench")
        return kind

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
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if _is_locked(exc):
                    raise WorkbenchError(_locked_message(self.path, exc) + "; nothing was saved") from exc
                raise
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
        """Apply pending migrations (under the write lock; see :meth:`_open`)."""
        with self.transaction() as c:
            self._recognise(c)
            applied = self._migrate_locked(c)
            c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        return applied

    def _migrate_locked(self, c: sqlite3.Connection) -> list[int]:
        """Apply pending migrations inside the caller's transaction, each recorded with its version.

        All of them commit together: a crash or a refusal half-way leaves the database as it was,
        never between two versions.
        """
        c.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)"
        )
        done = {r[0] for r in c.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migrations():
            if version in done:
                continue
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


def _is_locked(exc: BaseException) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _writable(p: Path) -> bool:
    """Whether this process may write ``p`` itself (its effective user, as the kernel decides)."""
    if os.access in os.supports_effective_ids:
        return os.access(p, os.W_OK, effective_ids=True)
    return os.access(p, os.W_OK)


def _split_sql(sql: str) -> list[str]:
    """Statements of a migration file (no triggers with inner semicolons in our migrations)."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
