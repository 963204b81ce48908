-- What a search by relevance reads to rank the matches as SQLite's FTS5 does (bm25 with
-- the title counted 4 times: workspace.TITLE_WEIGHT), without reading each match's whole
-- tsvector (stored apart from the row, in TOAST: 10,000 of them cost half a second on the
-- 100,000-article bench corpus; docs/benchmarks.md, task 13f).  Per article:
--   rank_terms  {word: 4 * occurrences in the title + occurrences in the text} for every
--               word counted twice or more; a matching word not in it was counted once
--               (a few hundred bytes: kept in the row)
--   rank_length how many words the title and the text hold (bm25's document length)
-- A word is what to_tsvector('simple', ...) makes of it, as in the search column.
CREATE FUNCTION propwatch_rank_terms(title text, body text) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(jsonb_object_agg(lexeme, f), '{}'::jsonb) FROM (
        SELECT COALESCE(b.lexeme, t.lexeme) AS lexeme,
               4 * COALESCE(cardinality(t.positions), 0)
                 + COALESCE(cardinality(b.positions), 0) AS f
        FROM unnest(to_tsvector('simple', body)) b
        FULL JOIN unnest(to_tsvector('simple', COALESCE(title, ''))) t
            ON t.lexeme = b.lexeme
    ) AS counted WHERE f >= 2
$$;

CREATE FUNCTION propwatch_rank_length(title text, body text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (SELECT COALESCE(sum(cardinality(positions)), 0)
            FROM unnest(to_tsvector('simple', COALESCE(title, ''))))::integer
         + (SELECT COALESCE(sum(cardinality(positions)), 0)
            FROM unnest(to_tsvector('simple', body)))::integer
$$;

ALTER TABLE articles
    ADD COLUMN rank_terms jsonb GENERATED ALWAYS AS (propwatch_rank_terms(title, text)) STORED,
    ADD COLUMN rank_length integer GENERATED ALWAYS AS (propwatch_rank_length(title, text)) STORED;

-- bm25 divides by the average length: read from this index alone (10 ms, not a 300 ms scan)
CREATE INDEX articles_rank_length ON articles(rank_length);

CREATE OR REPLACE VIEW article_facets AS
    SELECT rowid, id, published, added_seq, outlet, language, search, rank_terms, rank_length
    FROM articles;

-- The articles matching a word search, found through the GIN index alone: the planner
-- does not know that testing a match reads the article's whole tsvector (from TOAST), and
-- for a common word it walked the articles newest first testing each one (1.2 s for
-- "government" on the bench corpus) or tested every article (3-6 s for "the"); the
-- index lists the matches without reading any tsvector (85 ms for "government").
CREATE FUNCTION propwatch_matching(query tsquery) RETURNS SETOF bigint
LANGUAGE sql STABLE ROWS 10000 SET enable_seqscan = off SET enable_indexscan = off AS $$
    SELECT rowid FROM articles WHERE search @@ query
$$;
