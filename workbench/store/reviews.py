"""Review status per link (``store.reviews``): draft, edited, reviewed, approved — who and when.

What is stored is the status an account *set*, with the revisions of the link's paragraphs at that
moment; what is shown is derived from it (:func:`effective_status`): a link whose paragraphs moved
on since is ``edited`` again, whichever path changed them (the desk, the Alignment page, a batch
fix, an undo, the command line). Deriving it, rather than resetting a column in every paragraph
write, keeps the rule in one place and leaves no write path that could forget it.

A link never given a status is ``draft`` while its paragraphs are as imported (revision 1) and
``edited`` once one of them was changed. Setting ``reviewed`` or ``approved`` needs the reviewer
role, and so does taking one of those back; ``draft`` and ``edited`` are an editor's. Every change
states the revision of the review it was based on and, from a page, the paragraph revisions the
reviewer read: a review of text that changed since it was read is refused, naming who changed it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.model import REVIEW_STATUSES
from workbench.store.db import now, retry_public_methods

if TYPE_CHECKING:
    from workbench.model import Link
    from workbench.store import Store

#: statuses only the reviewer role may set (or take back)
SIGNED_OFF: frozenset[str] = frozenset({"reviewed", "approved"})


@dataclass
class LinkReview:
    """The review status a link shows now.

    ``stored`` is the status last set (None: never), ``rev`` its revision (0: never set);
    ``changed`` is True when the link's paragraphs are no longer those (or at the revisions) the
    status was set on. ``user``/``at`` say who set the status and when — for a derived ``edited``,
    they are None here (the history says who edited; see :meth:`ReviewsRepo.last_edits`).
    """

    link_id: str
    status: str
    user: str | None = None
    at: str | None = None
    stored: str | None = None
    rev: int = 0
    changed: bool = False

    @property
    def changed_since_review(self) -> bool:
        """Reviewed or approved once, and edited since: what a reviewer looks at again."""
        return self.changed and self.stored in SIGNED_OFF

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "changed_since_review": self.changed_since_review}


def check_status(status: str) -> str:
    if status not in REVIEW_STATUSES:
        raise WorkbenchError(f"review status must be one of {', '.join(REVIEW_STATUSES)} (got {status!r})")
    return status


def effective_status(link_id: str, current: dict[str, int], row: dict[str, Any] | None) -> LinkReview:
    """The status a link shows, from its paragraphs' current revisions and its stored review row."""
    if row is None:
        return LinkReview(link_id, "edited" if any(r > 1 for r in current.values()) else "draft")
    changed = row["paras"] != current
    if changed:
        return LinkReview(link_id, "edited", None, None, row["status"], row["rev"], True)
    return LinkReview(link_id, row["status"], row["user"], row["at"], row["status"], row["rev"], False)


def link_paragraphs(link: Link) -> list[str]:
    return [*link.source, *link.target]


