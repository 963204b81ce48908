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

``--stored DB`` times only the corpus-level steps: each run works on a copy of a database
whose documents are analysed already (its republication index and narratives not yet
built), e.g. the first articles of the corpus analysed by ``propwatch analyze``.
Reported too: the driver's own CPU seconds per article for each step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
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


def one_run(paths: list[str], db: Path, workers: int, stored: Path | None = None
            ) -> dict[str, object]:
    from propwatch.batch import Options, analyze
    from propwatch.store import open_store

    if stored is not None:  # the documents are analysed already: the corpus-level steps only
        copy_database(stored, db)
        paths = []
    load_before = os.getloadavg()
    started = time.perf_counter()
    with open_store(db) as store:
        summary = analyze(paths, store, Options(workers=workers, ray="auto"))
    total = time.perf_counter() - started
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
        "driver_cpu_ms_per_article": {k: round(1000 * v / n, 1)
                                      for k, v in summary.driver_cpu.items()},
        "db_mb": round(sum(Path(f).stat().st_size for f in
                           (str(db), f"{db}-wal") if Path(f).exists()) / 1e6, 1),
        "load_before": [round(x, 1) for x in load_before],
        "load_after": [round(x, 1) for x in os.getloadavg()],
    }


def copy_database(source: Path, target: Path) -> None:
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
    parser.add_argument("--stored", type=Path,
                        help="an SQLite database whose documents are analysed already: each "
                             "run works on a copy and times the corpus-level steps only")
    args = parser.parse_args()
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
                result = one_run(paths, Path(tmp) / f"w{workers}.db", workers, args.stored)
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
