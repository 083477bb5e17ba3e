-- Paragraph embeddings for the aligner's optional embedding signal, kept between runs so that
-- re-aligning a document embeds only texts not seen before. Derived data: keyed by the model's name
-- and the SHA-256 of the text as embedded (no paragraph text is stored), no revision, no history;
-- `vector` is the model's float32 row (little-endian), `used` a clock that orders rows for
-- evicting the least recently used beyond the cache's size (see workbench/store/embeddings.py).
CREATE TABLE embedding_cache (
    model TEXT NOT NULL,
    text_key TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (model, text_key)
);
CREATE INDEX embedding_cache_used ON embedding_cache(used);
