-- Narratives (propwatch.narratives): the sentence embeddings of article claims, stored so
-- adding articles embeds only the new ones, and the two levels of grouping with stable ids.

-- One vector per claim (a ``claims`` layer span): float16[384] of the alias-canonicalised
-- sentence.  ``aliases`` is the alias-set fingerprint the text was canonicalised with.
CREATE TABLE claim_embeddings (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    aliases    TEXT NOT NULL,
    vector     BLOB NOT NULL,
    PRIMARY KEY (article_id, start, "end")
);

-- Narratives: clusters of claim clusters.  Ids are never reused (see narrative_meta).
CREATE TABLE narratives (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Claim clusters: the same claim in other words.  ``total`` is the float32 sum of the unit
-- vectors of its claims (the centroid, before normalising).
CREATE TABLE claim_clusters (
    id        INTEGER PRIMARY KEY,
    narrative INTEGER NOT NULL REFERENCES narratives(id) ON DELETE CASCADE,
    total     BLOB NOT NULL
);
CREATE INDEX claim_clusters_narrative ON claim_clusters(narrative);

-- Which claim cluster each grouped claim belongs to.
CREATE TABLE narrative_claims (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    cluster    INTEGER NOT NULL REFERENCES claim_clusters(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, start, "end")
);
CREATE INDEX narrative_claims_cluster ON narrative_claims(cluster);

-- Settings the grouping was built with (thresholds, alias fingerprint) and the next free ids.
CREATE TABLE narrative_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
