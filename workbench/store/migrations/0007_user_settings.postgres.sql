-- PostgreSQL form of 0007_user_settings.sql (same version): identity ids, DOUBLE PRECISION scores, text
-- compared byte-wise (COLLATE "C", as SQLite does), the reserved column "user" quoted.
-- Each account's own preferences (which side the source text is shown on, ...): one row per
-- (user, key). Not project content: no revision and no history, and nobody but the user sets them.
CREATE TABLE user_settings (
    "user" TEXT COLLATE "C" NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    value TEXT COLLATE "C" NOT NULL,
    updated TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY ("user", key)
);
