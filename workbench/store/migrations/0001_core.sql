-- Core schema: documents, their two texts as ordered paragraphs, the alignment, and the edit history.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    source_lang TEXT,
    target_lang TEXT,
    has_source INTEGER NOT NULL DEFAULT 0,
    has_target INTEGER NOT NULL DEFAULT 0,
    metadata TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    alignment_rev INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE paragraphs (
    id TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    side TEXT NOT NULL CHECK (side IN ('source', 'target')),
    pos INTEGER NOT NULL,
    text TEXT NOT NULL,
    marks TEXT NOT NULL DEFAULT '[]',
    label TEXT,
    label_value INTEGER,
    rev INTEGER NOT NULL DEFAULT 1,
    updated TEXT NOT NULL
);
CREATE INDEX paragraphs_doc ON paragraphs(doc_id, side, pos);

CREATE TABLE links (
    id TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    source_ids TEXT NOT NULL,
    target_ids TEXT NOT NULL,
    score REAL NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'auto' CHECK (status IN ('auto', 'confirmed')),
    sentences TEXT,
    rev INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX links_doc ON links(doc_id, pos);

-- No foreign key on purpose: the history of a deleted document is kept.
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    doc_id INTEGER,
    action TEXT NOT NULL,
    before TEXT,
    after TEXT
);
CREATE INDEX history_doc ON history(doc_id, id);
CREATE INDEX history_entity ON history(entity, entity_id);
