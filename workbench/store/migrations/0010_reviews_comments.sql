-- The editor's desk: a review status per link and threaded comments on links.
--
-- link_reviews: the status an account set on a link (draft, edited, reviewed, approved), who and
-- when, and `paras`, the JSON object {paragraph id: revision} of the link's paragraphs at that
-- moment. The status shown is derived from it: when the link's paragraphs are no longer at those
-- revisions (an edit after the review, by any path: the desk, the Alignment page, a batch fix, an
-- undo) the link is `edited` again. `rev` is bumped by every change (a stale one is refused).
CREATE TABLE link_reviews (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    link_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'edited', 'reviewed', 'approved')),
    "user" TEXT NOT NULL,
    at TEXT NOT NULL,
    paras TEXT NOT NULL DEFAULT '{}',
    rev INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (doc_id, link_id)
);

-- comments: one row per comment; a reply names its thread's first comment in `parent_id` (threads
-- are one level deep, as in Word). `quote` is the text the comment refers to, found in the
-- paragraph `para_id` (`side` source or target) when it was written: the link a comment belongs to
-- is `link_id` while that link exists, else the link that now holds `para_id`. A thread is resolved
-- (`resolved_by`, `resolved_at`) or open; `rev` is bumped by every change.
CREATE TABLE comments (
    id TEXT PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    link_id TEXT NOT NULL,
    parent_id TEXT,
    "user" TEXT NOT NULL,
    at TEXT NOT NULL,
    text TEXT NOT NULL,
    quote TEXT,
    side TEXT,
    para_id TEXT,
    resolved_by TEXT,
    resolved_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX comments_doc_link ON comments(doc_id, link_id);

-- The desk reads the open findings of the rows on screen by link and by paragraph.
CREATE INDEX findings_doc_link ON findings(doc_id, link_id);
CREATE INDEX findings_doc_para ON findings(doc_id, para_id);
