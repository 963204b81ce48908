-- PostgreSQL twin of ../004_document_sources.sql: every place an input was found.
CREATE TABLE document_sources (
    content_hash TEXT COLLATE "C" NOT NULL REFERENCES documents(content_hash) ON DELETE CASCADE,
    source       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (content_hash, source)
);
INSERT INTO document_sources (content_hash, source) SELECT content_hash, source FROM documents;
