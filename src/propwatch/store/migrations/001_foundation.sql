-- Raw inputs, clean articles and their annotation layers.
CREATE TABLE documents (
    content_hash TEXT PRIMARY KEY,      -- sha256 of the decoded input text
    source       TEXT NOT NULL,         -- path, URL or "-"; "path:line" for JSONL records
    content_type TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('analysed', 'rejected')),
    kind         TEXT,                  -- for rejected pages: captcha, stub, ...
    reason       TEXT,
    added_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE articles (
    id              TEXT PRIMARY KEY,
    document_hash   TEXT NOT NULL REFERENCES documents(content_hash) ON DELETE CASCADE,
    part            INTEGER NOT NULL,
    source          TEXT NOT NULL,
    text            TEXT NOT NULL,
    offsets         TEXT NOT NULL,      -- JSON [[clean, raw, length], ...]
    title           TEXT,
    author          TEXT,
    published       TEXT,
    outlet          TEXT,
    url             TEXT,
    declared_source TEXT,
    canonical_url   TEXT,
    language        TEXT,
    added_seq       INTEGER NOT NULL,   -- order first seen (provenance falls back on it)
    UNIQUE (document_hash, part)
);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE annotations (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    layer      TEXT NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    label      TEXT NOT NULL,
    score      REAL,
    data       TEXT                     -- JSON object or NULL
);
CREATE INDEX annotations_article_layer ON annotations(article_id, layer);

-- Inputs that could not be read at all (broken files, bad JSONL lines, too large, ...).
CREATE TABLE skips (
    "where"  TEXT NOT NULL,             -- "path" or "path:line"
    kind     TEXT NOT NULL,
    reason   TEXT NOT NULL,
    seen_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY ("where", kind)
);
