-- Known claims (debunks) to match article claims against, and the analysts' verdicts.

CREATE TABLE kb_claims (
    id          TEXT PRIMARY KEY,       -- stable key: the debunk's URL (citation link)
    dataset     TEXT NOT NULL,          -- importer: 'euvsdisinfo', 'claimreview'
    source      TEXT NOT NULL,          -- who debunked it: 'EUvsDisinfo', a fact checker
    text        TEXT NOT NULL,          -- the known claim, as the debunker states it
    date        TEXT,                   -- ISO date the claim was made (or reviewed)
    rating      TEXT,                   -- verdict of the debunk ('disinformation', 'False', ...)
    url         TEXT,                   -- link to the debunk
    group_key   TEXT NOT NULL,          -- normalised text: identical claims share a group
    search_text TEXT NOT NULL,          -- text with aliases canonicalised (indexed by kb_fts)
    meta        TEXT,                   -- JSON: countries, keywords, languages, outlets, ...
    embedding   BLOB,                   -- float16[384] of search_text, NULL until indexed
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX kb_claims_group ON kb_claims(group_key);
CREATE INDEX kb_claims_unembedded ON kb_claims(id) WHERE embedding IS NULL;

CREATE VIRTUAL TABLE kb_fts USING fts5(
    search_text, content='kb_claims', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER kb_claims_ai AFTER INSERT ON kb_claims BEGIN
    INSERT INTO kb_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
END;

CREATE TRIGGER kb_claims_ad AFTER DELETE ON kb_claims BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;

CREATE TRIGGER kb_claims_au AFTER UPDATE OF search_text ON kb_claims BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO kb_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
END;

-- Aliases the user adds on top of the shipped list (propwatch kb alias add ...).
CREATE TABLE kb_aliases (
    canonical TEXT NOT NULL,
    alias     TEXT NOT NULL,
    PRIMARY KEY (canonical, alias)
);

-- Small key/value facts about the knowledge base (e.g. the alias set the index was built with).
CREATE TABLE kb_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Candidate matches between an article's claim (article id + span) and a known claim.
-- No foreign keys on purpose: verdicts outlive re-analysis and KB re-imports.
CREATE TABLE claim_matches (
    id          INTEGER PRIMARY KEY,    -- MATCH_ID for `propwatch claims confirm|reject`
    article_id  TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    kb_id       TEXT NOT NULL,
    score       REAL NOT NULL,
    verdict     TEXT CHECK (verdict IN ('confirmed', 'rejected')),  -- NULL: not reviewed
    reviewed_at TEXT,
    matched_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (article_id, start, "end", kb_id)
);
CREATE INDEX claim_matches_article ON claim_matches(article_id, start, "end");

-- Claims already run through matching (so claims without any match are not redone).
CREATE TABLE claim_match_runs (
    article_id TEXT NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    matched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (article_id, start, "end")
);
