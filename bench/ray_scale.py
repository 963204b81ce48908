"""Scale-out of ``analyze --ray``: one corpus analysed with 1 and 2 Ray workers in one run.

    python bench/make_corpus.py --articles 5000 --out /tmp/ray/c5k.jsonl
    python bench/ray_scale.py /tmp/ray/c5k.jsonl --articles 5000 --workers 1 2 \\
        --out bench/data/ray_scale.json

The first ``--articles`` records are cut into JSONL shards (as a corpus is fed to a
cluster), one local Ray cluster is started (as many CPUs as the most workers asked for, no
dashboard, no usage statistics), and for each worker count the shards are analysed into a
fresh SQLite database with the default components.  Reported per run: wall seconds of each
step (first pass, documents, republication, claim matching, narratives), document
throughput (articles per second of the documents step, which is what the workers share),
CPU seconds per article by stage (extraction and analysis on the workers, storing on the
driver), database size, and the load average before and after (the machine may be
shared).  The throughput ratio of the most to the fewest workers is the scale-out figure;
the whole-run ratio (wall seconds of the whole run, fewest over most workers) includes the
corpus-level steps, whose per-article work runs on the workers too (``Executor.map``).

``--postgres postgresql://user@host:port`` stores each run into a new database of that
server instead (created by the bench; bench/pg_scratch.py starts a throw-away server).
The peak resident memory of each Ray actor process (``ray::`` processes holding a model
session, sampled every 2 s from /proc) is reported as ``actor_rss_mb``.

``--stored DB`` times only the corpus-level steps: each run works on a copy of a database
whose documents are analysed already (its republication index and narratives not yet
built), e.g. the first articles of the corpus analysed by ``propwatch analyze`` (SQLite only).
Reported too: the driver's own CPU seconds per article for each step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


def shard(corpus: Path, articles: int, shards: int, folder: Path) -> list[str]:
    with corpus.open(encoding="utf-8") as handle:
        lines = [line for _, line in zip(range(articles), handle, strict=False)]
    size = -(-len(lines) // shards)
    paths = []
    for i in range(0, len(lines), size):
        path = folder / f"shard-{i // size:03d}.jsonl"
        path.write_text("".join(lines[i : i + size]), encoding="utf-8")
        paths.append(str(path))
    return paths


class ActorMemory:
    """Peak resident MB of each Ray actor process analysing documents, sampled from /proc."""

    def __init__(self) -> None:
        self.peak: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(2.0):
            for proc in Path("/proc").glob("[0-9]*"):
                try:
                    if b"_Analyser" not in (proc / "cmdline").read_bytes():
                        continue
                    status = (proc / "status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        mb = int(line.split()[1]) / 1024
                        pid = int(proc.name)
                        self.peak[pid] = max(self.peak.get(pid, 0.0), mb)

    def stop(self) -> list[float]:
        self.done.set()
        self.thread.join()
        return sorted(round(mb) for mb in self.peak.values())


def database(tmp: Path, workers: int, postgres: str | None) -> str:
    if not postgres:
        return str(tmp / f"w{workers}.db")
    import psycopg

    name = f"ray_w{workers}_{int(time.time())}"
    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return f"{postgres}/{name}"


def db_mb(db: str) -> float:
    from propwatch.store import open_store

    if db.startswith("postgresql://"):
        with open_store(db) as store:
            size = store.conn.execute(
                "SELECT pg_database_size(current_database())").fetchone()[0]
        return round(int(size) / 1e6, 1)
    return round(sum(Path(f).stat().st_size for f in (db, f"{db}-wal")
                     if Path(f).exists()) / 1e6, 1)


def one_run(paths: list[str], db: str, workers: int, stored: Path | None = None
            ) -> dict[str, object]:
    from propwatch.batch import Options, analyze
    from propwatch.store import open_store

    if stored is not None:  # the documents are analysed already: the corpus-level steps only
        copy_database(stored, db)
        paths = []
    load_before = os.getloadavg()
    started = time.perf_counter()
    memory = ActorMemory()
    with open_store(db) as store:
        summary = analyze(paths, store, Options(workers=workers, ray="auto"))
    total = time.perf_counter() - started
    actor_rss = memory.stop()
    n = max(1, summary.articles_stored or summary.articles_in_store)
    documents = summary.seconds.get("documents", total)
    return {
        "workers": workers, "articles_stored": summary.articles_stored,
        "documents": summary.documents, "errors": len(summary.errors),
        "rejected": len(summary.rejected), "seconds_total": round(total, 1),
        "seconds": {k: round(v, 1) for k, v in summary.seconds.items()},
        "articles_per_second": round(summary.articles_stored / documents, 3),
        "articles_in_store": summary.articles_in_store,
        "cpu_ms_per_article": {k: round(1000 * v / n, 1) for k, v in summary.cpu.items()},
        "db": "postgresql" if db.startswith("postgresql://") else "sqlite",
        "driver_cpu_ms_per_article": {k: round(1000 * v / n, 1)
                                      for k, v in summary.driver_cpu.items()},
        "db_mb": db_mb(db), "actor_rss_mb": actor_rss,
        "load_before": [round(x, 1) for x in load_before],
        "load_after": [round(x, 1) for x in os.getloadavg()],
    }


def copy_database(source: Path, target: str) -> None:
    """A consistent copy of an SQLite database (its write-ahead log included)."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="JSONL from bench/make_corpus.py")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--shards", type=int, default=50)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--address", help="a running cluster (default: a fresh local one)")
    parser.add_argument("--postgres", help="store into new databases of this server")
    parser.add_argument("--stored", type=Path,
                        help="an SQLite database whose documents are analysed already: each "
                             "run works on a copy and times the corpus-level steps only")
    args = parser.parse_args()
    if args.stored and args.postgres:
        parser.error("--stored copies an SQLite database; it cannot be used with --postgres")
    import ray

    if args.address:
        ray.init(address=args.address, log_to_driver=False)
    else:
        ray.init(address="local", num_cpus=max(args.workers), include_dashboard=False,
                 log_to_driver=False)
    runs = []
    try:
        with tempfile.TemporaryDirectory(prefix="ray-scale-") as tmp:
            paths = shard(args.corpus, args.articles, args.shards, Path(tmp))
            for workers in args.workers:
                db = database(Path(tmp), workers, args.postgres)
                result = one_run(paths, db, workers, args.stored)
                print(json.dumps(result), file=sys.stderr, flush=True)
                runs.append(result)
    finally:
        ray.shutdown()
    fewest = min(runs, key=lambda r: int(str(r["workers"])))
    most = max(runs, key=lambda r: int(str(r["workers"])))
    ratio = (float(str(most["articles_per_second"])) / float(str(fewest["articles_per_second"]))
             if not args.stored else 0.0)
    whole = float(str(fewest["seconds_total"])) / float(str(most["seconds_total"]))
    report = {
        "command": " ".join(["python", *sys.argv]), "when": dt.datetime.now(dt.UTC).isoformat(
            timespec="minutes"), "cpus": os.cpu_count(), "articles": args.articles,
        "shards": args.shards, "stored": str(args.stored or ""), "runs": runs,
        "throughput_ratio": round(ratio, 2), "whole_run_ratio": round(whole, 2),
    }
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
