-- Termbase, rejected discovery proposals, and annotations (marked term occurrences).
-- Lists (variants, forbidden, source_variants) are JSON arrays; every change is logged in history
-- with entity 'term' or 'annotation'.
CREATE TABLE terms (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL DEFAULT '',
    source_key TEXT NOT NULL DEFAULT '',
    source_pointed TEXT,
    source_variants TEXT NOT NULL DEFAULT '[]',
    source_lang TEXT NOT NULL DEFAULT 'he',
    preferred TEXT NOT NULL,
    preferred_key TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'transliteration'
        CHECK (kind IN ('transliteration', 'translation', 'name', 'acronym')),
    variants TEXT NOT NULL DEFAULT '[]',
    forbidden TEXT NOT NULL DEFAULT '[]',
    gloss TEXT,
    gloss_first INTEGER NOT NULL DEFAULT 0,
    note TEXT,
    status TEXT NOT NULL DEFAULT 'approved' CHECK (status IN ('proposed', 'approved')),
    case_rule TEXT NOT NULL DEFAULT 'as-written' CHECK (case_rule IN ('as-written', 'any', 'strict')),
    rev INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE UNIQUE INDEX terms_identity ON terms(source_key, preferred_key);
CREATE INDEX terms_preferred ON terms(preferred_key);

-- A proposal the editor rejected is not proposed again (key: rendering key + source key).
CREATE TABLE term_rejections (
    key TEXT PRIMARY KEY,
    rendering TEXT NOT NULL,
    source TEXT,
    at TEXT NOT NULL,
    user TEXT NOT NULL
);

-- One marked occurrence. No foreign key on para_id on purpose: when a paragraph is split or merged
-- away, re-anchoring looks for the surface text in the other paragraphs of the same side.
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    para_id TEXT NOT NULL,
    side TEXT NOT NULL DEFAULT 'target' CHECK (side IN ('source', 'target')),
    start_pos INTEGER NOT NULL,
    end_pos INTEGER NOT NULL,
    surface TEXT NOT NULL,
    ctx_before TEXT NOT NULL DEFAULT '',
    ctx_after TEXT NOT NULL DEFAULT '',
    term_id INTEGER REFERENCES terms(id) ON DELETE SET NULL,
    kind TEXT NOT NULL DEFAULT 'transliteration' CHECK (kind IN ('transliteration', 'translation', 'gloss')),
    note TEXT,
    state TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'moved', 'lost')),
    rev INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX annotations_doc ON annotations(doc_id, para_id);
CREATE INDEX annotations_term ON annotations(term_id);
