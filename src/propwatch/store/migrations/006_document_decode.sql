-- How each input's bytes became text ("utf-8", "windows-1252 (not UTF-8, ...)", ...).
ALTER TABLE documents ADD COLUMN decode TEXT;
