-- Versions of each side of a document (a revised translation brought in with `workbench update`).
-- `paragraphs` is the side as that version left it (JSON list of {id, text, marks, label,
-- label_value}); `summary` the change counts against the version before; `undo` (updates only) the
-- state the update replaced (paragraphs with their revisions and positions, the links, the
-- annotations it re-anchored), which a revert restores while `state` (a digest of the side's
-- paragraph revisions, the alignment revision and the document's annotation revisions right after the
-- update) still holds. `change_id` is the update's one history row.
CREATE TABLE side_versions (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('source', 'target')),
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('import', 'edits', 'update', 'revert')),
    file TEXT,
    paragraphs TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '{}',
    undo TEXT,
    state TEXT,
    change_id INTEGER,
    PRIMARY KEY (doc_id, side, version)
);

-- Links an update unconfirmed (a paragraph of theirs was edited) or made where a confirmed link
-- stood: "to review". A flag holds while the link is still at `link_rev` (confirming or editing
-- the link moves its revision on, and the flag with it).
CREATE TABLE links_to_review (
    link_id TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    link_rev INTEGER NOT NULL,
    side TEXT NOT NULL,
    version INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX links_to_review_doc ON links_to_review(doc_id);
