"""Word search by relevance on SQLite and PostgreSQL: the same first page, how fast.

    .venv/bin/python bench/search_backends.py --sqlite /tmp/s100k.db --pg "$PG/s100k" \\
        --out bench/data/search_backends_13f.json

For every query (the 14 common news words of serve_bench.py, 20 rarer words of the
corpus drawn as serve_bench.py draws them, 4 two-word queries): the first page (20) of
``workspace.search`` by relevance on each backend, how many of SQLite's 20 PostgreSQL's
page holds (and whether in the same order), and each backend's time, best of ``--repeat``
(the web app's cache is not involved: the store is called directly).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serve_bench import WORDS  # noqa: E402

from propwatch.store import open_store, workspace  # noqa: E402
from propwatch.store.workspace import Filters  # noqa: E402

PAIRS = ["government minister", "police protest", "army border", "nato sanctions"]


def rare_words(sqlite_db: str, n: int) -> list[str]:
    with open_store(sqlite_db) as store:
        conn = store.conn
        conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, articles_fts, row)")
        rare = [r[0] for r in conn.execute(
            "SELECT term FROM temp.vocab WHERE doc BETWEEN 50 AND 2000 AND length(term) > 4"
            " AND term GLOB '[a-z]*' ORDER BY term")]
    return random.Random(7).sample(rare, min(n, len(rare)))


def page(db: str, q: str, repeat: int) -> tuple[list[str], int, float]:
    with open_store(db) as store:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            found = workspace.search(store.conn, Filters(q=q), 20, 0)
            times.append(time.perf_counter() - t0)
    return [h.id for h in found.hits], found.total, min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", required=True)
    parser.add_argument("--pg", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for q in [*WORDS, *rare_words(args.sqlite, 20), *PAIRS]:
        want, want_total, lite_s = page(args.sqlite, q, args.repeat)
        got, got_total, pg_s = page(args.pg, q, args.repeat)
        rows.append({"q": q, "total_sqlite": want_total, "total_pg": got_total,
                     "shared": len(set(want) & set(got)), "page": len(want),
                     "same_order": want == got, "sqlite_ms": round(1000 * lite_s, 1),
                     "pg_ms": round(1000 * pg_s, 1)})
        print(json.dumps(rows[-1]), flush=True)
    common = [r for r in rows if r["q"] in WORDS]
    summary = {
        "queries": len(rows),
        "mean_shared_of_20": round(statistics.mean(r["shared"] / max(1, r["page"])
                                                   for r in rows), 3),
        "same_order": sum(r["same_order"] for r in rows),
        "same_totals": sum(r["total_sqlite"] == r["total_pg"] for r in rows),
        "median_ms_common_sqlite": statistics.median(r["sqlite_ms"] for r in common),
        "median_ms_common_pg": statistics.median(r["pg_ms"] for r in common),
        "median_ms_all_sqlite": statistics.median(r["sqlite_ms"] for r in rows),
        "median_ms_all_pg": statistics.median(r["pg_ms"] for r in rows),
    }
    print(json.dumps(summary))
    if args.out:
        args.out.write_text(json.dumps({"summary": summary, "queries": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
