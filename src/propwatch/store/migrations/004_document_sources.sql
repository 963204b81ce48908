-- Every place an input was found: the same bytes read from a second path are not stored
-- twice, but the second path is kept (exported as "also_at").
CREATE TABLE document_sources (
    content_hash TEXT NOT NULL REFERENCES documents(content_hash) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    PRIMARY KEY (content_hash, source)
);
INSERT INTO document_sources (content_hash, source) SELECT content_hash, source FROM documents;
