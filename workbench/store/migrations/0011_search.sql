-- The concordance index and the reference translation memory.
-- search_units: one row per indexed unit, a paragraph ('p:' || paragraph id) or one side of a
-- reference memory unit ('m:' || file || ':' || pos || ':' || side); search_fts holds its keys
-- (workbench.search_text: Hebrew keys with prefix readings, Latin keys, English stems) under the
-- same rowid. Both are derived from paragraphs and tm_units: never copied (db copy leaves them
-- out and the index is rebuilt on first use), kept current by the store's paragraph writes.
-- search_meta records which version of the keys the index was built with ('built').
CREATE TABLE search_units (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    doc_id INTEGER,
    side TEXT NOT NULL,
    tm_file TEXT
);
CREATE INDEX search_units_doc ON search_units(doc_id);
CREATE INDEX search_units_tm ON search_units(tm_file);
CREATE VIRTUAL TABLE search_fts USING fts5(words, stems, tokenize = 'unicode61 remove_diacritics 0');
-- Hashes of every run of 8 normalised words of a source-side unit (the memory's exact repeats).
CREATE TABLE search_shingles (unit INTEGER NOT NULL, hash INTEGER NOT NULL);
CREATE INDEX search_shingles_hash ON search_shingles(hash);
CREATE INDEX search_shingles_unit ON search_shingles(unit);
CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Reference memory: translation units imported from TMX files, read-only, labelled by file.
CREATE TABLE tm_files (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL UNIQUE,
    filename TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    units INTEGER NOT NULL,
    imported TEXT NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE TABLE tm_units (
    file_id TEXT NOT NULL REFERENCES tm_files(id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (file_id, pos)
);
