-- Narratives group articles (propwatch.narratives): each grouped article's narrative and
-- the features it was grouped by, and what became of narratives that were merged or
-- re-clustered, so an old id never silently points at something else.

-- One row per grouped article.  ``terms``: its claim sentences' hashed word counts
-- (int32 feature indices then float32 counts, same length); ``vector``: the float32 unit
-- mean of its claim embeddings.
CREATE TABLE narrative_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    narrative  INTEGER NOT NULL,
    terms      BLOB NOT NULL,
    vector     BLOB NOT NULL
);
CREATE INDEX narrative_articles_narrative ON narrative_articles(narrative);

-- A narrative that no longer exists and where its articles went: ``merged`` (it joined
-- ``into_id``) or ``rebuilt`` (after --rebuild, ``articles`` of its articles are in
-- ``into_id``; one row per new narrative).
CREATE TABLE narrative_moves (
    id       INTEGER NOT NULL,
    into_id  INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('merged', 'rebuilt')),
    articles INTEGER NOT NULL,
    at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (id, into_id, kind)
);
