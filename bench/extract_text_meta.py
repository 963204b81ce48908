"""Plain-text metadata (title, author, date, outlet) on browser renderings of the 990 pages of
../shared/data/extraction-eval, against the metadata trafilatura reads in each page's HTML
(``bench/extract_line_hints.py``: title, author, date, sitename).  That is *silver*, not
gold: trafilatura's own reading of meta tags and markup, sometimes wrong itself.

Per field and half (the hash split of the other extraction benches), for the first article
``extract()`` gives of the rendering:

- coverage: of the pages where the HTML has the field, the share where the text path gives one;
- precision: of those where both have one, the share that match (``same`` below);
- wrong-when-none: of the pages where the HTML has none, how many get one from the text.

Matching, chosen to forgive how a value is written but not which value it is:

- title: word tokens (case-folded, punctuation dropped) of ours and of the HTML title without
  its site suffix (``htmlmeta.clean_title``): at least 0.8 of the smaller set (2+ tokens) is
  in the other.  The HTML's title is the ``<title>`` / og:title, which often adds a kicker
  ("Tanz in der St. Galler Lokremise: ") or a site name to the page's own headline, so one
  inside the other is a match; a menu line, teaser or subheading shares few words;
- author: some author of the HTML value (trafilatura joins them with "; ") and ours share
  every word token of the shorter one ("Buchter" matches "Heike Buchter");
- date: the same ISO day;
- outlet: case, spaces and punctuation dropped, a domain without its "www." and its last
  label ("zeit.de" -> "zeit"), then equal, or the shorter (4+ characters) inside the longer
  ("zeit" in "zeitonline").

By default the page's URL is not given (like the plain-text files of news-unlabeled, which
have none); ``--url`` passes it, and the URL's domain becomes the outlet of last resort.
``--unlabeled DIR`` prints the counts on the plain-text files of DIR instead, and
``--read N`` N random results of them to check by hand.

    .venv/bin/python bench/extract_text_meta.py --renderings /tmp/15d/render \
        --hints /tmp/15d/hints.json [--url] [--half dev] [--show 10]
    .venv/bin/python bench/extract_text_meta.py --unlabeled ../shared/data/news-unlabeled \
        [--read 20 --seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

from extract_html_eval import DATA, half_of

from propwatch.extract import extract
from propwatch.extract.htmlmeta import clean_title
from propwatch.model import Extracted, RawDocument, Rejected

FIELDS = ("title", "author", "published", "outlet")
HINT_KEY = {"title": "title", "author": "author", "published": "date", "outlet": "sitename"}
TITLE_OVERLAP = 0.8
_WORD = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def same_title(ours: str, html: str, site: str | None) -> bool:
    a, b = set(_tokens(ours)), set(_tokens(clean_title(html, site)))
    short = min(len(a), len(b))
    return short >= 2 and len(a & b) / short >= TITLE_OVERLAP


def same_author(ours: str, html: str) -> bool:
    mine = set(_tokens(ours))
    for name in html.split(";"):
        theirs = set(_tokens(name))
        short, long_ = sorted((mine, theirs), key=len)
        if short and short <= long_:
            return True
    return False


def _squash(name: str) -> str:
    name = name.casefold().strip().removeprefix("www.")
    if re.fullmatch(r"[\w.-]+\.[a-z]{2,}", name):  # a domain: drop its top-level label
        name = name.rsplit(".", 1)[0]
    return "".join(_WORD.findall(name)).replace("_", "")


def same_outlet(ours: str, html: str) -> bool:
    a, b = _squash(ours), _squash(html)
    short, long_ = sorted((a, b), key=len)
    return bool(short) and (a == b or (len(short) >= 4 and short in long_))


def matches(key: str, ours: str, hint: dict[str, str]) -> bool:
    html = hint[HINT_KEY[key]]
    if key == "title":
        return same_title(ours, html, hint.get("sitename"))
    if key == "author":
        return same_author(ours, html)
    if key == "outlet":
        return same_outlet(ours, html)
    return ours == html


def first_article(doc: RawDocument) -> Extracted | None:
    result = extract(doc)
    return None if isinstance(result, Rejected) or not result else result[0]


def _unlabeled(folder: Path, read: int, seed: int) -> int:
    files = sorted(folder.glob("*.txt"))
    found = [(f, extract(RawDocument(f.name, f.read_text(encoding="utf-8"), "text")))
             for f in files]  # fmt: skip
    arts = [(f, a) for f, r in found if not isinstance(r, Rejected) for a in r]
    print(f"{len(files)} files, {len(arts)} articles")
    for key in FIELDS:
        kinds = Counter(a.meta_from.get(key) for _, a in arts if getattr(a, key))
        print(f"{key:10s} {sum(kinds.values()):4d}  {dict(kinds.most_common())}")
    for f, a in random.Random(seed).sample(arts, min(read, len(arts))):
        print(f"\n{f.name}: title {a.title!r}\n  author {a.author!r}  date {a.published!r}"
              f"  outlet {a.outlet!r}  from {dict(a.meta_from)}")  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--renderings", type=Path)
    parser.add_argument("--hints", type=Path, help="bench/extract_line_hints.py")
    parser.add_argument("--url", action="store_true", help="give extract() the page's URL")
    parser.add_argument("--half", choices=("dev", "test"), action="append")
    parser.add_argument("--show", type=int, default=0, help="print N mismatches per field")
    parser.add_argument("--unlabeled", type=Path, help="count on plain-text files instead")
    parser.add_argument("--read", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.unlabeled:
        return _unlabeled(args.unlabeled, args.read, args.seed)
    if not (args.renderings and args.hints):
        parser.error("--renderings and --hints are needed (or --unlabeled)")
    gold = json.loads((args.data / "gold.json").read_text(encoding="utf-8"))
    hints = json.loads(args.hints.read_text(encoding="utf-8"))
    halves = args.half or ["dev", "test"]
    results: dict[str, list[tuple[str, dict[str, str], Extracted | None]]] = {h: [] for h in halves}
    for name in sorted(gold):
        path = args.renderings / (name.removesuffix(".html.gz") + ".txt")
        if half_of(name) not in halves or not path.exists():
            continue
        meta = {"url": gold[name]["url"]} if args.url else {}
        doc = RawDocument(name, path.read_text(encoding="utf-8"), "text", meta=meta)
        hint = {k: v for k, v in hints.get(name, {}).items() if isinstance(v, str) and v}
        results[half_of(name)].append((name, hint, first_article(doc)))
    if not any(results.values()):
        print(f"no renderings in {args.renderings}", file=sys.stderr)
        return 2
    print("field      half   pages  html has  coverage  precision  wrong-when-none")
    for key in FIELDS:
        for half in halves:
            rows = results[half]
            has = [(n, h, a) for n, h, a in rows if HINT_KEY[key] in h]
            gave = [(n, h, a) for n, h, a in has if a is not None and getattr(a, key)]
            right = [r for r in gave if matches(key, getattr(r[2], key), r[1])]
            none = [a for _, h, a in rows if HINT_KEY[key] not in h]
            wrong_none = sum(a is not None and bool(getattr(a, key)) for a in none)
            cover = len(gave) / max(len(has), 1)
            prec = len(right) / max(len(gave), 1)
            print(f"{key:10s} {half:5s} {len(rows):6d} {len(has):9d} {cover:9.3f} {prec:10.3f}"
                  f"  {wrong_none:4d} of {len(none)}")  # fmt: skip
            kinds = Counter(a.meta_from.get(key) for _, _, a in gave if a is not None)
            good = Counter(a.meta_from.get(key) for _, _, a in right if a is not None)
            print("    from: " + ", ".join(f"{k} {good[k]}/{c}" for k, c in kinds.most_common()))
            wrong = [r for r in gave if r not in right]
            for n, h, a in wrong[: args.show]:
                assert a is not None
                print(f"    {n[:14]} ours {getattr(a, key)[:60]!r} ({a.meta_from.get(key)})"
                      f" / html {h[HINT_KEY[key]][:60]!r}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
