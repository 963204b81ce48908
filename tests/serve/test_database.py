"""The web app's database: remembered searches and cached figures are answered afresh once
another connection commits, on both backends."""

from __future__ import annotations

import threading
from contextlib import closing

import pytest

from propwatch.serve import queries
from propwatch.serve.database import Database, one_version
from propwatch.store.workspace import Filters

from .test_workspace_store import add_to


def test_searches_and_figures_are_answered_afresh_after_another_connection_commits(
        db_url: str) -> None:
    add_to(db_url, "The harbour bridge reopened after repairs.", "Bridge")
    with closing(Database(db_url)) as db:
        assert queries.search(db, Filters(q="harbour"), 10, 0).total == 1
        assert queries.stats(db)["articles"] == 1
        add_to(db_url, "The harbour was closed by the storm.", "Storm")  # another connection
        assert queries.search(db, Filters(q="harbour"), 10, 0).total == 2
        assert queries.stats(db)["articles"] == 2


def test_on_postgresql_a_request_reads_the_data_version_without_waiting_for_another(
        db_url: str) -> None:
    if not db_url.startswith("postgresql://"):
        return  # SQLite reads it on the one connection that sees the others' commits
    add_to(db_url, "The harbour bridge reopened after repairs.", "Bridge")
    with closing(Database(db_url)) as db:
        before = db.version()
        read: list[str] = []
        with db._lock:  # another thread inside the database's lock
            reader = threading.Thread(target=lambda: read.append(db.version()))
            reader.start()
            reader.join(timeout=30)
        assert read == [before]


def test_a_request_reads_the_data_version_once_and_the_next_one_afresh(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    add_to(db_url, "The harbour bridge reopened after repairs.", "Bridge")
    with closing(Database(db_url)) as db:
        conn = db._watch.conn if db._watch is not None else db.store().conn
        reads: list[str] = []
        version = conn.data_version
        monkeypatch.setattr(conn, "data_version", lambda: reads.append("read") or version())
        with one_version():
            assert queries.stats(db)["articles"] == 1
            queries.facets(db)
            queries.search(db, Filters(q="harbour"), 10, 0)
            add_to(db_url, "The harbour was closed by the storm.", "Storm")  # another connection
            assert queries.stats(db)["articles"] == 1  # the version this request began with
        assert reads == ["read"]
        with one_version():
            assert queries.stats(db)["articles"] == 2
        assert reads == ["read", "read"]
