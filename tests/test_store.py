from __future__ import annotations

import socket
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import pgserver
from propwatch.errors import StoreError
from propwatch.model import Article, OffsetMap, RawDocument, Rejected, Segment, Span, article_id
from propwatch.store import Skip, Store, base, open_store
from propwatch.store.migrate import migration_scripts
from propwatch.store.workspace import Filters, search


def make_article(doc: RawDocument, part: int = 1) -> Article:
    text = doc.text
    article = Article(
        id=article_id(doc.content_hash, part), source=doc.where, part=part, text=text,
        offsets=OffsetMap((Segment(0, 0, len(text)),)), title="T", outlet="Daily",
        published="2020-01-02",
    )
    article.add_layer("sentences", [Span(0, 5, "sentence")])
    article.add_layer("techniques", [Span(0, 3, "Doubt", 0.7, {"why": "x"}),
                                     Span(1, 4, "Loaded_Language", 0.9)])
    return article


def stored_docs(store: Store, count: int) -> list[RawDocument]:
    """``count`` short articles stored in ``store``, in this order."""
    docs = [RawDocument(f"{n}.txt", f"Article number {n}. Bye.", "text") for n in range(count)]
    for doc in docs:
        store.save_articles(doc, [make_article(doc)])
    return docs


def test_articles_round_trip_with_layers(db_url: str) -> None:
    doc = RawDocument("a.txt", "Hello world. Bye.", "text")
    with open_store(db_url) as store:
        store.save_articles(doc, [make_article(doc)])
        [back] = list(store.articles())
    assert back.text == doc.text and back.title == "T" and back.published == "2020-01-02"
    assert back.offsets.to_raw(4) == 4
    assert back.layers["techniques"] == [
        Span(0, 3, "Doubt", 0.7), Span(1, 4, "Loaded_Language", 0.9)]
    assert back.layers["techniques"][0].data == {"why": "x"}


def test_a_document_is_stored_once(db_url: str) -> None:
    doc = RawDocument("a.txt", "Hello world.", "text")
    with open_store(db_url) as store:
        assert store.save_articles(doc, [make_article(doc)]) is True
        assert store.has_document(doc.content_hash)
        again = RawDocument("copy/a.txt", "Hello world.", "text")
        assert store.save_articles(again, [make_article(again)]) is False
        assert store.article_count() == 1
        assert store.also_at() == {make_article(doc).id: ["copy/a.txt"]}


def test_rejected_pages_and_skips_are_listed_once(db_url: str) -> None:
    with open_store(db_url) as store:
        captcha = RawDocument("c.html", "captcha", "html")
        store.save_rejected(captcha, Rejected("captcha", "bot wall"))
        store.record_skip(Skip("x.bin", "binary", "file is binary"))
        store.record_skip(Skip("x.bin", "binary", "file is binary"))
        assert [(d.source, d.kind) for d in store.rejected()] == [("c.html", "captcha")]
        assert store.skips() == [Skip("x.bin", "binary", "file is binary")]


def test_migrations_apply_once_and_reopen_works(db_url: str) -> None:
    path = db_url
    open_store(path).close()
    with open_store(path) as store:
        names = [r[0] for r in store.conn.execute("SELECT name FROM schema_migrations")]
    assert names[0] == "001_foundation" and len(names) == len(set(names))
    assert store.conn is not None


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="is damaged or is not a propwatch database"):
        open_store(path)


def test_both_backends_have_the_same_migrations() -> None:
    assert [n for n, _ in migration_scripts("sqlite")] == \
        [n for n, _ in migration_scripts("postgresql")]


def test_a_postgresql_server_that_is_not_there_gives_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://someone:secret@127.0.0.1:{port}/corpus"
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL database") as caught:
        open_store(url)
    assert "secret" not in str(caught.value) and "someone:***@127.0.0.1" in str(caught.value)


def test_articles_are_read_with_their_layers_a_page_at_a_time(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "PAGE", 2)
    with open_store(db_url) as store:
        docs = stored_docs(store, 5)
        queries: list[str] = []
        execute = store.conn.execute
        monkeypatch.setattr(store.conn, "execute",
                            lambda sql, params=(): queries.append(sql) or execute(sql, params))
        every = list(store.articles())
        assert len(queries) == 1 + 3  # the articles, then the layers of each page of 2
        ids = [make_article(doc).id for doc in docs]
        assert [a.id for a in every] == ids  # first seen first
        one_by_one = [store.article(aid) for aid in ids]
        assert every == one_by_one
        assert [a.layers for a in every] == [a.layers for a in one_by_one if a is not None]
        wanted = [ids[3], "no-such-article", ids[0], ids[4]]
        assert [a.id for a in store.articles_by_id(wanted)] == [ids[3], ids[0], ids[4]]


