"""The store side of the workspace: the search index follows the articles table, and the
words a user types never become FTS5 syntax."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from propwatch.model import Article, RawDocument, article_id
from propwatch.store import open_store, workspace
from propwatch.store.connection import Connection
from propwatch.store.postgres import PostgresConnection
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


def _postgresql_store_of(db_url: str, n: int) -> list[str]:
    """``n`` articles of one document (one transaction), their words drawn from a few
    ("dam" the most often), "lake" in two of them; their ids."""
    if not db_url.startswith("postgresql://"):
        pytest.skip("PostgreSQL keeps each word's articles in a list of its own")
    rng = random.Random(5)
    words = ["dam", "dam", "dam", "council", "met", "the", "old", "river", "water"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randrange(2, 40))) + "."
             for _ in range(n)]
    texts[17] += " A lake."
    texts[n - 3] += " The lake."
    doc = RawDocument("many.txt", "\n".join(texts), "text")
    articles = [Article(id=article_id(doc.content_hash, i + 1), source=doc.source, part=i + 1,
                        text=text, title=f"Dam {i}" if i % 10 == 0 else f"Notes {i}",
                        published=f"2024-03-{1 + i % 28:02d}") for i, text in enumerate(texts)]
    with open_store(db_url) as store:
        store.save_articles(doc, articles)
    return [a.id for a in articles]


def _lists_agree_with_articles(conn: Connection) -> None:
    """Each word's list holds exactly the articles that hold it, with their counts."""
    listed = ("SELECT p.word, u.* FROM search_postings p,"
              " unnest(p.entries, p.counts, p.lengths) AS u(rowid, weighted, length)"
              " UNION ALL SELECT word, rowid, weighted, length FROM search_pending")
    counts = conn.execute(
        f"SELECT count(*) FROM (SELECT word, count(*) AS n FROM ({listed}) l GROUP BY word) p"
        " FULL JOIN ts_stat('SELECT search FROM articles') t USING (word)"
        " WHERE p.n IS DISTINCT FROM t.ndoc"
        " OR p.n <> propwatch_word_articles(p.word)").fetchone()[0]
    entries = conn.execute(
        f"SELECT count(*) FROM ({listed}) u LEFT JOIN articles a ON a.rowid = u.rowid"
        " WHERE a.rowid IS NULL OR COALESCE((a.rank_terms ->> u.word)::integer, 1) <> u.weighted"
        " OR a.rank_length <> u.length").fetchone()[0]
    chunks = conn.execute(  # ascending, none overlapping the next, n as long as the lists
        "SELECT count(*) FROM (SELECT first, n, entries, lead(first) OVER"
        " (PARTITION BY word ORDER BY first) AS next FROM search_postings) c"
        " WHERE cardinality(entries) <> n OR entries[1] < first OR entries[n] >= next"
        " OR entries <> (SELECT array_agg(e ORDER BY e) FROM unnest(entries) AS e)").fetchone()[0]
    assert (counts, entries, chunks) == (0, 0, 0)


