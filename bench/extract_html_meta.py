"""HTML metadata on the 990 real pages of ../shared/data/extraction-eval: how many pages get a
title, author, date and outlet from ``propwatch.extract.htmlmeta.page_meta`` against
trafilatura's full ``extract_metadata`` (what ``extract()`` used before), how often the two
agree where both found one, and the CPU milliseconds per page of each.  The set has no gold
metadata, so agreement with trafilatura is the check (disagreements are printed with
``--show``).

    .venv/bin/python bench/extract_html_meta.py [--limit N] [--half dev|test] [--show 20]
    .venv/bin/python bench/extract_html_meta.py --time page_meta    # then --time trafilatura
"""

from __future__ import annotations

import argparse
import copy
import time
from typing import Any

from extract_html_eval import DATA, load
from trafilatura.metadata import extract_metadata

from propwatch.extract.dates import parse_date
from propwatch.extract.htmlmeta import clean_title, page_meta
from propwatch.extract.tree import parse_html

FIELDS = ("title", "author", "published", "outlet")
WARM_UP = 10  # pages run before timing (one-off set-up of dateparser, htmldate, tld lists)


def _trafilatura(root: Any, url: str) -> dict[str, str]:
    """What ``extract()`` took from trafilatura before (its title without a site suffix)."""
    found = extract_metadata(root, default_url=url).as_dict()
    date, title, site = found.get("date"), found.get("title"), found.get("sitename")
    return {key: value for key, value in {
        "title": clean_title(title, site) if title else None, "author": found.get("author"),
        "published": parse_date(date) if date else None, "outlet": found.get("sitename"),
    }.items() if value}  # fmt: skip


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int)
    parser.add_argument("--half", choices=("dev", "test"))
    parser.add_argument("--show", type=int, default=0, help="print N disagreements per field")
    parser.add_argument("--time", choices=("page_meta", "trafilatura"), help="only time one")
    args = parser.parse_args(argv)
    pages = [p for p in load(DATA, args.limit) if args.half in (None, p.half)]
    roots = [(p, parse_html(p.html)) for p in pages]
    roots = [(p, r) for p, r in roots if r is not None]
    ours: list[dict[str, str]] = []
    theirs: list[dict[str, str]] = []
    seconds = {"page_meta": 0.0, "trafilatura": 0.0}
    # One pass each after a warm-up (htmldate caches what it parsed, so the second pass is
    # cheaper: time each with --time in a process of its own).
    for page, root in roots[:WARM_UP]:
        page_meta(root, page.url)
        _trafilatura(copy.deepcopy(root), page.url)
    if args.time in (None, "page_meta"):
        for page, root in roots:
            start = time.process_time()
            ours.append(page_meta(root, page.url).as_meta())
            seconds["page_meta"] += time.process_time() - start
    if args.time in (None, "trafilatura"):
        for page, root in roots:
            start = time.process_time()
            theirs.append(_trafilatura(copy.deepcopy(root), page.url))
            seconds["trafilatura"] += time.process_time() - start
    if args.time:
        print(f"{args.time}: {1000 * seconds[args.time] / max(len(roots), 1):.1f} ms/page"
              f" ({len(roots)} pages)")  # fmt: skip
        return 0
    n = len(roots)
    print(f"{n} pages")
    for name, secs in seconds.items():
        print(f"{name:12s} {1000 * secs / max(n, 1):6.1f} ms/page")
    for key in FIELDS:
        a = sum(key in o for o in ours)
        b = sum(key in t for t in theirs)
        both = [(o[key], t[key], p.name) for o, t, (p, _) in zip(ours, theirs, roots, strict=True)
                if key in o and key in t]  # fmt: skip
        same = sum(_norm(x) == _norm(y) for x, y, _ in both)
        print(f"{key:10s} page_meta {a:4d}  trafilatura {b:4d}  both {len(both):4d}"
              f"  agree {same:4d}")  # fmt: skip
        for x, y, name in [d for d in both if _norm(d[0]) != _norm(d[1])][: args.show]:
            print(f"    {name}: ours {x[:60]!r} / trafilatura {y[:60]!r}")
        only = [(t[key], p.name) for o, t, (p, _) in zip(ours, theirs, roots, strict=True)
                if key in t and key not in o]  # fmt: skip
        for y, name in only[: args.show]:
            print(f"    {name}: only trafilatura {y[:60]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
