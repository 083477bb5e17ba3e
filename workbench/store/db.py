"""Connections, schema migrations and transactions, for SQLite and PostgreSQL.

The store's SQL is written once, by hand, against a thin dialect layer rather than an ORM: ``?``
placeholders (rewritten to ``%s`` for psycopg), ``INSERT ... RETURNING id``, ``ON CONFLICT``, the
reserved ``"user"`` column quoted, and the few functions that differ (reading a JSON list given as
one parameter, one field of a JSON text) asked of :attr:`Database.dialect`. Rows answer by name
and by index on both backends.

Every unit of work gets a connection of its own from a pool (:meth:`Database.transaction` for
writes, :meth:`Database.reading` for a consistent read); nested calls on the same thread join the
unit already open, so a store method called inside another's transaction sees its writes. Nothing
is shared between sessions and there is no process-wide lock around reads.

- SQLite (the embedded default: a file, WAL): writers take the write lock up front (``BEGIN
  IMMEDIATE``, waiting up to 30 s), in the order of a queue the kernel keeps (:class:`WriterQueue`);
  readers read a snapshot while others write. A write may not join a read unit (it would upgrade
  late, and fail at once on a stale snapshot): open the write unit first.
- PostgreSQL (a team server, several app processes): writes run ``SERIALIZABLE``, so a revision
  check and the update it guards behave as if the transactions ran one after the other, across
  processes; reads run ``REPEATABLE READ`` (one snapshot). A transaction the server aborts as a
  serialization failure or a deadlock (SQLSTATE 40001/40P01) is retried, as a whole store method
  (or a whole service operation that opened the transaction, e.g. an alignment edit or a checks
  run), up to :data:`RETRIES` times (:func:`retrying`), then refused with :class:`SerializationConflict`.
- Hot rows: a unit opened with ``transaction(locking=True)`` runs ``READ COMMITTED`` on PostgreSQL
  instead; its code takes row locks (``SELECT ... FOR UPDATE``, :attr:`Dialect.for_update`) on
  what its revision checks read, so a concurrent writer of the same rows waits a few milliseconds
  rather than failing to serialise. The link edits use it (every one of them used to collide on the
  document's alignment revision under ``SERIALIZABLE``): they lock the links they change and move
  the revision on last, so edits of different links of one document do not wait for each other.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import random
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from workbench.errors import ConflictError, WorkbenchError

MIGRATIONS_PACKAGE = "workbench.store.migrations"

#: ``PRAGMA application_id`` of a workbench project ("WBNC"): what tells our databases from any other
#: SQLite file, so ``--db`` pointed at another program's database never adopts and rewrites it. On
#: PostgreSQL it is the key of the advisory lock that creation and migration hold.
APPLICATION_ID = 0x57424E43
#: Tables that make a database without the application id a project of an earlier release.
_LEGACY_TABLES = {"schema_migrations", "documents"}
_LOCK_TIMEOUT = 30.0
#: Attempts of one store method whose PostgreSQL transaction keeps meeting serialization failures.
RETRIES = 8
#: Connections a PostgreSQL pool may hold (``WORKBENCH_DB_POOL`` overrides).
POOL_MAX = 20
#: Tables with an integer identity ``id`` (their sequences follow a copy; see :meth:`Database.reset_sequences`).
IDENTITY_TABLES = ("documents", "history", "terms", "annotations", "finding_tags", "undo_entries", "login_failures")


class SerializationConflict(ConflictError):
    """A PostgreSQL transaction aborted because a concurrent one changed what it read (40001/40P01)."""


def integrity_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a violated constraint raises, on either backend (for ``except``)."""
    try:
        import psycopg

        return (sqlite3.IntegrityError, psycopg.IntegrityError)
    except ImportError:  # pragma: no cover
        return (sqlite3.IntegrityError,)


# ---------------------------------------------------------------------------------------------- where


def is_url(target: object) -> bool:
    return isinstance(target, str) and re.match(r"^(postgres|postgresql|sqlite)(\+\w+)?://", target) is not None


