-- PostgreSQL twin of ../006_document_decode.sql.
ALTER TABLE documents ADD COLUMN decode TEXT COLLATE "C";
