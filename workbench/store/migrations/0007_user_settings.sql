-- Each account's own preferences (which side the source text is shown on, ...): one row per
-- (user, key). Not project content: no revision and no history, and nobody but the user sets them.
CREATE TABLE user_settings (
    user TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated TEXT NOT NULL,
    PRIMARY KEY (user, key)
);
