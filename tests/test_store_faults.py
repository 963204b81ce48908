"""Database faults end in one line saying what to do; concurrent writers and killed runs
lose nothing and store nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from propwatch.cli import main
from propwatch.store import Store, open_store
from propwatch.store.sqlite import open_readonly

TOWNS = ["Arlen", "Brisk", "Corvo", "Dunmar", "Eskel", "Fallow", "Garth", "Holm"]
BODY = (
    "Officials in the northern province of {town} said on Monday that the flood barrier held "
    "through the night, although several villages upstream lost power for hours. Crews expect "
    "to restore the last lines by Wednesday, the regional grid operator said in a statement."
)
# analyze with the light pipeline (sentences only) in a separate process; argv: db, folder
ANALYZE = """
import sys, time
from propwatch.analyse import Pipeline
from propwatch.analyse.sentences import Sentences
from propwatch.batch import Options, analyze
from propwatch.store import open_store

class Slow:
    name = "slow"
    def predict(self, article):
        time.sleep(float(sys.argv[3]))
        return []

Pipeline.from_names = classmethod(lambda cls, names: Pipeline([Sentences(), Slow()]))
with open_store(sys.argv[1]) as store:
    s = analyze([sys.argv[2]], store, Options(components=("sentences",)))
print(s.articles_stored, s.already_stored, len(s.errors))
"""


def corpus(folder: Path, towns: list[str] = TOWNS) -> Path:
    folder.mkdir()
    for town in towns:
        (folder / f"{town}.txt").write_text(f"Flood barrier holds in {town}\n\n"
                                            f"{BODY.format(town=town)}\n", encoding="utf-8")
    return folder


def analyse_in_process(db: Path, folder: Path, pause: float = 0.0) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", ANALYZE, str(db), str(folder), str(pause)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def counts(db: Path) -> tuple[int, int, int]:
    """(documents, articles, distinct article texts) stored."""
    with open_store(db) as store:
        docs = store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        texts = store.conn.execute("SELECT COUNT(DISTINCT text) FROM articles").fetchone()[0]
        return docs, store.article_count(), texts


def built_db(tmp_path: Path) -> Path:
    db = tmp_path / "good.db"
    proc = analyse_in_process(db, corpus(tmp_path / "in"))
    assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    return db


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("damage", ["garbage", "truncated", "mid-file"])
def test_a_damaged_database_is_one_line_from_every_command(tmp_path: Path, damage: str) -> None:
    db = built_db(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    if damage == "garbage":
        data = bytearray(b"not a database, just notes\n" * 400)
    elif damage == "truncated":
        data = data[: len(data) // 3]
    else:
        for offset in range(4096, len(data), 4096):  # every page after the first
            data[offset : offset + 200] = os.urandom(200)
    db.write_bytes(bytes(data))
    for command in (["export"], ["reuse"], ["claims"], ["export", "--format", "csv"]):
        code, output = cli(*command, "--db", str(db))
        assert code == 1, (command, output)
        assert "Traceback" not in output and output.startswith("Error: ")
        assert len(output.strip().splitlines()) == 1, output
        assert "damaged" in output and str(db) in output


def test_a_full_disk_is_one_line_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = corpus(tmp_path / "in")
    db = tmp_path / "p.db"
    real_init = Store.__init__

    def small_disk(self: Store, path: str | Path) -> None:
        real_init(self, path)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    monkeypatch.setattr(Store, "__init__", small_disk)
    code, output = cli("analyze", str(folder), "--db", str(db), "-q")
    assert code == 1 and "Traceback" not in output
    assert "is full" in output and "free some space" in output
    monkeypatch.undo()
    code, output = cli("analyze", str(folder), "--db", str(db), "-q")
    assert code == 0, output
    assert counts(db)[1] == len(TOWNS)


def test_a_database_locked_too_long_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "p.db"
    open_store(db).close()
    monkeypatch.setattr("propwatch.store.sqlite.BUSY_SECONDS", 1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, output = cli("analyze", str(corpus(tmp_path / "in")), "--db", str(db), "-q")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1 and "Traceback" not in output
    assert "locked" in output and "wait for the other propwatch run" in output


def test_two_concurrent_runs_into_one_database_both_succeed_and_store_once(
    tmp_path: Path,
) -> None:
    folder = corpus(tmp_path / "in")
    db = tmp_path / "p.db"
    runs = [analyse_in_process(db, folder, pause=0.2) for _ in range(2)]
    outputs = [run.communicate(timeout=240) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err
    stored = [[int(n) for n in out.split()] for out, _ in outputs]
    assert sum(s[0] for s in stored) == len(TOWNS)  # each article stored by one of the two
    assert all(s[0] + s[1] == len(TOWNS) and s[2] == 0 for s in stored)
    assert counts(db) == (len(TOWNS), len(TOWNS), len(TOWNS))


def test_a_killed_run_is_finished_by_running_it_again(tmp_path: Path) -> None:
    folder = corpus(tmp_path / "in")
    db = tmp_path / "p.db"
    run = analyse_in_process(db, folder, pause=0.3)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if db.exists() and run.poll() is None:
            try:
                with open_readonly(db) as conn:
                    if conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] >= 2:
                        break
            except sqlite3.Error:
                pass
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    partial = counts(db)
    assert 2 <= partial[1] < len(TOWNS)
    again = analyse_in_process(db, folder)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0 and "Traceback" not in err
    assert out.split()[:2] == [str(len(TOWNS) - partial[1]), str(partial[1])]
    assert counts(db) == (len(TOWNS), len(TOWNS), len(TOWNS))


def test_the_read_only_opener_escapes_the_path(tmp_path: Path) -> None:
    db = tmp_path / "we#ird?.db"
    with open_store(db) as store:
        store.conn.execute("CREATE TABLE marker (x)")
    with open_readonly(db) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'marker'").fetchone()
    assert not (tmp_path / "we").exists()
