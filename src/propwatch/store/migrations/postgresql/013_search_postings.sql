-- Each word's articles, newest last, with what bm25 reads of each: what SQLite's FTS5
-- keeps in its index and PostgreSQL's GIN index does not give back.  A search for one word
-- by relevance read the articles of every match (the GIN index gives the matches' places,
-- then each row is read for its rowid: 38,323 rows for "government" on the 100,000-article
-- bench corpus) and then each of the newest 10,000 again for its rank_terms and
-- rank_length (docs/benchmarks.md, task 13g); from these lists it reads a few dozen rows.
--
-- search_postings: one row per chunk of a word's articles (up to about 64, ascending
-- rowids, so that a row stays under 2 kB: uncompressed, in the table itself); the chunks of
-- a word never overlap, and `first` is at most the chunk's smallest rowid:
--   entries  the articles' rowids
--   counts   the word's weighted count in each (4 × title + text, as rank_terms: 1 when
--            rank_terms does not list it)
--   lengths  each article's rank_length
-- A word is a lexeme of the search column.
--
-- search_pending: the same, one row per word of each article stored since the last merge.
-- Rewriting each word's last chunk for every article stored cost 20-60 ms an article;
-- the triggers below add a stored article's words here (plain inserts) and, once
-- PENDING_ARTICLES (500) articles wait, merge them all into the chunks: each chunk is then
-- rewritten once for many articles.  A search reads both.
CREATE TABLE search_postings (
    word    TEXT COLLATE "C" NOT NULL,
    first   BIGINT NOT NULL,
    n       INTEGER NOT NULL,
    entries BIGINT[] NOT NULL,
    counts  INTEGER[] NOT NULL,
    lengths INTEGER[] NOT NULL,
    PRIMARY KEY (word, first)
);

CREATE TABLE search_pending (
    word     TEXT COLLATE "C" NOT NULL,
    rowid    BIGINT NOT NULL,
    weighted INTEGER NOT NULL,
    length   INTEGER NOT NULL,
    PRIMARY KEY (word, rowid)
);

CREATE TABLE search_pending_articles (articles INTEGER NOT NULL);  -- one row
INSERT INTO search_pending_articles VALUES (0);

-- An article's words with their weighted counts (rank_terms is read once, not once a
-- word: it is compressed in the row)
CREATE FUNCTION propwatch_weighted_words(search tsvector, rank_terms jsonb)
RETURNS TABLE (word text, weighted integer) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT l.word, COALESCE(t.f::integer, 1)
    FROM unnest(tsvector_to_array(search)) AS l(word)
    LEFT JOIN jsonb_each_text(rank_terms) AS t(word, f) ON t.word = l.word
$$;

