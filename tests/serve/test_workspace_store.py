"""The store side of the workspace: the search index follows the articles table, and the
words a user types never become FTS5 syntax."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from propwatch.model import Article, RawDocument, article_id
from propwatch.store import open_store, workspace
from propwatch.store.sqlite import fts5_query
from propwatch.store.workspace import Filters, search, search_terms


def add(store_path: Path, text: str, title: str) -> str:
    return add_to(str(store_path), text, title)


def add_to(db: str, text: str, title: str) -> str:
    doc = RawDocument(f"{title}.txt", text, "text")
    article = Article(id=article_id(doc.content_hash, 1), source=doc.source, part=1,
                      text=text, title=title, published="2024-03-05")
    with open_store(db) as store:
        store.save_articles(doc, [article])
    return article.id


def test_new_articles_are_searchable_at_once(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    first = add(db, "The harbour bridge reopened after repairs.", "Bridge")
    add(db, "Farmers protested against the new tax.", "Tax")
    with open_store(db) as store:
        found = search(store.conn, Filters(q="harbour"), 10, 0)
        assert found.total == 1 and found.exact and found.hits[0].id == first
        assert [text for text, hit in found.hits[0].snippet if hit] == ["harbour"]
        assert search(store.conn, Filters(q="Bridge"), 10, 0).total == 1  # the title counts


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
        assert [h.id for h in search(store.conn, Filters(q="harbour"), 10, 0).hits] == [old]


def fts_query(q: str) -> str:
    return fts5_query(search_terms(q))


def test_typed_words_never_become_query_syntax() -> None:
    assert fts_query("nato OR russia") == '"nato" "OR" "russia"'
    assert fts_query('"exact phrase" word*') == '"exact phrase" "word"*'
    assert fts_query('say "hi') == '"say" "hi"'
    assert fts_query('NEAR(a b) col:x ""') == '"NEAR(a" "b)" "col:x"'


def test_past_the_cap_a_count_says_more_and_relevance_ranks_the_newest_matches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "p.db"
    monkeypatch.setattr(workspace, "CAP", 3)
    ids = [add(db, f"Story {i}: the harbour" + " harbour" * (5 - i) + ".", f"Story {i}")
           for i in range(5)]  # the first has the word most often: the best match
    with open_store(db) as store:
        found = search(store.conn, Filters(q="harbour"), 10, 0)
        assert found.total == 3 and not found.exact
        assert [h.id for h in found.hits] == [ids[2], ids[3], ids[4]]  # the 3 added last
        assert search(store.conn, Filters(q="story 0"), 10, 0).hits[0].id == ids[0]
        by_date = search(store.conn, Filters(q="harbour", sort="date"), 2, 0)
        assert [h.id for h in by_date.hits] == [ids[4], ids[3]]  # one date: added last first
        assert not by_date.exact
        everything = search(store.conn, Filters(), 10, 0)
        assert (everything.total, everything.exact, len(everything.hits)) == (3, False, 3)
        dated = Filters(q="harbour", since="2024-03-01")  # a filter: the facets are joined
        assert [h.id for h in search(store.conn, dated, 10, 0).hits] == ids[2:]
        dated_by_date = Filters(q="harbour", since="2024", sort="date")
        assert [h.id for h in search(store.conn, dated_by_date, 2, 1).hits] == [ids[3], ids[2]]
        monkeypatch.setattr(workspace, "CAP", 10)
        ranked = search(store.conn, Filters(q="harbour"), 10, 0)
        assert ranked.exact and [h.id for h in ranked.hits] == ids
        assert [h.id for h in search(store.conn, dated, 10, 0).hits] == ids
        assert [h.id for h in search(store.conn, dated_by_date, 2, 1).hits] == [ids[3], ids[2]]


OTHER = "The council met and talked of other things. "
RANKED = {  # name: (title, text); "dam" and "river" are searched
    "once, short": ("Notes one", "A dam broke."),
    "once, long": ("Notes two", "A dam broke. " + OTHER * 30),
    "in the title": ("Dam report", OTHER * 4),
    "three times": ("Notes three", "The dam, the old dam and the new dam. " + OTHER * 8),
    "river too": ("Notes four", "The dam on the river. " + OTHER * 8),
    "no dam": ("Notes five", OTHER),
    "no dam either": ("Notes six", "The council met again."),
}


@pytest.mark.parametrize(("q", "order"), [
    ("dam", ["in the title", "once, short", "three times", "river too", "once, long"]),
    ("dam river", ["river too"]),
    ("Dam", ["in the title", "once, short", "three times", "river too", "once, long"]),
])
def test_both_backends_rank_by_relevance_with_bm25(db_url: str, q: str, order: list[str]) -> None:
    # FTS5's bm25 on SQLite; on PostgreSQL the same formula from each article's word counts
    # (migration 012): the title counts four times, a repeated word more, a long text less
    ids = {name: add_to(db_url, text, title) for name, (title, text) in RANKED.items()}
    with open_store(db_url) as store:
        found = search(store.conn, Filters(q=q), 10, 0)
    names = {v: k for k, v in ids.items()}
    assert [names[h.id] for h in found.hits] == order


def test_a_snippet_shows_the_word_however_far_into_the_text(db_url: str) -> None:
    add_to(db_url, OTHER * 60 + "Then the old dam broke. " + OTHER * 20, "Far")
    with open_store(db_url) as store:
        (hit,) = search(store.conn, Filters(q="dam"), 10, 0).hits
    assert [text for text, is_hit in hit.snippet if is_hit] == ["dam"]
    assert "the old dam broke" in hit.snippet_text


def test_a_report_selects_every_article_with_the_words_in_the_order_stored(db_url: str) -> None:
    ids = {name: add_to(db_url, text, title) for name, (title, text) in RANKED.items()}
    with open_store(db_url) as store:
        alone = workspace.selected_ids(store.conn, Filters(q="dam"))
        filtered = workspace.selected_ids(store.conn, Filters(q="dam", since="2024"))
        none = workspace.selected_ids(store.conn, Filters(q="dam", until="2023"))
    want = [ids[n] for n in ("once, short", "once, long", "in the title", "three times",
                             "river too")]
    assert alone == filtered == want and none == []
