-- PostgreSQL twin of ../010_article_meta_from.sql.
ALTER TABLE articles ADD COLUMN meta_from TEXT COLLATE "C";
