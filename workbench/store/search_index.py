"""The concordance index: SQL for both backends (SQLite FTS5; PostgreSQL tsvector under GIN).

What a unit is indexed under comes from :mod:`workbench.search_text` (the same keys the search
checks candidates with). The index is derived data: the store's paragraph writes call
:func:`reindex` inside their own transaction, so a search never sees an edit without its index
row; a project created before the index existed, or copied with ``db copy`` (which leaves derived
tables behind), has no ``built`` mark and is indexed in one pass the first time it is searched
(:meth:`SearchIndex.ensure_built`). A stale row can only cost a missed result, never a wrong one:
every candidate is checked against its unit's current text.

Reference memory (TMX files) lives here too, because its units are indexed the same way.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from workbench.errors import NotFoundError, WorkbenchError
from workbench.search_text import index_terms, normalized_words
from workbench.store.db import Conn, now, retry_public_methods

if TYPE_CHECKING:
    from workbench.store import Store

#: words in a run the memory recognises as an exact repeat (hashed for every source unit)
SHINGLE = 8
#: bump when the keys change (search_text's normalisation): every index is rebuilt on next use
INDEX_VERSION = "2"
#: the tables the index consists of (derived: db copy leaves them out, db check does not count them)
DERIVED_TABLES = ("search_units", "search_shingles", "search_fts", "search_fts_data", "search_fts_idx", "search_fts_content",
                  "search_fts_docsize", "search_fts_config", "search_meta")  # fmt: skip


@dataclass(frozen=True)
class Lookup:
    """One key the index is asked for: in the ``words`` or the ``stems`` column, whole or as a prefix."""

    key: str
    column: str = "words"
    prefix: bool = False


@dataclass(frozen=True)
class Candidate:
    ref: str
    doc_id: int | None
    side: str
    tm_file: str | None
    score: float


@dataclass(frozen=True)
class TmFile:
    id: str
    label: str
    filename: str
    source_lang: str
    target_lang: str
    units: int
    imported: str
    imported_by: str


# ---------------------------------------------------------------------------------------------- writes


def shingle_hashes(text: str, n: int = SHINGLE) -> list[int]:
    """Stable 63-bit hashes of every run of ``n`` normalised words of ``text`` (distinct, in order)."""
    keys = normalized_words(text)
    out: dict[int, None] = {}
    for i in range(len(keys) - n + 1):
        digest = hashlib.blake2b(" ".join(keys[i:i + n]).encode("utf-8"), digest_size=8).digest()
        out[int.from_bytes(digest, "big") >> 1] = None
    return list(out)


_terms = functools.lru_cache(maxsize=16)(index_terms)
_shingles = functools.lru_cache(maxsize=16)(lambda text: tuple(shingle_hashes(text)))


def prepare(text: str) -> None:
    """Compute a paragraph's index keys (stemming: milliseconds of CPU) before the write transaction
    that stores it, so that the write lock is not held for them: :func:`reindex` finds them cached."""
    _terms(text)
    _shingles(text)


def _put(c: Conn, ref: str, doc_id: int | None, side: str, tm_file: str | None, text: str) -> None:
    words, stems = _terms(text)
    hashes = _shingles(text) if side == "source" else ()
    if c.dialect.name == "postgresql":
        rid = c.execute(
            "INSERT INTO search_units (ref, doc_id, side, tm_file, words, stems) VALUES"
            " (?, ?, ?, ?, array_to_tsvector(?::text[]), array_to_tsvector(?::text[]))"
            " ON CONFLICT (ref) DO UPDATE SET doc_id = excluded.doc_id, side = excluded.side,"
            " words = excluded.words, stems = excluded.stems RETURNING id",
            (ref, doc_id, side, tm_file, words.split(), stems.split()),
        ).fetchone()[0]
        c.execute("DELETE FROM search_shingles WHERE unit = ?", (rid,))
    else:
        row = c.execute("SELECT id FROM search_units WHERE ref = ?", (ref,)).fetchone()
        if row is None:
            rid = c.execute("INSERT INTO search_units (ref, doc_id, side, tm_file) VALUES (?, ?, ?, ?) RETURNING id",
                            (ref, doc_id, side, tm_file)).fetchone()[0]  # fmt: skip
        else:
            rid = row[0]
            c.execute("UPDATE search_units SET doc_id = ?, side = ? WHERE id = ?", (doc_id, side, rid))
            c.execute("DELETE FROM search_fts WHERE rowid = ?", (rid,))
            c.execute("DELETE FROM search_shingles WHERE unit = ?", (rid,))
        c.execute("INSERT INTO search_fts (rowid, words, stems) VALUES (?, ?, ?)", (rid, words, stems))
    if side == "source":
        c.executemany("INSERT INTO search_shingles (unit, hash) VALUES (?, ?)", [(rid, h) for h in hashes])


def _drop(c: Conn, where: str, params: Sequence[Any]) -> None:
    c.execute(f"DELETE FROM search_shingles WHERE unit IN (SELECT id FROM search_units WHERE {where})", params)
    if c.dialect.name == "sqlite":
        c.execute(f"DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_units WHERE {where})", params)
    c.execute(f"DELETE FROM search_units WHERE {where}", params)


def reindex(c: Conn, para_ids: Iterable[str] = (), doc_id: int | None = None) -> None:
    """Bring the index rows of these paragraphs (or of every paragraph of ``doc_id``) up to date
    inside the caller's transaction: what the store's paragraph writes call, once each.

    A paragraph that no longer exists loses its row; with ``doc_id``, so does every row of the
    document whose paragraph is gone (a deleted document leaves nothing behind).
    """
    ids = list(dict.fromkeys(para_ids))
    if doc_id is not None:
        rows = c.execute("SELECT id, doc_id, side, text FROM paragraphs WHERE doc_id = ?", (doc_id,)).fetchall()
        present = {"p:" + r[0] for r in rows}
        stale = [r[0] for r in c.execute("SELECT ref FROM search_units WHERE doc_id = ?", (doc_id,))
                 if r[0] not in present]  # fmt: skip
        for ref in stale:
            _drop(c, "ref = ?", (ref,))
        for r in rows:
            _put(c, "p:" + r[0], r[1], r[2], None, r[3])
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        rows = c.execute(f"SELECT id, doc_id, side, text FROM paragraphs WHERE id IN {c.dialect.json_list()}",
                         (json.dumps(chunk),)).fetchall()  # fmt: skip
        found = {r[0] for r in rows}
        for r in rows:
            _put(c, "p:" + r[0], r[1], r[2], None, r[3])
        for pid in chunk:
            if pid not in found:
                _drop(c, "ref = ?", ("p:" + pid,))


#: the FTS5 table as migration 0011 creates it (:func:`clear` drops and recreates it: deleting every
#: row of an FTS5 table one by one took longer than indexing the corpus again)
FTS_DDL = "CREATE VIRTUAL TABLE search_fts USING fts5(words, stems, tokenize = 'unicode61 remove_diacritics 0')"


def clear(c: Conn) -> None:
    """Forget the whole index (and its built mark): the next search rebuilds it."""
    if c.dialect.name == "sqlite":
        c.execute("DROP TABLE search_fts")
        c.execute(FTS_DDL)
    c.execute("DELETE FROM search_shingles")
    c.execute("DELETE FROM search_units")
    c.execute("DELETE FROM search_meta")


# ---------------------------------------------------------------------------------------------- the repository


def _fts_string(lookups: Sequence[Lookup], any_of: bool = False) -> str:
    parts = []
    for lk in lookups:
        term = '"' + lk.key.replace('"', '""') + '"' + (" *" if lk.prefix else "")
        parts.append(f"{lk.column} : {term}")
    return (" OR " if any_of else " AND ").join(parts)


def _tsquery(lookups: Sequence[Lookup], column: str, any_of: bool = False) -> str | None:
    parts = ["'" + lk.key.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if lk.prefix else "")
             for lk in lookups if lk.column == column]  # fmt: skip
    return (" | " if any_of else " & ").join(parts) or None


@retry_public_methods
class SearchIndex:
    """``store.search``: keeping the index built, asking it for candidates, the reference memory."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # -- building ------------------------------------------------------------------------------

    def is_built(self) -> bool:
        with self.db.reading() as c:
            row = c.execute("SELECT value FROM search_meta WHERE key = 'built'").fetchone()
        return row is not None and row[0] == INDEX_VERSION

    def ensure_built(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Build the index if this project has none of the current version; True when it did."""
        if self.is_built():
            return False
        with self.db.transaction() as c:  # look again under the write lock: another session may have built it
            row = c.execute("SELECT value FROM search_meta WHERE key = 'built'").fetchone()
            if row is not None and row[0] == INDEX_VERSION:
                return False
            self.rebuild(progress)
        return True

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index every paragraph and reference unit afresh, in one transaction; the number of units."""
        with self.db.transaction() as c:
            clear(c)
            total = int(c.execute("SELECT count(*) FROM paragraphs").fetchone()[0])
            total += 2 * int(c.execute("SELECT count(*) FROM tm_units").fetchone()[0])
            n = 0
            cur = c.execute("SELECT id, doc_id, side, text FROM paragraphs ORDER BY doc_id, side, pos")
            for r in cur.fetchall():
                _put(c, "p:" + r[0], r[1], r[2], None, r[3])
                n += 1
                if progress and n % 2000 == 0:
                    progress(n, total)
            for r in c.execute("SELECT file_id, pos, source, target FROM tm_units").fetchall():
                _put(c, f"m:{r[0]}:{r[1]}:source", None, "source", r[0], r[2])
                _put(c, f"m:{r[0]}:{r[1]}:target", None, "target", r[0], r[3])
                n += 2
            c.execute("INSERT INTO search_meta (key, value) VALUES ('built', ?) ON CONFLICT (key) DO UPDATE"
                      " SET value = excluded.value", (INDEX_VERSION,))  # fmt: skip
            c.execute("INSERT INTO search_meta (key, value) VALUES ('built_at', ?) ON CONFLICT (key) DO UPDATE"
                      " SET value = excluded.value", (now(),))  # fmt: skip
        if progress:
            progress(n, total)
        return n

    def units(self, memory: bool = True) -> int:
        """How many units are indexed (``memory`` False: the corpus's paragraphs only)."""
        where = "" if memory else " WHERE doc_id IS NOT NULL"
        with self.db.reading() as c:
            return int(c.execute(f"SELECT count(*) FROM search_units{where}").fetchone()[0])

    # -- asking --------------------------------------------------------------------------------

    def candidates(
        self, side: str, lookups: Sequence[Lookup], *, doc_id: int | None = None, memory: bool = True,
        limit: int = 200, offset: int = 0, any_of: bool = False,
    ) -> list[Candidate]:
        """Units of ``side`` holding every key of ``lookups``, best ranked first (BM25 on SQLite; in
        index order on PostgreSQL, whose tsvectors here carry no positions to rank by); with ``any_of``,
        units holding any of the keys, most matched keys first (``ts_rank`` on PostgreSQL), what the
        translation memory asks."""
        if not lookups:
            raise WorkbenchError("nothing to look up")
        where = ["u.side = ?"]
        params: list[Any] = [side]
        if doc_id is not None:
            where.append("u.doc_id = ?")
            params.append(doc_id)
        elif not memory:
            where.append("u.doc_id IS NOT NULL")
        with self.db.reading() as c:
            if c.dialect.name == "postgresql":
                qw, qs = _tsquery(lookups, "words", any_of), _tsquery(lookups, "stems", any_of)
                conds, rank, qparams = [], [], []
                for col, q in (("words", qw), ("stems", qs)):
                    if q:
                        conds.append(f"u.{col} @@ ?::tsquery")
                        rank.append(f"ts_rank(u.{col}, ?::tsquery)")
                        qparams.append(q)
                if not any_of:
                    # every unit holds every key once (no positions, no weights): ts_rank would be flat, and
                    # computing it for every match cost more than the rest of a query on a common word
                    sql = (f"SELECT u.ref, u.doc_id, u.side, u.tm_file, 1.0 FROM search_units u"
                           f" WHERE {' AND '.join(conds + where)} ORDER BY u.id LIMIT ? OFFSET ?")
                    rows = c.execute(sql, (*qparams, *params, limit, offset)).fetchall()
                    return [Candidate(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]
                sql = (f"SELECT u.ref, u.doc_id, u.side, u.tm_file, {' + '.join(rank)} AS score FROM search_units u"
                       f" WHERE {' AND '.join(conds + where)} ORDER BY score DESC, u.id LIMIT ? OFFSET ?")
                rows = c.execute(sql, (*qparams, *qparams, *params, limit, offset)).fetchall()
                return [Candidate(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]
            sql = ("SELECT u.ref, u.doc_id, u.side, u.tm_file, -f.rank FROM search_fts f JOIN search_units u"
                   f" ON u.id = f.rowid WHERE search_fts MATCH ? AND {' AND '.join(where)}"
                   " ORDER BY f.rank LIMIT ? OFFSET ?")
            rows = c.execute(sql, (_fts_string(lookups, any_of), *params, limit, offset)).fetchall()
        return [Candidate(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]

    def count(self, side: str, lookups: Sequence[Lookup], cap: int | None = None, memory: bool = True) -> int:
        """How many units of ``side`` hold every key (a document frequency, for weighting); with ``cap``,
        counting stops there (enough to tell which of two clauses is the rarer); ``memory`` False: the
        corpus's paragraphs only."""
        limit = f" LIMIT {int(cap)}" if cap else ""
        corpus = "" if memory else " AND doc_id IS NOT NULL"
        with self.db.reading() as c:
            if c.dialect.name == "postgresql":
                conds, params = [f"side = ?{corpus}"], [side]
                for col in ("words", "stems"):
                    q = _tsquery(lookups, col)
                    if q:
                        conds.append(f"{col} @@ ?::tsquery")
                        params.append(q)
                return int(c.execute(f"SELECT count(*) FROM (SELECT 1 FROM search_units WHERE {' AND '.join(conds)}"
                                     f"{limit}) n", params).fetchone()[0])  # fmt: skip
            return int(c.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_fts f JOIN search_units u ON u.id = f.rowid"
                f" WHERE search_fts MATCH ? AND u.side = ?{corpus.replace('doc_id', 'u.doc_id')}{limit})",
                (_fts_string(lookups), side)).fetchone()[0])  # fmt: skip

    def counts(self, side: str, groups: Sequence[Sequence[Lookup]], memory: bool = True) -> list[int]:
        """:meth:`count` of each group of keys (in the ``words`` column), in one read: the renderings
        weigh some sixty phrases per query, and a read per phrase cost more than the rest of the
        query on PostgreSQL (one round trip and transaction each)."""
        if not groups:
            return []
        if any(lk.column != "words" for g in groups for lk in g) or any(not g for g in groups):
            raise WorkbenchError("counts() takes non-empty groups of words-column keys")
        corpus = "" if memory else " AND u.doc_id IS NOT NULL"
        with self.db.reading() as c:
            if c.dialect.name == "postgresql":
                rows = c.execute(
                    "SELECT (SELECT count(*) FROM search_units u WHERE u.side = ?"
                    f"{corpus} AND u.words @@ q.t::tsquery) FROM unnest(?::text[]) WITH ORDINALITY AS q(t, i)"
                    " ORDER BY q.i", (side, [_tsquery(g, "words") for g in groups])).fetchall()  # fmt: skip
                return [int(r[0]) for r in rows]
            return [int(c.execute(
                "SELECT count(*) FROM search_fts f JOIN search_units u ON u.id = f.rowid"
                f" WHERE search_fts MATCH ? AND u.side = ?{corpus}", (_fts_string(g), side)).fetchone()[0])
                for g in groups]  # fmt: skip

    def shared_runs(self, text: str, *, memory: bool = True, limit: int = 20) -> list[tuple[Candidate, int]]:
        """Source units sharing runs of :data:`SHINGLE` normalised words with ``text``, most shared runs
        first, with how many: where the exact repeats of a quotation are, whatever else surrounds them."""
        hashes = shingle_hashes(text)
        if not hashes:
            return []
        extra = "" if memory else " AND u.doc_id IS NOT NULL"
        with self.db.reading() as c:
            rows = c.execute(
                "SELECT u.ref, u.doc_id, u.side, u.tm_file, count(*) AS n FROM search_shingles s JOIN search_units u"
                f" ON u.id = s.unit WHERE s.hash IN {c.dialect.json_list('int')}{extra}"
                " GROUP BY u.id, u.ref, u.doc_id, u.side, u.tm_file ORDER BY n DESC, u.id LIMIT ?",
                (json.dumps(hashes[:2000]), limit)).fetchall()  # fmt: skip
        return [(Candidate(r[0], r[1], r[2], r[3], float(r[4])), int(r[4])) for r in rows]

    def repeated_paragraphs(self, also: Sequence[int] = ()) -> set[str]:
        """Ids of the corpus paragraphs holding a run of :data:`SHINGLE` normalised words that another
        corpus paragraph holds too, or one of the run hashes ``also`` (those of passages that cross
        a paragraph boundary): the only places a repeated passage of that length or more can be."""
        corpus = "JOIN search_units u ON u.id = s.unit WHERE u.doc_id IS NOT NULL"
        with self.db.reading() as c:
            rows = c.execute(
                f"SELECT DISTINCT u.ref FROM search_shingles s {corpus} AND s.hash IN"
                f" (SELECT s.hash FROM search_shingles s {corpus} GROUP BY s.hash HAVING count(*) > 1)").fetchall()  # fmt: skip
            out = {r[0][2:] for r in rows}
            wanted = list(dict.fromkeys(also))
            for i in range(0, len(wanted), 5000):
                rows = c.execute(f"SELECT DISTINCT u.ref FROM search_shingles s {corpus} AND s.hash IN"
                                 f" {c.dialect.json_list('int')}", (json.dumps(wanted[i:i + 5000]),)).fetchall()  # fmt: skip
                out.update(r[0][2:] for r in rows)
        return out

    # -- what the units are ------------------------------------------------------------------------

    def paragraphs(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """{id: {doc_id, side, pos, text, label, rev}} of those paragraphs that still exist."""
        out: dict[str, dict[str, Any]] = {}
        with self.db.reading() as c:
            for i in range(0, len(ids), 500):
                rows = c.execute(
                    "SELECT id, doc_id, side, pos, text, label, rev FROM paragraphs WHERE id IN"
                    f" {c.dialect.json_list()}", (json.dumps(list(ids[i:i + 500])),)).fetchall()  # fmt: skip
                for r in rows:
                    out[r[0]] = {"doc_id": r[1], "side": r[2], "pos": r[3], "text": r[4], "label": r[5], "rev": r[6]}
        return out

    def links_of(self, doc_id: int, para_ids: Sequence[str], side: str) -> list[dict[str, Any]]:
        """The links of ``doc_id`` that hold any of ``para_ids`` on ``side`` (id, pos, source, target, sentences)."""
        col = "source_ids" if side == "source" else "target_ids"
        with self.db.reading() as c:
            if c.dialect.name == "postgresql":
                rows = c.execute(f"SELECT id, pos, source_ids, target_ids, sentences FROM links WHERE doc_id = ?"
                                 f" AND jsonb_exists_any({col}::jsonb, ?::text[]) ORDER BY pos",
                                 (doc_id, list(para_ids))).fetchall()  # fmt: skip
            else:
                rows = c.execute(
                    f"SELECT DISTINCT l.id, l.pos, l.source_ids, l.target_ids, l.sentences FROM links l,"
                    f" json_each(l.{col}) j WHERE l.doc_id = ? AND j.value IN {c.dialect.json_list()} ORDER BY l.pos",
                    (doc_id, json.dumps(list(para_ids)))).fetchall()  # fmt: skip
        return [{"id": r[0], "pos": r[1], "source": json.loads(r[2]), "target": json.loads(r[3]),
                 "sentences": json.loads(r[4]) if r[4] else None} for r in rows]  # fmt: skip

    def document_titles(self) -> dict[int, dict[str, Any]]:
        with self.db.reading() as c:
            return {r[0]: {"title": r[1], "source_lang": r[2], "target_lang": r[3]}
                    for r in c.execute("SELECT id, title, source_lang, target_lang FROM documents")}  # fmt: skip

    # -- reference memory ------------------------------------------------------------------------

    def import_memory(self, label: str, filename: str, source_lang: str, target_lang: str,
                      units: Sequence[tuple[str, str, str | None]], user: str) -> TmFile:  # fmt: skip
        """Store a reference memory (one TMX file) under ``label`` and index it, in one transaction."""
        from workbench.model import new_id

        label = label.strip()
        if not label:
            raise WorkbenchError("a reference memory needs a label")
        ts = now()
        fid = new_id()
        with self.db.transaction() as c:
            self.store.authorize(user, "import", c)
            if c.execute("SELECT 1 FROM tm_files WHERE label = ?", (label,)).fetchone():
                raise WorkbenchError(f"a reference memory labelled {label!r} exists already; give another --label "
                                     "or remove it first (workbench tm remove)")
            c.execute("INSERT INTO tm_files (id, label, filename, source_lang, target_lang, units, imported,"
                      " imported_by) VALUES (?,?,?,?,?,?,?,?)",
                      (fid, label, filename, source_lang, target_lang, len(units), ts, user))  # fmt: skip
            c.executemany("INSERT INTO tm_units (file_id, pos, source, target, note) VALUES (?,?,?,?,?)",
                          [(fid, i, s, t, n) for i, (s, t, n) in enumerate(units)])  # fmt: skip
            for i, (s, t, _n) in enumerate(units):
                _put(c, f"m:{fid}:{i}:source", None, "source", fid, s)
                _put(c, f"m:{fid}:{i}:target", None, "target", fid, t)
            self.db.log(c, user, "memory", fid, None, "import", None,
                        {"label": label, "file": filename, "units": len(units)})
        return TmFile(fid, label, filename, source_lang, target_lang, len(units), ts, user)

    def memories(self) -> list[TmFile]:
        with self.db.reading() as c:
            rows = c.execute("SELECT id, label, filename, source_lang, target_lang, units, imported, imported_by"
                             " FROM tm_files ORDER BY label").fetchall()  # fmt: skip
        return [TmFile(*r) for r in rows]

    def remove_memory(self, label: str, user: str) -> int:
        with self.db.transaction() as c:
            self.store.authorize(user, "import", c)
            row = c.execute("SELECT id, units FROM tm_files WHERE label = ?", (label,)).fetchone()
            if row is None:
                raise NotFoundError(f"no reference memory labelled {label!r} (workbench tm list)")
            _drop(c, "tm_file = ?", (row[0],))
            c.execute("DELETE FROM tm_files WHERE id = ?", (row[0],))
            self.db.log(c, user, "memory", row[0], None, "remove", {"label": label, "units": row[1]}, None)
        return int(row[1])

    def memory_units(self, refs: Sequence[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
        """{(file id, pos): {source, target, note, label}} of reference units."""
        out: dict[tuple[str, int], dict[str, Any]] = {}
        if not refs:
            return out
        with self.db.reading() as c:
            labels = {r[0]: r[1] for r in c.execute("SELECT id, label FROM tm_files")}
            for fid, pos in refs:
                r = c.execute("SELECT source, target, note FROM tm_units WHERE file_id = ? AND pos = ?",
                              (fid, pos)).fetchone()  # fmt: skip
                if r is not None:
                    out[(fid, pos)] = {"source": r[0], "target": r[1], "note": r[2], "label": labels.get(fid, fid)}
        return out
