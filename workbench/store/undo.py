"""Undo repository (``store.undo``): each editor's last operations on a document, newest last.

The store keeps payloads as JSON and knows nothing of what is in them; the alignment editor
(:class:`workbench.editing.StoredUndoStack`) writes and reads them. Writes join the caller's
transaction when there is one, so an edit and the means to take it back land together.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from workbench.store.db import now, retry_public_methods

if TYPE_CHECKING:
    from workbench.store import Store


@retry_public_methods
class UndoRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    def push(self, doc_id: int, user: str, payload: dict[str, Any], limit: int) -> int:
        """Add an entry and keep only the newest ``limit`` of this editor's entries for the document."""
        with self.store.transaction() as c:
            new_id = c.execute(
                'INSERT INTO undo_entries (doc_id, "user", created, payload) VALUES (?, ?, ?, ?) RETURNING id',
                (doc_id, user, now(), json.dumps(payload, ensure_ascii=False)),
            ).fetchone()[0]
            c.execute(
                'DELETE FROM undo_entries WHERE doc_id = ? AND "user" = ? AND id NOT IN'
                ' (SELECT id FROM undo_entries WHERE doc_id = ? AND "user" = ? ORDER BY id DESC LIMIT ?)',
                (doc_id, user, doc_id, user, limit),
            )
            return int(new_id)

    def entries(self, doc_id: int, user: str) -> list[tuple[int, dict[str, Any]]]:
        """(id, payload) of this editor's entries for the document, oldest first."""
        with self.store.reading() as c:
            rows = c.execute(
                'SELECT id, payload FROM undo_entries WHERE doc_id = ? AND "user" = ? ORDER BY id', (doc_id, user)
            ).fetchall()
        return [(int(r[0]), json.loads(r[1])) for r in rows]

    def latest(self, doc_id: int, user: str) -> tuple[int, dict[str, Any]] | None:
        with self.store.reading() as c:
            row = c.execute(
                'SELECT id, payload FROM undo_entries WHERE doc_id = ? AND "user" = ? ORDER BY id DESC LIMIT 1',
                (doc_id, user),
            ).fetchone()
        return (int(row[0]), json.loads(row[1])) if row else None

    def latest_label(self, doc_id: int, user: str) -> str | None:
        """The newest entry's ``label`` without reading its payload (the page shows it on every run)."""
        with self.store.reading() as c:
            row = c.execute(
                f"SELECT {c.dialect.json_field('payload', 'label')} FROM undo_entries WHERE doc_id = ? AND \"user\" = ?"
                " ORDER BY id DESC LIMIT 1",
                (doc_id, user),
            ).fetchone()
        return row[0] if row else None

    def update(self, entry_id: int, payload: dict[str, Any]) -> None:
        with self.store.transaction() as c:
            c.execute("UPDATE undo_entries SET payload = ? WHERE id = ?", (json.dumps(payload, ensure_ascii=False), entry_id))

    def delete(self, entry_id: int) -> None:
        with self.store.transaction() as c:
            c.execute("DELETE FROM undo_entries WHERE id = ?", (entry_id,))

    def count(self, doc_id: int, user: str) -> int:
        with self.store.reading() as c:
            return int(c.execute('SELECT count(*) FROM undo_entries WHERE doc_id = ? AND "user" = ?', (doc_id, user)).fetchone()[0])
