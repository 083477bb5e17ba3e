-- PostgreSQL form of 0008_decisions.sql (same version): text compared byte-wise (COLLATE "C", as
-- SQLite does), the reserved column "user" quoted.
-- Decisions: an editor's tag on a whole group of findings, one (check, document, term, offending
-- form); the group id is computed from those (workbench.findings_types.group_id), never stored on
-- the findings. `since` is the last history row when the decision was tagged: an occurrence found
-- later whose paragraphs have no history row after it comes in under the decision (accepted), one
-- in text changed since comes in open. `rev` is bumped by every tag (a stale tag is refused).
-- doc_id is NULL for corpus-wide groups.
CREATE TABLE decisions (
    id TEXT COLLATE "C" PRIMARY KEY,
    doc_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,
    check_id TEXT COLLATE "C" NOT NULL,
    term_id INTEGER,
    form TEXT COLLATE "C" NOT NULL DEFAULT '',
    status TEXT COLLATE "C" NOT NULL CHECK (status IN ('open', 'accepted', 'fixed')),
    comment TEXT COLLATE "C",
    "user" TEXT COLLATE "C" NOT NULL,
    at TEXT COLLATE "C" NOT NULL,
    since INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX decisions_doc ON decisions(doc_id);

-- Batch fixes ("replace X with Y" in the chosen occurrences of a decision), kept so that one can
-- be undone as one operation: `payload` holds every paragraph as it was before and the revision
-- the fix left it at (an undo runs only while all of them are still at that revision).
-- `undone` is set when it was undone (by whom and when is in the history).
CREATE TABLE fixes (
    id TEXT COLLATE "C" PRIMARY KEY,
    group_id TEXT COLLATE "C" NOT NULL,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    "user" TEXT COLLATE "C" NOT NULL,
    at TEXT COLLATE "C" NOT NULL,
    find TEXT COLLATE "C" NOT NULL,
    replace_with TEXT COLLATE "C" NOT NULL,
    payload TEXT COLLATE "C" NOT NULL,
    undone TEXT COLLATE "C"
);
CREATE INDEX fixes_doc_user ON fixes(doc_id, "user", at);
