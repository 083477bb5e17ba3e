-- Team server: accounts with roles, sign-in sessions, failed sign-ins (rate limit), who has a
-- document open, and revisions on document metadata and on finding tags.
CREATE TABLE accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'terminologist', 'reviewer', 'admin')),
    password_hash TEXT,
    email TEXT,
    subject TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL,
    last_login TEXT
);
CREATE UNIQUE INDEX accounts_email ON accounts(email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX accounts_subject ON accounts(subject) WHERE subject IS NOT NULL;

-- A signed-in browser: only a hash of its token is kept, so a copy of the database signs nobody in.
CREATE TABLE auth_sessions (
    token_hash TEXT PRIMARY KEY,
    account TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    address TEXT
);
CREATE INDEX auth_sessions_account ON auth_sessions(account);

-- Failed sign-ins, per key ('account:NAME' and 'address:IP'), for the back-off.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

-- Who has a document open (a page refreshes its row on every run).
CREATE TABLE presence (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    user TEXT NOT NULL,
    seen TEXT NOT NULL,
    PRIMARY KEY (doc_id, user)
);

-- Small project-wide settings (e.g. the key that signs session cookies).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

ALTER TABLE documents ADD COLUMN meta_rev INTEGER NOT NULL DEFAULT 1;
ALTER TABLE findings ADD COLUMN rev INTEGER NOT NULL DEFAULT 1;
CREATE INDEX history_user ON history(user, id);
