-- Republication detection reads articles in first-seen order (and so does saving one).
CREATE INDEX IF NOT EXISTS articles_added_seq ON articles(added_seq);

-- Republication detection (propwatch.reuse): fingerprints, candidate indexes, confirmed pairs.
-- One row per fingerprinted article; ``doc`` is a small integer used by the indexes.
CREATE TABLE reuse_docs (
    doc        INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,        -- propwatch.reuse.fingerprint.VERSION
    words      INTEGER NOT NULL,
    shingles   INTEGER NOT NULL,        -- distinct 5-word shingles
    samples    INTEGER NOT NULL,        -- sampled shingles (entries in reuse_postings)
    declared   TEXT,                    -- source the text itself declares ("Via X"), if any
    signature  BLOB NOT NULL            -- MinHash: NUM_PERM little-endian uint32
);

-- Banded LSH keys of the MinHash signatures (Jaccard path).
CREATE TABLE reuse_bands (
    key INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;

-- Inverted index of sampled shingle hashes (containment path).
CREATE TABLE reuse_postings (
    key INTEGER NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (key, doc)
) WITHOUT ROWID;

-- Confirmed relations.  For 'contained', a is (mostly) inside b; otherwise a is the earlier.
CREATE TABLE reuse_pairs (
    a        TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    b        TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    relation TEXT NOT NULL CHECK (relation IN ('duplicate', 'contained', 'rewrite')),
    jaccard  REAL NOT NULL,
    a_in_b   REAL NOT NULL,
    b_in_a   REAL NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE INDEX reuse_pairs_b ON reuse_pairs(b);
