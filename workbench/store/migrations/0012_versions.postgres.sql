-- PostgreSQL form of 0012_versions.sql (same version): text compared byte-wise (COLLATE "C", as
-- SQLite does).
-- Versions of each side of a document (a revised translation brought in with `workbench update`).
-- `paragraphs` is the side as that version left it (JSON list of {id, text, marks, label,
-- label_value}); `summary` the change counts against the version before; `undo` (updates only) the
-- state the update replaced (paragraphs with their revisions and positions, the links, the
-- annotations it re-anchored), which a revert restores while `state` (a digest of the side's
-- paragraph revisions, the alignment revision and the document's annotation revisions right after the
-- update) still holds. `change_id` is the update's one history row.
CREATE TABLE side_versions (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    side TEXT COLLATE "C" NOT NULL CHECK (side IN ('source', 'target')),
    version INTEGER NOT NULL,
    at TEXT COLLATE "C" NOT NULL,
    "user" TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL CHECK (action IN ('import', 'edits', 'update', 'revert')),
    file TEXT COLLATE "C",
    paragraphs TEXT COLLATE "C" NOT NULL,
    summary TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    undo TEXT COLLATE "C",
    state TEXT COLLATE "C",
    change_id INTEGER,
    PRIMARY KEY (doc_id, side, version)
);

-- Links an update unconfirmed (a paragraph of theirs was edited) or made where a confirmed link
-- stood: "to review". A flag holds while the link is still at `link_rev` (confirming or editing
-- the link moves its revision on, and the flag with it).
CREATE TABLE links_to_review (
    link_id TEXT COLLATE "C" PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    link_rev INTEGER NOT NULL,
    side TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    reason TEXT COLLATE "C" NOT NULL,
    at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX links_to_review_doc ON links_to_review(doc_id);
