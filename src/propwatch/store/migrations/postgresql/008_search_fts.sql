-- PostgreSQL twin of ../008_search_fts.sql: article search (a generated tsvector of title,
-- weight A, and text, weight B, with a GIN index), the facets search filters on, the
-- filter indexes, and the analysts' verdicts on technique spans.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', COALESCE(title, '')), 'A')
    || setweight(to_tsvector('simple', text), 'B')) STORED;
CREATE INDEX articles_search ON articles USING GIN (search);

-- On PostgreSQL the facets are the articles table itself (long text is stored apart from
-- the row, so filtering on outlet or date does not read it).
CREATE VIEW article_facets AS
    SELECT rowid, id, published, added_seq, outlet, language, search FROM articles;
CREATE INDEX article_facets_newest ON articles(published, added_seq);
CREATE INDEX article_facets_outlet ON articles(outlet, published);

CREATE INDEX annotations_layer_label ON annotations(layer, label, article_id);
CREATE INDEX claim_matches_decision ON claim_matches(decision, verdict, article_id);

CREATE TABLE technique_verdicts (
    article_id  TEXT COLLATE "C" NOT NULL,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    label       TEXT COLLATE "C" NOT NULL,
    verdict     TEXT COLLATE "C" NOT NULL CHECK (verdict IN ('wrong', 'right')),
    reviewed_at TEXT COLLATE "C" NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
    PRIMARY KEY (article_id, start, "end", label)
);
