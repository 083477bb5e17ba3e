"""The alignment of a document: an ordered list of links, saved as a whole against a revision.

The alignment carries one revision number per document (``documents.alignment_rev``) and each
link its own ``rev``. Editors' operations (merge, split, move, confirm) are computed on a copy
and saved with :meth:`AlignmentMixin.save_links`; a save based on a stale alignment revision is
refused, and the message names the links that changed in between, so two editors never overwrite
each other silently. (The editor service, :mod:`workbench.editing`, re-bases an operation on the
current list when the links it changed are still as its editor saw them, per link ``rev``.)
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, WorkbenchError
from workbench.model import Link
from workbench.store.db import now, retry_public_methods

if TYPE_CHECKING:
    from workbench.store.db import Database


def link_snapshot(link: Link) -> dict[str, Any]:
    return {
        "source": link.source,
        "target": link.target,
        "score": round(float(link.score), 6),
        "status": link.status,
        "sentences": link.sentences,
    }


def _row_to_link(r: sqlite3.Row) -> Link:
    return Link(
        source=json.loads(r["source_ids"]),
        target=json.loads(r["target_ids"]),
        score=r["score"],
        status=r["status"],
        id=r["id"],
        rev=r["rev"],
        sentences=json.loads(r["sentences"]) if r["sentences"] else None,
    )


@retry_public_methods
class AlignmentMixin:
    db: Database

    def get_links(self, doc_id: int) -> list[Link]:
        with self.db.reading() as c:
            rows = c.execute("SELECT * FROM links WHERE doc_id = ? ORDER BY pos", (doc_id,)).fetchall()
        return [_row_to_link(r) for r in rows]

    def link_revs(self, doc_id: int, link_ids: list[str]) -> dict[str, int]:
        """{link id: rev} of those of ``link_ids`` the document still has (what an undo checks)."""
        wanted = set(link_ids)
        with self.db.reading() as c:
            rows = c.execute("SELECT id, rev FROM links WHERE doc_id = ?", (doc_id,)).fetchall()
        return {r[0]: int(r[1]) for r in rows if r[0] in wanted}

    def alignment_rev(self, doc_id: int) -> int:
        with self.db.reading() as c:
            row = c.execute("SELECT alignment_rev FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise WorkbenchError(f"document {doc_id} does not exist")
        return int(row[0])

    def _validate_links(self, c: sqlite3.Connection, doc_id: int, links: list[Link]) -> None:
        """Every paragraph of the document in exactly one link, in document order on each side."""
        pos: dict[str, tuple[str, int]] = {
            r["id"]: (r["side"], r["pos"])
            for r in c.execute("SELECT id, side, pos FROM paragraphs WHERE doc_id = ?", (doc_id,))
        }
        seen: set[str] = set()
        last = {"source": -1, "target": -1}
        for n, link in enumerate(links):
            if not link.source and not link.target:
                raise WorkbenchError(f"link {n + 1} is empty")
            for side, ids in (("source", link.source), ("target", link.target)):
                for pid in ids:
                    if pid not in pos or pos[pid][0] != side:
                        raise WorkbenchError(f"link {n + 1} names {side} paragraph {pid}, which this document does not have")
                    if pid in seen:
                        raise WorkbenchError(f"paragraph {pid} appears in two links")
                    seen.add(pid)
                    if pos[pid][1] <= last[side]:
                        raise WorkbenchError(f"link {n + 1} breaks the order of the {side} paragraphs")
                    last[side] = pos[pid][1]
        missing = len(pos) - len(seen)
        if links and missing:
            raise WorkbenchError(f"the alignment leaves {missing} paragraph(s) out; every paragraph needs a link")

    def save_links(self, doc_id: int, links: list[Link], expected_alignment_rev: int, user: str = "system") -> int:
        """Replace the alignment if it is still at ``expected_alignment_rev``; return the new revision.

        Links keep their ids across saves; only links whose content changed get a new ``rev`` and a
        history row, so the history shows what an editor did rather than a full rewrite.
        """
        with self.db.transaction() as c:
            self.authorize(user, "edit", c)  # type: ignore[attr-defined]
            row = c.execute("SELECT alignment_rev FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None:
                raise WorkbenchError(f"document {doc_id} does not exist")
            current = int(row[0])
            if current != expected_alignment_rev:
                raise self._stale_alignment(c, doc_id, current, expected_alignment_rev)
            self._replace_links(c, doc_id, links, user)
        return current + 1

    def _replace_links(self, c: sqlite3.Connection, doc_id: int, links: list[Link], user: str) -> None:
        """Validate and write ``links`` inside the caller's transaction, logging only real changes.

        Rows are compared in their stored (JSON) form first, so that confirming one link of 3,000
        writes one row (plus the positions that moved) instead of rewriting the whole alignment.
        """
        self._validate_links(c, doc_id, links)
        old = {r["id"]: r for r in c.execute("SELECT * FROM links WHERE doc_id = ?", (doc_id,))}
        new_ids = {lk.id for lk in links}
        for lid, r in old.items():
            if lid not in new_ids:
                c.execute("DELETE FROM links WHERE id = ?", (lid,))
                self.db.log(c, user, "link", lid, doc_id, "delete", link_snapshot(_row_to_link(r)), None)
        upserts, moves = [], []
        for i, lk in enumerate(links):
            src, tgt = json.dumps(lk.source), json.dumps(lk.target)
            sent = json.dumps(lk.sentences, ensure_ascii=False) if lk.sentences is not None else None
            prev = old.get(lk.id)
            if prev is None:
                lk.rev = 1
                self.db.log(c, user, "link", lk.id, doc_id, "create", None, link_snapshot(lk))
            elif (prev["source_ids"], prev["target_ids"], prev["status"], prev["sentences"]) == (src, tgt, lk.status, sent) \
                    and round(prev["score"], 6) == round(float(lk.score), 6):
                lk.rev = prev["rev"]
                if prev["pos"] != i:
                    moves.append((i, lk.id))
                continue
            else:
                before = link_snapshot(_row_to_link(prev))
                if before != link_snapshot(lk):
                    lk.rev = prev["rev"] + 1
                    self.db.log(c, user, "link", lk.id, doc_id, "update", before, link_snapshot(lk))
                else:
                    lk.rev = prev["rev"]
            upserts.append((lk.id, doc_id, i, src, tgt, float(lk.score), lk.status, sent, lk.rev))
        c.executemany("UPDATE links SET pos = ? WHERE id = ?", moves)
        c.executemany(
            "INSERT INTO links (id, doc_id, pos, source_ids, target_ids, score, status, sentences, rev)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET doc_id = excluded.doc_id, pos = excluded.pos,"
            " source_ids = excluded.source_ids, target_ids = excluded.target_ids, score = excluded.score,"
            " status = excluded.status, sentences = excluded.sentences, rev = excluded.rev",
            upserts,
        )
        c.execute(
            "UPDATE documents SET alignment_rev = alignment_rev + 1, updated = ? WHERE id = ?", (now(), doc_id)
        )

    def _stale_alignment(self, c: sqlite3.Connection, doc_id: int, current: int, expected: int) -> ConflictError:
        rows = c.execute(
            "SELECT \"user\", at, action, entity_id FROM history WHERE doc_id = ? AND entity = 'link'"
            " ORDER BY id DESC LIMIT 5",
            (doc_id,),
        ).fetchall()
        what = "; ".join(f"{r['action']} of link {r['entity_id']} by {r['user']} at {r['at']}" for r in rows[:3])
        return ConflictError(
            f"the alignment of document {doc_id} changed since you loaded it (now revision {current},"
            f" yours {expected}){': ' + what if what else ''}. Reload and redo your change — nothing was saved"
        )

    # -- bookkeeping for paragraph operations (called inside their transactions) -------------

    def _bump_alignment(self, c: sqlite3.Connection, doc_id: int) -> None:
        c.execute("UPDATE documents SET alignment_rev = alignment_rev + 1 WHERE id = ?", (doc_id,))

    def _drop_from_links(self, c: sqlite3.Connection, doc_id: int, para_id: str, user: str) -> None:
        for r in c.execute("SELECT * FROM links WHERE doc_id = ?", (doc_id,)).fetchall():
            lk = _row_to_link(r)
            if para_id not in lk.source and para_id not in lk.target:
                continue
            before = link_snapshot(lk)
            lk.source = [p for p in lk.source if p != para_id]
            lk.target = [p for p in lk.target if p != para_id]
            if not lk.source and not lk.target:
                c.execute("DELETE FROM links WHERE id = ?", (lk.id,))
                c.execute("UPDATE links SET pos = pos - 1 WHERE doc_id = ? AND pos > ?", (doc_id, r["pos"]))
                self.db.log(c, user, "link", lk.id, doc_id, "delete", before, None)
            else:
                c.execute(
                    "UPDATE links SET source_ids = ?, target_ids = ?, rev = rev + 1 WHERE id = ?",
                    (json.dumps(lk.source), json.dumps(lk.target), lk.id),
                )
                self.db.log(c, user, "link", lk.id, doc_id, "update", before, link_snapshot(lk))
            self._bump_alignment(c, doc_id)
            return

    def _own_link(self, c: sqlite3.Connection, doc_id: int, side: str, index: int, para_id: str, user: str) -> None:
        """Give an inserted paragraph a 1-0/0-1 link right after the link of its predecessor."""
        rows = c.execute("SELECT * FROM links WHERE doc_id = ? ORDER BY pos", (doc_id,)).fetchall()
        if not rows:
            return
        col = "source_ids" if side == "source" else "target_ids"
        prev = c.execute(
            "SELECT id FROM paragraphs WHERE doc_id = ? AND side = ? AND pos = ?", (doc_id, side, index - 1)
        ).fetchone()
        at = 0
        if prev is not None:
            nxt = c.execute(
                "SELECT id FROM paragraphs WHERE doc_id = ? AND side = ? AND pos = ?", (doc_id, side, index + 1)
            ).fetchone()
            for r in rows:
                ids = json.loads(r[col])
                if prev["id"] in ids:
                    if nxt is not None and nxt["id"] in ids:
                        # Inside a multi-paragraph link: the new paragraph joins it to keep the order.
                        self._add_after_in_link(c, doc_id, prev["id"], para_id, side, user)
                        return
                    at = r["pos"] + 1
                    break
            else:
                at = len(rows)
        lk = Link(source=[para_id] if side == "source" else [], target=[para_id] if side == "target" else [], score=0.0)
        c.execute("UPDATE links SET pos = pos + 1 WHERE doc_id = ? AND pos >= ?", (doc_id, at))
        c.execute(
            "INSERT INTO links (id, doc_id, pos, source_ids, target_ids, score, status, sentences, rev)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (lk.id, doc_id, at, json.dumps(lk.source), json.dumps(lk.target), 0.0, "auto", None, 1),
        )
        self.db.log(c, user, "link", lk.id, doc_id, "create", None, link_snapshot(lk))
        self._bump_alignment(c, doc_id)

    def _add_after_in_link(
        self, c: sqlite3.Connection, doc_id: int, after_id: str, new_id: str, side: str, user: str
    ) -> None:
        col = "source_ids" if side == "source" else "target_ids"
        for r in c.execute("SELECT * FROM links WHERE doc_id = ?", (doc_id,)).fetchall():
            ids = json.loads(r[col])
            if after_id in ids:
                lk = _row_to_link(r)
                before = link_snapshot(lk)
                ids.insert(ids.index(after_id) + 1, new_id)
                c.execute(f"UPDATE links SET {col} = ?, rev = rev + 1 WHERE id = ?", (json.dumps(ids), lk.id))
                setattr(lk, side, ids)
                self.db.log(c, user, "link", lk.id, doc_id, "update", before, link_snapshot(lk))
                self._bump_alignment(c, doc_id)
                return

    # -- who changed what (the alignment page's "changed by", the editor's undo refusals) ----

    def last_changes(self, doc_id: int, link_ids: list[str]) -> dict[str, tuple[str, str]]:
        """{link id: (user, at)} of the latest history row of each given link of the document.

        One index seek per link (``history_entity``), so the page can ask for its window of rows
        on every run without reading the document's whole history."""
        out: dict[str, tuple[str, str]] = {}
        with self.db.reading() as c:
            for lid in dict.fromkeys(link_ids):
                r = c.execute(
                    "SELECT \"user\", at FROM history WHERE entity = 'link' AND entity_id = ? AND doc_id = ?"
                    " ORDER BY id DESC LIMIT 1",
                    (lid, doc_id),
                ).fetchone()
                if r is not None:
                    out[lid] = (r["user"], r["at"])
        return out

    def changes_since(self, doc_id: int, after_id: int, limit: int = 200) -> list[dict[str, Any]]:
        """History rows of the document written after row ``after_id``, oldest first (without the
        before/after payloads): what an undo refusal names as having been built on the operation."""
        with self.db.reading() as c:
            rows = c.execute(
                'SELECT id, at, "user", entity, entity_id, action FROM history WHERE doc_id = ? AND id > ?'
                " ORDER BY id LIMIT ?",
                (doc_id, after_id, limit),
            ).fetchall()
        return [dict(r) for r in rows]

    def history(
        self, doc_id: int | None = None, limit: int = 200, entity: str | None = None, *,
        entity_id: str | int | None = None, user: str | None = None, since: str | None = None,
        action: str | None = None, change_id: int | None = None, after_change: int | None = None,
        project: bool = False,
    ) -> list[dict[str, Any]]:
        """History rows, newest first. ``since`` is an ISO time in the stored form (UTC, ``+00:00``),
        compared as text; ``project`` adds the rows of no document (termbase, accounts) to a
        document's; ``after_change`` keeps rows newer than that history id (what a revert wrote)."""
        sql = "SELECT * FROM history WHERE 1=1"
        args: list[Any] = []
        if doc_id is not None:
            sql += " AND (doc_id = ? OR doc_id IS NULL)" if project else " AND doc_id = ?"
            args.append(doc_id)
        for col, op, val in (("entity", "=", entity), ("entity_id", "=", None if entity_id is None else str(entity_id)),
                             ('"user"', "=", user), ("at", ">=", since), ("action", "=", action),
                             ("id", "=", change_id), ("id", ">", after_change)):  # fmt: skip
            if val is not None:
                sql += f" AND {col} {op} ?"
                args.append(val)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self.db.reading() as c:
            rows = c.execute(sql, args).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["before"] = json.loads(d["before"]) if d["before"] else None
            d["after"] = json.loads(d["after"]) if d["after"] else None
            out.append(d)
        return out
