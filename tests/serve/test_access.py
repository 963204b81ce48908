"""Who may use the workspace: loopback needs no token, any other address does; every
request then needs it; --read-only refuses writes and opens the database read-only."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from propwatch.errors import ConfigError, StoreError
from propwatch.serve.app import create_app
from propwatch.serve.auth import Access
from propwatch.serve.database import Database
from propwatch.serve.run import SETTINGS_VARIABLE, ServeOptions, access_for, app_from_environment

from .conftest import MakeClient

TOKEN = "s3cret-token-for-tests-0123456789"


def test_loopback_needs_no_token_and_any_other_address_gets_one() -> None:
    assert access_for(ServeOptions(db=Path("x.db")))[0].token is None
    access, generated = access_for(ServeOptions(db=Path("x.db"), host="0.0.0.0"))
    assert generated and access.token and len(access.token) >= 24
    given, generated = access_for(ServeOptions(db=Path("x.db"), host="::", token=TOKEN))
    assert given.token == TOKEN and not generated
    with pytest.raises(ConfigError, match="too short"):
        access_for(ServeOptions(db=Path("x.db"), host="0.0.0.0", token="abc"))


def test_without_the_token_every_request_gets_401(corpus_db: Path,
                                                  make_client: MakeClient) -> None:
    client = make_client(corpus_db, token=TOKEN)
    for url in ("/", "/search?q=dam", "/api/articles", "/api/openapi.json", "/review"):
        assert client.get(url).status_code == 401, url
    body = client.get("/api/articles").json()
    assert body["error"]["status"] == 401
    wrong = client.get("/api/articles", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert client.get("/static/app.css").status_code == 200  # assets hold no corpus data


def test_the_bearer_header_opens_the_api(corpus_db: Path, make_client: MakeClient) -> None:
    client = make_client(corpus_db, token=TOKEN)
    response = client.get("/api/articles", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.json()["total"] > 0


def test_logging_in_sets_a_session_cookie_that_is_not_the_token(
        corpus_db: Path, make_client: MakeClient) -> None:
    client = make_client(corpus_db, token=TOKEN)
    form = client.get("/login?next=/search").text
    csrf = form.split('name="csrf_token" value="')[1].split('"')[0]
    failed = client.post("/login", data={"csrf_token": csrf, "token": "nope", "next": "/"})
    assert failed.status_code == 401
    done = client.post("/login", data={"csrf_token": csrf, "token": TOKEN, "next": "/search"},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/search"
    assert TOKEN not in done.headers["set-cookie"]
    assert client.get("/search").status_code == 200


def test_read_only_refuses_every_write_with_403(db_copy: Path,
                                                make_client: MakeClient) -> None:
    client = make_client(db_copy, read_only=True)
    match_id = client.get("/api/matches").json()["items"][0]["match_id"]
    refused = client.post(f"/api/matches/{match_id}/verdict", json={"verdict": "confirm"})
    assert refused.status_code == 403 and "read-only" in refused.json()["error"]["message"]
    form = client.post(f"/matches/{match_id}/verdict", data={"action": "confirm"})
    assert form.status_code == 403
    assert client.get(f"/api/matches/{match_id}").json()["verdict"] is None
    assert "confirm</button>" not in client.get("/review").text


def test_read_only_opens_the_database_read_only(db_copy: Path) -> None:
    conn = Database(db_copy, read_only=True).store().conn
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM claim_matches")


def test_read_only_on_a_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open"):
        Database(tmp_path / "missing.db", read_only=True)


def test_worker_processes_build_the_same_access_rule_from_the_environment(
        corpus_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SETTINGS_VARIABLE, json.dumps(
        {"db": str(corpus_db), "token": TOKEN, "read_only": True}))
    client = TestClient(app_from_environment(), base_url="http://127.0.0.1:8000")
    assert client.get("/api/stats").status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/api/stats", headers=auth).status_code == 200
    refused = client.post("/api/matches/1/verdict", json={"verdict": "confirm"}, headers=auth)
    assert refused.status_code == 403


def test_at_start_a_thread_computes_the_corpus_figures(corpus_db: Path) -> None:
    db = Database(corpus_db)
    app = create_app(db, Access(None))
    with TestClient(app):  # runs the app's start (lifespan)
        app.state.warming.join(timeout=120)
        assert not app.state.warming.is_alive()
        for key in ("stats", "facets", "clusters", "outlets", "narratives"):
            assert db.is_cached(key), key
