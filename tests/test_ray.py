"""A run on a real local Ray cluster stores exactly what the in-process run stores, into
SQLite and into PostgreSQL, also when it was stopped part way and run again.

One cluster (2 CPUs, no dashboard, no usage statistics) is started for the module and shut
down afterwards; the analysis uses the shipped models, since Ray's worker processes do not
see this process's monkeypatches.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgserver import Server
from propwatch.batch import Options, RunSummary, analyze
from propwatch.kb.importer import import_kb
from propwatch.store import open_store
from propwatch.store.snapshot import TABLES, Snapshot, snapshot, table_rows

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
ray = pytest.importorskip("ray", reason="the 'ray' extra is not installed (make install has it)")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo corpus (JSONL, text, HTML, a captcha page, a republished copy) plus two
    inputs that are skipped with a reason."""
    folder = tmp_path_factory.mktemp("inputs") / "corpus"
    shutil.copytree(ROOT / "demo" / "corpus", folder)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "empty.txt").write_bytes(b"")
    return folder


def run(db: Path | str, names: list[str], ray_address: str | None,
        stop_after: int | None = None) -> RunSummary:
    """``stop_after``: interrupt the run (as Ctrl-C does) once that many inputs are done."""
    def progress(done: int, total: int) -> None:
        if stop_after is not None and done >= stop_after:
            raise KeyboardInterrupt

    with open_store(db) as store:
        if not store.article_count():
            import_kb(store, "claimreview", ROOT / "demo" / "factchecks.jsonld")
        return analyze(names, store, Options(workers=2, ray=ray_address), progress)


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, RunSummary]:
    """The in-process run into SQLite every Ray run is compared with."""
    db = tmp_path_factory.mktemp("local") / "local.db"
    return db, run(db, [str(corpus)], None)


def test_a_ray_run_resumed_after_a_stop_stores_what_the_local_run_stores(
    tmp_path: Path, corpus: Path, cluster: None, local: tuple[Path, RunSummary]
) -> None:
    local_db, summary = local
    assert summary.articles_stored == 11 and summary.reuse and summary.reuse.new_pairs == 1
    assert summary.claim_matches and summary.claim_matches.matched
    # a run stopped after its first inputs (the driver stores in input order), then re-run
    first = [str(corpus / name) for name in ("blocked-page.txt", "eastern-frontier.jsonl")]
    stopped = run(tmp_path / "ray.db", first, "local")
    assert (stopped.articles_stored, len(stopped.rejected)) == (3, 1)
    resumed = run(tmp_path / "ray.db", [str(corpus)], "local")
    assert resumed.already_stored == 4
    assert resumed.articles_stored == summary.articles_stored - 3
    assert [(e.where, e.kind, e.reason) for e in resumed.skipped] == \
        [(e.where, e.kind, e.reason) for e in summary.skipped]
    assert {e.kind for e in summary.skipped} == {"unsupported", "empty"}
    ours, theirs = table_rows(local_db), table_rows(tmp_path / "ray.db")
    for table in TABLES:
        assert ours[table] == theirs[table], table


def test_a_ray_run_into_postgresql_stopped_part_way_and_resumed_stores_what_sqlite_stores(
    corpus: Path, cluster: None, pg_server: Server, local: tuple[Path, RunSummary]
) -> None:
    with open_store(local[0]) as store:
        on_sqlite: Snapshot = snapshot(store)
    db = pg_server.create_database("ray")
    with pytest.raises(KeyboardInterrupt):  # stopped with documents still on the actors
        run(db, [str(corpus)], "local", stop_after=3)
    with open_store(db) as store:
        stored_before = store.article_count()
    assert 0 < stored_before < len(on_sqlite.articles)
    resumed = run(db, [str(corpus)], "local")
    assert resumed.articles_stored == len(on_sqlite.articles) - stored_before
    with open_store(db) as store:
        assert snapshot(store).differences(on_sqlite) == dict.fromkeys(
            ("documents", "articles", "layers", "reuse", "matches"), 0)
        repeated = store.conn.execute(
            'SELECT article_id, layer, start, "end", label FROM annotations'
            ' GROUP BY article_id, layer, start, "end", label HAVING COUNT(*) > 1').fetchall()
    assert repeated == []


def test_an_item_kept_in_the_object_store_is_what_the_tasks_given_it_read(cluster: None
                                                                            ) -> None:
    from propwatch.execute.tasks import RayTasks, kept

    tasks = RayTasks(ray, 2)
    item = list(range(10))
    held = kept(tasks, item)  # once; every map after that ships only the reference
    assert isinstance(held.ref, ray.ObjectRef)  # type: ignore[attr-defined]
    assert list(tasks.map(sum, [held, held, [1, 2]])) == [45, 45, 3]
    assert list(tasks.map(len, [held])) == [10]
