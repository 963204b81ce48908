-- The review queue (matches awaiting a verdict, `match` results first, then `related`,
-- most probable first) as an index of its own: a page of it is a walk of the index, not
-- a sort of every pending match (on PostgreSQL 0.6 -> 0.13 ms on 962 pending matches;
-- the web app reads a page twice, for its matches and their groups, docs/benchmarks.md
-- task 13k).  The expression is the queue's ORDER BY (store/workspace.py QUEUE_ORDER).
CREATE INDEX IF NOT EXISTS claim_matches_queue
    ON claim_matches ((decision IS DISTINCT FROM 'match'), score DESC, id)
    WHERE verdict IS NULL;
