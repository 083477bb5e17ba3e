"""Findings repository (``store.findings``): findings with their status and tag log, and the
per-unit caches that make check runs incremental.

The store decides nothing about statuses: a run's changes are computed by the pure rules of
:mod:`workbench.checks.reconcile` from what :meth:`FindingsRepo.stored` and its siblings read, and
:meth:`FindingsRepo.apply` executes them. Nor does it know what a unit of checking is: it hands out
a document's layout (:meth:`FindingsRepo.layouts_for_paragraphs`) and caches rows by unit key.
Only plain types are shared with the checks (:mod:`workbench.findings_types`).

Editors change statuses with :meth:`FindingsRepo.tag` (accepting needs a comment); every change,
by an editor or by a run, is logged in ``finding_tags``; editors' tags also go to ``history``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.findings_types import (
    STATUSES,
    DocLayout,
    Finding,
    FindingChanges,
    GlossRow,
    LinkIds,
    StoredFinding,
    UnitStats,
    UsageRow,
    finding_digest,
    finding_id,
)
from workbench.model import Paragraph
from workbench.store.db import id_prefix, now, prefix_pattern, retry_public_methods
from workbench.store.documents import para_row_to_model

if TYPE_CHECKING:
    from workbench.store import Store

_COLS = (
    "id, doc_id, unit, check_id, severity, term_id, link_id, para_ids, para_id, side, start_pos, end_pos, message,"
    " excerpt, anchor, key, occ, data, docs, digest, status, present, comment, status_user, status_at, first_seen,"
    " updated"
)
_NCOLS = _COLS.count(",") + 1
_COMPARED = ("unit", "severity", "link_id", "para_ids", "para_id", "side", "start_pos", "end_pos", "message",
             "excerpt", "data", "docs", "digest")  # fmt: skip


# What the status rules read of a stored finding (see _state).
_STATE = "id, status, present, digest, comment, status_user, status_at, unit, term_id, key"


def _state(r: sqlite3.Row) -> StoredFinding:
    return StoredFinding(r[0], r[1], bool(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9])


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _j(x: Any) -> str:
    """``json.dumps(x, ensure_ascii=False, sort_keys=True)`` without building an encoder per call."""
    return _ENCODER.encode(x)


def _digest(f: Finding) -> str:
    return f.digest or finding_digest(f)


def _values(f: Finding, memo: dict[Any, str] | None = None, digest: str | None = None) -> dict[str, Any]:
    memo = {} if memo is None else memo
    pk = tuple(f.para_ids)
    para_ids = memo.get(pk)
    if para_ids is None:
        para_ids = memo[pk] = _j(f.para_ids)
    return {
        "unit": f.unit, "severity": f.severity, "link_id": f.link_id, "para_ids": para_ids, "para_id": f.para_id,
        "side": f.side, "start_pos": f.start, "end_pos": f.end, "message": f.message, "excerpt": f.excerpt,
        "data": _j(f.data) if f.data else "{}", "docs": _j(f.docs) if f.docs else "[]",
        "digest": digest if digest is not None else _digest(f),
    }  # fmt: skip


def _json_list(s: str) -> list[Any]:
    """``json.loads`` of a stored list, without the decoder for the usual ones: empty, or strings
    (paragraph ids) free of quotes and backslashes, which are then exactly the pieces between
    ``", "`` (a list reading back its own JSON: one finding list reads tens of thousands)."""
    if s == "[]":
        return []
    if s.startswith('["') and s.endswith('"]') and "\\" not in s:
        items = s[2:-2].split('", "')
        if not any('"' in x for x in items):
            return items
    return json.loads(s)


def _row_to_finding(r: sqlite3.Row, tags: list[dict[str, Any]] | None = None) -> Finding:
    # by position (the order of _COLS, then rev): a finding list builds thousands of these
    data = r[17]
    return Finding(
        id=r[0], check=r[3], severity=r[4], message=r[12], doc_id=r[1],
        term_id=r[5], link_id=r[6], para_ids=_json_list(r[7]), para_id=r[8],
        side=r[9] or "target", start=r[10], end=r[11], excerpt=r[13], anchor=r[14],
        key=r[15], occ=r[16], unit=r[2], data={} if data == "{}" else json.loads(data), docs=_json_list(r[18]),
        status=r[20], present=bool(r[21]), comment=r[22], user=r[23],
        status_at=r[24], first_seen=r[25], last_seen=r[26], tags=tags or [], rev=r[27],
    )  # fmt: skip


@retry_public_methods
class FindingsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def _in(self) -> str:
        """``(SELECT value FROM <the JSON list of strings given as one parameter>)``."""
        return self.store.db.dialect.json_list("text")

    @property
    def _in_int(self) -> str:
        return self.store.db.dialect.json_list("int")

    # ------------------------------------------------------------------------------ read

    def list(
        self,
        doc_id: int | None = None,
        *,
        status: str | Sequence[str] | None = None,
        present: bool | None = None,
        checks: Sequence[str] | None = None,
        include_corpus: bool = True,
        with_tags: bool = True,
    ) -> list[Finding]:
        """Findings, optionally of one document (with the corpus-wide findings that involve it)."""
        sql = f"SELECT {_COLS}, rev FROM findings WHERE 1=1"
        args: list[Any] = []
        if doc_id is not None:
            if include_corpus:
                sql += f" AND (doc_id = ? OR (doc_id IS NULL AND {self.store.db.dialect.json_contains('findings.docs')}))"
                args += [doc_id, doc_id]
            else:
                sql += " AND doc_id = ?"
                args.append(doc_id)
        if status is not None:
            sts = [status] if isinstance(status, str) else list(status)
            sql += f" AND status IN {self._in}"
            args.append(json.dumps(sts))
        if present is not None:
            sql += " AND present = ?"
            args.append(int(present))
        if checks:
            sql += f" AND check_id IN {self._in}"
            args.append(json.dumps(list(checks)))
        sql += " ORDER BY doc_id IS NULL, doc_id, unit, check_id, id"
        with self.store.reading() as c:
            rows = c.execute(sql, args).fetchall()
            tags: dict[str, list[dict[str, Any]]] = defaultdict(list)
            if with_tags and rows:
                for t in c.execute("SELECT * FROM finding_tags ORDER BY id"):
                    tags[t["finding_id"]].append(
                        {"at": t["at"], "user": t["user"], "status": t["status"], "comment": t["comment"],
                         "auto": bool(t["auto"])}  # fmt: skip
                    )
        return [_row_to_finding(r, tags.get(r["id"])) for r in rows]

    def get(self, finding_id: str) -> Finding:
        fid = self.resolve_id(finding_id)
        with self.store.reading() as c:
            r = c.execute(f"SELECT {_COLS}, rev FROM findings WHERE id = ?", (fid,)).fetchone()
            tags = [dict(t) for t in c.execute('SELECT at, "user", status, comment, auto FROM finding_tags WHERE finding_id = ? ORDER BY id', (fid,))]
        return _row_to_finding(r, tags)

    def resolve_id(self, ref: str) -> str:
        """A full finding id, or a unique prefix of one (as with git hashes)."""
        ref = id_prefix(ref)
        with self.store.reading() as c:
            if c.execute("SELECT 1 FROM findings WHERE id = ?", (ref,)).fetchone():
                return ref
            rows = c.execute("SELECT id FROM findings WHERE id LIKE ? ESCAPE '\\' LIMIT 3",
                             (prefix_pattern(ref),)).fetchall()  # fmt: skip
        if not rows:
            raise NotFoundError(f"finding {ref} does not exist (run `workbench check` to list findings)")
        if len(rows) > 1:
            raise WorkbenchError(f"finding id {ref} is ambiguous ({', '.join(r[0] for r in rows[:2])}, …)")
        return rows[0][0]

    def count(self, *, present: bool | None = None, status: str | None = None) -> int:
        sql, args = "SELECT count(*) FROM findings WHERE 1=1", []
        if present is not None:
            sql += " AND present = ?"
            args.append(int(present))
        if status is not None:
            sql += " AND status = ?"
            args.append(status)
        with self.store.reading() as c:
            return int(c.execute(sql, args).fetchone()[0])

    def of_group(self, check: str, doc_id: int | None, term_id: Any, group: str, *, present: bool | None = None) -> list[Finding]:
        """The findings of one decision (:func:`workbench.findings_types.group_id`): those of the
        check, document and term whose normalised key makes the same group id."""
        sql = f"SELECT {_COLS}, rev FROM findings WHERE check_id = ? AND doc_id IS NOT DISTINCT FROM ? AND term_id IS NOT DISTINCT FROM ?"
        args: list[Any] = [check, doc_id, term_id]
        if present is not None:
            sql += " AND present = ?"
            args.append(int(present))
        with self.store.reading() as c:
            rows = c.execute(sql + " ORDER BY unit, id", args).fetchall()
        out = [_row_to_finding(r) for r in rows]
        return [f for f in out if f.group == group]

    def tag_log(self, finding_id: str) -> list[dict[str, Any]]:
        with self.store.reading() as c:
            return [dict(r) for r in c.execute("SELECT * FROM finding_tags WHERE finding_id = ? ORDER BY id", (finding_id,))]

    # ------------------------------------------------------------------------------ tag

    def tag(self, finding_ids: Iterable[str], status: str, user: str, comment: str | None = None,
            expected_revs: dict[str, int] | None = None) -> list[Finding]:  # fmt: skip
        """Set the status of findings (one transaction). Accepting an exception needs a comment and
        the reviewer role; ``expected_revs`` (finding id -> the revision the editor saw) refuses the
        whole tag if any of them was tagged or re-checked meanwhile."""
        if status not in STATUSES:
            raise WorkbenchError(f"status must be one of {', '.join(STATUSES)} (got {status!r})")
        comment = (comment or "").strip() or None
        if status == "accepted" and not comment:
            raise WorkbenchError("accepting a finding as an exception needs a comment saying why")
        ids = [self.resolve_id(f) for f in finding_ids]
        if not ids:
            return []
        ts = now()
        with self.store.transaction() as c:
            self.store.authorize(user, "review" if status == "accepted" else "tag", c)
            for fid in ids:
                r = c.execute("SELECT doc_id, status, comment, status_user, status_at, rev FROM findings WHERE id = ?",
                              (fid,)).fetchone()  # fmt: skip
                want = (expected_revs or {}).get(fid)
                if want is not None and r["rev"] != want:
                    by = f" by {r['status_user']} at {str(r['status_at'])[:19].replace('T', ' ')} UTC" if r["status_user"] else ""
                    raise ConflictError(
                        f"finding {fid[:10]} was tagged {r['status']}{by} since you loaded it (revision {r['rev']},"
                        f" yours {want}); reload and decide again — nothing was saved"
                    )
                if r["status"] == "accepted" and status != "accepted":
                    self.store.authorize(user, "review", c)  # taking an accepted exception back is a review too
                c.execute("UPDATE findings SET status = ?, comment = ?, status_user = ?, status_at = ?, rev = rev + 1"
                          " WHERE id = ?", (status, comment, user, ts, fid))  # fmt: skip
                c.execute('INSERT INTO finding_tags (finding_id, at, "user", status, comment, auto) VALUES (?,?,?,?,?,0)',
                          (fid, ts, user, status, comment))  # fmt: skip
                self.store.db.log(c, user, "finding", fid, r["doc_id"], "tag",
                                  {"status": r["status"], "comment": r["comment"], "user": r["status_user"]},
                                  {"status": status, "comment": comment, "user": user})  # fmt: skip
        return [self.get(fid) for fid in ids]

    # ------------------------------------------------------------------------------ runs: caches

    def unit_signatures(self, doc_id: int) -> dict[str, str]:
        with self.store.reading() as c:
            return {r[0]: r[1] for r in c.execute("SELECT unit, signature FROM check_units WHERE doc_id = ?", (doc_id,))}

    def usage_keys(self, units: Sequence[str]) -> tuple[set[Any], set[str]]:
        """Terms and (grounded) renderings the cached rows of ``units`` mention."""
        if not units:
            return set(), set()
        with self.store.reading() as c:
            rows = c.execute(f"SELECT DISTINCT term_id, rkey, kind, grounded FROM check_term_usage WHERE unit IN {self._in}",
                             (json.dumps(list(units)),)).fetchall()  # fmt: skip
        return {r[0] for r in rows}, {r[1] for r in rows if r[3] and r[2] != "missing"}

    def replace_unit_stats(
        self, doc_id: int, results: Sequence[UnitStats], removed: Sequence[str], *, whole: bool = False
    ) -> None:
        """Replace the cached rows of the recomputed units (``whole``: of the whole document).

        Only the rows that changed are written: the rows of each unit are compared with the stored
        ones, and a unit whose rows (or signature) are the same is left alone (a forced re-check of
        an unchanged corpus then writes nothing, and the commits stay small).
        """
        scope = [r.key for r in results] + list(removed)
        new_sigs: dict[str, tuple] = {}
        new_usage: dict[str, list[tuple]] = {}
        new_gloss: dict[str, list[tuple]] = {}
        for r in results:
            key = r.key
            new_sigs[key] = (key, doc_id, r.signature)
            new_usage[key] = [(u.unit, doc_id, u.term_id, u.bucket, u.bucket.casefold(), u.kind, u.n, int(u.grounded))
                              for u in r.usage]  # fmt: skip
            new_gloss[key] = [(g.unit, doc_id, g.term_id, g.seq, g.para_id, g.start, g.end, g.surface, int(g.glossed))
                              for g in r.gloss]  # fmt: skip
        tables = (
            ("check_units", "unit, doc_id, signature", new_sigs, 3),
            ("check_term_usage", "unit, doc_id, term_id, bucket, rkey, kind, n, grounded", new_usage, 8),
            ("check_gloss_occ", "unit, doc_id, term_id, seq, para_id, start_pos, end_pos, surface, glossed", new_gloss, 9),
        )  # fmt: skip
        with self.store.transaction() as c:
            for table, cols, new, width in tables:
                if whole:
                    cur = c.execute(f"SELECT {cols} FROM {table} WHERE doc_id = ?", (doc_id,))
                else:
                    cur = c.execute(f"SELECT {cols} FROM {table} WHERE unit IN {self._in}", (json.dumps(scope),))
                old: dict[str, list[tuple]] = defaultdict(list)
                for row in cur:
                    old[row[0]].append(tuple(row))
                stale = [k for k in old if k not in new] if whole else [k for k in removed if k in old]
                inserts: list[tuple] = []
                for key, rows in new.items():
                    if table == "check_units":
                        before = old.get(key)
                        if before is not None and before == [rows]:
                            continue
                        if before is not None:
                            stale.append(key)
                        inserts.append(rows)
                        continue
                    before = old.get(key)
                    if before is None:
                        inserts += rows
                    elif before != rows and (len(before) != len(rows) or sorted(before, key=repr) != sorted(rows, key=repr)):
                        stale.append(key)
                        inserts += rows
                if stale:
                    c.execute(f"DELETE FROM {table} WHERE unit IN {self._in}", (json.dumps(stale),))
                if inserts:
                    c.executemany(f"INSERT INTO {table} ({cols}) VALUES ({','.join('?' * width)})", inserts)

    def corpus_stale(self, termbase_version: str) -> bool:
        """True when the cached term rows changed since the corpus-wide check last ran on all of
        them (a document deleted, another termbase): a full run then recomputes it."""
        with self.store.reading() as c:
            n = c.execute("SELECT count(*), coalesce(sum(n), 0) FROM check_term_usage").fetchone()
            row = c.execute("SELECT value FROM check_state WHERE key = 'corpus'").fetchone()
        return row is None or row[0] != f"{termbase_version}|{n[0]}|{n[1]}"

    def usage_fingerprint(self) -> tuple[int, int]:
        """(rows, sum of counts) of the cached term usage: what tells a checks run that another one
        stored results between its computing and its writing."""
        with self.store.reading() as c:
            n = c.execute("SELECT count(*), coalesce(sum(n), 0) FROM check_term_usage").fetchone()
        return int(n[0]), int(n[1])

    def mark_corpus(self, termbase_version: str) -> None:
        with self.store.transaction() as c:
            n = c.execute("SELECT count(*), coalesce(sum(n), 0) FROM check_term_usage").fetchone()
            c.execute("INSERT INTO check_state (key, value) VALUES ('corpus', ?)"
                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                      (f"{termbase_version}|{n[0]}|{n[1]}",))  # fmt: skip

    def gloss_rows(self, doc_id: int) -> list[GlossRow]:
        with self.store.reading() as c:
            rows = c.execute("SELECT * FROM check_gloss_occ WHERE doc_id = ?", (doc_id,)).fetchall()
        return [GlossRow(r["unit"], r["doc_id"], r["term_id"], r["seq"], r["para_id"], r["start_pos"], r["end_pos"],
                         r["surface"], int(r["glossed"])) for r in rows]  # fmt: skip

    def usage_rows(
        self, *, term_ids: Iterable[Any] | None = None, rkeys: Iterable[str] | None = None, grounded: bool | None = None
    ) -> list[UsageRow]:
        """Cached term renderings summed per (term, rendering, kind, document, grounded)."""
        sql = "SELECT term_id, bucket, kind, doc_id, grounded, sum(n) AS n FROM check_term_usage WHERE 1=1"
        args: list[Any] = []
        if term_ids is not None:
            ids = list(term_ids)
            if not ids:
                return []
            sql += f" AND term_id IN {self._in_int}"
            args.append(json.dumps(ids))
        if rkeys is not None:
            keys = list(rkeys)
            if not keys:
                return []
            sql += f" AND rkey IN {self._in}"
            args.append(json.dumps(keys))
        if grounded is not None:
            sql += " AND grounded = ?"
            args.append(int(grounded))
        sql += " GROUP BY term_id, bucket, kind, doc_id, grounded"
        with self.store.reading() as c:
            rows = c.execute(sql, args).fetchall()
        return [UsageRow("", r["doc_id"], r["term_id"], r["bucket"], r["kind"], r["n"], bool(r["grounded"])) for r in rows]

    def paragraph_texts(self, para_ids: Iterable[str]) -> dict[str, str]:
        with self.store.reading() as c:
            return {r[0]: r[1] for r in c.execute(f"SELECT id, text FROM paragraphs WHERE id IN {self._in}",
                                                  (json.dumps(list(para_ids)),))}  # fmt: skip

    def layouts_for_paragraphs(self, para_ids: Sequence[str]) -> list[DocLayout]:
        """The layout (links and paragraph ids in order) of each document holding ``para_ids``."""
        out = []
        with self.store.reading() as c:
            rows = c.execute(f"SELECT id, doc_id FROM paragraphs WHERE id IN {self._in}", (json.dumps(list(para_ids)),)).fetchall()
            if len(rows) != len(set(para_ids)):
                found = {r[0] for r in rows}
                missing = next(p for p in para_ids if p not in found)
                raise NotFoundError(f"paragraph {missing} does not exist (deleted by someone else?)")
            for doc_id in dict.fromkeys(r["doc_id"] for r in rows):
                d = c.execute("SELECT has_source, has_target, source_lang, target_lang FROM documents WHERE id = ?",
                              (doc_id,)).fetchone()  # fmt: skip
                two = bool(d["has_source"] and d["has_target"])
                links = []
                if two:
                    links = [LinkIds(r[0], json.loads(r[1]), json.loads(r[2])) for r in c.execute(
                        "SELECT id, source_ids, target_ids FROM links WHERE doc_id = ? ORDER BY pos", (doc_id,))]  # fmt: skip
                sides: dict[str, list[str]] = {"source": [], "target": []}
                for r in c.execute("SELECT id, side FROM paragraphs WHERE doc_id = ? ORDER BY side, pos", (doc_id,)):
                    sides[r[1]].append(r[0])
                out.append(DocLayout(doc_id, two, links, sides["source"], sides["target"], d["source_lang"],
                                     d["target_lang"]))  # fmt: skip
        return out

    def paragraphs(self, para_ids: Iterable[str]) -> dict[str, Paragraph]:
        """Paragraphs by id (those that exist)."""
        with self.store.reading() as c:
            rows = c.execute(f"SELECT * FROM paragraphs WHERE id IN {self._in}", (json.dumps(list(para_ids)),)).fetchall()
        return {r["id"]: para_row_to_model(r) for r in rows}

    # ------------------------------------------------------------------------------ runs: findings

    def stored(self, ids: Iterable[str]) -> dict[str, StoredFinding]:
        """The stored findings among ``ids``, by id, as the status rules read them."""
        ids = list(ids)
        if not ids:
            return {}
        with self.store.reading() as c:
            rows = c.execute(f"SELECT {_STATE} FROM findings WHERE id IN {self._in}", (json.dumps(ids),)).fetchall()
        return {r[0]: _state(r) for r in rows}

    def stored_of_document(self, doc_id: int) -> list[StoredFinding]:
        """Every stored finding of a document (present or not; not the corpus-wide ones)."""
        with self.store.reading() as c:
            return [_state(r) for r in c.execute(f"SELECT {_STATE} FROM findings WHERE doc_id = ?", (doc_id,))]

    def stored_in_units(self, doc_id: int | None, units: Sequence[str]) -> list[StoredFinding]:
        """The present findings of ``units`` of a document."""
        if not units:
            return []
        with self.store.reading() as c:
            rows = c.execute(f"SELECT {_STATE} FROM findings WHERE doc_id IS NOT DISTINCT FROM ? AND present = 1 AND unit IN {self._in}",
                             (doc_id, json.dumps(list(units)))).fetchall()  # fmt: skip
        return [_state(r) for r in rows]

    def stored_corpus(self, check_ids: Sequence[str]) -> list[StoredFinding]:
        """The present corpus-wide findings of ``check_ids``."""
        with self.store.reading() as c:
            rows = c.execute(f"SELECT {_STATE} FROM findings WHERE doc_id IS NULL AND unit = 'corpus' AND present = 1"
                             f" AND check_id IN {self._in}", (json.dumps(list(check_ids)),)).fetchall()  # fmt: skip
        return [_state(r) for r in rows]

    def fixed_but_present(self, doc_ids: Sequence[int], *, corpus: bool) -> list[StoredFinding]:
        """Findings tagged ``fixed`` that the checks still see (``present``), of ``doc_ids`` (and
        the corpus-wide ones when ``corpus``)."""
        with self.store.reading() as c:
            rows = c.execute(
                f"SELECT {_STATE} FROM findings WHERE status = 'fixed' AND present = 1 AND (doc_id IN {self._in_int}"
                + (" OR doc_id IS NULL)" if corpus else ")"), (json.dumps(list(doc_ids)),)).fetchall()  # fmt: skip
        return [_state(r) for r in rows]

    def apply(self, changes: FindingChanges) -> None:
        """Execute the changes of a run (computed by :mod:`workbench.checks.reconcile`) in one
        transaction: ``new`` findings are inserted open and present, by ``changes.user`` at
        ``changes.at``; every other change is written as it is given."""
        if not changes:
            return
        ts, user = changes.at, changes.user
        memo: dict[Any, str] = {}
        inserts = []
        decided = changes.decided
        for f in changes.new:
            vals = _values(f, memo)
            # a finding that comes in under its group's decision (see workbench.checks.reconcile)
            st, scomment, suser = decided.get(f.id) or ("open", None, None)
            inserts.append((f.id, f.doc_id, f.unit, f.check, f.severity, f.term_id, f.link_id, vals["para_ids"],
                            f.para_id, f.side, f.start, f.end, f.message, f.excerpt, f.anchor, f.key, f.occ,
                            vals["data"], vals["docs"], vals["digest"], st, 1, scomment, suser,
                            ts if suser is not None else None, ts, ts))  # fmt: skip
        updates = []
        for u in changes.refresh:
            vals = _values(u.finding, memo, u.digest)
            updates.append((*(vals[k] for k in _COMPARED), u.status, u.comment, u.user, u.status_at, ts, u.finding.id))
        sets = ", ".join(f"{k} = ?" for k in _COMPARED)
        with self.store.transaction() as c:
            c.executemany("UPDATE findings SET present = 0, updated = ? WHERE id = ?", [(ts, i) for i in changes.absent])
            c.executemany(f"INSERT INTO findings ({_COLS}) VALUES ({','.join('?' * _NCOLS)})", inserts)
            c.executemany(
                f"UPDATE findings SET {sets}, status = ?, comment = ?, status_user = ?, status_at = ?, present = 1,"
                " rev = rev + 1, updated = ? WHERE id = ?",
                updates,
            )
            c.executemany(
                "UPDATE findings SET status = ?, comment = ?, status_user = ?, status_at = ?, rev = rev + 1 WHERE id = ?",
                [(s.status, s.comment, user, ts, s.finding_id) for s in changes.statuses if s.present is None],
            )
            c.executemany(
                "UPDATE findings SET status = ?, comment = ?, status_user = ?, status_at = ?, rev = rev + 1,"
                " present = ?, updated = ? WHERE id = ?",
                [(s.status, s.comment, user, ts, int(s.present), ts, s.finding_id)
                 for s in changes.statuses if s.present is not None],
            )  # fmt: skip
            c.executemany('INSERT INTO finding_tags (finding_id, at, "user", status, comment, auto) VALUES (?,?,?,?,?,1)',
                          [(t.finding_id, ts, user, t.status, t.comment) for t in changes.tags])  # fmt: skip

    # ------------------------------------------------------------------------------ bundles

    def restore(self, records: Sequence[dict[str, Any]], *, doc_id: int, ids: dict[str, dict], user: str) -> int:
        """Re-create findings exported with :meth:`Finding.to_dict` (a bundle) for document ``doc_id``.

        Paragraph, link and term ids are rewritten with the maps in ``ids`` and the finding ids
        recomputed from them, so that the next run recognises the findings and keeps their status.
        """
        pmap = ids.get("paragraphs") or {}
        lmap = ids.get("links") or {}
        tmap = {str(k): v for k, v in (ids.get("terms") or {}).items()}
        ts = now()
        n = 0
        with self.store.transaction() as c:
            for rec in records:
                f = Finding(**{k: v for k, v in rec.items() if k in Finding.__dataclass_fields__})
                corpus = rec.get("doc_id") is None
                f.doc_id = None if corpus else doc_id
                f.para_ids = [pmap.get(p, p) for p in f.para_ids]
                f.para_id = pmap.get(f.para_id, f.para_id) if f.para_id else None
                f.link_id = lmap.get(f.link_id, f.link_id) if f.link_id else None
                if f.term_id is not None:
                    f.term_id = tmap.get(str(f.term_id), f.term_id)
                if f.anchor in pmap:
                    f.anchor = pmap[f.anchor]
                elif f.anchor.startswith("doc:"):
                    f.anchor = f"doc:{doc_id}"
                kind, _, ref = f.unit.partition(":")
                f.unit = {"l": f"l:{lmap.get(ref, ref)}", "p": f"p:{pmap.get(ref, ref)}", "d": f"d:{doc_id}"}.get(kind, f.unit)
                if corpus:
                    f.docs = [doc_id]
                f.id = finding_id(f.check, f.term_id, f.anchor, f.key, f.occ)
                vals = _values(f)
                cur = c.execute(
                    f"INSERT INTO findings ({_COLS}) VALUES ({','.join('?' * _NCOLS)}) ON CONFLICT DO NOTHING",
                    (f.id, f.doc_id, f.unit, f.check, f.severity, f.term_id, f.link_id, vals["para_ids"], f.para_id,
                     f.side, f.start, f.end, f.message, f.excerpt, f.anchor, f.key, f.occ, vals["data"], vals["docs"],
                     vals["digest"], f.status if f.status in STATUSES else "open", int(f.present), f.comment, f.user, f.status_at,
                     f.first_seen or ts, f.last_seen or ts),
                )  # fmt: skip
                if cur.rowcount:
                    n += 1
                    c.executemany(
                        'INSERT INTO finding_tags (finding_id, at, "user", status, comment, auto) VALUES (?,?,?,?,?,?)',
                        [(f.id, t.get("at") or ts, t.get("user") or user, t.get("status") or "open", t.get("comment"),
                          int(bool(t.get("auto")))) for t in (rec.get("tags") or [])],
                    )  # fmt: skip
        return n
