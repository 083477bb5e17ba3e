"""Whole-project operations below the store's methods: copying a project between databases (and
backends) and checking a database's integrity (``workbench db copy`` / ``workbench db check``).

A copy reads the source in one snapshot and writes the target in one transaction, table by table
in the order their foreign keys need, rows with their ids; before it commits it reads the target
back and compares every table's row count and checksum with the source's, so a copy that does not
match is never committed. The checksum is order-independent (the sum of each row's SHA-256, over a
canonical text of its values), so the two backends need not return rows in the same order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.store import search_index
from workbench.store.db import Conn, Database, connect, known_version, mask, resolve_target

#: Every table of a project, parents before children (what a copy writes first).
TABLES = (
    "documents", "paragraphs", "links", "history", "terms", "term_rejections", "annotations", "findings",
    "finding_tags", "check_units", "check_term_usage", "check_gloss_occ", "check_state", "undo_entries",
    "accounts", "auth_sessions", "login_failures", "presence", "settings", "user_settings", "decisions",
    "fixes", "link_reviews", "comments", "side_versions", "links_to_review", "tm_files", "tm_units",
    # derived, but copied: bounded, and each vector cost ~0.2 s of CPU to compute (store/embeddings.py)
    "embedding_cache",
)  # fmt: skip
#: Tables derived from the others (the concordance index): not copied; a copy is re-indexed on first use.
DERIVED_TABLES = search_index.DERIVED_TABLES

#: (child table, column, parent table, parent column): the foreign keys of the schema.
FOREIGN_KEYS = (
    ("paragraphs", "doc_id", "documents", "id"),
    ("links", "doc_id", "documents", "id"),
    ("annotations", "doc_id", "documents", "id"),
    ("annotations", "term_id", "terms", "id"),
    ("findings", "doc_id", "documents", "id"),
    ("finding_tags", "finding_id", "findings", "id"),
    ("check_units", "doc_id", "documents", "id"),
    ("check_term_usage", "doc_id", "documents", "id"),
    ("check_gloss_occ", "doc_id", "documents", "id"),
    ("undo_entries", "doc_id", "documents", "id"),
    ("auth_sessions", "account", "accounts", "name"),
    ("presence", "doc_id", "documents", "id"),
    ("decisions", "doc_id", "documents", "id"),
    ("fixes", "doc_id", "documents", "id"),
    ("link_reviews", "doc_id", "documents", "id"),
    ("comments", "doc_id", "documents", "id"),
    ("side_versions", "doc_id", "documents", "id"),
    ("links_to_review", "doc_id", "documents", "id"),
    ("tm_units", "file_id", "tm_files", "id"),
)
BATCH = 2000


def _canon(v: Any) -> str:
    if v is None:
        return "n"
    if isinstance(v, bool):
        return f"i{int(v)}"
    if isinstance(v, int):
        return f"i{v}"
    if isinstance(v, float):
        return f"i{int(v)}" if v.is_integer() and abs(v) < 2**53 else f"f{v!r}"
    if isinstance(v, bytes | bytearray | memoryview):
        return "b" + bytes(v).hex()
    return "s" + str(v)


def _columns(c: Conn, table: str) -> list[str]:
    cur = c.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    return [d[0] for d in cur.description]


def _quoted(cols: list[str]) -> str:
    return ", ".join(f'"{col}"' for col in cols)


def table_digest(c: Conn, table: str, cols: list[str]) -> tuple[int, str]:
    """(rows, checksum) of ``table`` over ``cols``: independent of row order and of the backend."""
    n, total = 0, 0
    for row in c.execute(f"SELECT {_quoted(cols)} FROM {table}"):
        n += 1
        line = "\x1f".join(_canon(v) for v in row).encode("utf-8", "surrogatepass")
        total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % (1 << 256)
    return n, f"{total:064x}"


@dataclass
class TableCopy:
    table: str
    rows: int
    checksum: str


@dataclass
class CopyReport:
    source: str
    target: str
    schema_version: int
    tables: list[TableCopy] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.source, "to": self.target, "schema_version": self.schema_version, "rows": self.rows,
                "tables": {t.table: {"rows": t.rows, "checksum": t.checksum} for t in self.tables}}  # fmt: skip


def _describe(target: str | Path) -> str:
    kind, where = resolve_target(target)
    return mask(str(where)) if kind == "postgresql" else str(where)


def _same_database(a: str | Path, b: str | Path) -> bool:
    ka, wa = resolve_target(a)
    kb, wb = resolve_target(b)
    if ka != kb:
        return False
    if ka == "sqlite":
        return Path(wa).resolve() == Path(wb).resolve()
    return str(wa) == str(wb)


def nonempty_tables(db: Database) -> list[str]:
    with db.reading() as c:
        return [t for t in TABLES if c.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() is not None]


def copy_project(source: str | Path, target: str | Path,
                 progress: Callable[[str, int], None] | None = None) -> CopyReport:  # fmt: skip
    """Copy every row of the project ``source`` into the empty project ``target`` (either backend),
    verified by counts and checksums before the target's transaction commits."""
    if _same_database(source, target):
        raise WorkbenchError("--from and --to name the same database")
    kind, where = resolve_target(source)
    if kind == "sqlite" and str(where) != ":memory:" and not Path(where).exists():
        raise WorkbenchError(f"{where}: no such project to copy from")
    src = connect(source)
    try:
        dst = connect(target)
        try:
            return _copy(src, dst, _describe(source), _describe(target), progress)
        finally:
            dst.close()
    finally:
        src.close()


