-- "Latest change of this kind in this document" (the alignment editor asks it on every run to know
-- whether its cached paragraphs are stale) is a backward scan over all of the document's history
-- with history_doc alone; with this index it is one seek, however long the history grows.
CREATE INDEX history_doc_entity ON history(doc_id, entity, id);
