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

CREATE OR REPLACE VIEW article_facets AS
    SELECT rowid, id, published, added_seq, outlet, language, search, rank_terms, rank_length
    FROM articles;
