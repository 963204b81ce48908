-- The workspace (propwatch serve): full-text search over articles, the indexes its filters
-- use, and the analysts' verdicts on technique spans.

-- Article title and text, indexed for search (kept in sync by the triggers below).
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');

CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;

CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

-- What search filters and sorts on, one narrow row per article (rowid = the article's
-- rowid): reading outlet or date from ``articles`` itself walks past the stored text.
CREATE TABLE article_facets (
    rowid     INTEGER PRIMARY KEY,
    id        TEXT NOT NULL,
    published TEXT,
    added_seq INTEGER NOT NULL,
    outlet    TEXT,
    language  TEXT
);
INSERT INTO article_facets (rowid, id, published, added_seq, outlet, language)
    SELECT rowid, id, published, added_seq, outlet, language FROM articles;
CREATE INDEX article_facets_newest ON article_facets(published, added_seq);
CREATE INDEX article_facets_outlet ON article_facets(outlet, published);
CREATE INDEX article_facets_id ON article_facets(id);

CREATE TRIGGER article_facets_ai AFTER INSERT ON articles BEGIN
    INSERT INTO article_facets (rowid, id, published, added_seq, outlet, language)
    VALUES (new.rowid, new.id, new.published, new.added_seq, new.outlet, new.language);
END;

CREATE TRIGGER article_facets_ad AFTER DELETE ON articles BEGIN
    DELETE FROM article_facets WHERE rowid = old.rowid;
END;

CREATE TRIGGER article_facets_au AFTER UPDATE ON articles BEGIN
    UPDATE article_facets SET id = new.id, published = new.published,
        added_seq = new.added_seq, outlet = new.outlet, language = new.language
    WHERE rowid = old.rowid;
END;

-- Filters: technique (which articles carry a label), matches by decision.
CREATE INDEX annotations_layer_label ON annotations(layer, label, article_id);
CREATE INDEX claim_matches_decision ON claim_matches(decision, verdict, article_id);

-- An analyst marked a technique span wrong (or right).  Keyed by the span itself, no
-- foreign key: like match verdicts, these outlive re-analysis and are training data.
CREATE TABLE technique_verdicts (
    article_id  TEXT NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    label       TEXT NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('wrong', 'right')),
    reviewed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (article_id, start, "end", label)
);
