"""Where the corpus-level steps spend their time: each step under cProfile, on a copy.

    python bench/corpus_steps_profile.py DB [--top 25]

``DB`` is an SQLite database whose documents are analysed (``propwatch analyze``) but
whose corpus-level results are not built yet.  On a copy of it, the republication index,
known-claim matching and narratives are brought up to date one after the other, in this
process (the narratives' per-article work on one thread, the encoder on its own
threads); printed for each: wall and CPU seconds of the process, the summary, and the
functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def main() -> None:
    from propwatch import kb, narratives, reuse
    from propwatch.store import Store, open_store

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    steps: list[tuple[str, Callable[[Store], object]]] = [
        ("republication", reuse.update), ("claim matching", kb.match_new_claims),
        ("narratives", narratives.update)]
    with tempfile.TemporaryDirectory(prefix="corpus-profile-") as tmp:
        copy = Path(tmp) / "copy.db"
        with sqlite3.connect(args.db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        with open_store(copy) as store:
            print(f"{store.article_count()} articles; load average {os.getloadavg()}")
            for name, step in steps:
                wall, cpu = time.perf_counter(), time.process_time()
                profile = cProfile.Profile()
                summary = profile.runcall(step, store)
                print(f"{name}: wall {time.perf_counter() - wall:.1f} s, CPU "
                      f"{time.process_time() - cpu:.1f} s: {summary}", flush=True)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
