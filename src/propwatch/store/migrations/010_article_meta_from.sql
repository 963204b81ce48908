-- Where each article's title, author, published date and outlet came from, as JSON:
-- {"title": "title line", "outlet": "footer", ...} ("input" for what a JSONL record gave).
ALTER TABLE articles ADD COLUMN meta_from TEXT;
