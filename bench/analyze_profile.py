"""Where ``analyze`` spends its CPU with a knowledge base: CPU seconds per article by stage.

    nice -n 10 .venv/bin/python bench/analyze_profile.py --kb-db runs/claims/euvs_kb.db

Runs ``propwatch.batch.analyze`` in this process over the first ``--articles`` files of
../shared/data/news-unlabeled into a copy of ``--kb-db`` (a database with known claims
imported and embedded; without it, an empty one), and prints the process CPU seconds of
each run step (documents, republication, claim matching, narratives) and, inside claim
matching, of the calls that make it up (loading the index, the sentence encoder, BM25,
the pair features, the reranker, stance), per article.  Times of the inner calls are
inclusive (the encoder's time is also part of "candidates"), measured as process CPU
around each call: the corpus steps run on the calling thread and the encoder's threads
only, so nothing else is counted in them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news-unlabeled"

CPU: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(owner: Any, name: str, label: str) -> None:
    """Wrap ``owner.name`` to add its process CPU time to ``CPU[label]``."""
    inner: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            CPU[label] += time.process_time() - t0
            CALLS[label] += 1

    setattr(owner, name, wrapper)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--kb-db", type=Path, help="database with known claims, embedded")
    args = ap.parse_args()
    if not NEWS.is_dir():
        sys.exit(f"{NEWS} is absent: this benchmark needs ../shared beside the checkout")

    from propwatch import batch, kb, narratives
    from propwatch.claims import encoder, reranker, stance
    from propwatch.kb import match
    from propwatch.store import open_store
    from propwatch.store.kb import KbTables

    for owner, name, label in (
        (kb, "match_new_claims", "claim matching"),
        (narratives, "update", "narratives"),
        (batch.reuse, "update", "republication"),
        (match.KbIndex, "__init__", "  loading the index"),
        (match.KbIndex, "candidates", "  candidates (all of matching's pairs + decision)"),
        (match.KbIndex, "pairs", "    pairs (encoder, retrieval, features)"),
        (encoder.SentenceEncoder, "encode", "      sentence encoder"),
        (KbTables, "fts_search", "      BM25 (FTS5)"),
        (KbTables, "claims_by_rowid", "      candidate rows (SQL)"),
        (match.KbIndex, "features", "      pair features"),
        (reranker.Reranker, "score", "    reranker"),
        (stance.StanceModel, "stance", "  stance"),
    ):
        timed(owner, name, label)
    files = [str(p) for p in sorted(NEWS.glob("*.txt"))[: args.articles]]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        if args.kb_db:
            shutil.copy(args.kb_db, db)
        store = open_store(db)
        n_known = KbTables(store.conn).count()
        print(f"{len(files)} articles of {NEWS}, {n_known} known claims; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
        c0, w0 = time.process_time(), time.perf_counter()
        summary = batch.analyze(files, store, batch.Options())
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        store.close()
    n = max(1, summary.articles_stored)
    print(f"{summary.articles_stored} articles stored; process CPU {cpu:.1f} s "
          f"({cpu / n:.3f} per article), wall {wall:.1f} s, load {os.getloadavg()[0]:.1f}")
    if summary.claim_matches:
        m = summary.claim_matches
        print(f"matching: {m.claims} sentences, {m.matched} with a match, {m.matches} stored")
    steps = dict(summary.seconds)
    print("run step wall seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in steps.items()))
    print("document stages (thread CPU, summed): " + ", ".join(
        f"{k} {v / n:.3f}" for k, v in summary.cpu.items()) + " CPU-s per article")
    print("CPU seconds per article (inner calls inclusive):")
    for label, seconds in CPU.items():
        print(f"  {label:<52} {seconds / n:7.3f}   ({CALLS[label]} calls)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