@retry_public_methods
class ReviewsRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------------------ read

    def rows(self, doc_id: int, link_ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """The stored review rows of a document (or of some of its links), by link id."""
        sql, args = 'SELECT link_id, status, "user", at, paras, rev FROM link_reviews WHERE doc_id = ?', [doc_id]
        if link_ids is not None:
            sql += f" AND link_id IN {self.store.db.dialect.json_list('text')}"
            args.append(json.dumps(sorted(set(link_ids))))
        with self.store.reading() as c:
            return {r[0]: {"status": r[1], "user": r[2], "at": r[3], "paras": json.loads(r[4] or "{}"),
                           "rev": int(r[5])} for r in c.execute(sql, args)}  # fmt: skip

    def units(self, doc_id: int) -> list[Link]:
        """The rows of a document's desk: its links, or — a document of one side only (a translation
        without its original) — one row per paragraph, whose id is the paragraph's (never stored as
        links; the same rows :func:`workbench.desk.single_column_links` builds from a loaded document)."""
        from workbench.model import Link

        with self.store.reading() as c:
            links = self.store.get_links(doc_id)
            if links:
                return links
            self.store.alignment_rev(doc_id)  # no such document: its own message
            rows = c.execute("SELECT id, side FROM paragraphs WHERE doc_id = ? ORDER BY side, pos", (doc_id,)).fetchall()
        sides = {r[1] for r in rows}
        if len(sides) != 1:
            return []  # both sides and not aligned yet: no rows until it is
        side = sides.pop()
        return [Link([r[0]] if side == "source" else [], [r[0]] if side == "target" else [], 1.0, "confirmed", id=r[0])
                for r in rows]  # fmt: skip

    def _row(self, c: Any, doc_id: int, link_id: str) -> tuple[list[str], int] | None:
        """(paragraph ids, 1-based number) of the desk row ``link_id``: a link, or a paragraph of a
        one-sided document."""
        r = c.execute("SELECT source_ids, target_ids, pos FROM links WHERE doc_id = ? AND id = ?",
                      (doc_id, link_id)).fetchone()  # fmt: skip
        if r is not None:
            return [*json.loads(r[0]), *json.loads(r[1])], int(r[2]) + 1
        p = c.execute("SELECT side, pos FROM paragraphs WHERE doc_id = ? AND id = ?", (doc_id, link_id)).fetchone()
        if p is None:
            return None
        other = c.execute("SELECT 1 FROM paragraphs WHERE doc_id = ? AND side <> ? LIMIT 1", (doc_id, p[0])).fetchone()
        return ([link_id], int(p[1]) + 1) if other is None else None

    def mark(self, doc_id: int) -> tuple[int, int, str | None]:
        """Changes whenever a review status of the document is set (for caching :meth:`statuses`)."""
        with self.store.reading() as c:
            r = c.execute("SELECT count(*), coalesce(sum(rev), 0), max(at) FROM link_reviews WHERE doc_id = ?",
                          (doc_id,)).fetchone()  # fmt: skip
        return int(r[0]), int(r[1]), r[2]

    def para_revs(self, doc_id: int) -> dict[str, int]:
        with self.store.reading() as c:
            return {r[0]: int(r[1]) for r in c.execute("SELECT id, rev FROM paragraphs WHERE doc_id = ?", (doc_id,))}

    def statuses(self, doc_id: int, links: Sequence[Link] | None = None,
                 para_revs: dict[str, int] | None = None) -> dict[str, LinkReview]:  # fmt: skip
        """Every link's status (``links`` and ``para_revs`` when the caller has them already: a page
        that keeps the document in its session reads only the review rows)."""
        with self.store.reading():
            links = list(links) if links is not None else self.units(doc_id)
            revs = para_revs if para_revs is not None else self.para_revs(doc_id)
            rows = self.rows(doc_id)
        out = {}
        for lk in links:
            current = {p: revs.get(p, 0) for p in link_paragraphs(lk)}
            out[lk.id] = effective_status(lk.id, current, rows.get(lk.id))
        return out

    def progress(self, doc_id: int, statuses: dict[str, LinkReview] | None = None) -> dict[str, Any]:
        """Counts per status and the share reviewed (reviewed or approved) of a document's links
        (the JSON of ``workbench progress``)."""
        if statuses is None:
            self.store.alignment_rev(doc_id)  # a missing document is one clear error
            statuses = self.statuses(doc_id)
        counts = {s: 0 for s in REVIEW_STATUSES}
        changed = 0
        for r in statuses.values():
            counts[r.status] += 1
            changed += r.changed_since_review
        total = len(statuses)
        done = counts["reviewed"] + counts["approved"]
        return {"document": doc_id, "links": total, "counts": counts,
                "reviewed": round(done / total, 4) if total else 0.0,
                "approved": round(counts["approved"] / total, 4) if total else 0.0,
                "changed_since_review": changed}  # fmt: skip

    def last_edits(self, para_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(user, time) of the latest history row of each paragraph: who edited a link after its
        review, for the rows a page shows (never the whole document)."""
        ids = sorted(set(para_ids))
        if not ids:
            return {}
        with self.store.reading() as c:
            rows = c.execute(
                'SELECT h.entity_id, h."user", h.at FROM history h JOIN (SELECT entity_id, max(id) AS last FROM history'
                f" WHERE entity = 'paragraph' AND entity_id IN {self.store.db.dialect.json_list('text')}"
                " GROUP BY entity_id) m ON h.id = m.last", (json.dumps(ids),)).fetchall()  # fmt: skip
        return {r[0]: (r[1], r[2]) for r in rows}

    # ------------------------------------------------------------------------------ write

    def set_status(self, doc_id: int, link_id: str, status: str, user: str, *, expected_rev: int | None = None,
                   para_revs: dict[str, int] | None = None) -> LinkReview:  # fmt: skip
        """Set a link's review status, in one transaction with its history row.

        ``expected_rev`` is the review revision the account saw (0: never set) and ``para_revs`` the
        paragraph revisions it read: either one stale refuses the write, naming who changed what.
        """
        check_status(status)
        with self.store.transaction() as c:
            self.store.authorize(user, "review" if status in SIGNED_OFF else "edit", c)
            row = self._row(c, doc_id, link_id)
            if row is None:
                self.store.alignment_rev(doc_id)  # no such document: its own message
                raise NotFoundError(f"link {link_id} is not in document {doc_id} (re-aligned or merged since?)"
                                    " — nothing was saved")  # fmt: skip
            pids, number = row
            current: dict[str, int] = {}
            if pids:
                got = c.execute(f"SELECT id, rev, side, pos FROM paragraphs WHERE id IN {self.store.db.dialect.json_list('text')}",
                                (json.dumps(pids),)).fetchall()  # fmt: skip
                current = {g[0]: int(g[1]) for g in got}
                if para_revs is not None:
                    for g in got:
                        if para_revs.get(g[0]) != int(g[1]):
                            who = self.store.db.changed_by(c, "paragraph", g[0])
                            raise ConflictError(
                                f"the {g[2]} paragraph {int(g[3]) + 1} of link {number} was changed{who} since you"
                                f" read it (now revision {g[1]}, yours {para_revs.get(g[0])}); read it again before"
                                f" marking it {status} — nothing was saved")  # fmt: skip
            before = c.execute('SELECT status, "user", at, rev, paras FROM link_reviews WHERE doc_id = ? AND link_id = ?',
                               (doc_id, link_id)).fetchone()  # fmt: skip
            rev = int(before[3]) if before else 0
            if expected_rev is not None and rev != expected_rev:
                by = f" by {before[1]} at {str(before[2])[:19].replace('T', ' ')} UTC" if before else ""
                raise ConflictError(
                    f"link {number} was marked {before[0] if before else 'draft'}{by}"
                    f" since you loaded it (review revision {rev}, yours {expected_rev}); reload and decide again"
                    " — nothing was saved")  # fmt: skip
            if before is not None and before[0] in SIGNED_OFF and json.loads(before[4] or "{}") == current:
                self.store.authorize(user, "review", c)  # taking a standing review back is a review too
            ts = now()
            c.execute(
                'INSERT INTO link_reviews (doc_id, link_id, status, "user", at, paras, rev) VALUES (?,?,?,?,?,?,1)'
                ' ON CONFLICT (doc_id, link_id) DO UPDATE SET status = excluded.status, "user" = excluded."user",'
                " at = excluded.at, paras = excluded.paras, rev = link_reviews.rev + 1",
                (doc_id, link_id, status, user, ts, json.dumps(current, sort_keys=True)),
            )  # fmt: skip
            self.store.db.log(c, user, "review", link_id, doc_id, "review",
                              {"status": before[0], "user": before[1], "at": before[2]} if before else None,
                              {"status": status, "link": number, "paragraphs": current})  # fmt: skip
        return LinkReview(link_id, status, user, ts, status, rev + 1, False)

    def set_many(self, doc_id: int, link_ids: Sequence[str], status: str, user: str,
                 expected: dict[str, tuple[int, dict[str, int]]] | None = None) -> int:  # fmt: skip
        """Set the status of several links in one transaction (all or none); ``expected`` maps a link
        to the (review revision, paragraph revisions) the page showed."""
        with self.store.transaction():
            for lid in link_ids:
                rev, paras = (expected or {}).get(lid, (None, None))
                self.set_status(doc_id, lid, status, user, expected_rev=rev, para_revs=paras)
        return len(link_ids)

    # ------------------------------------------------------------------------------ bundles

    def bundle_records(self, doc_id: int) -> list[dict[str, Any]]:
        """The stored review rows of a document as plain dicts for a project bundle."""
        return [{"link": lid, **row} for lid, row in sorted(self.rows(doc_id).items())]

    def restore(self, records: Iterable[dict[str, Any]], *, doc_id: int, paragraphs: dict[str, str],
                links: dict[str, str], user: str) -> int:  # fmt: skip
        """Re-create a bundle's review rows (inside the import's transaction) with the new link and
        paragraph ids; the paragraph revisions are kept by an import, so a review stands as it did."""
        n = 0
        with self.store.transaction() as c:
            self.store.authorize(user, "bundle", c)
            for r in records:
                lid = links.get(r["link"]) or paragraphs.get(r["link"]) or r["link"]
                paras = {paragraphs.get(p, p): int(v) for p, v in (r.get("paras") or {}).items()}
                c.execute('INSERT INTO link_reviews (doc_id, link_id, status, "user", at, paras, rev) VALUES (?,?,?,?,?,?,?)',
                          (doc_id, lid, check_status(r["status"]), r.get("user") or user, r.get("at") or now(),
                           json.dumps(paras, sort_keys=True), int(r.get("rev") or 1)))  # fmt: skip
                n += 1
        return n
