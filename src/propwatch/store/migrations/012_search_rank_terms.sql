-- PostgreSQL only (what its relevance ranking reads instead of each match's tsvector):
-- SQLite's FTS5 ranks from its own index.
SELECT 1;
