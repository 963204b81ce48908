"""Where the time of HTML extraction goes: cProfile of ``extract()`` on every 20th page of
../shared/data/extraction-eval, after 10 warm-up pages (one-off set-up of trafilatura's
helpers is not counted).  ``--time`` only measures the CPU milliseconds per page, without
the profiler (``--every 4 --pages 260``: a quarter of the set).  ``--steady`` also loads
dateparser's language data before timing (htmldate's extensive date search needs it on a
few pages: a one-off cost of about 2 s a process, printed on its own line) so that the
figure is the per-page cost of a long batch.  ``--pieces`` prints the CPU time of each step
of ``extract()`` measured in place, in the same run.

    .venv/bin/python bench/extract_html_profile.py [--pages 45] [--top 40]
    .venv/bin/python bench/extract_html_profile.py --time --every 4 --pages 260 [--steady]
    .venv/bin/python bench/extract_html_profile.py --pieces --every 4 --pages 260 --steady
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import htmldate.extractors
from extract_html_eval import DATA

import propwatch.extract as extract_module
from propwatch.extract import extract, htmlmeta
from propwatch.extract import html as html_module
from propwatch.ingest.decode import decode
from propwatch.model import RawDocument

WARM_UP = 10
# (module, function, label): the steps of extract() on HTML, timed where they are called
PIECES: list[tuple[Any, str, str]] = [
    (html_module, "parse_html", "parse (lxml, tree.parse_html)"),
    (html_module, "structural_articles", "split check (structural_articles)"),
    (html_module, "page_meta", "page_meta (all of it)"),
    (htmlmeta, "_date", "  of which htmldate"),
    (htmldate.extractors, "_external_date", "    of which dateparser"),
    (html_module, "_article", "paragraphs located in the raw HTML (_article)"),
    (extract_module, "visible_text", "visible text of short pages (notice check)"),
    (extract_module, "judge_page", "judge_page (stub and notice rules)"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=45)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--every", type=int, default=20, help="take every Nth page of the set")
    parser.add_argument("--time", action="store_true", help="CPU time only, no profile")
    parser.add_argument("--pieces", action="store_true", help="CPU time of each step")
    parser.add_argument("--steady", action="store_true", help="load dateparser's data first")
    args = parser.parse_args(argv)
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    names = sorted(gold)[:: args.every][: args.pages]
    docs = [
        RawDocument(n, decode(gzip.decompress((DATA / "pages" / n).read_bytes()), n).text,
                    "html", meta={"url": gold[n]["url"]})
        for n in names
    ]  # fmt: skip
    if args.steady:
        start = time.process_time()
        htmldate.extractors.month_words()
        htmldate.extractors._external_date("7 xyzzy 2021")  # no locale fits: loads them all
        print(f"dateparser's language data: {time.process_time() - start:.2f} s once")
    for doc in docs[:WARM_UP]:
        extract(doc)
    measured = docs[WARM_UP:]
    if args.time or args.pieces:
        totals: dict[str, float] = defaultdict(float)
        with _timed_pieces(totals, enabled=args.pieces):
            start = time.process_time()
            for doc in measured:
                extract(doc)
            ms = 1000 * (time.process_time() - start) / max(len(measured), 1)
        print(f"{ms:.1f} ms/page of CPU time ({len(measured)} pages)")
        if args.pieces:
            _print_pieces(totals, ms, len(measured))
        return 0
    start = time.process_time()
    profile = cProfile.Profile()
    profile.enable()
    for doc in measured:
        extract(doc)
    profile.disable()
    ms = 1000 * (time.process_time() - start) / max(len(measured), 1)
    print(f"{ms:.0f} ms/page under the profiler")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    return 0


FAST, CASCADE = "trafilatura, fast mode", "trafilatura, whole cascade (short fast text)"


def _print_pieces(totals: dict[str, float], ms: float, pages: int) -> None:
    labels = [PIECES[0][2], PIECES[1][2], FAST, CASCADE] + [label for *_, label in PIECES[2:]]
    for label in labels:
        print(f"  {label:50s} {1000 * totals[label] / max(pages, 1):6.2f} ms/page")
    top = sum(totals[label] for label in labels if not label.startswith(" "))
    print(f"  {'the rest of extract()':50s} {ms - 1000 * top / max(pages, 1):6.2f} ms/page")


@contextmanager
def _timed_pieces(totals: dict[str, float], enabled: bool) -> Iterator[None]:
    """While inside, each function of ``PIECES`` (and trafilatura's fast and whole-cascade
    runs) adds its CPU time to ``totals``; the functions are restored afterwards."""
    if not enabled:
        yield
        return
    saved = [(module, name, getattr(module, name)) for module, name, _ in PIECES]
    saved.append((html_module, "_trafilatura", html_module._trafilatura))
    for module, name, label in PIECES:
        setattr(module, name, _timer(getattr(module, name), lambda *a, label=label, **k: label,
                                     totals))  # fmt: skip
    html_module._trafilatura = _timer(  # type: ignore[method-assign]
        html_module._trafilatura, lambda root, url, fast: FAST if fast else CASCADE, totals
    )
    try:
        yield
    finally:
        for module, name, function in saved:
            setattr(module, name, function)


def _timer(
    function: Callable[..., Any], label: Callable[..., str], totals: dict[str, float]
) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[label(*args, **kwargs)] += time.process_time() - start

    return timed


if __name__ == "__main__":
    raise SystemExit(main())