def test_a_servers_next_page_of_layers_is_read_on_a_thread_while_a_page_is_handed_over(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """So that PostgreSQL reads them meanwhile (SQLite's reads stay on the caller's thread:
    they would compete with it for the interpreter); a caller that uses the store between
    the articles still gets its answers, and every article comes whole, in order."""
    monkeypatch.setattr(base, "PAGE", 2)
    with open_store(db_url) as store:
        docs = stored_docs(store, 7)
        threads: list[str] = []
        execute = store.conn.execute

        def recorded(sql: str, params: Sequence[Any] = ()) -> Any:
            if sql.startswith(base.SPANS):
                threads.append(threading.current_thread().name)
            return execute(sql, params)

        monkeypatch.setattr(store.conn, "execute", recorded)
        seen = [(a, store.article_count()) for a in store.articles()]
        page_reads = list(threads)  # pages of 2, 2, 2 and 1
        assert seen == [(store.article(make_article(doc).id), 7) for doc in docs]
        assert [t.startswith("layers") for t in page_reads] == [store.conn.server] * 4


def test_postgresql_knows_how_many_spans_carry_each_technique(db_url: str) -> None:
    """Layer and label are not independent: the planner's estimate for one technique is
    the count of its spans, not the product of the two columns' shares."""
    if not db_url.startswith("postgresql://"):
        pytest.skip("extended statistics are PostgreSQL's")
    with open_store(db_url) as store:
        for n in range(20):
            doc = RawDocument(f"{n}.txt", f"Article number {n}. Bye.", "text")
            article = make_article(doc)
            article.add_layer("sentences", [Span(i, i + 1, "sentence") for i in range(10)])
            article.add_layer("techniques", [Span(0, 3, "Doubt" if n % 2 else "Flag_Waving")])
            store.save_articles(doc, [article])
        store.conn.execute("ANALYZE annotations")
        plan = store.conn.execute(
            "EXPLAIN SELECT 1 FROM annotations WHERE layer = 'techniques' AND label = 'Doubt'"
        ).fetchone()[0]
    assert " rows=10 " in plan  # 10 of 220 rows; 1 if layer and label were independent


def test_a_word_is_found_next_to_curly_apostrophes_and_quotes(db_url: str) -> None:
    # PostgreSQL's parser splits at typographic punctuation only in a UTF-8 ctype
    # (with the C locale "government’s" and “plan” were single words): both backends
    # must find the same articles.
    doc = RawDocument("a.txt", "The government’s “plan” was announced.", "text")
    with open_store(db_url) as store:
        store.save_articles(doc, [make_article(doc)])
        assert search(store.conn, Filters(q="government"), 10, 0).total == 1
        assert search(store.conn, Filters(q="plan"), 10, 0).total == 1


def test_a_postgresql_database_without_a_utf8_ctype_is_named_with_what_to_do(
        pg_server: pgserver.Server, caplog: pytest.LogCaptureFixture) -> None:
    import psycopg

    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE c_ctype TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C'")
    with caplog.at_level("WARNING", logger="propwatch.store.postgres"):
        with open_store(pg_server.create_database()):
            pass
        assert not caplog.records  # the tests' server makes UTF-8 databases
        with open_store(pg_server.url("c_ctype")):
            pass
    [warning] = caplog.records
    assert "character type 'C'" in warning.getMessage()
    assert "--lc-ctype=C.UTF-8" in warning.getMessage()


def test_a_writing_sqlite_connection_keeps_more_pages_than_sqlites_default(
        tmp_path: Path) -> None:
    """A narratives' block reads and writes pages all over tables that grow with the
    corpus: a writer keeps ``CACHE_KIB`` of them (SQLite's default is 2 MiB)."""
    from propwatch.store import sqlite

    with open_store(tmp_path / "a.db") as store:
        [(pages,)] = store.conn.execute("PRAGMA cache_size").fetchall()
    assert pages == -sqlite.CACHE_KIB and sqlite.CACHE_KIB > 2048


def test_a_streamed_read_gives_every_row_in_order_in_chunks(db_url: str) -> None:
    """``stream`` hands over a long read's rows as they come: all of them, in order,
    across more than one chunk, and the connection answers queries afterwards."""
    with open_store(db_url) as store:
        stored_docs(store, 1200)  # more than two chunks of postgres.STREAM_CHUNK
        rows = store.conn.stream("SELECT text FROM articles WHERE text LIKE ? ORDER BY added_seq",
                                 ("Article%",))
        assert [row[0] for row in rows] == [f"Article number {n}. Bye." for n in range(1200)]
        assert store.article_count() == 1200
