-- PostgreSQL twin of ../009_narrative_articles_moves.sql.
CREATE TABLE narrative_articles (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    narrative  BIGINT NOT NULL,
    terms      BYTEA NOT NULL,
    vector     BYTEA NOT NULL
);
CREATE INDEX narrative_articles_narrative ON narrative_articles(narrative);

CREATE TABLE narrative_moves (
    id       BIGINT NOT NULL,
    into_id  BIGINT NOT NULL,
    kind     TEXT COLLATE "C" NOT NULL CHECK (kind IN ('merged', 'rebuilt')),
    articles INTEGER NOT NULL,
    at       TEXT COLLATE "C" NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
    PRIMARY KEY (id, into_id, kind)
);
