"""SQLite against PostgreSQL: the same results from the same inputs, and their speed.

    nice -n 10 .venv/bin/python bench/store_backends.py                 # 100 articles
    nice -n 10 .venv/bin/python bench/store_backends.py --articles 401 --kb euvsdisinfo

Starts a throw-away PostgreSQL server (tests/pgserver.py: Debian's initdb + pg_ctl in a
temporary folder, fsync off), then for each backend: imports the known claims (``--kb
euvsdisinfo``: ../shared/data/euvsdisinfo/claims.csv; default: the demo's ClaimReview
file), runs ``propwatch analyze`` on the first ``--articles`` files of
../shared/data/news-unlabeled (passed by path, nothing copied) in a process of its own,
and reads everything back with ``propwatch.store.snapshot``.  Prints the wall time of
each step, then how many documents, articles, layers, republication pairs and known-claim
matches differ between the two backends (the target: 0 of each), then the median time
of some reads the web app and CLI make (search, stats, one article's export).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news-unlabeled"
KBS = {"demo": ("claimreview", ROOT / "demo" / "factchecks.jsonld"),
       "euvsdisinfo": ("euvsdisinfo", ROOT.parent / "shared" / "data" / "euvsdisinfo" /
                       "claims.csv")}
sys.path.insert(0, str(ROOT / "tests"))

import pgserver  # noqa: E402
from propwatch.report.export import article_export  # noqa: E402
from propwatch.store import open_store  # noqa: E402
from propwatch.store.snapshot import Snapshot, snapshot  # noqa: E402
from propwatch.store.workspace import Filters, search, stats  # noqa: E402

PROPWATCH = str(Path(sys.executable).parent / "propwatch")


def timed(command: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def run_backend(db: str, files: list[str], kb: str) -> tuple[dict[str, float], Snapshot]:
    kind, path = KBS[kb]
    seconds = {"kb import": timed([PROPWATCH, "kb", "import", kind, str(path), "--db", db]),
               "analyze": timed([PROPWATCH, "analyze", *files, "--db", db, "-q"])}
    with open_store(db) as store:
        return seconds, snapshot(store)


def reads(db: str, rounds: int = 5) -> dict[str, float]:
    """Median milliseconds of reads the workspace and the CLI make."""
    with open_store(db) as store:
        some = next(iter(store.articles())).id
        jobs = {
            "search 'government'": lambda: search(store.conn, Filters(q="government"), 20, 0),
            "search date-sorted, no words": lambda: search(store.conn, Filters(sort="date"),
                                                           20, 0),
            "dashboard stats": lambda: stats(store.conn),
            "one article's export": lambda: article_export(store, some),
        }
        out = {}
        for name, job in jobs.items():
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                job()
                times.append((time.perf_counter() - t0) * 1000)
            out[name] = statistics.median(times)
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--kb", choices=sorted(KBS), default="demo")
    args = parser.parse_args()
    files = sorted(str(p) for p in NEWS.glob("*.txt"))[: args.articles]
    bin_dir = pgserver.find_bin()
    if bin_dir is None:
        sys.exit("no initdb: install Debian's postgresql package")
    server = pgserver.Server(bin_dir)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            targets = {"sqlite": str(Path(tmp) / "bench.db"),
                       "postgresql": server.create_database("bench")}
            results = {name: run_backend(db, files, args.kb) for name, db in targets.items()}
            timings = {name: reads(db) for name, db in targets.items()}
    finally:
        server.stop()
    (sq_seconds, sq), (pg_seconds, pg) = results["sqlite"], results["postgresql"]
    print(f"{len(files)} files of {NEWS}, known claims: {args.kb}")
    for step in sq_seconds:
        print(f"  {step:<10} sqlite {sq_seconds[step]:7.1f} s   "
              f"postgresql {pg_seconds[step]:7.1f} s")
    print(f"  stored: {len(sq.documents)} documents, {len(sq.articles)} articles, "
          f"{sum(len(v) for v in sq.layers.values())} spans, {len(sq.reuse)} reuse pairs, "
          f"{len(sq.matches)} matches (sqlite)")
    print(f"  differences (postgresql vs sqlite): {pg.differences(sq)}")
    for name in timings["sqlite"]:
        print(f"  {name:<30} sqlite {timings['sqlite'][name]:8.2f} ms   "
              f"postgresql {timings['postgresql'][name]:8.2f} ms")


if __name__ == "__main__":
    main()