def mask(url: str) -> str:
    """``url`` without its password (what messages and ``store.path`` show)."""
    return re.sub(r"^(\w+(?:\+\w+)?://[^:/@]*):[^@/]*@", r"\1:***@", url)


def resolve_target(target: str | Path | None) -> tuple[str, Path | str]:
    """("sqlite", path) or ("postgresql", url) for a ``--db`` value, ``WORKBENCH_DB`` or the default.

    ``postgresql://user:pass@host:5432/dbname`` (or ``postgres://``) names a PostgreSQL database;
    ``sqlite:///relative.db`` and ``sqlite:////absolute.db`` (SQLAlchemy's spelling) and any plain
    path name an SQLite file.
    """
    if target is None or target == "":
        target = default_db_path()
    if isinstance(target, str) and is_url(target):
        scheme, _, rest = target.partition("://")
        if scheme.startswith("postgres"):
            return "postgresql", "postgresql://" + rest
        if not rest.startswith("/") or rest == "/":
            raise WorkbenchError(f"{target}: an SQLite URL is sqlite:///relative/path or sqlite:////absolute/path")
        rest = rest[1:]
        return "sqlite", Path(rest) if rest == ":memory:" else Path(rest).expanduser()
    return "sqlite", Path(target).expanduser()


def default_db_path() -> Path | str:
    """``WORKBENCH_DB`` if set (a path, or a database URL as given), else ``workbench.db`` in the
    per-user data folder.

    Linux: ``$XDG_DATA_HOME/workbench`` (``~/.local/share/workbench``); macOS:
    ``~/Library/Application Support/workbench``; Windows: ``%APPDATA%\\workbench``.
    """
    env = os.environ.get("WORKBENCH_DB")
    if env:
        return env if is_url(env) else Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "workbench" / "workbench.db"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def id_prefix(ref: str) -> str:
    """``ref`` as the ids' own case: every id is lower case (hex, check names), and SQLite's
    ``LIKE`` ignores ASCII case where PostgreSQL's does not, so a prefix typed in capitals found
    its row on one backend only. Compare exact matches with this too."""
    return (ref or "").strip().lower()