def _copy(src: Database, dst: Database, src_name: str, dst_name: str,
          progress: Callable[[str, int], None] | None) -> CopyReport:  # fmt: skip
    busy = nonempty_tables(dst)
    if busy:
        raise WorkbenchError(
            f"{dst_name}: the target already holds data ({', '.join(busy[:4])}{', ...' if len(busy) > 4 else ''}); "
            "a copy goes into an empty project only — nothing was copied"
        )
    if src.schema_version() != dst.schema_version():  # both are migrated to the current version on opening
        raise WorkbenchError(f"schema versions differ ({src.schema_version()} and {dst.schema_version()})")
    report = CopyReport(src_name, dst_name, src.schema_version())
    with src.reading() as s, dst.transaction() as d:
        for table in TABLES:
            cols = _columns(s, table)
            missing = set(cols) - set(_columns(d, table))
            if missing:
                raise WorkbenchError(f"{dst_name}: table {table} lacks column(s) {', '.join(sorted(missing))}")
            insert = f"INSERT INTO {table} ({_quoted(cols)}) VALUES ({', '.join('?' * len(cols))})"
            cur = s.execute(f"SELECT {_quoted(cols)} FROM {table}")
            n = 0
            while True:
                rows = cur.fetchmany(BATCH)
                if not rows:
                    break
                try:
                    d.executemany(insert, [tuple(r) for r in rows])
                except Exception as exc:  # noqa: BLE001 - either driver's error, named in one line
                    raise WorkbenchError(f"{dst_name}: cannot write the rows of table {table} "
                                         f"({type(exc).__name__}: {str(exc).strip()}); nothing was copied") from exc
                n += len(rows)
                if progress:
                    progress(table, n)
            report.tables.append(TableCopy(table, *table_digest(s, table, cols)))
        dst.reset_sequences(d)
        search_index.clear(d)  # derived: the copy is indexed on first use
        for t in report.tables:
            got = table_digest(d, t.table, _columns(s, t.table))
            if got != (t.rows, t.checksum):
                raise WorkbenchError(
                    f"the copy of table {t.table} does not match its source ({got[0]} rows, {t.rows} expected, "
                    "or different contents); nothing was copied"
                )
    return report


# ---------------------------------------------------------------------------------------------- check


@dataclass
class CheckReport:
    database: str
    backend: str
    schema_version: int
    known_version: int
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"database": self.database, "backend": self.backend, "schema_version": self.schema_version,
                "known_version": self.known_version, "ok": self.ok, "counts": self.counts,
                "problems": self.problems, "notes": self.notes}  # fmt: skip


