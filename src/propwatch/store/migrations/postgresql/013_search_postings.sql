-- Each word's articles, newest last, with what bm25 reads of each: what SQLite's FTS5
-- keeps in its index and PostgreSQL's GIN index does not give back.  A search for one word
-- by relevance read the articles of every match (the GIN index gives the matches' places,
-- then each row is read for its rowid: 38,323 rows for "government" on the 100,000-article
-- bench corpus) and then each of the newest 10,000 again for its rank_terms and
-- rank_length (docs/benchmarks.md, task 13g); from these lists it reads a few dozen rows.
--
-- One row per chunk of a word's articles (about CHUNK = 256, ascending rowids; the chunks
-- of a word never overlap, and `first` is the chunk's smallest rowid):
--   entries  the articles' rowids
--   counts   the word's weighted count in each (4 × title + text, as rank_terms: 1 when
--            rank_terms does not list it)
--   lengths  each article's rank_length
-- A word is a lexeme of the search column.  `n` (the chunk's articles) summed over a
-- word's chunks is how many articles hold it (bm25's idf, a search's total).
CREATE TABLE search_postings (
    word    TEXT COLLATE "C" NOT NULL,
    first   BIGINT NOT NULL,
    n       INTEGER NOT NULL,
    entries BIGINT[] NOT NULL,
    counts  INTEGER[] NOT NULL,
    lengths INTEGER[] NOT NULL,
    PRIMARY KEY (word, first)
);

-- The whole table again from the articles (this migration; bench/copy_to_postgres.py,
-- which copies with triggers off).
CREATE FUNCTION propwatch_search_postings_rebuild() RETURNS void LANGUAGE sql AS $$
    TRUNCATE search_postings;
    INSERT INTO search_postings (word, first, n, entries, counts, lengths)
    SELECT word, min(rowid), count(*), array_agg(rowid ORDER BY rowid),
           array_agg(weighted ORDER BY rowid), array_agg(length ORDER BY rowid)
    FROM (
        SELECT l.word, a.rowid, COALESCE((a.rank_terms ->> l.word)::integer, 1) AS weighted,
               a.rank_length AS length,
               (row_number() OVER (PARTITION BY l.word ORDER BY a.rowid) - 1) / 256 AS chunk
        FROM articles a, unnest(tsvector_to_array(a.search)) AS l(word)
    ) AS e
    GROUP BY word, chunk;
$$;

-- The entries of these (stored) articles, each into the chunk whose range holds it; past
-- the last entry of a full chunk, or before a word's first chunk, into a new chunk.
CREATE FUNCTION propwatch_search_postings_add(added bigint[]) RETURNS void LANGUAGE sql AS $$
    WITH fresh AS (
        SELECT l.word, a.rowid, COALESCE((a.rank_terms ->> l.word)::integer, 1) AS weighted,
               a.rank_length AS length
        FROM articles a, unnest(tsvector_to_array(a.search)) AS l(word)
        WHERE a.rowid = ANY(added)
    ), placed AS (
        SELECT f.*, c.first AS chunk,
               c.first IS NOT NULL AND NOT (c.n >= 256 AND f.rowid > c.last) AS joins
        FROM fresh f LEFT JOIN LATERAL (
            SELECT p.first, p.n, p.entries[p.n] AS last FROM search_postings p
            WHERE p.word = f.word AND p.first <= f.rowid ORDER BY p.first DESC LIMIT 1
        ) AS c ON true
    )
    INSERT INTO search_postings AS p (word, first, n, entries, counts, lengths)
    SELECT word, CASE WHEN joins THEN chunk ELSE min(rowid) END, count(*),
           array_agg(rowid ORDER BY rowid), array_agg(weighted ORDER BY rowid),
           array_agg(length ORDER BY rowid)
    FROM placed GROUP BY word, chunk, joins
    ON CONFLICT (word, first) DO UPDATE SET
        n = p.n + excluded.n,
        entries = CASE WHEN p.entries[p.n] < excluded.entries[1]
                       THEN p.entries || excluded.entries
                       ELSE (SELECT array_agg(e ORDER BY e)
                             FROM unnest(p.entries || excluded.entries) AS u(e)) END,
        counts = CASE WHEN p.entries[p.n] < excluded.entries[1]
                      THEN p.counts || excluded.counts
                      ELSE (SELECT array_agg(c ORDER BY e) FROM unnest(
                            p.entries || excluded.entries, p.counts || excluded.counts) AS u(e, c)) END,
        lengths = CASE WHEN p.entries[p.n] < excluded.entries[1]
                       THEN p.lengths || excluded.lengths
                       ELSE (SELECT array_agg(l ORDER BY e) FROM unnest(
                             p.entries || excluded.entries, p.lengths || excluded.lengths) AS u(e, l)) END;
$$;

-- Take out the entries (word, rowid) of articles deleted or changed.
CREATE FUNCTION propwatch_search_postings_remove(words text[], rowids bigint[])
RETURNS void LANGUAGE sql AS $$
    WITH gone AS (
        SELECT w AS word, array_agg(r) AS rowids FROM unnest(words, rowids) AS g(w, r) GROUP BY w
    )
    UPDATE search_postings AS p SET (n, entries, counts, lengths) = (
        SELECT count(*), COALESCE(array_agg(e ORDER BY e), '{}'),
               COALESCE(array_agg(c ORDER BY e), '{}'), COALESCE(array_agg(l ORDER BY e), '{}')
        FROM unnest(p.entries, p.counts, p.lengths) AS u(e, c, l) WHERE e <> ALL(gone.rowids))
    FROM gone WHERE p.word = gone.word AND p.entries && gone.rowids;
    DELETE FROM search_postings WHERE word = ANY(words) AND n = 0;
$$;

CREATE FUNCTION propwatch_search_postings_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM propwatch_search_postings_add(ARRAY(SELECT rowid FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM propwatch_search_postings_remove(array_agg(l.word), array_agg(o.rowid))
        FROM old_rows o, unnest(tsvector_to_array(o.search)) AS l(word);
    ELSIF TG_OP = 'UPDATE' THEN  -- rows whose words or counts changed: out, then in again
        PERFORM propwatch_search_postings_remove(array_agg(l.word), array_agg(o.rowid))
        FROM old_rows o JOIN new_rows c USING (rowid), unnest(tsvector_to_array(o.search)) AS l(word)
        WHERE (o.search, o.rank_terms, o.rank_length) IS DISTINCT FROM
              (c.search, c.rank_terms, c.rank_length);
        PERFORM propwatch_search_postings_add(ARRAY(
            SELECT c.rowid FROM old_rows o JOIN new_rows c USING (rowid)
            WHERE (o.search, o.rank_terms, o.rank_length) IS DISTINCT FROM
                  (c.search, c.rank_terms, c.rank_length)));
    ELSE
        TRUNCATE search_postings;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER search_postings_ai AFTER INSERT ON articles REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION propwatch_search_postings_follow();
CREATE TRIGGER search_postings_ad AFTER DELETE ON articles REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION propwatch_search_postings_follow();
CREATE TRIGGER search_postings_au AFTER UPDATE ON articles
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION propwatch_search_postings_follow();
CREATE TRIGGER search_postings_at AFTER TRUNCATE ON articles
    FOR EACH STATEMENT EXECUTE FUNCTION propwatch_search_postings_follow();

SELECT propwatch_search_postings_rebuild();

-- The newest `cap` articles holding `word` (a lexeme), newest first, with what bm25 reads:
-- only the chunks that hold them are read (a window over each chunk's `n`).
CREATE FUNCTION propwatch_newest(word text, cap integer)
RETURNS TABLE (rowid bigint, weighted integer, length integer) LANGUAGE sql STABLE AS $$
    SELECT u.rowid, u.weighted, u.length
    FROM (SELECT c.first, sum(c.n) OVER (ORDER BY c.first DESC) - c.n AS newer
          FROM search_postings c WHERE c.word = $1) AS k
    JOIN search_postings p ON p.word = $1 AND p.first = k.first,
         unnest(p.entries, p.counts, p.lengths) AS u(rowid, weighted, length)
    WHERE k.newer < cap
    ORDER BY u.rowid DESC LIMIT cap
$$;
