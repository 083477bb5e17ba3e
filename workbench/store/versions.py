"""Numbered versions of each side of a document, and the one transaction that brings a new one in.

The update service (:mod:`workbench.update`) decides what the new side is (which paragraphs keep
their ids, the links, the annotations' new places); this repository writes it, and only if nobody
changed the side or the alignment since the plan was read, as one transaction with one history row
(entity ``document``, action ``update-source`` / ``update-target``). The state it replaced is kept
with the version, so the update can be reverted as a whole while nothing has been built on it.

Versions are append-only: an update adds one, a revert adds one (with the text of the version it
went back to); edits made in the workbench between two updates are recorded as a version of their
own (``edits``) when the next update comes, so comparing two versions never blames the file for an
editor's change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.model import Link, Paragraph
from workbench.store.db import Conn, now, retry_public_methods
from workbench.store.documents import para_row_to_model
from workbench.store.search_index import reindex

if TYPE_CHECKING:
    from workbench.store import Store


def para_json(p: Paragraph) -> dict[str, Any]:
    return {"id": p.id, "text": p.text, "marks": [m.to_dict() for m in p.marks], "label": p.label,
            "label_value": p.label_value}  # fmt: skip


def _link_json(lk: Link) -> dict[str, Any]:
    return {"id": lk.id, "source": lk.source, "target": lk.target, "score": float(lk.score), "status": lk.status,
            "rev": lk.rev, "sentences": lk.sentences}  # fmt: skip


def _ann_state(r: Any) -> dict[str, Any]:
    return {"id": r["id"], "para_id": r["para_id"], "start": r["start_pos"], "end": r["end_pos"],
            "surface": r["surface"], "before": r["ctx_before"], "after": r["ctx_after"], "state": r["state"],
            "rev": r["rev"]}  # fmt: skip


@dataclass
class AnnotationMove:
    """Where an annotation of an updated paragraph stands now (``state`` ``lost``: flagged)."""

    id: int
    para_id: str
    start: int
    end: int
    surface: str
    before: str
    after: str
    state: str
    #: the revision the plan read (None: restore without a check, as a revert does after its own)
    rev: int | None = None


@dataclass
class SideUpdate:
    """What the service decided; the store checks its base and writes it (see the module doc)."""

    doc_id: int
    side: str
    #: (paragraph id, rev) of the side as the plan read it, in order, and the alignment revision
    base: list[tuple[str, int]]
    base_alignment_rev: int
    #: the new side in order; ``written`` the ids whose row is new or changes
    paragraphs: list[Paragraph]
    written: set[str]
    links: list[Link] | None  # None: the alignment is not touched
    to_review: dict[str, str] = field(default_factory=dict)
    annotations: list[AnnotationMove] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    file: str | None = None
    #: the links as the plan read them (at ``base_alignment_rev``, which the write checks first, so
    #: they are the stored ones): kept for the revert without reading and decoding every link again
    old_links: list[Link] | None = None


def _digest(c: Conn, doc_id: int, side: str) -> str:
    paras = [(r[0], r[1]) for r in c.execute(
        "SELECT id, rev FROM paragraphs WHERE doc_id = ? AND side = ? ORDER BY pos", (doc_id, side))]
    arev = c.execute("SELECT alignment_rev FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    # every annotation of the document: one added, edited or removed since refuses the revert too
    anns = sorted((int(r[0]), int(r[1])) for r in c.execute("SELECT id, rev FROM annotations WHERE doc_id = ?", (doc_id,)))
    blob = json.dumps([paras, int(arev), anns])
    return hashlib.sha256(blob.encode()).hexdigest()


@retry_public_methods
class VersionsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading -----------------------------------------------------------------------------

    def list(self, doc_id: int, side: str | None = None) -> list[dict[str, Any]]:
        """Stored versions, oldest first, without their paragraphs (``paragraphs`` is the count)."""
        sql = ('SELECT doc_id, side, version, at, "user", action, file, paragraphs, summary, change_id'
               " FROM side_versions WHERE doc_id = ?")  # fmt: skip
        args: list[Any] = [doc_id]
        if side is not None:
            sql += " AND side = ?"
            args.append(side)
        with self.store.reading() as c:
            rows = c.execute(sql + " ORDER BY side, version", args).fetchall()
        return [{"doc": r["doc_id"], "side": r["side"], "version": r["version"], "time": r["at"], "user": r["user"],
                 "action": r["action"], "file": r["file"], "paragraphs": len(json.loads(r["paragraphs"])),
                 "summary": json.loads(r["summary"]), "change": r["change_id"]} for r in rows]  # fmt: skip

    def paragraphs(self, doc_id: int, side: str, version: int) -> list[Paragraph]:
        with self.store.reading() as c:
            r = c.execute("SELECT paragraphs FROM side_versions WHERE doc_id = ? AND side = ? AND version = ?",
                          (doc_id, side, version)).fetchone()  # fmt: skip
        if r is None:
            raise NotFoundError(f"document {doc_id} has no {side} version {version} (see: workbench versions {doc_id})")
        return [_para_from_json(d) for d in json.loads(r[0])]

    def of_change(self, change_id: int) -> dict[str, Any] | None:
        with self.store.reading() as c:
            r = c.execute("SELECT doc_id, side, version FROM side_versions WHERE change_id = ?", (change_id,)).fetchone()
        return None if r is None else {"doc": r[0], "side": r[1], "version": r[2]}

    def to_review(self, doc_id: int) -> dict[str, str]:
        """{link id: reason} of the links an update marked and nobody has touched since."""
        with self.store.reading() as c:
            rows = c.execute(
                "SELECT r.link_id, r.reason FROM links_to_review r JOIN links l ON l.id = r.link_id"
                " WHERE r.doc_id = ? AND l.rev = r.link_rev AND l.status = 'auto'", (doc_id,)).fetchall()
        return {r[0]: r[1] for r in rows}

    # -- writing -----------------------------------------------------------------------------

    def _stale(self, c: Conn, doc_id: int, side: str, what: str) -> ConflictError:
        row = c.execute('SELECT "user", at, entity, action FROM history WHERE doc_id = ? ORDER BY id DESC LIMIT 1',
                        (doc_id,)).fetchone()  # fmt: skip
        who = (f": last change {row['entity']} {row['action']} by {row['user']} at "
               f"{str(row['at'])[:19].replace('T', ' ')} UTC") if row else ""  # fmt: skip
        return ConflictError(f"the {side} text or the alignment of document {doc_id} changed since {what}{who};"
                             " read the new version again and retry — nothing was saved")  # fmt: skip

    def _next_version(self, c: Conn, doc_id: int, side: str) -> int:
        r = c.execute("SELECT max(version) FROM side_versions WHERE doc_id = ? AND side = ?", (doc_id, side)).fetchone()
        return int(r[0] or 0) + 1

    def _add_version(self, c: Conn, doc_id: int, side: str, version: int, at: str, user: str, action: str,
                     file: str | None, paras: list[dict[str, Any]], summary: dict[str, Any] | None = None,
                     undo: Any = None, state: str | None = None, change_id: int | None = None) -> None:  # fmt: skip
        c.execute(
            'INSERT INTO side_versions (doc_id, side, version, at, "user", action, file, paragraphs, summary, undo,'
            " state, change_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc_id, side, version, at, user, action, file, json.dumps(paras, ensure_ascii=False),
             json.dumps(summary or {}, ensure_ascii=False), None if undo is None else json.dumps(undo, ensure_ascii=False),
             state, change_id),
        )  # fmt: skip

    def _record_base(self, c: Conn, doc_id: int, side: str, current: list[Paragraph], user: str) -> int:
        """Make sure the side as it is now is a stored version; return its number."""
        now_json = [para_json(p) for p in current]
        last = c.execute(
            "SELECT version, paragraphs FROM side_versions WHERE doc_id = ? AND side = ? ORDER BY version DESC LIMIT 1",
            (doc_id, side)).fetchone()  # fmt: skip
        if last is not None and json.loads(last[1]) == now_json:
            return int(last[0])
        if last is None:
            doc = c.execute("SELECT created, metadata FROM documents WHERE id = ?", (doc_id,)).fetchone()
            meta = json.loads(doc["metadata"] or "{}")
            who = c.execute("SELECT \"user\" FROM history WHERE doc_id = ? AND entity = 'document' AND action IN"
                            " ('create', ?) ORDER BY id LIMIT 1", (doc_id, f"add-{side}")).fetchone()  # fmt: skip
            self._add_version(c, doc_id, side, 1, doc["created"], who[0] if who else user, "import",
                              (meta.get(side) or {}).get("file"), now_json)  # fmt: skip
            return 1
        from workbench.versiondiff import match_versions, summarize

        old = [d["text"] for d in json.loads(last[1])]
        summary = summarize(match_versions(old, [p.text for p in current]))
        v = int(last[0]) + 1
        # who edited last (the version stands for everyone's edits since the last version; the history has each)
        who = c.execute("SELECT \"user\", at FROM history WHERE doc_id = ? AND entity = 'paragraph' ORDER BY id DESC"
                        " LIMIT 1", (doc_id,)).fetchone()  # fmt: skip
        self._add_version(c, doc_id, side, v, who[1] if who else now(), who[0] if who else user, "edits", None,
                          now_json, summary)  # fmt: skip
        return v

    def apply(self, up: SideUpdate, user: str) -> dict[str, Any]:
        """Write ``up`` in one transaction if its base still holds; the new version and history row."""
        doc_id, side = up.doc_id, up.side
        ts = now()
        with self.store.transaction() as c:
            self.store.authorize(user, "import", c)
            drow = c.execute("SELECT alignment_rev FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if drow is None:
                raise NotFoundError(f"document {doc_id} does not exist")
            rows = c.execute("SELECT * FROM paragraphs WHERE doc_id = ? AND side = ? ORDER BY pos",
                             (doc_id, side)).fetchall()  # fmt: skip
            if [(r["id"], r["rev"]) for r in rows] != list(up.base) or int(drow[0]) != up.base_alignment_rev:
                raise self._stale(c, doc_id, side, "the new version was compared with it")
            current = [para_row_to_model(r) for r in rows]
            base_version = self._record_base(c, doc_id, side, current, user)
            old_links = None
            if up.links is not None:
                old_links = [_link_json(lk) for lk in (up.old_links if up.old_links is not None
                                                       else self.store.get_links(doc_id))]  # fmt: skip
            ann_ids = {a.id for a in up.annotations}
            old_anns = [_ann_state(r) for r in c.execute("SELECT * FROM annotations WHERE doc_id = ?", (doc_id,))
                        if r["id"] in ann_ids]  # fmt: skip
            self._write_side(c, doc_id, side, current, up.paragraphs, up.written, ts)
            if up.links is not None:
                self._write_links(c, doc_id, up.links)
            self._move_annotations(c, up.annotations, ts)
            version = base_version + 1
            for lid, why in up.to_review.items():
                rev = next((lk.rev for lk in up.links or [] if lk.id == lid), 1)
                c.execute("DELETE FROM links_to_review WHERE link_id = ?", (lid,))
                c.execute("INSERT INTO links_to_review (link_id, doc_id, link_rev, side, version, reason, at)"
                          " VALUES (?,?,?,?,?,?,?)", (lid, doc_id, rev, side, version, why, ts))  # fmt: skip
            before = {"version": base_version, "paragraphs": len(current)}
            after = {"version": version, "paragraphs": len(up.paragraphs), "file": up.file, "summary": up.summary}
            self.store.db.log(c, user, "document", doc_id, doc_id, f"update-{side}", before, after)
            change_id = int(c.execute("SELECT max(id) FROM history WHERE doc_id = ?", (doc_id,)).fetchone()[0])
            # the texts are those of the base version (stored once); the undo keeps their revisions
            undo = {"base_version": base_version, "revs": [[p.id, p.rev] for p in current], "links": old_links,
                    "annotations": old_anns}  # fmt: skip
            self._add_version(c, doc_id, side, version, ts, user, "update", up.file,
                              [para_json(p) for p in up.paragraphs], up.summary, undo,
                              _digest(c, doc_id, side), change_id)  # fmt: skip
        return {"version": version, "base_version": base_version, "change": change_id}

    def _write_side(self, c: Conn, doc_id: int, side: str, current: list[Paragraph], new: list[Paragraph],
                    written: set[str], ts: str) -> None:  # fmt: skip
        old_pos = {p.id: i for i, p in enumerate(current)}
        keep = {p.id for p in new}
        gone = [p.id for p in current if p.id not in keep]
        c.executemany("DELETE FROM paragraphs WHERE id = ?", [(pid,) for pid in gone])
        inserts, updates, moves = [], [], []
        for i, p in enumerate(new):
            marks = json.dumps([m.to_dict() for m in p.marks], ensure_ascii=False)
            if p.id not in old_pos:
                inserts.append((p.id, doc_id, side, i, p.text, marks, p.label, p.label_value, p.rev, ts))
            elif p.id in written:
                updates.append((i, p.text, marks, p.label, p.label_value, p.rev, ts, p.id))
            elif old_pos[p.id] != i:
                moves.append((i, p.id))
        c.executemany("INSERT INTO paragraphs (id, doc_id, side, pos, text, marks, label, label_value, rev, updated)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?)", inserts)  # fmt: skip
        c.executemany("UPDATE paragraphs SET pos = ?, text = ?, marks = ?, label = ?, label_value = ?, rev = ?,"
                      " updated = ? WHERE id = ?", updates)  # fmt: skip
        c.executemany("UPDATE paragraphs SET pos = ? WHERE id = ?", moves)
        c.execute(f"UPDATE documents SET has_{side} = 1, updated = ? WHERE id = ?", (ts, doc_id))
        # the concordance index follows every paragraph write, as the store's own paragraph methods do
        reindex(c, [p.id for p in new if p.id in written or p.id not in old_pos] + gone)

    def _write_links(self, c: Conn, doc_id: int, links: list[Link]) -> None:
        self.store._validate_links(c, doc_id, links)  # every paragraph in one link, in order
        have = {r[0]: tuple(r[1:]) for r in c.execute(
            "SELECT id, pos, source_ids, target_ids, score, status, sentences, rev FROM links WHERE doc_id = ?", (doc_id,))}
        new_ids = {lk.id for lk in links}
        c.executemany("DELETE FROM links WHERE id = ?", [(lid,) for lid in have if lid not in new_ids])
        rows, moves = [], []
        for i, lk in enumerate(links):
            sent = json.dumps(lk.sentences, ensure_ascii=False) if lk.sentences is not None else None
            row = (json.dumps(lk.source), json.dumps(lk.target), float(lk.score), lk.status, sent, lk.rev)
            prev = have.get(lk.id)
            if prev is not None and prev[1:] == row:  # only its place moved (or nothing): one small write
                if prev[0] != i:
                    moves.append((i, lk.id))
                continue
            rows.append((lk.id, doc_id, i, *row))
        c.executemany("UPDATE links SET pos = ? WHERE id = ?", moves)
        c.executemany(
            "INSERT INTO links (id, doc_id, pos, source_ids, target_ids, score, status, sentences, rev)"
            " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET pos = excluded.pos,"
            " source_ids = excluded.source_ids, target_ids = excluded.target_ids, score = excluded.score,"
            " status = excluded.status, sentences = excluded.sentences, rev = excluded.rev",
            rows,
        )
        c.execute("UPDATE documents SET alignment_rev = alignment_rev + 1 WHERE id = ?", (doc_id,))

    def _move_annotations(self, c: Conn, moves: list[AnnotationMove], ts: str) -> None:
        checked = {a.id: a.rev for a in moves if a.rev is not None}
        if checked:
            now_rev = {int(r[0]): int(r[1]) for r in c.execute(
                f"SELECT id, rev FROM annotations WHERE id IN {c.dialect.json_list('int')}",
                (json.dumps(list(checked)),))}  # fmt: skip
            stale = [aid for aid, rev in checked.items() if now_rev.get(aid) != rev]
            if stale:
                who = self.store.db.changed_by(c, "annotation", stale[0])
                raise ConflictError(f"annotation {stale[0]} was changed{who} since the new version was compared;"
                                    " compare again and retry — nothing was saved")  # fmt: skip
        c.executemany(
            "UPDATE annotations SET para_id = ?, start_pos = ?, end_pos = ?, surface = ?, ctx_before = ?,"
            " ctx_after = ?, state = ?, rev = rev + 1, updated = ? WHERE id = ?",
            [(a.para_id, a.start, a.end, a.surface, a.before, a.after, a.state, ts, a.id) for a in moves],
        )

    # -- revert ------------------------------------------------------------------------------

    def revert(self, doc_id: int, side: str, version: int, user: str) -> dict[str, Any]:
        """Put the side, the links and the moved annotations back as update ``version`` found them.

        Refused unless it is the side's latest version and nothing changed since (paragraph and
        alignment revisions, the annotations it moved): a revert must not throw away later work."""
        ts = now()
        with self.store.transaction() as c:
            self.store.authorize(user, "import", c)
            r = c.execute("SELECT * FROM side_versions WHERE doc_id = ? AND side = ? AND version = ?",
                          (doc_id, side, version)).fetchone()  # fmt: skip
            if r is None:
                raise NotFoundError(f"document {doc_id} has no {side} version {version}")
            if r["action"] != "update" or not r["undo"]:
                raise WorkbenchError(f"{side} version {version} of document {doc_id} is not an update; only an"
                                     " update can be reverted")  # fmt: skip
            if self._next_version(c, doc_id, side) != version + 1:
                raise ConflictError(f"cannot revert {side} version {version} of document {doc_id}: a later version"
                                    " was made since; revert that first — nothing was saved")  # fmt: skip
            undo = json.loads(r["undo"])
            if _digest(c, doc_id, side) != r["state"]:
                raise self._stale(c, doc_id, side, f"the update to version {version}")
            rows = c.execute("SELECT * FROM paragraphs WHERE doc_id = ? AND side = ? ORDER BY pos",
                             (doc_id, side)).fetchall()  # fmt: skip
            current = [para_row_to_model(row) for row in rows]
            now_by_id = {p.id: p for p in current}
            base = c.execute("SELECT paragraphs FROM side_versions WHERE doc_id = ? AND side = ? AND version = ?",
                             (doc_id, side, undo["base_version"])).fetchone()  # fmt: skip
            old_rev = dict(undo["revs"])
            back, written = [], set()
            for d in json.loads(base[0]):
                p = _para_from_json(d)
                cur = now_by_id.get(p.id)
                if cur is not None and para_json(cur) == para_json(p):
                    p.rev = cur.rev  # the update left it alone: its row (and revision) stays as it is
                else:
                    # a new revision past both: an edit based on either state is refused, not applied
                    p.rev = max(int(old_rev.get(p.id, 1)), cur.rev if cur is not None else 0) + 1
                    written.add(p.id)
                back.append(p)
            self._write_side(c, doc_id, side, current, back, written, ts)
            if undo["links"] is not None:
                have = {lk.id: lk for lk in self.store.get_links(doc_id)}
                links = []
                for d in undo["links"]:
                    lk = Link(d["source"], d["target"], d["score"], d["status"], d["id"], int(d["rev"]), d.get("sentences"))
                    cur = have.get(lk.id)
                    if cur is not None and {**_link_json(cur), "rev": 0} == {**_link_json(lk), "rev": 0}:
                        lk.rev = cur.rev  # the update left it alone
                    else:
                        lk.rev = max(lk.rev, cur.rev if cur is not None else 0) + 1
                    links.append(lk)
                self._write_links(c, doc_id, links)
            self._move_annotations(c, [AnnotationMove(a["id"], a["para_id"], a["start"], a["end"], a["surface"],
                                                      a["before"], a["after"], a["state"]) for a in undo["annotations"]],
                                   ts)  # fmt: skip
            c.execute("DELETE FROM links_to_review WHERE doc_id = ? AND side = ? AND version = ?", (doc_id, side, version))
            new_version = version + 1
            summary = {"reverted": version}
            self.store.db.log(c, user, "document", doc_id, doc_id, f"revert-update-{side}",
                              {"version": version}, {"version": new_version, "restored": version - 1})  # fmt: skip
            change_id = int(c.execute("SELECT max(id) FROM history WHERE doc_id = ?", (doc_id,)).fetchone()[0])
            self._add_version(c, doc_id, side, new_version, ts, user, "revert", None,
                              [para_json(p) for p in back], summary, None, None, change_id)  # fmt: skip
        return {"version": new_version, "reverted": version, "change": change_id}


def _para_from_json(d: dict[str, Any]) -> Paragraph:
    from workbench.model import Mark

    return Paragraph(d["text"], [Mark.from_dict(m) for m in d.get("marks") or []], d.get("label"),
                     d.get("label_value"), d["id"], int(d.get("rev", 1)))  # fmt: skip
