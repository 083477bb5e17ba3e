-- The alignment editor's undo list, per document and editor, so that it survives a reload of the
-- page or a restart of the server. Each row is one operation's inverse as JSON (the links or the
-- paragraph as they were, and the revisions that must still hold for the undo to apply).
CREATE TABLE undo_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user TEXT NOT NULL,
    created TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX undo_entries_doc_user ON undo_entries(doc_id, user, id);
