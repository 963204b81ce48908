"""The store side of the workspace: the search index follows the articles table, and the
words a user types never become FTS5 syntax."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from propwatch.model import Article, RawDocument, article_id
from propwatch.store import open_store
from propwatch.store.sqlite import fts5_query
from propwatch.store.workspace import Filters, search, search_terms


def add(store_path: Path, text: str, title: str) -> str:
    doc = RawDocument(f"{title}.txt", text, "text")
    article = Article(id=article_id(doc.content_hash, 1), source=doc.source, part=1,
                      text=text, title=title, published="2024-03-05")
    with open_store(store_path) as store:
        store.save_articles(doc, [article])
    return article.id


def test_new_articles_are_searchable_at_once(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    first = add(db, "The harbour bridge reopened after repairs.", "Bridge")
    add(db, "Farmers protested against the new tax.", "Tax")
    with open_store(db) as store:
        total, hits = search(store.conn, Filters(q="harbour"), 10, 0)
        assert total == 1 and hits[0].id == first
        assert [text for text, hit in hits[0].snippet if hit] == ["harbour"]
        assert search(store.conn, Filters(q="Bridge"), 10, 0)[0] == 1  # the title counts


def test_articles_stored_before_the_index_existed_are_indexed_by_the_migration(
        tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    old = add(db, "An old article about the harbour.", "Old")
    conn = sqlite3.connect(db)
    for statement in ("DROP TABLE articles_fts", "DROP TRIGGER articles_fts_ai",
                      "DROP TRIGGER articles_fts_ad", "DROP TRIGGER articles_fts_au",
                      "DROP INDEX annotations_layer_label", "DROP TABLE article_facets",
                      "DROP TRIGGER article_facets_ai", "DROP TRIGGER article_facets_ad",
                      "DROP TRIGGER article_facets_au",
                      "DROP INDEX claim_matches_decision", "DROP TABLE technique_verdicts",
                      "DELETE FROM schema_migrations WHERE name = '008_search_fts'"):
        conn.execute(statement)
    conn.commit()
    conn.close()
    with open_store(db) as store:  # migrates again
        assert [h.id for h in search(store.conn, Filters(q="harbour"), 10, 0)[1]] == [old]


def fts_query(q: str) -> str:
    return fts5_query(search_terms(q))


def test_typed_words_never_become_query_syntax() -> None:
    assert fts_query("nato OR russia") == '"nato" "OR" "russia"'
    assert fts_query('"exact phrase" word*') == '"exact phrase" "word"*'
    assert fts_query('say "hi') == '"say" "hi"'
    assert fts_query('NEAR(a b) col:x ""') == '"NEAR(a" "b)" "col:x"'