-- How many articles hold `word` (bm25's idf; a one-word search's total).
CREATE FUNCTION propwatch_word_articles(word text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT (SELECT COALESCE(sum(c.n), 0) FROM search_postings c WHERE c.word = $1)
         + (SELECT count(*) FROM search_pending p WHERE p.word = $1)
$$;

-- The newest `cap` articles holding `word` (a lexeme), newest first, with what bm25 reads:
-- the waiting ones and, of the chunks, only those that hold the newest (a window over
-- each chunk's `n`).
CREATE FUNCTION propwatch_newest(word text, cap integer)
RETURNS TABLE (rowid bigint, weighted integer, length integer) LANGUAGE sql STABLE AS $$
    SELECT listed.rowid, listed.weighted, listed.length FROM (
        SELECT p.rowid, p.weighted, p.length FROM search_pending p WHERE p.word = $1
        UNION ALL
        SELECT u.rowid, u.weighted, u.length
        FROM (SELECT c.first, sum(c.n) OVER (ORDER BY c.first DESC) - c.n AS newer
              FROM search_postings c WHERE c.word = $1) AS k
        JOIN search_postings c ON c.word = $1 AND c.first = k.first,
             unnest(c.entries, c.counts, c.lengths) AS u(rowid, weighted, length)
        WHERE k.newer < $2
    ) AS listed ORDER BY listed.rowid DESC LIMIT $2
$$;

-- Every waiting entry into the chunk whose range holds it, or after a chunk's last entry
-- while it has fewer than 64; the others into new chunks of 64 (before a word's first
-- chunk, after a full one).
CREATE FUNCTION propwatch_search_postings_merge() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    WITH placed AS (
        SELECT f.*, c.first AS chunk, c.n AS had, c.last, row_number() OVER (
            PARTITION BY f.word, c.first, f.rowid > c.last ORDER BY f.rowid) AS k
        FROM search_pending f LEFT JOIN LATERAL (
            SELECT p.first, p.n, p.entries[p.n] AS last FROM search_postings p
            WHERE p.word = f.word AND p.first <= f.rowid ORDER BY p.first DESC LIMIT 1
        ) AS c ON true
    ), parted AS (
        SELECT *, CASE WHEN chunk IS NULL THEN (k - 1) / 64
                       WHEN rowid < last OR had + k <= 64 THEN -1  -- into the chunk
                       ELSE (had + k - 65) / 64 END AS part
        FROM placed
    )
    INSERT INTO search_postings AS p (word, first, n, entries, counts, lengths)
    SELECT word, CASE WHEN part = -1 THEN chunk ELSE min(rowid) END, count(*),
           array_agg(rowid ORDER BY rowid), array_agg(weighted ORDER BY rowid),
           array_agg(length ORDER BY rowid)
    FROM parted GROUP BY word, chunk, part
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
    DELETE FROM search_pending;  -- not TRUNCATE: searches running meanwhile would wait
    UPDATE search_pending_articles SET articles = 0;
END $$;

-- The whole of both tables again from the articles (this migration;
-- bench/copy_to_postgres.py, which copies with triggers off).
CREATE FUNCTION propwatch_search_postings_rebuild() RETURNS void LANGUAGE sql AS $$
    TRUNCATE search_postings, search_pending;
    UPDATE search_pending_articles SET articles = 0;
    INSERT INTO search_postings (word, first, n, entries, counts, lengths)
    SELECT word, min(rowid), count(*), array_agg(rowid ORDER BY rowid),
           array_agg(weighted ORDER BY rowid), array_agg(length ORDER BY rowid)
    FROM (
        SELECT w.word, a.rowid, w.weighted, a.rank_length AS length,
               (row_number() OVER (PARTITION BY w.word ORDER BY a.rowid) - 1) / 64 AS chunk
        FROM articles a, propwatch_weighted_words(a.search, a.rank_terms) AS w
    ) AS e
    GROUP BY word, chunk;
$$;

-- Take out the entries (word, rowid) of articles deleted or changed.
CREATE FUNCTION propwatch_search_postings_remove(words text[], rowids bigint[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_pending p USING unnest(words, rowids) AS g(w, r)
    WHERE p.word = g.w AND p.rowid = g.r;
    WITH gone AS (
        SELECT w AS word, array_agg(r) AS rowids FROM unnest(words, rowids) AS g(w, r) GROUP BY w
    )
    UPDATE search_postings AS p SET (n, entries, counts, lengths) = (
        SELECT count(*), COALESCE(array_agg(e ORDER BY e), '{}'),
               COALESCE(array_agg(c ORDER BY e), '{}'), COALESCE(array_agg(l ORDER BY e), '{}')
        FROM unnest(p.entries, p.counts, p.lengths) AS u(e, c, l) WHERE e <> ALL(gone.rowids))
    FROM gone WHERE p.word = gone.word AND p.entries && gone.rowids;
    DELETE FROM search_postings WHERE word = ANY(words) AND n = 0;
END $$;

-- Stored articles' words wait in search_pending; merged once PENDING_ARTICLES wait.
CREATE FUNCTION propwatch_search_postings_wait(added bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    waiting integer;
BEGIN
    INSERT INTO search_pending (word, rowid, weighted, length)
    SELECT w.word, a.rowid, w.weighted, a.rank_length
    FROM articles a, propwatch_weighted_words(a.search, a.rank_terms) AS w
    WHERE a.rowid = ANY(added);
    UPDATE search_pending_articles SET articles = articles + cardinality(added)
    RETURNING articles INTO waiting;
    IF waiting >= 500 THEN  -- PENDING_ARTICLES
        PERFORM propwatch_search_postings_merge();
    END IF;
END $$;

CREATE FUNCTION propwatch_search_postings_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM propwatch_search_postings_wait(ARRAY(SELECT rowid FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM propwatch_search_postings_remove(array_agg(l.word), array_agg(o.rowid))
        FROM old_rows o, unnest(tsvector_to_array(o.search)) AS l(word);
    ELSIF TG_OP = 'UPDATE' THEN  -- rows whose words or counts changed: out, then in again
        PERFORM propwatch_search_postings_remove(array_agg(l.word), array_agg(o.rowid))
        FROM old_rows o JOIN new_rows c USING (rowid), unnest(tsvector_to_array(o.search)) AS l(word)
        WHERE (o.search, o.rank_terms, o.rank_length) IS DISTINCT FROM
              (c.search, c.rank_terms, c.rank_length);
        PERFORM propwatch_search_postings_wait(ARRAY(
            SELECT c.rowid FROM old_rows o JOIN new_rows c USING (rowid)
            WHERE (o.search, o.rank_terms, o.rank_length) IS DISTINCT FROM
                  (c.search, c.rank_terms, c.rank_length)));
    ELSE
        TRUNCATE search_postings, search_pending;
        UPDATE search_pending_articles SET articles = 0;
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
-- without statistics the planner scanned the whole table for a word (0.4 s, not 1 ms)
ANALYZE search_postings, search_pending;
