"""Documents and paragraphs: create, read, list, delete, and revision-checked edits."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.model import SIDES, Document, DocumentSummary, Link, Mark, Paragraph, Side, Text
from workbench.store.db import now, retry_public_methods
from workbench.store.search_index import prepare as prepare_index
from workbench.store.search_index import reindex

if TYPE_CHECKING:
    from workbench.store.db import Database


def para_row_to_model(row: sqlite3.Row) -> Paragraph:
    return Paragraph(
        text=row["text"],
        marks=[Mark.from_dict(m) for m in json.loads(row["marks"])],
        label=row["label"],
        label_value=row["label_value"],
        id=row["id"],
        rev=row["rev"],
    )


def para_snapshot(p: Paragraph) -> dict[str, Any]:
    return {
        "text": p.text,
        "marks": [m.to_dict() for m in p.marks],
        "label": p.label,
        "label_value": p.label_value,
        "rev": p.rev,
    }


@retry_public_methods
class DocumentsMixin:
    db: Database

    # -- documents ---------------------------------------------------------------------------

    def create_document(self, doc: Document, user: str = "system", links: list[Link] | None = None) -> int:
        """Store a new document; ``links`` (e.g. the pairing of an interleaved file) go in the same
        transaction, so an import never leaves a document without the alignment it came with."""
        if doc.source is None and doc.target is None:
            raise WorkbenchError("a document needs at least one side (source or target)")
        ts = now()
        meta = dict(doc.metadata)
        with self.db.transaction() as c:
            self.authorize(user, "import", c)  # type: ignore[attr-defined]
            cur = c.execute(
                "INSERT INTO documents (title, source_lang, target_lang, has_source, has_target, metadata,"
                " created, updated) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                (
                    doc.title,
                    doc.source_lang,
                    doc.target_lang,
                    int(doc.source is not None),
                    int(doc.target is not None),
                    json.dumps(meta, ensure_ascii=False),
                    ts,
                    ts,
                ),
            )
            doc_id = int(cur.fetchone()[0])
            for side in SIDES:
                text = doc.side(side)
                if text is not None:
                    self._insert_paragraphs(c, doc_id, side, text.paragraphs, ts)
            counts = {s: len(t.paragraphs) for s in SIDES if (t := doc.side(s)) is not None}
            self.db.log(c, user, "document", doc_id, doc_id, "create", None, {"title": doc.title, **counts})
            if links:
                self._replace_links(c, doc_id, links, user)  # type: ignore[attr-defined]
                doc.alignment_rev = 1
        doc.id = doc_id
        doc.created = doc.updated = ts
        return doc_id

    @staticmethod
    def _insert_paragraphs(c: sqlite3.Connection, doc_id: int, side: str, paras: list[Paragraph], ts: str) -> None:
        c.executemany(
            "INSERT INTO paragraphs (id, doc_id, side, pos, text, marks, label, label_value, rev, updated)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    p.id,
                    doc_id,
                    side,
                    i,
                    p.text,
                    json.dumps([m.to_dict() for m in p.marks], ensure_ascii=False),
                    p.label,
                    p.label_value,
                    p.rev,
                    ts,
                )
                for i, p in enumerate(paras)
            ],
        )
        reindex(c, [p.id for p in paras])  # the concordance index follows every paragraph write

    def _doc_row(self, c: sqlite3.Connection, doc_id: int) -> sqlite3.Row:
        row = c.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"document {doc_id} does not exist")
        return row

    def get_document(self, doc_id: int, reuse: Document | None = None) -> Document:
        """The document with its paragraphs. ``reuse``: the same document read before (a page's last
        load): its paragraphs still stored with the same id and ``rev`` are taken as they are (the
        same objects; nobody changes a paragraph in place), so a reload after one edit among 6,000
        paragraphs reads their ids and revisions and the changed rows only."""
        known = reuse.paragraph_index() if reuse is not None and reuse.id == doc_id else None
        with self.db.reading() as c:
            row = self._doc_row(c, doc_id)
            if known:
                rows = c.execute("SELECT id, side, rev, updated FROM paragraphs WHERE doc_id = ? ORDER BY side, pos",
                                 (doc_id,)).fetchall()  # fmt: skip
                need = [r[0] for r in rows if r[0] not in known or known[r[0]].rev != r[2]]
                fresh = {r["id"]: para_row_to_model(r) for r in c.execute(
                    f"SELECT * FROM paragraphs WHERE doc_id = ? AND id IN {c.dialect.json_list()}",
                    (doc_id, json.dumps(need)))} if need else {}  # fmt: skip
            else:
                rows = c.execute(
                    "SELECT * FROM paragraphs WHERE doc_id = ? ORDER BY side, pos", (doc_id,)
                ).fetchall()
        texts: dict[str, Text] = {}
        if row["has_source"]:
            texts["source"] = Text(row["source_lang"] or "und")
        if row["has_target"]:
            texts["target"] = Text(row["target_lang"] or "und")
        if known:
            for pid, side, _rev, _updated in rows:
                texts.setdefault(side, Text(row[f"{side}_lang"] or "und")).paragraphs.append(
                    fresh[pid] if pid in fresh else known[pid])
        for r in rows if not known else ():
            texts.setdefault(r["side"], Text(row[f"{r['side']}_lang"] or "und")).paragraphs.append(
                para_row_to_model(r)
            )
        stamps = [r[3] for r in rows] if known else [r["updated"] for r in rows]
        meta = json.loads(row["metadata"])
        meta.setdefault("source_lang", row["source_lang"])
        meta.setdefault("target_lang", row["target_lang"])
        return Document(
            title=row["title"],
            source=texts.get("source"),
            target=texts.get("target"),
            metadata=meta,
            id=row["id"],
            created=row["created"],
            updated=max([row["updated"], *(u for u in stamps if u)]),
            alignment_rev=row["alignment_rev"],
            meta_rev=row["meta_rev"],
        )

    def list_documents(self) -> list[DocumentSummary]:
        with self.db.reading() as c:
            rows = c.execute(
                """
                SELECT d.*,
                  (SELECT count(*) FROM paragraphs p WHERE p.doc_id = d.id AND p.side = 'source') AS n_src,
                  (SELECT count(*) FROM paragraphs p WHERE p.doc_id = d.id AND p.side = 'target') AS n_tgt,
                  (SELECT count(*) FROM links l WHERE l.doc_id = d.id) AS n_links,
                  (SELECT count(*) FROM links l WHERE l.doc_id = d.id AND l.status = 'confirmed') AS n_conf,
                  (SELECT max(p.updated) FROM paragraphs p WHERE p.doc_id = d.id) AS p_updated
                FROM documents d ORDER BY d.id
                """
            ).fetchall()
        return [
            DocumentSummary(
                id=r["id"],
                title=r["title"],
                source_lang=r["source_lang"],
                target_lang=r["target_lang"],
                source_paragraphs=r["n_src"],
                target_paragraphs=r["n_tgt"],
                links=r["n_links"],
                confirmed=r["n_conf"],
                created=r["created"],
                updated=max(r["updated"], r["p_updated"] or r["updated"]),  # paragraph edits leave the row alone
                meta_rev=r["meta_rev"],
            )
            for r in rows
        ]

    def delete_document(self, doc_id: int, user: str = "system") -> None:
        with self.db.transaction() as c:
            self.authorize(user, "delete", c)  # type: ignore[attr-defined]
            row = self._doc_row(c, doc_id)
            self.db.log(c, user, "document", doc_id, doc_id, "delete", {"title": row["title"]}, None)
            c.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            reindex(c, doc_id=doc_id)

    def update_document(
        self, doc_id: int, expected_rev: int, user: str = "system", *, title: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> int:
        """Change the title and/or metadata if nobody did since ``expected_rev``; the new revision."""
        if title is not None and not title.strip():
            raise WorkbenchError("a document needs a title")
        with self.db.transaction() as c:
            self.authorize(user, "edit", c)  # type: ignore[attr-defined]
            row = self._doc_row(c, doc_id)
            if row["meta_rev"] != expected_rev:
                who = self.db.changed_by(c, "document", doc_id)
                raise ConflictError(
                    f"the title or metadata of document {doc_id} was changed{who} (now revision {row['meta_rev']},"
                    f" yours {expected_rev}); reload and apply your change again — nothing was saved"
                )
            before = {"title": row["title"], "metadata": json.loads(row["metadata"])}
            after = {"title": title.strip() if title is not None else row["title"],
                     "metadata": dict(metadata) if metadata is not None else before["metadata"]}  # fmt: skip
            if after == before:
                return int(row["meta_rev"])
            c.execute(
                "UPDATE documents SET title = ?, metadata = ?, meta_rev = meta_rev + 1, updated = ? WHERE id = ?",
                (after["title"], json.dumps(after["metadata"], ensure_ascii=False), now(), doc_id),
            )
            self.db.log(c, user, "document", doc_id, doc_id, "update", before, after)
        return int(row["meta_rev"]) + 1

    def rename_document(self, doc_id: int, title: str, user: str = "system", expected_rev: int | None = None) -> int:
        with self.db.reading() as c:
            rev = int(self._doc_row(c, doc_id)["meta_rev"]) if expected_rev is None else expected_rev
        return self.update_document(doc_id, rev, user, title=title)

    def add_side(self, doc_id: int, side: Side, text: Text, user: str = "system") -> None:
        """Attach the missing side to a one-sided document (a source that arrived later)."""
        ts = now()
        with self.db.transaction() as c:
            self.authorize(user, "import", c)  # type: ignore[attr-defined]
            row = self._doc_row(c, doc_id)
            if row[f"has_{side}"]:
                raise WorkbenchError(f"document {doc_id} already has a {side} text")
            c.execute(
                f"UPDATE documents SET has_{side} = 1, {side}_lang = ?, updated = ? WHERE id = ?",
                (text.lang, ts, doc_id),
            )
            self._insert_paragraphs(c, doc_id, side, text.paragraphs, ts)
            self.db.log(c, user, "document", doc_id, doc_id, f"add-{side}", None, {"paragraphs": len(text.paragraphs)})

    # -- paragraphs --------------------------------------------------------------------------

    def _para_row(self, c: sqlite3.Connection, para_id: str, lock: bool = False) -> sqlite3.Row:
        # ``lock``: the row stays locked until the transaction ends (PostgreSQL), so a revision check
        # on it holds in a READ COMMITTED unit too (see Database.transaction's ``locking``)
        row = c.execute(f"SELECT * FROM paragraphs WHERE id = ?{c.dialect.for_update if lock else ''}",
                        (para_id,)).fetchone()  # fmt: skip
        if row is None:
            raise NotFoundError(f"paragraph {para_id} does not exist (deleted by someone else?)")
        return row

    def _stale(self, c: sqlite3.Connection, row: sqlite3.Row, expected_rev: int) -> ConflictError:
        who = self.db.changed_by(c, "paragraph", row["id"])
        return ConflictError(
            f"{row['side']} paragraph {row['pos'] + 1} of document {row['doc_id']} was changed{who}"
            f" (now revision {row['rev']}, your edit was based on revision {expected_rev});"
            " reload it and apply your change again — nothing was saved"
        )

    def get_paragraph(self, para_id: str) -> Paragraph:
        with self.db.reading() as c:
            return para_row_to_model(self._para_row(c, para_id))

    def update_paragraph(
        self,
        para_id: str,
        text: str,
        marks: list[Mark] | None = None,
        expected_rev: int | None = None,
        user: str = "system",
        *,
        label: str | None = None,
        label_value: int | None = None,
    ) -> Paragraph:
        """Save an edit only if nobody changed the paragraph since ``expected_rev`` was read.

        Marks are dropped when the caller passes none for a changed text: stale offsets would
        put italics on the wrong words, which is worse than losing them (the history keeps them).
        """
        if expected_rev is None:
            raise WorkbenchError("an edit must say which revision it was based on")
        prepare_index(text)  # outside the write lock (a no-op inside an edit that prepared it)
        with self.db.transaction() as c:
            self.authorize(user, "edit", c)  # type: ignore[attr-defined]
            row = self._para_row(c, para_id, lock=True)
            if row["rev"] != expected_rev:
                raise self._stale(c, row, expected_rev)
            before = para_row_to_model(row)
            if marks is None:
                marks = before.marks if text == before.text else []
            if label is None and label_value is None:
                from workbench.hebrew import parse_label

                label, label_value, _ = parse_label(text)
            after = Paragraph(text, marks, label, label_value, para_id, before.rev + 1)
            c.execute(
                "UPDATE paragraphs SET text = ?, marks = ?, label = ?, label_value = ?, rev = ?, updated = ?"
                " WHERE id = ?",
                (
                    text,
                    json.dumps([m.to_dict() for m in marks], ensure_ascii=False),
                    label,
                    label_value,
                    after.rev,
                    now(),
                    para_id,
                ),
            )
            reindex(c, [para_id])
            # the document's row is left alone: two edits of one document's paragraphs must not
            # collide on it (PostgreSQL); its "updated" is derived from the paragraphs when read
            self.db.log(c, user, "paragraph", para_id, row["doc_id"], "edit", para_snapshot(before), para_snapshot(after))
        return after

    def insert_paragraph(
        self, doc_id: int, side: Side, index: int, paragraph: Paragraph, user: str = "system", *, own_link: bool = True
    ) -> Paragraph:
        """Insert at ``index`` of ``side``; the new paragraph gets a 0-1/1-0 link of its own if aligned."""
        ts = now()
        with self.db.transaction() as c:
            self._doc_row(c, doc_id)
            self.authorize(user, "edit", c)  # type: ignore[attr-defined]
            c.execute(
                "UPDATE paragraphs SET pos = pos + 1 WHERE doc_id = ? AND side = ? AND pos >= ?",
                (doc_id, side, index),
            )
            self._insert_paragraphs(c, doc_id, side, [paragraph], ts)
            c.execute("UPDATE paragraphs SET pos = ? WHERE id = ?", (index, paragraph.id))
            c.execute(f"UPDATE documents SET has_{side} = 1, updated = ? WHERE id = ?", (ts, doc_id))
            self.db.log(c, user, "paragraph", paragraph.id, doc_id, "insert", None, {**para_snapshot(paragraph), "side": side, "pos": index})
            if own_link:
                self._own_link(c, doc_id, side, index, paragraph.id, user)
        return paragraph

    def delete_paragraph(self, para_id: str, expected_rev: int, user: str = "system") -> None:
        """Delete a paragraph and remove it from its link (a link left empty disappears)."""
        with self.db.transaction() as c:
            self.authorize(user, "edit", c)  # type: ignore[attr-defined]
            row = self._para_row(c, para_id)
            if row["rev"] != expected_rev:
                raise self._stale(c, row, expected_rev)
            c.execute("DELETE FROM paragraphs WHERE id = ?", (para_id,))
            reindex(c, [para_id])
            c.execute(
                "UPDATE paragraphs SET pos = pos - 1 WHERE doc_id = ? AND side = ? AND pos > ?",
                (row["doc_id"], row["side"], row["pos"]),
            )
            self._drop_from_links(c, row["doc_id"], para_id, user)
            self.db.log(c, user, "paragraph", para_id, row["doc_id"], "delete", {**para_snapshot(para_row_to_model(row)), "side": row["side"], "pos": row["pos"]}, None)

    def split_paragraph(
        self, para_id: str, offset: int, expected_rev: int, user: str = "system"
    ) -> tuple[Paragraph, Paragraph]:
        """Split at ``offset``: the tail becomes a new paragraph right after, in the same link."""
        with self.db.transaction() as c:
            row = self._para_row(c, para_id)
            if row["rev"] != expected_rev:
                raise self._stale(c, row, expected_rev)
            p = para_row_to_model(row)
            if not 0 < offset < len(p.text) or not p.text[:offset].strip() or not p.text[offset:].strip():
                raise WorkbenchError("split point must fall inside the paragraph text, leaving text on both sides")
            head_text, tail_text = p.text[:offset].rstrip(), p.text[offset:].lstrip()
            shift = len(p.text) - len(p.text[offset:].lstrip())
            head_marks = [m for m in p.marks if m.end <= len(head_text)]
            tail_marks = [
                Mark(m.start - shift, m.end - shift, m.kind, m.value) for m in p.marks if m.start >= shift
            ]
            head = self.update_paragraph(para_id, head_text, head_marks, expected_rev, user)
            from workbench.hebrew import parse_label

            lab, val, _ = parse_label(tail_text)
            tail = Paragraph(tail_text, tail_marks, lab, val)
            self.insert_paragraph(row["doc_id"], row["side"], row["pos"] + 1, tail, user, own_link=False)
            self._add_after_in_link(c, row["doc_id"], para_id, tail.id, row["side"], user)
        return head, tail

    def merge_paragraph_with_next(self, para_id: str, expected_rev: int, user: str = "system") -> Paragraph:
        """Join a paragraph with the next one on its side (undoing a wrong split)."""
        with self.db.transaction() as c:
            row = self._para_row(c, para_id)
            if row["rev"] != expected_rev:
                raise self._stale(c, row, expected_rev)
            nxt = c.execute(
                "SELECT * FROM paragraphs WHERE doc_id = ? AND side = ? AND pos = ?",
                (row["doc_id"], row["side"], row["pos"] + 1),
            ).fetchone()
            if nxt is None:
                raise WorkbenchError("this is the last paragraph; there is nothing to merge it with")
            a, b = para_row_to_model(row), para_row_to_model(nxt)
            shift = len(a.text) + 1
            marks = a.marks + [Mark(m.start + shift, m.end + shift, m.kind, m.value) for m in b.marks]
            merged = self.update_paragraph(para_id, a.text + " " + b.text, marks, expected_rev, user,
                                           label=a.label, label_value=a.label_value)
            self.delete_paragraph(b.id, b.rev, user)
        return merged
