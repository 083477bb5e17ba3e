-- Per-term variant policy (allowed / deprecated / forbidden), the source contexts in which the
-- source word is not the term (JSON array of phrases and re: regular expressions), and whether the
-- source word is ambiguous (often an ordinary word). Portable: plain ADD COLUMN on both backends.
ALTER TABLE terms ADD COLUMN variant_policy TEXT NOT NULL DEFAULT 'allowed';
ALTER TABLE terms ADD COLUMN not_term TEXT NOT NULL DEFAULT '[]';
ALTER TABLE terms ADD COLUMN ambiguous INTEGER NOT NULL DEFAULT 0;
