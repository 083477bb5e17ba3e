"""Comments on links (``store.comments``): threaded, by account, resolvable, quoting the text they
refer to.

A thread is a first comment and its replies (one level deep, as Word and most review tools keep
them: a reply to a reply joins the same thread). A comment quotes a stretch of the link's text when
the account chose one; the quote is checked against the link's paragraphs when it is written and
kept with the paragraph it was found in, so the comment still finds its link after the alignment
changed (a merge or split gives the link a new id; the paragraph stays). Resolving is per thread,
and reopening one is allowed (by whoever may comment). Writing, replying and resolving need the
"tag" permission (an editor's, like tagging findings) and are history rows like every other change.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.store.db import id_prefix, now, prefix_pattern, retry_public_methods

if TYPE_CHECKING:
    from workbench.model import Link
    from workbench.store import Store

MAX_COMMENT = 10_000
_COLS = 'id, doc_id, link_id, parent_id, "user", at, text, quote, side, para_id, resolved_by, resolved_at, rev'


@dataclass
class Comment:
    id: str
    doc_id: int
    link_id: str
    parent_id: str | None
    user: str
    at: str
    text: str
    quote: str | None = None
    side: str | None = None
    para_id: str | None = None
    resolved_by: str | None = None
    resolved_at: str | None = None
    rev: int = 1
    replies: list[Comment] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def to_json(self, link_number: int | None = None, link: str | None = None) -> dict[str, Any]:
        """The JSON of ``workbench comments --json``: ``id``, ``link``, ``user``, ``time``, ``text``,
        ``resolved``, ``replies`` (the contract), and ``link_number``, ``quote``, ``side``,
        ``resolved_by``, ``resolved_at``, ``rev`` beside them. ``link`` is the link the thread belongs to
        now (``link``, when the caller found it: see :func:`home_links`), else the one it was written on."""
        return {
            "id": self.id, "link": link or self.link_id, "user": self.user, "time": self.at, "text": self.text,
            "resolved": self.resolved, "replies": [r.to_json(link_number, link) for r in self.replies],
            "link_number": link_number, "quote": self.quote, "side": self.side, "resolved_by": self.resolved_by,
            "resolved_at": self.resolved_at, "rev": self.rev,
        }  # fmt: skip


def new_comment_id() -> str:
    """16 hex digits: the time in microseconds, then 3 random ones. Ids sort in the order comments were
    written, so a thread and its replies list in order even when two share the same stored time."""
    return f"{time.time_ns() // 1000:013x}{secrets.randbelow(16**3):03x}"


def _comment(r: Any) -> Comment:
    return Comment(r[0], int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], int(r[12]))


def clean_text(text: str | None, what: str = "comment") -> str:
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise WorkbenchError(f"the {what} is empty — nothing was saved")
    if len(body) > MAX_COMMENT:
        raise WorkbenchError(f"the {what} is {len(body)} characters long; at most {MAX_COMMENT} — nothing was saved")
    return body


def home_links(comments: list[Comment], links: list[Link]) -> dict[str, str]:
    """The link each thread belongs to now: its own while it exists, else the one that holds the
    paragraph it quoted (None-free: threads whose paragraph is gone too are left out)."""
    ids = {lk.id for lk in links}
    by_para = {p: lk.id for lk in links for p in (*lk.source, *lk.target)}
    out = {}
    for cm in comments:
        if cm.link_id in ids:
            out[cm.id] = cm.link_id
        elif cm.para_id and cm.para_id in by_para:
            out[cm.id] = by_para[cm.para_id]
    return out


@retry_public_methods
class CommentsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------------------ read

    def get(self, comment_id: str) -> Comment:
        ref = id_prefix(comment_id)
        with self.store.reading() as c:
            rows = c.execute(f"SELECT {_COLS} FROM comments WHERE id LIKE ? ESCAPE '\\' LIMIT 3",
                             (prefix_pattern(ref),)).fetchall()  # fmt: skip
        exact = [r for r in rows if r[0] == ref]
        rows = exact or rows
        if not ref or not rows:
            raise NotFoundError(f"comment {ref!r} does not exist (see `workbench comments DOC`)")
        if len(rows) > 1:
            raise WorkbenchError(f"comment id {ref} is ambiguous")
        return _comment(rows[0])

    def threads(self, doc_id: int, *, open_only: bool = False) -> list[Comment]:
        """The document's threads, oldest first, each with its replies (oldest first)."""
        with self.store.reading() as c:
            rows = [_comment(r) for r in c.execute(f"SELECT {_COLS} FROM comments WHERE doc_id = ? ORDER BY at, id",
                                                   (doc_id,))]  # fmt: skip
        heads = {cm.id: cm for cm in rows if cm.parent_id is None}
        for cm in rows:
            if cm.parent_id is not None and cm.parent_id in heads:
                heads[cm.parent_id].replies.append(cm)
        out = list(heads.values())
        return [t for t in out if not t.resolved] if open_only else out

    def counts(self, doc_id: int) -> dict[str, tuple[int, int]]:
        """Per stored link id: (open threads, all threads) — cheap, for a page's filters."""
        out: dict[str, list[int]] = {}
        with self.store.reading() as c:
            for lid, resolved in c.execute("SELECT link_id, resolved_at FROM comments WHERE doc_id = ? AND parent_id IS NULL",
                                           (doc_id,)):  # fmt: skip
                n = out.setdefault(lid, [0, 0])
                n[0] += resolved is None
                n[1] += 1
        return {k: (v[0], v[1]) for k, v in out.items()}

    # ------------------------------------------------------------------------------ write

    def add(self, doc_id: int, link_id: str, text: str, user: str, *, quote: str | None = None,
            parent: str | None = None) -> Comment:  # fmt: skip
        """A new thread on a link (or, with ``parent``, a reply to a thread). ``quote`` must be a
        stretch of the link's text (either side)."""
        body = clean_text(text)
        quote = (quote or "").strip() or None
        with self.store.transaction() as c:
            self.store.authorize(user, "tag", c)
            head: Comment | None = None
            if parent is not None:
                head = self.get(parent)
                if head.parent_id is not None:
                    head = self.get(head.parent_id)
                if head.doc_id != doc_id:
                    raise WorkbenchError(f"comment {head.id} belongs to document {head.doc_id}, not {doc_id}")
                link_id = head.link_id
            row = self.store.reviews._row(c, doc_id, link_id)
            if row is None and head is None:
                self.store.alignment_rev(doc_id)  # no such document: its own message
                raise NotFoundError(f"link {link_id} is not in document {doc_id} — nothing was saved")
            side = para_id = None
            if row is not None:
                pids, number = row
                texts = {p[0]: (p[1], p[2]) for p in c.execute(
                    f"SELECT id, side, text FROM paragraphs WHERE id IN {self.store.db.dialect.json_list('text')}",
                    (json.dumps(pids),))}  # fmt: skip
                order = [p for p in pids if texts.get(p, ("",))[0] == "target"] + [
                    p for p in pids if texts.get(p, ("",))[0] == "source"]  # the translation first
                if order:
                    para_id, side = order[0], texts[order[0]][0]
                if quote is not None:
                    hit = next((pid for pid in order if quote in texts[pid][1]), None)
                    if hit is None:
                        raise WorkbenchError(f"the quoted text {quote!r} is not in link {number} — nothing was saved")
                    para_id, side = hit, texts[hit][0]
            elif head is not None:
                side, para_id = head.side, head.para_id
            cm = Comment(new_comment_id(), doc_id, link_id, head.id if head else None, user, now(), body, quote,
                         side, para_id)  # fmt: skip
            c.execute(f"INSERT INTO comments ({_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,NULL,NULL,1)",
                      (cm.id, cm.doc_id, cm.link_id, cm.parent_id, cm.user, cm.at, cm.text, cm.quote, cm.side,
                       cm.para_id))  # fmt: skip
            self.store.db.log(c, user, "comment", cm.id, doc_id, "reply" if head else "comment", None,
                              {"link": link_id, "text": body, "quote": quote, "parent": cm.parent_id})  # fmt: skip
        return cm

    def reply(self, comment_id: str, text: str, user: str) -> Comment:
        head = self.get(comment_id)
        return self.add(head.doc_id, head.link_id, text, user, parent=head.id)

    def resolve(self, comment_id: str, user: str, *, resolved: bool = True, expected_rev: int | None = None) -> Comment:
        """Resolve (or reopen) a thread; a stale ``expected_rev`` is refused, naming who changed it."""
        with self.store.transaction() as c:
            self.store.authorize(user, "tag", c)
            cm = self.get(comment_id)
            if cm.parent_id is not None:
                cm = self.get(cm.parent_id)  # a thread is resolved as a whole
            if expected_rev is not None and cm.rev != expected_rev:
                who = self.store.db.changed_by(c, "comment", cm.id)
                raise ConflictError(f"comment {cm.id} was changed{who} since you loaded it (revision {cm.rev}, yours"
                                    f" {expected_rev}); reload it — nothing was saved")  # fmt: skip
            if cm.resolved == resolved:
                raise WorkbenchError(f"comment {cm.id} is already {'resolved' if resolved else 'open'}"
                                     f"{f' (by {cm.resolved_by})' if resolved and cm.resolved_by else ''}")  # fmt: skip
            ts = now()
            c.execute("UPDATE comments SET resolved_by = ?, resolved_at = ?, rev = rev + 1 WHERE id = ?",
                      (user if resolved else None, ts if resolved else None, cm.id))  # fmt: skip
            self.store.db.log(c, user, "comment", cm.id, cm.doc_id, "resolve" if resolved else "reopen",
                              {"resolved_by": cm.resolved_by, "resolved_at": cm.resolved_at},
                              {"resolved_by": user if resolved else None, "resolved_at": ts if resolved else None})  # fmt: skip
        return self.get(cm.id)

    # ------------------------------------------------------------------------------ bundles

    def bundle_records(self, doc_id: int) -> list[dict[str, Any]]:
        """Every comment of a document (threads first, then their replies) as plain dicts for a bundle."""
        out = []
        for t in self.threads(doc_id):
            for cm in (t, *t.replies):
                out.append({"id": cm.id, "link": cm.link_id, "parent": cm.parent_id, "user": cm.user, "at": cm.at,
                            "text": cm.text, "quote": cm.quote, "side": cm.side, "para": cm.para_id,
                            "resolved_by": cm.resolved_by, "resolved_at": cm.resolved_at, "rev": cm.rev})  # fmt: skip
        return out

    def restore(self, records: Iterable[dict[str, Any]], *, doc_id: int, paragraphs: dict[str, str],
                links: dict[str, str], user: str) -> int:  # fmt: skip
        """Re-create a bundle's comments (inside the import's transaction) with the new link and
        paragraph ids; a comment id the project already holds (a second import) gets a fresh one."""
        n = 0
        ids: dict[str, str] = {}
        with self.store.transaction() as c:
            self.store.authorize(user, "bundle", c)
            for r in records:
                cid = str(r["id"])
                taken = c.execute("SELECT 1 FROM comments WHERE id = ?", (cid,)).fetchone() is not None
                ids[cid] = new_comment_id() if taken or cid in ids else cid
                parent = r.get("parent")
                lid = links.get(r["link"]) or paragraphs.get(r["link"]) or r["link"]
                para = r.get("para")
                c.execute(f"INSERT INTO comments ({_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                          (ids[cid], doc_id, lid, ids.get(parent, parent) if parent else None, r.get("user") or user,
                           r.get("at") or now(), clean_text(r["text"]), r.get("quote"), r.get("side"),
                           paragraphs.get(para, para) if para else None, r.get("resolved_by"), r.get("resolved_at"),
                           int(r.get("rev") or 1)))  # fmt: skip
                n += 1
        return n
