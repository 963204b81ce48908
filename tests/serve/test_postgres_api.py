"""The workspace answers the same from PostgreSQL as from SQLite, and writes to it."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pgserver import Server
from propwatch.report.export import article_with_fields
from propwatch.serve import queries
from propwatch.serve.database import Database
from propwatch.store import open_store

from .conftest import MakeClient, build_corpus, export_records

SEARCHES: list[dict[str, Any]] = [
    {}, {"q": "dam"}, {"q": "energ*"}, {"q": '"the government"'}, {"q": "dam", "sort": "date"},
    {"technique": "Loaded_Language"}, {"has_match": "true"}, {"stance": "asserts"},
    {"since": "2024-01", "until": "2024-12-31"}, {"reused": "true"}, {"q": "nosuchwordanywhere"},
    {"technique": "Loaded_Language", "has_match": "true", "sort": "date"},
    {"technique": "Loaded_Language", "stance": "asserts", "sort": "date"},
]


@pytest.fixture(scope="module")
def pg_corpus(pg_server: Server, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = pg_server.create_database("serve")
    build_corpus(db, tmp_path_factory.mktemp("pgcorpus"))
    return db


def test_searches_and_filters_find_the_same_articles_on_both(
        client: TestClient, pg_corpus: str, make_client: MakeClient, corpus_db: Path) -> None:
    pg = make_client(pg_corpus)
    outlet = next(str(r["outlet"]) for r in export_records(corpus_db).values() if r["outlet"])
    for params in [*SEARCHES, {"outlet": outlet}]:
        want = client.get("/api/articles", params={**params, "limit": 200}).json()
        got = pg.get("/api/articles", params={**params, "limit": 200}).json()
        assert got["total"] == want["total"], params
        assert {i["id"] for i in got["items"]} == {i["id"] for i in want["items"]}, params
        if params.get("q") and want["items"]:  # snippets mark the words on both
            word = params["q"].strip('"*').split()[0].lower()
            assert all(word in i["snippet"].lower() for i in got["items"])
    nothing = pg.get("/api/articles", params={"q": "nosuchwordanywhere"}).json()
    assert nothing["total"] == 0 and nothing["items"] == []


def test_pages_of_records_are_the_same_on_both(
        client: TestClient, pg_corpus: str, make_client: MakeClient, corpus_db: Path) -> None:
    pg = make_client(pg_corpus)
    for url in ("/api/stats", "/api/matches?limit=200", "/api/narratives", "/api/outlets",
                "/api/techniques?limit=200", "/api/claims?limit=200",
                "/api/claims?matched=true&offset=1",
                *(f"/api/articles/{i}" for i in export_records(corpus_db))):
        assert _placeless(pg.get(url).json()) == _placeless(client.get(url).json()), url
    assert pg.get("/").status_code == 200 and "propwatch" in pg.get("/").text


def _placeless(record: Any) -> Any:
    """The record without the path of the hostile article's file (each corpus has its own
    temporary folder)."""
    if isinstance(record, dict) and str(record.get("source", "")).endswith("evil.jsonl:1"):
        return {k: v for k, v in record.items() if k != "source"}
    return record


def test_verdicts_are_written_to_postgresql(pg_server: Server, make_client: MakeClient,
                                            tmp_path: Path) -> None:
    db = pg_server.create_database("verdicts")
    build_corpus(db, tmp_path)
    pg = make_client(db)
    queue = pg.get("/api/matches").json()
    match = queue["items"][0]
    done = pg.post(f"/api/matches/{match['match_id']}/verdict", json={"verdict": "confirm"})
    assert done.status_code == 200 and done.json()["verdict"] == "confirmed"
    assert pg.get("/api/matches").json()["total"] == queue["total"] - 1
    record = export_records(db)[match["article_id"]]
    assert any(m["match_id"] == match["match_id"] and m["verdict"] == "confirmed"
               for c in record["claims"] for m in c["matches"])
    read_only = make_client(db, read_only=True)
    assert read_only.get("/api/stats").json()["articles"] == len(export_records(db))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_article_page_reads_the_article_and_its_fields_in_one_round_trip(
        backend: str, corpus_db: Path, pg_corpus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(corpus_db) if backend == "sqlite" else pg_corpus
    with open_store(db) as store:
        conn = store.conn
        article_id = conn.execute(  # one with a known-claim match and a copy
            "SELECT m.article_id FROM claim_matches m JOIN reuse_pairs r"
            " ON m.article_id IN (r.a, r.b) ORDER BY m.article_id").fetchone()[0]
        calls = round_trips(conn, monkeypatch)
        found = article_with_fields(store, article_id)
    assert calls == ["9 reads at once"]  # its group's metadata among them
    assert found is not None
    article, fields = found
    assert article.id == article_id and article.layers["claims"]
    assert fields["claims"][article_id] and fields["reuse"][article_id]["cluster"]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_page_of_the_review_queue_is_read_in_one_round_trip_in_queue_order(
        backend: str, corpus_db: Path, pg_corpus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with closing(Database(str(corpus_db) if backend == "sqlite" else pg_corpus)) as db:
        conn = db.store().conn
        total, whole = queries.pending_matches(db, 200, 0)
        sent = round_trips(conn, monkeypatch)
        assert queries.pending_matches(db, 2, 1) == (total, whole[1:3])
    assert sent == ["3 reads at once"] and total == len(whole) > 3
    first = [m["decision"] == "match" for m in whole]
    assert first == sorted(first, reverse=True)  # `match` results before `related` ones


def round_trips(conn: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What ``conn`` is asked from now on: each query sent on its own, and each batch of
    reads sent at once ("N reads at once"; its queries are not listed again)."""
    calls: list[str] = []
    inside: list[bool] = []
    execute, read_all = conn.execute, conn.read_all

    def counted_execute(sql: str, params: Any = ()) -> Any:
        if not inside:
            calls.append(sql)
        return execute(sql, params)

    def counted_read_all(reads: Any) -> Any:
        calls.append(f"{len(reads)} reads at once")
        inside.append(True)
        try:
            return read_all(reads)
        finally:
            inside.pop()

    monkeypatch.setattr(conn, "execute", counted_execute)
    monkeypatch.setattr(conn, "read_all", counted_read_all)
    return calls
