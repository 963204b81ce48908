"""Same results: a local run and a Ray run on one corpus store identical rows.

    python bench/ray_same_results.py ../shared/data/news-unlabeled --workers 2 \\
        --out bench/data/ray_same_results.json

Analyses the inputs twice with the default components, into two fresh SQLite databases:
in-process (threads) and on a fresh local Ray cluster (``--ray local``), then compares every
row of the per-article and corpus-level tables (timestamps left out) and reports, per
table, the row count and whether both databases hold the same rows.
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

def main() -> None:
    from propwatch.batch import Options, analyze
    from propwatch.store import open_store
    from propwatch.store.snapshot import TABLES, table_rows

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    seconds = {}
    with tempfile.TemporaryDirectory(prefix="ray-same-") as tmp:
        dbs = {"local": Path(tmp) / "local.db", "ray": Path(tmp) / "ray.db"}
        for name, db in dbs.items():
            started = time.perf_counter()
            with open_store(db) as store:
                analyze(args.inputs, store, Options(
                    workers=args.workers, ray="local" if name == "ray" else None))
            seconds[name] = round(time.perf_counter() - started, 1)
        local, ray = table_rows(dbs["local"]), table_rows(dbs["ray"])
    tables = {t: {"rows": len(local[t]), "same": local[t] == ray[t]} for t in TABLES}
    report = {
        "command": " ".join(["python", *sys.argv]),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="minutes"),
        "load_after": [round(x, 1) for x in os.getloadavg()], "seconds": seconds,
        "identical": all(v["same"] for v in tables.values()), "tables": tables,
    }
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
