"""The alignment of a document: an ordered list of links, with a revision per link and per document.

The alignment carries one revision number per document (``documents.alignment_rev``, moved on by
every write of its links: what a re-align, a bundle export or an activity revert compare) and each
link its own ``rev``. Two ways to write:

- :meth:`AlignmentMixin.save_links` replaces the whole list if the alignment is still at the
  revision the caller read (a re-align, an import, a revert); a stale one is refused, naming the
  links that changed in between.
- :meth:`AlignmentMixin.replace_link_spans` replaces stretches of consecutive links (what an
  editor's confirm, merge, split, move or detach changed) if each of their links still has the
  ``rev`` the editor saw, whatever else changed meanwhile; it reads and writes only those links
  (and shifts the positions after a stretch whose length changed), so its cost does not grow with
  the document.

On PostgreSQL the link edits run ``READ COMMITTED`` with row locks instead of ``SERIALIZABLE``
(under which every two edits of one document failed to serialise on its revision): an edit locks
the rows of the links it checks (``FOR UPDATE``) and increments the document's revision as its last
statement, so edits of different links of one document do not wait for each other beyond that
increment. Only a writer that moves positions (a merge, split or move, a re-align) locks the
document's row whole first (:meth:`_lock_alignment`); the others hold it ``FOR KEY SHARE``
(:meth:`_share_alignment`), so they wait for such a writer, and it for them, a few milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
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


class LinksChanged(ConflictError):
    """A link edit refused because links it changes were changed, moved or removed since the
    editor's view: ``bad`` names them (ids), ``current_rev`` is the alignment's revision now."""

    def __init__(self, message: str, bad: list[str], current_rev: int) -> None:
        super().__init__(message)
        self.bad, self.current_rev = bad, current_rev


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

    def get_links(self, doc_id: int, reuse: Sequence[Link] | None = None) -> list[Link]:
        """The document's links, in order.

        ``reuse``: links read before (a page's last load): those still stored with the same id and
        ``rev`` are returned as they are (the same objects: callers never change a link in place),
        and only the others are read, so reloading after one link edit among 3,000 reads their ids
        and revisions and one or two rows, not every row again."""
        if not reuse:
            with self.db.reading() as c:
                rows = c.execute("SELECT * FROM links WHERE doc_id = ? ORDER BY pos", (doc_id,)).fetchall()
            return [_row_to_link(r) for r in rows]
        known = {lk.id: lk for lk in reuse}
        with self.db.reading() as c:
            order = c.execute("SELECT id, rev FROM links WHERE doc_id = ? ORDER BY pos", (doc_id,)).fetchall()
            need = [r[0] for r in order if r[0] not in known or known[r[0]].rev != int(r[1])]
            fresh = {r["id"]: _row_to_link(r) for r in c.execute(
                f"SELECT * FROM links WHERE doc_id = ? AND id IN {c.dialect.json_list()}", (doc_id, json.dumps(need)))
            } if need else {}  # fmt: skip
        return [fresh[r[0]] if r[0] in fresh else known[r[0]] for r in order]

    def link_revs(self, doc_id: int, link_ids: list[str]) -> dict[str, int]:
        """{link id: rev} of those of ``link_ids`` the document still has (what an undo checks)."""
        if not link_ids:
            return {}
        with self.db.reading() as c:
            rows = c.execute(f"SELECT id, rev FROM links WHERE doc_id = ? AND id IN {c.dialect.json_list()}",
                             (doc_id, json.dumps(list(dict.fromkeys(link_ids))))).fetchall()  # fmt: skip
        return {r[0]: int(r[1]) for r in rows}

    def link_positions(self, doc_id: int, link_ids: list[str]) -> dict[str, int]:
        """{link id: 0-based position} of those of ``link_ids`` the document has (one index seek each)."""
        if not link_ids:
            return {}
        with self.db.reading() as c:
            rows = c.execute(f"SELECT id, pos FROM links WHERE doc_id = ? AND id IN {c.dialect.json_list()}",
                             (doc_id, json.dumps(list(dict.fromkeys(link_ids))))).fetchall()  # fmt: skip
        return {r[0]: int(r[1]) for r in rows}

    def _lock_alignment(self, c: Any, doc_id: int) -> int:
        """The document's alignment revision, its row locked until the transaction ends: every writer
        that moves links' positions or rewrites the list takes it first, so on PostgreSQL they queue
        here (a few milliseconds each) instead of aborting one another, and a ``READ COMMITTED``
        writer reads the links only once the previous one (and every single-link edit in progress,
        see :meth:`_share_alignment`) committed. On SQLite the write lock already holds everything."""
        row = c.execute(f"SELECT alignment_rev FROM documents WHERE id = ?{c.dialect.for_update}", (doc_id,)).fetchone()
        if row is None:
            raise WorkbenchError(f"document {doc_id} does not exist")
        return int(row[0])

    def _share_alignment(self, c: Any, doc_id: int) -> None:
        """Keep the document's row from being locked whole (by a link edit that shifts positions, a
        re-align) until the transaction ends, without excluding other edits of single links: on
        PostgreSQL ``FOR KEY SHARE``, which their revision increments (``FOR NO KEY UPDATE``) do
        not conflict with, but ``FOR UPDATE`` does (:meth:`_lock_alignment`). An edit that shifts
        positions thus never runs beside one that reads positions."""
        row = c.execute(f"SELECT alignment_rev FROM documents WHERE id = ?{c.dialect.for_key_share}", (doc_id,)).fetchone()
        if row is None:
            raise WorkbenchError(f"document {doc_id} does not exist")

    def replace_link_spans(
        self, doc_id: int, spans: Sequence[tuple[Sequence[Link], Sequence[Link]]], user: str = "system", *,
        permission: str = "edit", check_revs: bool = True,
    ) -> tuple[int, int, list[list[Link]]]:  # fmt: skip
        """Replace, in the stored alignment, each stretch ``old`` of consecutive links by ``new``;
        (the revision before, the new revision, the links written per stretch with their revisions).

        What a link edit (confirm, merge, split, move, detach, and their undo) writes: it reads and
        writes only the links it changes, plus the positions after a stretch whose length changed, so
        its cost does not grow with the document's length, and it does not depend on the alignment
        revision the editor saw. Each stretch must still be in the document, consecutive and in that
        order, each link with the ``rev`` given (unless ``check_revs`` is off: an undo has checked
        the revisions it follows itself); otherwise :class:`LinksChanged` names those that moved on.
        ``new`` must hold exactly the paragraphs of ``old``, in the same order, with no empty link,
        which keeps every paragraph of the document in exactly one link, in order.
        """
        spans = [(list(o), list(n)) for o, n in spans]
        if not spans or any(not o for o, _ in spans):
            raise WorkbenchError("a link edit needs the links it replaces")
        # An edit that keeps the number of links of every stretch (a confirm, a status change)
        # moves no position: it locks only its own links, so on PostgreSQL edits of different links
        # of one document run side by side and meet only at the revision's increment, the last
        # statement. One that shifts positions (merge, split, move) locks the document's row first:
        # it waits for those in progress and they wait for it (see :meth:`_share_alignment`).
        in_place = all(len(o) == len(n) for o, n in spans)
        with self.db.transaction(locking=True) as c:
            self.authorize(user, permission, c)  # type: ignore[attr-defined]
            if in_place:
                self._share_alignment(c, doc_id)
            else:
                self._lock_alignment(c, doc_id)
            old_ids = [lk.id for o, _ in spans for lk in o]
            stored = {r["id"]: r for r in c.execute(
                f"SELECT * FROM links WHERE doc_id = ? AND id IN {c.dialect.json_list()}{c.dialect.for_update}",
                (doc_id, json.dumps(old_ids)))}  # fmt: skip
            bad: list[str] = []
            placed: list[tuple[int, int]] = []  # (first position, stretch)
            for n, (old, _new) in enumerate(spans):
                rows = [stored.get(lk.id) for lk in old]
                changed = [lk.id for lk, r in zip(old, rows, strict=True)
                           if r is None or (check_revs and int(r["rev"]) != lk.rev)]  # fmt: skip
                if changed:
                    bad += changed
                    continue
                first = int(rows[0]["pos"])  # type: ignore[index]
                if [int(r["pos"]) for r in rows] != list(range(first, first + len(rows))):  # type: ignore[index]
                    bad += [lk.id for lk in old]
                    continue
                placed.append((first, n))
            placed.sort()
            for (a, na), (b, _nb) in zip(placed, placed[1:], strict=False):
                if b < a + len(spans[na][0]):
                    raise WorkbenchError("a link edit names the same link in two stretches")
            if bad:
                now_rev = int(c.execute("SELECT alignment_rev FROM documents WHERE id = ?", (doc_id,)).fetchone()[0])
                raise self._links_changed(c, doc_id, now_rev, list(dict.fromkeys(bad)))
            self._check_spans(c, doc_id, spans)
            written: list[list[Link]] = [[] for _ in spans]
            for first, n in reversed(placed):  # from the end: a shift leaves the earlier stretches where they are
                written[n] = self._write_span(c, doc_id, first, spans[n][0], spans[n][1], stored, user)
            # last, so that the document's row is held (PostgreSQL) from here to the commit only; the
            # revision it returns is this edit's, whatever edits of other links committed meanwhile
            rev = int(c.execute("UPDATE documents SET alignment_rev = alignment_rev + 1 WHERE id = ? RETURNING alignment_rev",
                                (doc_id,)).fetchone()[0])  # fmt: skip
        return rev - 1, rev, written

    @staticmethod
    def _check_spans(c: Any, doc_id: int, spans: list[tuple[list[Link], list[Link]]]) -> None:
        """Each stretch keeps its paragraphs in order and leaves no link empty; new ids are new."""
        old_ids = {lk.id for o, _ in spans for lk in o}
        fresh: list[str] = []
        for old, new in spans:
            for side in ("source", "target"):
                if [p for lk in old for p in getattr(lk, side)] != [p for lk in new for p in getattr(lk, side)]:
                    raise WorkbenchError(f"a link edit must keep the {side} paragraphs of the links it changes, in"
                                         " order — nothing was saved")  # fmt: skip
            for lk in new:
                if not lk.source and not lk.target:
                    raise WorkbenchError("a link edit would leave an empty link — nothing was saved")
                if lk.id not in old_ids:
                    fresh.append(lk.id)
        all_new = [lk.id for _, new in spans for lk in new]
        if len(all_new) != len(set(all_new)):
            raise WorkbenchError("a link edit gives two links the same id — nothing was saved")
        if fresh and c.execute(f"SELECT 1 FROM links WHERE id IN {c.dialect.json_list()} LIMIT 1",
                               (json.dumps(fresh),)).fetchone():  # fmt: skip
            raise WorkbenchError("a link edit creates a link whose id is taken — nothing was saved")

    def _write_span(self, c: Any, doc_id: int, first: int, old: list[Link], new: list[Link],
                    stored: dict[str, Any], user: str) -> list[Link]:  # fmt: skip
        """Write one checked stretch at positions ``first``...: links gone are deleted, the ones after
        it shifted when its length changed, and only changed links get a new ``rev`` and a history row."""
        keep = {lk.id for lk in new}
        for lk in old:
            if lk.id not in keep:
                c.execute("DELETE FROM links WHERE id = ?", (lk.id,))
                self.db.log(c, user, "link", lk.id, doc_id, "delete", link_snapshot(_row_to_link(stored[lk.id])), None)
        delta = len(new) - len(old)
        if delta:
            c.execute("UPDATE links SET pos = pos + ? WHERE doc_id = ? AND pos >= ?", (delta, doc_id, first + len(old)))
        out: list[Link] = []
        for k, lk in enumerate(new):
            saved = Link(list(lk.source), list(lk.target), lk.score, lk.status, lk.id, lk.rev, lk.sentences)
            src, tgt = json.dumps(saved.source), json.dumps(saved.target)
            sent = json.dumps(saved.sentences, ensure_ascii=False) if saved.sentences is not None else None
            prev = stored.get(saved.id)  # the old stretch's rows (a new id is checked not to exist)
            if prev is None:
                saved.rev = 1
                c.execute("INSERT INTO links (id, doc_id, pos, source_ids, target_ids, score, status, sentences, rev)"
                          " VALUES (?,?,?,?,?,?,?,?,?)",
                          (saved.id, doc_id, first + k, src, tgt, float(saved.score), saved.status, sent, 1))  # fmt: skip
                self.db.log(c, user, "link", saved.id, doc_id, "create", None, link_snapshot(saved))
            else:
                before = link_snapshot(_row_to_link(prev))
                if before != link_snapshot(saved):
                    saved.rev = int(prev["rev"]) + 1
                    c.execute("UPDATE links SET pos = ?, source_ids = ?, target_ids = ?, score = ?, status = ?,"
                              " sentences = ?, rev = ? WHERE id = ?",
                              (first + k, src, tgt, float(saved.score), saved.status, sent, saved.rev, saved.id))  # fmt: skip
                    self.db.log(c, user, "link", saved.id, doc_id, "update", before, link_snapshot(saved))
                else:
                    saved.rev = int(prev["rev"])
                    if int(prev["pos"]) != first + k:  # the stretch's own rows were not shifted
                        c.execute("UPDATE links SET pos = ? WHERE id = ?", (first + k, saved.id))
            out.append(saved)
        return out

    def _links_changed(self, c: Any, doc_id: int, current_rev: int, bad: list[str]) -> LinksChanged:
        """The refusal of a link edit whose links moved on: which, by whom and when."""
        pos = {r[0]: int(r[1]) for r in c.execute(
            f"SELECT id, pos FROM links WHERE doc_id = ? AND id IN {c.dialect.json_list()}", (doc_id, json.dumps(bad)))}
        parts = []
        for lid in bad[:3]:
            name = f"link {pos[lid] + 1}" if lid in pos else "a link you worked on (gone now)"
            parts.append(f"{name} was changed{self.db.changed_by(c, 'link', lid)}")
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        return LinksChanged(
            f"the alignment of document {doc_id} changed since you loaded it (now revision {current_rev}):"
            f" {', '.join(parts)}{more}. Reload and redo your change if it still applies — nothing was saved",
            bad, current_rev,
        )  # fmt: skip

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
        with self.db.transaction(locking=True) as c:
            self.authorize(user, "edit", c)  # type: ignore[attr-defined]
            current = self._lock_alignment(c, doc_id)
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
