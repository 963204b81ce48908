-- PostgreSQL twin of ../002_reuse.sql: republication fingerprints, indexes and pairs.
CREATE INDEX IF NOT EXISTS articles_added_seq ON articles(added_seq);

CREATE TABLE reuse_docs (
    doc        BIGINT PRIMARY KEY,
    article_id TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    words      INTEGER NOT NULL,
    shingles   INTEGER NOT NULL,
    samples    INTEGER NOT NULL,
    declared   TEXT COLLATE "C",
    signature  BYTEA NOT NULL
);

CREATE TABLE reuse_bands (
    key BIGINT NOT NULL,
    doc BIGINT NOT NULL,
    PRIMARY KEY (key, doc)
);

CREATE TABLE reuse_postings (
    key BIGINT NOT NULL,
    doc BIGINT NOT NULL,
    PRIMARY KEY (key, doc)
);

CREATE TABLE reuse_pairs (
    a        TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    b        TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    relation TEXT COLLATE "C" NOT NULL CHECK (relation IN ('duplicate', 'contained', 'rewrite')),
    jaccard  DOUBLE PRECISION NOT NULL,
    a_in_b   DOUBLE PRECISION NOT NULL,
    b_in_a   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX reuse_pairs_b ON reuse_pairs(b);
