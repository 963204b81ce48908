"""Technique tagger speed and peak memory on 800-word articles (tagger alone, 2 threads).

Usage: python bench/techniques_speed.py [--model DIR] [--articles N] [--threads 2]
Articles are the first N PTC articles cut or repeated to exactly 800 words when
../shared/data/ptc exists, else synthetic text.  Prints articles/s and peak RSS (MB).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from propwatch.techniques.tagger import Tagger

PTC = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc" / "articles"


def articles(n: int, words: int = 800) -> list[str]:
    texts: list[str] = []
    files = sorted(PTC.glob("article*.txt")) if PTC.is_dir() else []
    for f in files[:n]:
        toks = f.read_text(encoding="utf-8").split()
        while len(toks) < words:
            toks = toks + toks
        texts.append(" ".join(toks[:words]))
    filler = "The minister said on Monday that the shocking plan would destroy the nation. "
    while len(texts) < n:
        texts.append(" ".join((filler * 80).split()[:words]))
    return texts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8, help="articles per tagger call")
    args = ap.parse_args()
    texts = articles(args.articles)
    tagger = Tagger(args.model, threads=args.threads)
    tagger.analyse(texts[:2])  # warm-up
    t0 = time.perf_counter()
    c0 = time.process_time()
    n_spans = 0
    for b in range(0, len(texts), args.batch):
        n_spans += sum(len(r.techniques) for r in tagger.analyse(texts[b : b + args.batch]))
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    words = sum(len(t.split()) for t in texts)
    print(f"articles: {len(texts)} ({words / len(texts):.0f} words each), threads: {args.threads}")
    print(f"articles/s: {len(texts) / dt:.2f}  ({dt:.2f} s, {n_spans} spans)")
    print(
        f"CPU time: {cpu:.2f} s -> {len(texts) / cpu * args.threads:.2f} articles/s if "
        f"{args.threads} cores were free (load average now {os.getloadavg()[0]:.1f})"
    )
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
