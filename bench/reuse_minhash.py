"""MinHash speed: propwatch's numpy one-permutation MinHash vs. rensa's RMinHash (Rust).

    python bench/reuse_minhash.py                 # numpy only
    pip install --target /tmp/rensa rensa && python bench/reuse_minhash.py --rensa /tmp/rensa

Same documents (the news-unlabeled articles, repeated to 4,000), one core, CPU time, best of
three; both include tokenising into word 5-gram shingles.  propwatch's figure also includes
the containment sample it stores beside the signature.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from propwatch.reuse import fingerprint as fp

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rensa", type=Path, help="a folder where rensa is installed")
    parser.add_argument("--docs", type=int, default=4000)
    args = parser.parse_args()
    files = sorted((SHARED / "data" / "news-unlabeled").glob("*.txt"))
    if not files:
        sys.exit(f"no articles under {SHARED / 'data' / 'news-unlabeled'}")
    texts = [p.read_text(encoding="utf-8") for p in files]
    docs = (texts * (args.docs // len(texts) + 1))[: args.docs]
    words = sum(len(t.split()) for t in docs) / len(docs)
    fp.fingerprint(docs[:100])
    best: dict[str, float] = {}

    def numpy_minhash() -> None:
        for i in range(0, len(docs), 1000):
            fp.fingerprint(docs[i : i + 1000])

    runs = {"propwatch numpy one-permutation MinHash": numpy_minhash}
    if args.rensa:
        sys.path.insert(0, str(args.rensa))
        from rensa import RMinHash  # type: ignore[import-not-found]

        word = re.compile(r"\w+")

        def rensa_minhash() -> None:
            for d in docs:
                w = word.findall(d.lower())
                m = RMinHash(num_perm=128, seed=1)
                m.update([" ".join(w[i : i + 5]) for i in range(max(1, len(w) - 4))])
                m.digest()

        runs["rensa RMinHash (Python tokenising)"] = rensa_minhash
    for _ in range(3):
        for name, run in runs.items():
            t = time.process_time()
            run()
            best[name] = min(best.get(name, 1e9), time.process_time() - t)
    for name, seconds in best.items():
        print(f"{name}: {len(docs) / seconds:,.0f} docs/s ({words:.0f} words/doc, 128 values)")


if __name__ == "__main__":
    main()
