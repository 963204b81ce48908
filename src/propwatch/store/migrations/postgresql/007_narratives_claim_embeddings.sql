-- PostgreSQL twin of ../007_narratives_claim_embeddings.sql.
CREATE TABLE claim_embeddings (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    aliases    TEXT COLLATE "C" NOT NULL,
    vector     BYTEA NOT NULL,
    PRIMARY KEY (article_id, start, "end")
);

CREATE TABLE narratives (
    id         BIGINT PRIMARY KEY,
    created_at TEXT COLLATE "C" NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
);

CREATE TABLE claim_clusters (
    id        BIGINT PRIMARY KEY,
    narrative BIGINT NOT NULL REFERENCES narratives(id) ON DELETE CASCADE,
    total     BYTEA NOT NULL
);
CREATE INDEX claim_clusters_narrative ON claim_clusters(narrative);

CREATE TABLE narrative_claims (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    cluster    BIGINT NOT NULL REFERENCES claim_clusters(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, start, "end")
);
CREATE INDEX narrative_claims_cluster ON narrative_claims(cluster);

CREATE TABLE narrative_meta (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