def prefix_pattern(ref: str) -> str:
    """The ``LIKE ... ESCAPE '\\'`` pattern of the ids that begin with ``ref`` (:func:`id_prefix`),
    its wildcards escaped: an id prefix is text, never a pattern."""
    return id_prefix(ref).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def migrations(dialect: str = "sqlite") -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration, in order: ``NNNN_name.sql`` is the portable (and
    SQLite) history; on PostgreSQL ``NNNN_name.postgres.sql``, where it exists, is taken instead
    (same version, same name)."""
    plain: dict[int, tuple[str, str]] = {}
    special: dict[int, tuple[str, str]] = {}
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if not (name.endswith(".sql") and name[:4].isdigit()):
            continue
        stem = name[5:-4]
        if stem.endswith(".postgres"):
            special[int(name[:4])] = (stem[: -len(".postgres")], entry.read_text(encoding="utf-8"))
        else:
            plain[int(name[:4])] = (stem, entry.read_text(encoding="utf-8"))
    chosen = {**plain, **special} if dialect == "postgresql" else plain
    return sorted((v, n, s) for v, (n, s) in chosen.items())


def known_version() -> int:
    return max(v for v, _, _ in migrations())


# ---------------------------------------------------------------------------------------------- dialects


class Dialect:
    """The SQL fragments that differ between the backends (everything else is written once)."""

    name = "sqlite"
    #: appended to a SELECT whose rows the transaction checks and then writes (SQLite's writer
    #: already holds the whole database)
    for_update = ""
    #: appended to a SELECT of a row that must not change identity (or be locked whole by another
    #: writer) while the transaction runs, but whose non-key columns others may update meanwhile
    for_key_share = ""

    def json_list(self, typ: str = "text") -> str:
        """``(SELECT value FROM <the JSON array given as one parameter>)``, for ``x IN ...``."""
        return "(SELECT value FROM json_each(?))"

    def json_contains(self, column: str) -> str:
        """True when the JSON array in ``column`` holds the integer given as one parameter."""
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = ?)"

    def json_field(self, column: str, key: str) -> str:
        """The top-level string ``key`` of the JSON object in ``column`` (``key`` is ours, never user text)."""
        return f"json_extract({column}, '$.{key}')"


class PostgresDialect(Dialect):
    name = "postgresql"
    for_update = " FOR UPDATE"
    for_key_share = " FOR KEY SHARE"

    def json_list(self, typ: str = "text") -> str:
        cast = "::bigint" if typ == "int" else ""
        return f"(SELECT value{cast} FROM jsonb_array_elements_text(?::jsonb))"

    def json_contains(self, column: str) -> str:
        return f"({column}::jsonb @> jsonb_build_array(?::bigint))"

    def json_field(self, column: str, key: str) -> str:
        return f"({column}::jsonb ->> '{key}')"


SQLITE, POSTGRES = Dialect(), PostgresDialect()


@functools.lru_cache(maxsize=4096)
def pg_sql(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (and a literal ``%`` doubled), outside quoted text."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if ch == "%":
            out.append("%%")
        elif quote:
            out.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


class Row(tuple):
    """A PostgreSQL row that answers by index and by column name, like :class:`sqlite3.Row`."""

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


@functools.lru_cache(maxsize=1024)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    index: dict[str, int] = {}
    for i, n in enumerate(names):
        index.setdefault(n, i)
    return type("Row", (Row,), {"__slots__": (), "_index": index})


def _pg_row_factory(cursor: Any) -> Callable[[Any], Any]:
    desc = cursor.description
    if desc is None:
        return tuple
    cls = _row_class(tuple(d.name for d in desc))
    return cls


class Conn:
    """What a unit of work yields: ``execute``/``executemany`` with ``?`` placeholders."""

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.raw = raw
        self.dialect = dialect

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, seq: Any) -> Any:
        return self.raw.executemany(sql, seq)


class PgConn(Conn):
    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.raw.execute(pg_sql(sql), tuple(params) if params is not None else ())

    def executemany(self, sql: str, seq: Any) -> Any:
        cur = self.raw.cursor()
        rows = [tuple(p) for p in seq]
        if rows:
            cur.executemany(pg_sql(sql), rows)
        return cur


class _Result:
    """Rows already fetched (what :attr:`Database.conn` returns)."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def fetchone(self) -> Any:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Any]:
        return list(self.rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


class _AutoConn:
    """``db.conn.execute(sql)``: one statement in a unit of work of its own (scripts and tests)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def execute(self, sql: str, params: Any = ()) -> _Result:
        with self.db.transaction() as c:
            cur = c.execute(sql, params)
            rows = cur.fetchall() if cur.description is not None else []
            return _Result(rows, cur.rowcount)

    def executemany(self, sql: str, seq: Any) -> _Result:
        with self.db.transaction() as c:
            cur = c.executemany(sql, seq)
            return _Result([], cur.rowcount)

    def set_trace_callback(self, callback: Callable[[str], Any] | None) -> None:
        """SQLite's statement trace, on every connection of the pool (tests read the store's own SQL)."""
        if not isinstance(self.db, SQLiteDatabase):
            raise WorkbenchError("statement tracing is SQLite's")
        self.db.trace = callback

    def iterdump(self) -> Iterator[str]:
        if self.db.dialect.name != "sqlite":
            raise WorkbenchError("iterdump is SQLite's; use `workbench db copy` to move a PostgreSQL project")
        with self.db.reading() as c:
            yield from c.raw.iterdump()


class _Unit:
    __slots__ = ("conn", "write", "locking")

    def __init__(self, conn: Conn, write: bool, locking: bool = False) -> None:
        self.conn, self.write, self.locking = conn, write, locking


# ---------------------------------------------------------------------------------------------- database


class Database:
    """One project database: units of work, migrations, the history log (see the module docstring)."""

    dialect: Dialect = SQLITE
    path: Path | str

    def __init__(self) -> None:
        self._local = threading.local()

    # -- units of work ---------------------------------------------------------------------------

    def in_unit(self) -> bool:
        return getattr(self._local, "unit", None) is not None

    @contextmanager
    def transaction(self, *, locking: bool = False) -> Iterator[Conn]:
        """One write transaction; nested calls (on this thread) join the outer unit.

        ``locking``: the unit's code locks (:attr:`Dialect.for_update`) every row its revision
        checks read before it writes, so on PostgreSQL it may run ``READ COMMITTED`` (writers of the
        same rows queue on the row lock instead of aborting one another); the outermost call decides.
        """
        unit = getattr(self._local, "unit", None)
        if unit is not None:
            if not unit.write:
                # A write joining a read snapshot would upgrade late: SQLite refuses it at once
                # (the snapshot is stale, no busy wait), PostgreSQL would run it REPEATABLE READ,
                # weaker than the revision checks need. Open the write unit first.
                raise WorkbenchError("internal error: a write inside a read-only unit of work (open the"
                                     " transaction before reading) — nothing was saved")  # fmt: skip
            yield unit.conn
            return
        with self._unit(write=True, locking=locking) as conn:
            yield conn

    def locking(self) -> bool:
        """Whether the open unit runs with row locks rather than ``SERIALIZABLE`` (see :meth:`transaction`)."""
        unit = getattr(self._local, "unit", None)
        return bool(unit is not None and unit.locking)

    @contextmanager
    def reading(self) -> Iterator[Conn]:
        """A consistent read: one snapshot even while others write."""
        unit = getattr(self._local, "unit", None)
        if unit is not None:
            yield unit.conn
            return
        with self._unit(write=False) as conn:
            yield conn

    @contextmanager
    def _unit(self, write: bool, locking: bool = False) -> Iterator[Conn]:
        raise NotImplementedError

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """For a long run of write transactions (a no-op but on SQLite)."""
        yield

    @property
    def conn(self) -> _AutoConn:
        """Run single statements, each in its own unit of work (for scripts and tests)."""
        return _AutoConn(self)

    # -- schema ----------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self.reading() as c:
            row = c.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def _migrate_locked(self, c: Conn) -> list[int]:
        """Apply pending migrations inside the caller's transaction, each recorded with its version.

        All of them commit together: a crash or a refusal half-way leaves the database as it was,
        never between two versions.
        """
        c.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied TEXT)"
        )
        done = {r[0] for r in c.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in migrations(self.dialect.name):
            if version in done:
                continue
            for statement in _split_sql(sql):
                c.execute(statement)
            c.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now()))
            applied.append(version)
        return applied

    def tables(self, c: Conn) -> list[str]:
        raise NotImplementedError

    def reset_sequences(self, c: Conn) -> None:
        """After rows were written with their ids (a copy): new rows continue after the highest."""

    # -- the history log -------------------------------------------------------------------------

    def log(
        self,
        conn: Conn,
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
            'INSERT INTO history (at, "user", entity, entity_id, doc_id, action, before, after) VALUES (?,?,?,?,?,?,?,?)',
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
    def changed_by(conn: Conn, entity: str, entity_id: str | int) -> str:
        """" by NAME at TIME" of the latest history row of one thing ("" if it has none): what a
        refused stale save tells the editor, so they know whom to ask about it."""
        row = conn.execute(
            'SELECT "user", at FROM history WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1',
            (entity, str(entity_id)),
        ).fetchone()
        return f" by {row[0]} at {str(row[1])[:19].replace('T', ' ')} UTC" if row else ""

    def close(self) -> None:
        raise NotImplementedError


def connect(target: str | Path | None = None) -> Database:
    """The database ``target`` names (see :func:`resolve_target`), created and migrated if needed."""
    kind, where = resolve_target(target)
    if kind == "postgresql":
        return PostgresDatabase(str(where))
    return SQLiteDatabase(where)


# ---------------------------------------------------------------------------------------------- SQLite


def _locked_message(path: Path | str, exc: BaseException, timeout: float = _LOCK_TIMEOUT) -> str:
    """``timeout`` is the wait this database actually gave the lock (a project's own, not the default)."""
    return (f"{path}: the database is busy (another workbench process has held its write lock for more than "
            f"{timeout:g} s: {exc}); try again when it has finished")


class SQLiteDatabase(Database):
    """A project file. Connections are pooled (a few idle ones kept), one per unit of work."""

    MAX_IDLE = 8

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        self.path = Path(path).expanduser() if path else Path(str(default_db_path()))
        self.lock_timeout = _LOCK_TIMEOUT
        self.trace: Callable[[str], Any] | None = None
        self._memory = str(self.path) == ":memory:"
        self._idle: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._memory_lock = threading.RLock()
        self._closed = False
        self._ready = False
        self._writers: WriterQueue | None = None
        if not self._memory:
            self._check_path()
            self._writers = WriterQueue(self.path)
        conn = self._new_conn()
        try:
            self._open(conn)
        except WorkbenchError:
            conn.close()
            raise
        except sqlite3.DatabaseError as exc:
            conn.close()
            if _is_locked(exc):
                raise WorkbenchError(_locked_message(self.path, exc, self.lock_timeout)) from exc
            if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
                raise WorkbenchError(f"{self.path}: the database is read-only here ({exc}); the workbench "
                                     "needs to write to it and to its folder") from exc
            raise WorkbenchError(f"{self.path}: not a workbench database ({exc})") from exc
        self._ready = True
        self._idle.append(conn)

    def _new_conn(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                                   timeout=self.lock_timeout)  # fmt: skip
        except sqlite3.Error as exc:
            raise WorkbenchError(f"{self.path}: cannot open database ({exc})") from exc
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        if self._ready:
            # Per connection, not per file: without it every pooled connection but the first synced
            # the log on each commit (FULL), inside the write lock. (The first gets it in _open.)
            conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _check_path(self) -> None:
        """Refuse what SQLite would misreport: a folder, a device or pipe, a file we may not write."""
        p = self.path
        assert isinstance(p, Path)
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

    def _open(self, raw: sqlite3.Connection) -> None:
        """Recognise the database, then create or migrate it under the write lock.

        The first look is a read: a foreign or newer database is refused before anything is written
        (no schema added, no switch to WAL). Creation and migration then run in one ``BEGIN
        IMMEDIATE`` transaction that looks again, so when several processes open a new database at
        once exactly one creates the schema and the others wait, then find it done.
        """
        self._recognise(raw)  # refuses early, without any lock
        if self._state(raw)[0] != "current":
            raw.execute("BEGIN IMMEDIATE")
            try:
                kind = self._recognise(raw)
                if kind != "current":
                    self._migrate_locked(Conn(raw, SQLITE))
                    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            else:
                raw.execute("COMMIT")
        self._set_wal(raw)
        raw.execute("PRAGMA synchronous=NORMAL")

    def _set_wal(self, raw: sqlite3.Connection) -> None:
        """Switch to WAL (a no-op when it already is); the switch needs a moment alone with the file,
        which SQLite does not wait for, so a concurrent first open retries for a while."""
        deadline = time.monotonic() + _LOCK_TIMEOUT
        while True:
            try:
                raw.execute("PRAGMA journal_mode=WAL")
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
        if app_id == APPLICATION_ID and version == known_version():
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
        known = known_version()
        if version > known:
            raise WorkbenchError(f"{self.path}: the project's schema (version {version}) is newer than this "
                                 f"workbench knows (version {known}); update the workbench")
        return kind

    def migrate(self) -> list[int]:
        """Apply pending migrations (under the write lock; see :meth:`_open`)."""
        with self.transaction() as c:
            self._recognise(c.raw)
            applied = self._migrate_locked(c)
            c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        return applied

    def tables(self, c: Conn) -> list[str]:
        return [r[0] for r in c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]

    # -- connections -----------------------------------------------------------------------------

    def _checkout(self) -> sqlite3.Connection:
        pinned = getattr(self._local, "pinned", None)
        if pinned is not None:
            return pinned
        if self._closed:
            raise WorkbenchError(f"{self.path}: the database was closed")
        if self._memory:
            self._memory_lock.acquire()
            return self._idle[0]
        with self._pool_lock:
            if self._idle:
                return self._idle.pop()
        return self._new_conn()

    def _checkin(self, conn: sqlite3.Connection) -> None:
        if getattr(self._local, "pinned", None) is conn:
            return
        if self._memory:
            self._memory_lock.release()
            return
        with self._pool_lock:
            if not self._closed and len(self._idle) < self.MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    @contextmanager
    def _unit(self, write: bool, locking: bool = False) -> Iterator[Conn]:
        queued = [self._writers.enter(self.lock_timeout) if write and self._writers is not None else None]

        def leave() -> None:
            # The next writer in the queue goes on. Left just before COMMIT: the commit's own work
            # (appending to the log) is short, but SQLite runs a WAL checkpoint inside it after it
            # let go of its lock, which the next writer need not wait for (it meets the busy handler
            # for the moment the commit takes at most).
            if queued[0] is not None:
                os.close(queued[0])
                queued[0] = None

        try:
            with self._sqlite_unit(write, locking, leave) as conn:
                yield conn
        finally:
            leave()

    @contextmanager
    def _sqlite_unit(self, write: bool, locking: bool, before_commit: Callable[[], None]) -> Iterator[Conn]:
        raw = self._checkout()
        raw.set_trace_callback(self.trace)
        if self.lock_timeout != _LOCK_TIMEOUT:  # a test's short wait
            raw.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")
        try:
            if write:
                try:
                    raw.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    if _is_locked(exc):
                        raise WorkbenchError(_locked_message(self.path, exc, self.lock_timeout) + "; nothing was saved") from exc
                    raise
            else:
                raw.execute("BEGIN")
            conn = Conn(raw, SQLITE)
            self._local.unit = _Unit(conn, write, locking)
            try:
                yield conn
            except BaseException:
                self._local.unit = None
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise
            else:
                self._local.unit = None
                before_commit()
                raw.execute("COMMIT")
        finally:
            self._local.unit = None
            self._checkin(raw)

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """For a long run of write transactions: no WAL checkpoint after each commit, one at the end.

        A checkpoint copies every page the log holds back into the database; after each of many
        batches it copies the same hot index pages again and again. The thread keeps one
        connection for the whole run.
        """
        if getattr(self._local, "pinned", None) is not None or self.in_unit():
            yield
            return
        raw = self._checkout()
        self._local.pinned = raw
        raw.execute("PRAGMA wal_autocheckpoint=0")
        try:
            yield
        finally:
            self._local.pinned = None
            raw.execute("PRAGMA wal_autocheckpoint=1000")
            if not raw.in_transaction:
                raw.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._checkin(raw)

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class WriterQueue:
    """The order in which a project file's writers (threads and processes) get SQLite's write lock.

    ``BEGIN IMMEDIATE`` alone waits in SQLite's busy handler, which sleeps and looks again (every
    100 ms after the first few tries): a writer that arrives while the lock is held sleeps past the
    moment it is released, and one that keeps losing the race to newcomers waits for seconds (a tag
    of 1 ms waited up to 10 s behind a stream of edits). Writers first take an exclusive ``flock``
    on a file beside the database (``NAME-writers``, empty), in which the kernel keeps them waiting
    and wakes them the moment the holder is done, so each waits for the writers ahead of it only;
    the lock is the file's, so processes on one machine (the only ones that can share an SQLite
    file safely) queue together. It only orders writers: SQLite's own lock still guards the data
    (a writer that does not queue, e.g. the ``sqlite3`` shell, meets the busy handler as before).
    Where ``flock`` or the file is not available, writers wait in the busy handler alone.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}-writers")

    def enter(self, timeout: float) -> int | None:
        """A file descriptor holding the queue's lock (close it to leave), or None without a queue;
        refused as busy after ``timeout`` seconds, like the write lock itself."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: the busy handler alone
            return None
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError:
            return None  # a folder we may read but not write: the busy handler alone
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            pass
        except OSError:
            os.close(fd)
            return None
        # Wait in the kernel, in a helper thread, so that the wait has a deadline: a writer that
        # gives up leaves the lock to the helper, which lets go of it as soon as it gets it.
        got, gave_up, guard = threading.Event(), [False], threading.Lock()

        def wait() -> None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:  # pragma: no cover
                pass
            with guard:
                if gave_up[0]:
                    os.close(fd)
                    return
                got.set()

        threading.Thread(target=wait, name="workbench-writer-queue", daemon=True).start()
        if got.wait(timeout):
            return fd
        with guard:
            if got.is_set():
                return fd
            gave_up[0] = True
        raise WorkbenchError(f"{self.path.with_name(self.path.name[: -len('-writers')])}: the database is busy"
                             f" (other workbench writers held it for more than {timeout:.0f} s); try again when"
                             " they have finished; nothing was saved")  # fmt: skip


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


# ---------------------------------------------------------------------------------------------- PostgreSQL


def _pg_errors() -> Any:
    import psycopg.errors

    return psycopg.errors


class PostgresDatabase(Database):
    """A database on a PostgreSQL server, through a psycopg connection pool."""

    dialect = POSTGRES

    def __init__(self, url: str) -> None:
        super().__init__()
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise WorkbenchError(f"PostgreSQL needs psycopg and psycopg-pool ({exc})") from exc
        self.url = url
        self.path = mask(url)
        try:
            first = psycopg.connect(url, autocommit=True, connect_timeout=10, row_factory=_pg_row_factory)
        except psycopg.Error as exc:
            raise WorkbenchError(f"{self.path}: cannot connect to the database ({str(exc).strip()})") from exc
        try:
            self._open(first)
        except psycopg.Error as exc:
            raise WorkbenchError(f"{self.path}: cannot use the database ({str(exc).strip()})") from exc
        finally:
            first.close()
        size = int(os.environ.get("WORKBENCH_DB_POOL") or POOL_MAX)
        self.pool = ConnectionPool(
            url, min_size=1, max_size=max(1, size), open=True, timeout=_LOCK_TIMEOUT, num_workers=2,
            name="workbench", configure=self._configure,
            kwargs={"autocommit": True, "row_factory": _pg_row_factory},
        )  # fmt: skip

    @staticmethod
    def _configure(conn: Any) -> None:
        # A write that waits for another's row lock longer than SQLite would for its file lock is refused.
        conn.execute(f"SET lock_timeout = '{int(_LOCK_TIMEOUT)}s'")

    # -- recognising and migrating ---------------------------------------------------------------

    def tables(self, c: Any) -> list[str]:
        return [r[0] for r in c.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' ORDER BY table_name")]  # fmt: skip

    def _state(self, raw: Any) -> tuple[str, int]:
        tables = set(self.tables(raw))
        if not tables:
            return "new", 0
        if not _LEGACY_TABLES <= tables:
            return "foreign", 0
        version = int(raw.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0)
        return ("current" if version == known_version() else "ours"), version

    def _recognise(self, raw: Any) -> str:
        kind, version = self._state(raw)
        if kind == "foreign":
            tables = sorted(self.tables(raw))
            raise WorkbenchError(
                f"{self.path}: a PostgreSQL database of another application (tables {', '.join(tables[:5])}"
                f"{', ...' if len(tables) > 5 else ''}), not a workbench project; nothing was changed: "
                "give an empty database (CREATE DATABASE ...)"
            )
        known = known_version()
        if version > known:
            raise WorkbenchError(f"{self.path}: the project's schema (version {version}) is newer than this "
                                 f"workbench knows (version {known}); update the workbench")
        return kind

    def _open(self, raw: Any) -> None:
        """Create or migrate under an advisory lock, in one transaction (PostgreSQL's DDL is
        transactional): parallel first opens create the schema once."""
        if self._recognise(raw) == "current":
            return
        raw.execute("BEGIN")
        try:
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (APPLICATION_ID,))
            if self._recognise(raw) != "current":
                self._migrate_locked(PgConn(raw, POSTGRES))
        except BaseException:
            raw.execute("ROLLBACK")
            raise
        raw.execute("COMMIT")

    def migrate(self) -> list[int]:
        with self.transaction() as c:
            c.execute("SELECT pg_advisory_xact_lock(?)", (APPLICATION_ID,))
            self._recognise(c.raw)
            return self._migrate_locked(c)

    def reset_sequences(self, c: Conn) -> None:
        for table in IDENTITY_TABLES:
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false)"
                      f" FROM {table}")  # fmt: skip

    # -- units of work ---------------------------------------------------------------------------

    @contextmanager
    def _unit(self, write: bool, locking: bool = False) -> Iterator[Conn]:
        errors = _pg_errors()
        try:
            raw = self.pool.getconn()
        except Exception as exc:
            raise WorkbenchError(f"{self.path}: no database connection ({str(exc).strip()})") from exc
        try:
            level = ("READ COMMITTED" if locking else "SERIALIZABLE") if write else "REPEATABLE READ"
            raw.execute(f"BEGIN ISOLATION LEVEL {level}")
            conn = PgConn(raw, POSTGRES)
            self._local.unit = _Unit(conn, write, locking)
            try:
                yield conn
            except BaseException as exc:
                self._local.unit = None
                try:
                    raw.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - the connection itself broke; the pool replaces it
                    pass
                self._raise_mapped(exc, errors)
                raise
            self._local.unit = None
            try:
                raw.execute("COMMIT")
            except errors.Error as exc:
                self._raise_mapped(exc, errors)
                raise
        finally:
            self._local.unit = None
            self.pool.putconn(raw)

    def _raise_mapped(self, exc: BaseException, errors: Any) -> None:
        if isinstance(exc, errors.SerializationFailure | errors.DeadlockDetected):
            raise SerializationConflict(
                "another session changed the same data at the same moment, so this change could not be"
                " applied safely; nothing was saved — try again"
            ) from exc
        if isinstance(exc, errors.LockNotAvailable):
            raise WorkbenchError(_locked_message(self.path, exc) + "; nothing was saved") from exc

    def close(self) -> None:
        self.pool.close()