def test_postgresql_answers_one_word_from_its_list_as_the_index_would(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # migration 013: the newest matches of one word and what ranks them come from the
    # word's list (a few rows) instead of each matching article; the pages are the same
    ids = _postgresql_store_of(db_url, 700)  # "dam" in more than one chunk of 256
    queries = [Filters(q="dam"), Filters(q="Dam"), Filters(q="river"), Filters(q="lake"),
               Filters(q="dam", sort="date"), Filters(q="nowhere"), Filters(q="dam river")]
    with open_store(db_url) as store:
        _lists_agree_with_articles(store.conn)
        listed = {}
        for cap in (10_000, 300, 40):
            monkeypatch.setattr(workspace, "CAP", cap)
            listed[cap] = [search(store.conn, f, 20, offset) for f in queries for offset in (0, 25)]
    monkeypatch.setattr(PostgresConnection, "_has_postings", lambda self: False)
    with open_store(db_url) as store:  # the index and each match's row, as before 013
        for cap in (10_000, 300, 40):
            monkeypatch.setattr(workspace, "CAP", cap)
            assert listed[cap] == [search(store.conn, f, 20, offset) for f in queries
                                   for offset in (0, 25)]
    dam = listed[10_000][0]
    assert dam.exact and 300 < dam.total < 700 and len(dam.hits) == 20
    assert not listed[300][0].exact and listed[40][6].total > 0  # past the cap; a pair
    assert {h.id for h in listed[10_000][6].hits} <= set(ids)


def test_postgresql_word_lists_follow_deleted_changed_and_late_articles(db_url: str) -> None:
    _postgresql_store_of(db_url, 600)
    with open_store(db_url) as store:
        conn = store.conn
        with conn.transaction():
            conn.execute("CREATE TEMP TABLE kept AS SELECT * FROM articles WHERE rowid % 5 = 1")
            conn.execute("DELETE FROM articles WHERE rowid % 5 = 1")
        _lists_agree_with_articles(conn)
        with conn.transaction():
            conn.execute("UPDATE articles SET title = title || ' lake river'"
                         " WHERE rowid % 9 = 2")
        _lists_agree_with_articles(conn)
        columns = ", ".join(r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles'"
            " AND is_generated = 'NEVER' ORDER BY ordinal_position"))
        with conn.transaction():  # older rowids than the last: into the chunks holding them
            conn.execute(f"INSERT INTO articles ({columns}) OVERRIDING SYSTEM VALUE"
                         f" SELECT {columns} FROM kept")
        _lists_agree_with_articles(conn)
        with conn.transaction():  # what waits goes into the chunks holding it, or new ones
            conn.execute("SELECT propwatch_search_postings_merge()")
        assert conn.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
        _lists_agree_with_articles(conn)
        conn.execute("SELECT propwatch_search_postings_rebuild()")
        _lists_agree_with_articles(conn)


def test_filters_without_words_count_and_page_newest_first_past_the_cap_and_the_end(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for day in range(1, 6):
        doc = RawDocument(f"d{day}.txt", f"Report number {day} on the harbour.", "text")
        article = Article(id=article_id(doc.content_hash, 1), source=doc.source, part=1,
                          text=doc.text, title=f"Report {day}", published=f"2024-03-0{day}")
        with open_store(db_url) as store:
            store.save_articles(doc, [article])
    since = Filters(since="2024-03-02", sort="date")
    with open_store(db_url) as store:
        found = search(store.conn, since, 2, 1)
        assert (found.total, found.exact) == (4, True)
        assert [h.title for h in found.hits] == ["Report 4", "Report 3"]
        past_the_end = search(store.conn, since, 2, 10)
        assert (past_the_end.total, past_the_end.exact, past_the_end.hits) == (4, True, [])
        monkeypatch.setattr(workspace, "CAP", 3)
        capped = search(store.conn, since, 2, 0)
        assert (capped.total, capped.exact) == (3, False)
        assert [h.title for h in capped.hits] == ["Report 5", "Report 4"]


def test_a_list_of_articles_pages_newest_first_with_the_undated_last_in_one_query(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = []
    for day in (3, 1, None, 2):  # stored in this order; one undated
        doc = RawDocument(f"d{day}.txt", f"Outlet report {day}.\nMore text.", "text")
        article = Article(id=article_id(doc.content_hash, 1), source=doc.source, part=1,
                          text=doc.text, title=f"Report {day}",
                          published=f"2024-03-0{day}" if day else None)
        with open_store(db_url) as store:
            store.save_articles(doc, [article])
        ids.append(article.id)
    with open_store(db_url) as store:
        sent: list[str] = []
        execute = store.conn.execute
        monkeypatch.setattr(store.conn, "execute",
                            lambda sql, params=(): sent.append(sql) or execute(sql, params))
        total, hits = workspace.listed(store.conn, ids, 2, 1)
        rest = workspace.listed(store.conn, ids, 2, 3)[1]
    assert total == 4 and len(sent) == 2  # each page one query
    assert [h.title for h in hits] == ["Report 2", "Report 1"]
    assert [h.title for h in rest] == ["Report None"]
    assert hits[0].snippet == [("Outlet report 2. More text.", False)]


def test_a_page_of_the_review_queue_is_walked_from_its_index_not_sorted(db_url: str) -> None:
    with open_store(db_url) as store:
        conn = store.conn
        page = workspace.pending_matches_reads(conn, 20, 40)[1]
        if conn.backend == "postgresql":  # too few rows to prefer it: forbid the other ways
            conn.execute("SET enable_seqscan = off")
            conn.execute("SET enable_sort = off")
            plan = [r[0] for r in conn.execute(f"EXPLAIN {page.sql}", page.params)]
        else:
            plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {page.sql}", page.params)]
    assert any("claim_matches_queue" in line for line in plan), plan
