"""Where the time of HTML extraction goes: cProfile of ``extract()`` on every 20th page of
../shared/data/extraction-eval, after 10 warm-up pages (one-off set-up of trafilatura's
helpers is not counted).  ``--time`` only measures the CPU milliseconds per page, without
the profiler (``--every 4 --pages 250``: a quarter of the set).

    .venv/bin/python bench/extract_html_profile.py [--pages 45] [--top 40]
    .venv/bin/python bench/extract_html_profile.py --time --every 4 --pages 250
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import time

from extract_html_eval import DATA

from propwatch.extract import extract
from propwatch.ingest.decode import decode
from propwatch.model import RawDocument

WARM_UP = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=45)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--every", type=int, default=20, help="take every Nth page of the set")
    parser.add_argument("--time", action="store_true", help="CPU time only, no profile")
    args = parser.parse_args(argv)
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    names = sorted(gold)[:: args.every][: args.pages]
    docs = [
        RawDocument(n, decode(gzip.decompress((DATA / "pages" / n).read_bytes()), n).text,
                    "html", meta={"url": gold[n]["url"]})
        for n in names
    ]  # fmt: skip
    for doc in docs[:WARM_UP]:
        extract(doc)
    if args.time:
        start = time.process_time()
        for doc in docs[WARM_UP:]:
            extract(doc)
        ms = 1000 * (time.process_time() - start) / max(len(docs) - WARM_UP, 1)
        print(f"{ms:.1f} ms/page of CPU time ({len(docs) - WARM_UP} pages)")
        return 0
    start = time.process_time()
    profile = cProfile.Profile()
    profile.enable()
    for doc in docs[WARM_UP:]:
        extract(doc)
    profile.disable()
    ms = 1000 * (time.process_time() - start) / max(len(docs) - WARM_UP, 1)
    print(f"{ms:.0f} ms/page under the profiler")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
