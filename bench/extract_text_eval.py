"""Plain-text extraction on browser renderings of the 990 pages of ../shared/data/extraction-eval.

Renderings come from bench/extract_render.py (headless Chromium, JavaScript off,
``document.body.innerText``).  Body scoring is the snippet scoring of
bench/extract_html_eval.py on the same dev / test halves.  "keep everything" is the rendering
itself (no cleaning).  Infinite-scroll captures are built as the fit script builds them
(bench/extract_text_fit.py: 2-4 renderings of one half, the later ones cut to start at their
headline half of the time); the set holds about one page per site, so the captures mix sites
(a same-site capture shares its chrome, which the fit never sees).  A capture is split right
when it gives as many articles as it holds and each article's body sits in its own article:
the article holds some of its rendering's ``with`` snippets and no other rendering's
("separated"; a snippet the labeller missed is a body-recall error, counted by the F1);
"whole" also asks every ``with`` snippet to be found in its own article.  "split" counts
single pages that came out as several articles (teaser lists).

    .venv/bin/python bench/extract_text_eval.py --renderings /tmp/wt15/render \
        --hints /tmp/wt15/hints.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from extract_html_eval import DATA, Score, _flat, half_of
from extract_text_fit import captures, load

from propwatch.extract import extract
from propwatch.model import Extracted, RawDocument, Rejected


def _score(score: Score, text: str, item: dict[str, list[str]]) -> None:
    flat = _flat(text)
    for snippet in item["with"]:
        score.tp += _flat(snippet) in flat
        score.fn += _flat(snippet) not in flat
    for snippet in item["without"]:
        score.fp += _flat(snippet) in flat
        score.tn += _flat(snippet) not in flat


def _split_verdict(arts: list[str], snippets: list[list[str]]) -> set[str]:
    """How right a capture's split is: "number" (as many articles as renderings),
    "separated" (also: each article holds some of its rendering's ``with`` snippets and none
    of another's), "whole" (also: every ``with`` snippet sits in its own article)."""
    if len(arts) != len(snippets):
        return set()
    out = {"number"}
    own = all(any(s in arts[k] for s in snips) for k, snips in enumerate(snippets))
    foreign = any(
        s in arts[j] for k, snips in enumerate(snippets) for s in snips for j in range(len(arts))
        if j != k
    )  # fmt: skip
    if own and not foreign:
        out.add("separated")
        if all(s in arts[k] for k, snips in enumerate(snippets) for s in snips):
            out.add("whole")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--renderings", type=Path, required=True)
    parser.add_argument("--hints", type=Path, required=True, help="bench/extract_line_hints.py")
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--half", choices=("dev", "test", "both"), default="both",
        help="score only this half (choose on dev; read test once, at the end)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    halves = ("dev", "test") if args.half == "both" else (args.half,)
    gold = json.loads((args.data / "gold.json").read_text(encoding="utf-8"))
    pages = {}
    for name in gold:
        path = args.renderings / (name.removesuffix(".html.gz") + ".txt")
        if path.exists() and half_of(name) in halves:
            pages[name] = path.read_text(encoding="utf-8")
    if not pages:
        print(f"no renderings in {args.renderings}: run bench/extract_render.py", file=sys.stderr)
        return 2
    ours = {half: Score() for half in halves}
    everything = {half: Score() for half in halves}
    found: dict[str, list[Extracted]] = {}
    for name, text in sorted(pages.items()):
        half = half_of(name)
        doc = RawDocument(name, text, "text", meta={"url": gold[name]["url"]})
        start = time.process_time()
        result = extract(doc)
        ours[half].seconds += time.process_time() - start
        ours[half].pages += 1
        articles = [] if isinstance(result, Rejected) else result
        ours[half].empty += not articles
        ours[half].split += len(articles) > 1
        found[name] = articles
        _score(ours[half], "\n\n".join(a.text for a in articles), gold[name])
        _score(everything[half], text, gold[name])
    for label, scores in (("keep everything", everything), ("extract() text path", ours)):
        for half, s in scores.items():
            p, r, f = s.prf()
            ms = 1000 * s.seconds / max(s.pages, 1)
            extra = f"  empty {s.empty}  split {s.split}  {ms:.1f} ms/page" if s.pages else ""
            print(f"{label:22s} {half:4s} P {p:.3f} R {r:.3f} F1 {f:.3f}{extra}")
    scored = load(args.data, args.renderings, args.hints, halves=halves)
    for half in halves:
        caps = captures([p for p in scored if half_of(p.name) == half], args.captures, args.seed)
        count = {"number": 0, "separated": 0, "whole": 0}
        start = time.process_time()
        for cap, parts in caps:
            result = extract(RawDocument("capture.txt", cap.text, "text"))
            arts = [] if isinstance(result, Rejected) else [_flat(a.text) for a in result]
            verdict = _split_verdict(arts, [[_flat(s) for s in p.gold["with"]] for p in parts])
            for key in count:
                count[key] += key in verdict
        ms = 1000 * (time.process_time() - start) / max(len(caps), 1)
        print(
            f"captures of 2-4 renderings {half:4s}: right number {count['number']}/{len(caps)}, "
            f"and each body in its own article {count['separated']}/{len(caps)}, "
            f"and every with snippet found {count['whole']}/{len(caps)} ({ms:.1f} ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
