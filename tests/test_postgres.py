"""PostgreSQL and SQLite store the same results, concurrent runs into one PostgreSQL
database store nothing twice, and keyword search follows changes of the known claims."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgserver import Server
from propwatch.cli import main
from propwatch.store import open_store
from propwatch.store.kb import KbTables, KnownClaim
from propwatch.store.snapshot import Snapshot, snapshot

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"
SAME = {"documents": 0, "articles": 0, "layers": 0, "reuse": 0, "matches": 0}


def run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def analysed(db: str, concurrent_runs: int = 1) -> Snapshot:
    """The demo corpus analysed into ``db`` (known claims imported first) by
    ``concurrent_runs`` propwatch processes at once (each run in a process of its own, as
    users run it)."""
    run("kb", "import", "claimreview", str(DEMO / "factchecks.jsonld"), "--db", db)
    command = [str(Path(sys.executable).parent / "propwatch"), "analyze", str(DEMO / "corpus"),
               "--db", db, "-q"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(concurrent_runs)]
    for proc in runs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    with open_store(db) as store:
        return snapshot(store)


@pytest.fixture(scope="module")
def on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    return analysed(str(tmp_path_factory.mktemp("sqlite") / "demo.db"))


def test_postgresql_stores_what_sqlite_stores(on_sqlite: Snapshot, pg_server: Server) -> None:
    on_postgres = analysed(pg_server.create_database("same"))
    assert len(on_sqlite.articles) >= 6 and on_sqlite.matches and on_sqlite.reuse
    assert on_postgres.differences(on_sqlite) == SAME


def test_two_concurrent_analyze_runs_store_nothing_twice(
    on_sqlite: Snapshot, pg_server: Server,
) -> None:
    db = pg_server.create_database("twice")
    together = analysed(db, concurrent_runs=2)
    assert together.differences(on_sqlite) == SAME
    with open_store(db) as store:
        repeated = store.conn.execute(
            'SELECT article_id, layer, start, "end", label FROM annotations'
            ' GROUP BY article_id, layer, start, "end", label HAVING COUNT(*) > 1').fetchall()
    assert repeated == []


def test_keyword_search_sees_known_claims_added_after_it_first_ran(db_url: str) -> None:
    with open_store(db_url) as store:
        tables = KbTables(store.conn)
        assert tables.fts_search(["bridges"], 5) == []
        claim = KnownClaim("https://fc.example/1", "claimreview", "FC", "The bridge was bombed")
        tables.upsert([(claim, "bridge bombed", "The bridge was bombed")])
        assert [rowid for rowid, _ in tables.fts_search(["bridges"], 5)] == [1]  # stemmed
        tables.upsert([(claim, "bridge bombed", "The tunnel was bombed")])
        assert tables.fts_search(["bridges"], 5) == []
