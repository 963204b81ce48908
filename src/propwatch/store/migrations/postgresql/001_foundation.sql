-- PostgreSQL twin of ../001_foundation.sql: raw inputs, clean articles and their layers.
-- Text columns use the "C" collation so that sorting and comparing match SQLite's.
CREATE TABLE documents (
    content_hash TEXT COLLATE "C" PRIMARY KEY,
    source       TEXT COLLATE "C" NOT NULL,
    content_type TEXT COLLATE "C" NOT NULL,
    status       TEXT COLLATE "C" NOT NULL CHECK (status IN ('analysed', 'rejected')),
    kind         TEXT COLLATE "C",
    reason       TEXT COLLATE "C",
    added_at     TEXT COLLATE "C" NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
);

-- rowid: what SQLite calls the row's integer key (search and facets use it).
CREATE TABLE articles (
    id              TEXT COLLATE "C" PRIMARY KEY,
    rowid           BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    document_hash   TEXT COLLATE "C" NOT NULL REFERENCES documents(content_hash) ON DELETE CASCADE,
    part            INTEGER NOT NULL,
    source          TEXT COLLATE "C" NOT NULL,
    text            TEXT COLLATE "C" NOT NULL,
    offsets         TEXT COLLATE "C" NOT NULL,
    title           TEXT COLLATE "C",
    author          TEXT COLLATE "C",
    published       TEXT COLLATE "C",
    outlet          TEXT COLLATE "C",
    url             TEXT COLLATE "C",
    declared_source TEXT COLLATE "C",
    canonical_url   TEXT COLLATE "C",
    language        TEXT COLLATE "C",
    added_seq       BIGINT NOT NULL,
    UNIQUE (document_hash, part)
);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE annotations (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    layer      TEXT COLLATE "C" NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    label      TEXT COLLATE "C" NOT NULL,
    score      DOUBLE PRECISION,
    data       TEXT COLLATE "C"
);
CREATE INDEX annotations_article_layer ON annotations(article_id, layer);

CREATE TABLE skips (
    "where"  TEXT COLLATE "C" NOT NULL,
    kind     TEXT COLLATE "C" NOT NULL,
    reason   TEXT COLLATE "C" NOT NULL,
    seen_at  TEXT COLLATE "C" NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
    PRIMARY KEY ("where", kind)
);
