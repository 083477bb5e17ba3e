-- Consistency checks: findings with their status, the tag log, and per-link caches for incremental runs.
-- A finding's id is a fingerprint (check, term, paragraph or scope, offending text, occurrence):
-- no character offsets, so it survives unrelated edits. doc_id is NULL for corpus-wide findings.
CREATE TABLE findings (
    id TEXT PRIMARY KEY,
    doc_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    unit TEXT NOT NULL,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    term_id INTEGER,
    link_id TEXT,
    para_ids TEXT NOT NULL DEFAULT '[]',
    para_id TEXT,
    side TEXT,
    start_pos INTEGER,
    end_pos INTEGER,
    message TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT '',
    anchor TEXT NOT NULL,
    key TEXT NOT NULL DEFAULT '',
    occ INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL DEFAULT '{}',
    docs TEXT NOT NULL DEFAULT '[]',
    digest TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'fixed')),
    present INTEGER NOT NULL DEFAULT 1,
    comment TEXT,
    status_user TEXT,
    status_at TEXT,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX findings_doc_unit ON findings(doc_id, unit);

-- Every status change: by an editor (auto = 0) or by a run (auto = 1: resolved, reopened).
CREATE TABLE finding_tags (
    id INTEGER PRIMARY KEY,
    finding_id TEXT NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT,
    auto INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX finding_tags_finding ON finding_tags(finding_id, id);

-- Per-unit (link, or paragraph of a one-sided document) signature of what was last checked.
CREATE TABLE check_units (
    unit TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    signature TEXT NOT NULL
);
CREATE INDEX check_units_doc ON check_units(doc_id);

-- How each unit rendered each term (input of the corpus-wide term-inconsistent check).
CREATE TABLE check_term_usage (
    unit TEXT NOT NULL,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    term_id INTEGER NOT NULL,
    bucket TEXT NOT NULL,
    rkey TEXT NOT NULL,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    grounded INTEGER NOT NULL
);
CREATE INDEX check_term_usage_unit ON check_term_usage(unit);
CREATE INDEX check_term_usage_doc ON check_term_usage(doc_id);
CREATE INDEX check_term_usage_term ON check_term_usage(term_id);
CREATE INDEX check_term_usage_rkey ON check_term_usage(rkey);

-- Occurrences of terms that want a gloss at their first occurrence (input of gloss-first/repeat).
CREATE TABLE check_gloss_occ (
    unit TEXT NOT NULL,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    term_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    para_id TEXT NOT NULL,
    start_pos INTEGER NOT NULL,
    end_pos INTEGER NOT NULL,
    surface TEXT NOT NULL,
    glossed INTEGER NOT NULL
);
CREATE INDEX check_gloss_occ_unit ON check_gloss_occ(unit);
CREATE INDEX check_gloss_occ_doc ON check_gloss_occ(doc_id);

-- Small key/value state of the checks (e.g. what the corpus-wide check last aggregated).
CREATE TABLE check_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