# ---------------------------------------------------------------------------------------------- retries

F = TypeVar("F", bound=Callable[..., Any])


def _db_of(obj: Any) -> Database | None:
    db = getattr(obj, "db", None)
    if isinstance(db, Database):
        return db
    store = getattr(obj, "store", None)
    db = getattr(store, "db", None)
    return db if isinstance(db, Database) else None


def retry_call(owner: Any, fn: Callable[[], Any]) -> Any:
    """``fn()``, run again (a bounded number of times, after a short random pause) while its
    PostgreSQL transaction is aborted as a serialization failure, then refused clearly. ``owner`` is
    what holds the database (a store, a repository, a service with ``.store``). Only the outermost
    call retries: one made inside an open transaction lets the code that opened it decide, since
    everything the transaction did is rolled back with it. For a service that opens a transaction
    of its own around several store calls (an alignment edit, a bundle import, a checks run), which
    the store methods' own retries cannot repeat."""
    db = _db_of(owner) if not isinstance(owner, Database) else owner
    if db is None or db.dialect is SQLITE or db.in_unit():
        return fn()
    for attempt in range(1, RETRIES + 1):
        try:
            return fn()
        except SerializationConflict as exc:
            if attempt == RETRIES:
                raise SerializationConflict(
                    f"{exc} (tried {RETRIES} times: other sessions keep changing the same data)"
                ) from exc
            time.sleep(random.uniform(0.0, min(0.25, 0.005 * 2**attempt)))
    raise AssertionError("unreachable")  # pragma: no cover


def retrying(fn: F) -> F:
    """Run a store method (or a service's method or function whose first argument holds the
    database, see :func:`retry_call`) again when its PostgreSQL transaction was aborted as a
    serialization failure; only the outermost call retries."""

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        db = _db_of(self) if not isinstance(self, Database) else self
        if db is None or db.dialect is SQLITE or db.in_unit():
            return fn(self, *args, **kwargs)
        # An iterator argument would be empty on the second attempt: read it once, up front.
        args = tuple(list(a) if isinstance(a, Iterator) else a for a in args)
        return retry_call(db, lambda: fn(self, *args, **kwargs))

    wrapper.__wrapped_retry__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def retry_public_methods(cls: type) -> type:
    """:func:`retrying` around every public method ``cls`` itself defines."""
    for name, value in list(vars(cls).items()):
        if name.startswith("_") or name in ("transaction", "reading", "close"):
            continue
        if inspect.isfunction(value) and not getattr(value, "__wrapped_retry__", False):
            setattr(cls, name, retrying(value))
    return cls
