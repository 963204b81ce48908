-- PostgreSQL only (each word's articles with what bm25 reads of them, which its GIN index
-- does not give back): SQLite's FTS5 keeps them in its own index.
SELECT 1;