def check_project(db: Database, limit: int = 50) -> CheckReport:
    """Schema version and integrity: the backend's own check (SQLite), foreign keys and orphan rows,
    and every paragraph of an aligned document in exactly one link, in order."""
    rep = CheckReport(str(db.path), db.dialect.name, db.schema_version(), known_version())
    if rep.schema_version != rep.known_version:
        rep.problems.append(f"schema version {rep.schema_version}, this workbench's is {rep.known_version}")
    with db.reading() as c:
        for t in TABLES:
            rep.counts[t] = int(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
        if db.dialect.name == "sqlite":
            res = [r[0] for r in c.execute("PRAGMA quick_check")]
            if res != ["ok"]:
                rep.problems += [f"sqlite quick_check: {r}" for r in res[:limit]]
            for r in c.execute("PRAGMA foreign_key_check").fetchall()[:limit]:
                rep.problems.append(f"foreign key: {r[0]} row {r[1]} names a missing {r[2]}")
        for child, col, parent, pcol in FOREIGN_KEYS:
            rows = c.execute(
                f'SELECT DISTINCT {child}."{col}" FROM {child} WHERE {child}."{col}" IS NOT NULL AND NOT EXISTS'
                f' (SELECT 1 FROM {parent} p WHERE p."{pcol}" = {child}."{col}")'
            ).fetchall()
            for r in rows[:limit]:
                rep.problems.append(f"orphan rows: {child}.{col} = {r[0]!r} but {parent} has no such {pcol}")
        _check_links(c, rep, limit)
    return rep


def _check_links(c: Conn, rep: CheckReport, limit: int) -> None:
    paras: dict[int, dict[str, tuple[str, int]]] = {}
    for r in c.execute("SELECT id, doc_id, side, pos FROM paragraphs"):
        paras.setdefault(r[1], {})[r[0]] = (r[2], r[3])
    links: dict[int, list[tuple[str, list[str], list[str]]]] = {}
    for r in c.execute("SELECT id, doc_id, source_ids, target_ids FROM links ORDER BY doc_id, pos"):
        try:
            links.setdefault(r[1], []).append((r[0], json.loads(r[2]), json.loads(r[3])))
        except (TypeError, ValueError):
            rep.problems.append(f"link {r[0]} of document {r[1]}: its paragraph lists are not JSON")
    unaligned = 0
    for doc_id, sides in sorted(paras.items()):
        doc_links = links.get(doc_id)
        if not doc_links:
            unaligned += 1
            continue
        seen: dict[str, int] = {}
        last = {"source": -1, "target": -1}
        for lid, src, tgt in doc_links:
            for side, ids in (("source", src), ("target", tgt)):
                for pid in ids:
                    seen[pid] = seen.get(pid, 0) + 1
                    where = sides.get(pid)
                    if where is None or where[0] != side:
                        rep.problems.append(f"document {doc_id}: link {lid} names {side} paragraph {pid}, "
                                            "which the document does not have")  # fmt: skip
                    elif where[1] <= last[side]:
                        rep.problems.append(f"document {doc_id}: link {lid} breaks the order of the {side} paragraphs")
                    else:
                        last[side] = where[1]
        for pid in sides:
            if seen.get(pid, 0) != 1:
                rep.problems.append(f"document {doc_id}: paragraph {pid} is in {seen.get(pid, 0)} links (must be 1)")
    for doc_id in sorted(set(links) - set(paras)):
        rep.problems.append(f"document {doc_id}: {len(links[doc_id])} link(s) but no paragraphs")
    if unaligned:
        rep.notes.append(f"{unaligned} document(s) without an alignment yet (not checked for links)")
    del rep.problems[limit * 4:]


def dump_rows(db: Database) -> Iterator[str]:
    """Every row of every table as text (what a test searches for something that must not be stored)."""
    with db.reading() as c:
        for t in TABLES:
            cols = _columns(c, t)
            for row in c.execute(f"SELECT {_quoted(cols)} FROM {t}"):
                yield f"{t}: " + " | ".join(_canon(v) for v in row)
