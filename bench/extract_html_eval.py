"""HTML extraction on the 990 real pages of ../shared/data/extraction-eval (trafilatura's set).

Each page has hand-written ``with`` snippets (must be in the body) and ``without`` snippets
(menus, footers, comments: must not be).  Over all pages of a half, a ``with`` snippet found
in the output is a true positive (missing: false negative), a ``without`` snippet found is a
false positive; precision, recall and F1 come from those counts (whitespace collapsed on both
sides).  The pages are split in two halves by a hash of their file name: choose settings on
``dev``, report both (``test`` is the honest figure).

Printed per system and half: P / R / F1, pages that crashed, pages that came out empty or
rejected, and CPU ms per page; for ``propwatch``, also pages split into several articles and
rejected pages whose ``with`` snippets another system found inside 40+ words.

    .venv/bin/python bench/extract_html_eval.py [--systems all|name,name] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from propwatch.extract import extract
from propwatch.extract.html import extract_html
from propwatch.extract.units import count_words
from propwatch.ingest.decode import decode
from propwatch.model import RawDocument, Rejected

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-eval"


@dataclass
class Page:
    name: str
    url: str
    html: str
    with_: list[str]
    without: list[str]

    @property
    def half(self) -> str:
        return half_of(self.name)


def half_of(name: str) -> str:
    """``dev`` or ``test``: which half of the set a page belongs to (by a hash of its name)."""
    return "dev" if hashlib.sha1(name.encode()).digest()[0] % 2 == 0 else "test"


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    pages: int = 0
    crashed: int = 0
    empty: int = 0
    split: int = 0
    seconds: float = 0.0
    wrongly_rejected: list[str] = field(default_factory=list)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / max(self.tp + self.fp, 1)
        r = self.tp / max(self.tp + self.fn, 1)
        return p, r, 2 * p * r / max(p + r, 1e-9)


def load(folder: Path, limit: int | None) -> list[Page]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(gold)[:limit]:
        data = gzip.decompress((folder / "pages" / name).read_bytes())
        item = gold[name]
        html = decode(data, name).text
        pages.append(Page(name, item["url"], html, item["with"], item["without"]))
    return pages


def _flat(text: str) -> str:
    return " ".join(text.split())


# -- systems: html, url -> (text, number of articles); None text = rejected / nothing found --


def _trafilatura(**options: Any) -> Callable[[Page], tuple[str | None, int]]:
    def run(page: Page) -> tuple[str | None, int]:
        return trafilatura.extract(page.html, url=page.url, **options), 1

    return run


def _readability(page: Page) -> tuple[str | None, int]:
    import lxml.html
    from readability import Document  # type: ignore[import-untyped]

    summary = Document(page.html).summary(html_partial=True)
    root = lxml.html.fragment_fromstring(summary, create_parent="div")
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "tr", "br"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content(), 1


def _resiliparse(page: Page) -> tuple[str | None, int]:
    from resiliparse.extract.html2text import extract_plain_text  # type: ignore[import-not-found]

    return extract_plain_text(page.html, main_content=True), 1


def _newspaper(page: Page) -> tuple[str | None, int]:
    import newspaper  # type: ignore[import-untyped]

    article = newspaper.Article(page.url, fetch_images=False)
    article.download(input_html=page.html)
    article.parse()
    return article.text, 1


def _propwatch(page: Page) -> tuple[str | None, int]:
    result = extract(RawDocument(page.name, page.html, "html", meta={"url": page.url}))
    if isinstance(result, Rejected):
        return None, 0
    return "\n\n".join(a.text for a in result), len(result)


def _propwatch_body(page: Page) -> tuple[str | None, int]:
    """Without the title paragraph: trafilatura.extract leaves the title out too, and the
    ``without`` snippets of some pages are their title."""
    result = extract(RawDocument(page.name, page.html, "html", meta={"url": page.url}))
    if isinstance(result, Rejected):
        print(f"  propwatch-body rejected {page.name}: {result.reason}"[:200])
        return None, 0
    bodies = [a.text.partition("\n\n")[2] if a.title else a.text for a in result]
    return "\n\n".join(bodies), len(result)


def _with_fallback(
    first: Callable[[Page], tuple[str | None, int]],
    second: Callable[[Page], tuple[str | None, int]],
    min_words: int = 40,
) -> Callable[[Page], tuple[str | None, int]]:
    def run(page: Page) -> tuple[str | None, int]:
        text, n = first(page)
        if text is None or count_words(text) < min_words:
            other, m = second(page)
            if other is not None and count_words(other) > count_words(text or ""):
                return other, m
        return text, n

    return run


def _propwatch_nostub(page: Page) -> tuple[str | None, int]:
    """``propwatch-body`` without the page judgement (stub and notice rejections)."""
    result = extract_html(RawDocument(page.name, page.html, "html", meta={"url": page.url}))
    bodies = [a.text.partition("\n\n")[2] if a.title else a.text for a in result]
    return "\n\n".join(bodies) or None, len(result)


TRAF = {"include_comments": False}
SYSTEMS: dict[str, Callable[[Page], tuple[str | None, int]]] = {
    "trafilatura-default": _trafilatura(),
    "trafilatura-nocomments": _trafilatura(**TRAF),
    "trafilatura-nocomments-notables": _trafilatura(include_tables=False, **TRAF),
    "trafilatura-precision": _trafilatura(favor_precision=True, **TRAF),
    "trafilatura-recall": _trafilatura(favor_recall=True, **TRAF),
    "trafilatura-fast": _trafilatura(fast=True, **TRAF),
    "readability": _readability,
    "resiliparse": _resiliparse,
    "newspaper4k": _newspaper,
    "trafilatura-nocomments+readability": _with_fallback(_trafilatura(**TRAF), _readability),
    "trafilatura-nocomments+resiliparse": _with_fallback(_trafilatura(**TRAF), _resiliparse),
    "trafilatura-recall+resiliparse": _with_fallback(
        _trafilatura(favor_recall=True, **TRAF), _resiliparse
    ),
    "propwatch": _propwatch,
    "propwatch-body": _propwatch_body,
    "propwatch-body-nostub": _propwatch_nostub,
}


def evaluate(
    name: str, system: Callable[[Page], tuple[str | None, int]], pages: list[Page]
) -> tuple[dict[str, Score], dict[str, str | None]]:
    scores = {"dev": Score(), "test": Score()}
    outputs: dict[str, str | None] = {}
    for page in pages:
        score = scores[page.half]
        score.pages += 1
        start = time.process_time()
        try:
            text, articles = system(page)
        except Exception as exc:  # noqa: BLE001 - a crash is what is counted here
            print(f"  {name} crashed on {page.name}: {type(exc).__name__}: {exc}"[:200])
            score.crashed += 1
            text, articles = None, 0
        score.seconds += time.process_time() - start
        outputs[page.name] = text
        flat = _flat(text or "")
        score.empty += not flat
        score.split += articles > 1
        for snippet in page.with_:
            if _flat(snippet) in flat:
                score.tp += 1
            else:
                score.fn += 1
        for snippet in page.without:
            if _flat(snippet) in flat:
                score.fp += 1
            else:
                score.tn += 1
    return scores, outputs


def wrong_rejections(
    pages: list[Page], ours: dict[str, str | None], others: list[dict[str, str | None]]
) -> list[str]:
    """Pages we output nothing for while another system found all their ``with`` snippets
    inside 40+ words."""
    out = []
    for page in pages:
        if ours.get(page.name):
            continue
        for other in others:
            text = _flat(other.get(page.name) or "")
            if count_words(text) >= 40 and all(_flat(s) in text for s in page.with_):
                out.append(page.name)
                break
    return out


def report(name: str, scores: dict[str, Score]) -> None:
    for half, s in scores.items():
        if not s.pages:
            continue
        p, r, f = s.prf()
        ms = 1000 * s.seconds / max(s.pages, 1)
        print(
            f"{name:40s} {half:4s} P {p:.3f} R {r:.3f} F1 {f:.3f}  crashed {s.crashed:2d}"
            f"  empty {s.empty:2d}  split {s.split:2d}  {ms:6.1f} ms/page  ({s.pages} pages)"
        )
    both = Score()
    for s in scores.values():
        both.tp, both.fn, both.fp = both.tp + s.tp, both.fn + s.fn, both.fp + s.fp
    p, r, f = both.prf()
    print(f"{name:40s} all  P {p:.3f} R {r:.3f} F1 {f:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--systems", default="all", help="comma-separated names, or 'all'")
    parser.add_argument("--limit", type=int, help="only the first N pages (quick checks)")
    parser.add_argument("--half", choices=("dev", "test"), help="only the pages of one half")
    args = parser.parse_args(argv)
    if not (args.data / "gold.json").exists():
        print(f"no gold.json in {args.data}: point --data at extraction-eval", file=sys.stderr)
        return 2
    names = list(SYSTEMS) if args.systems == "all" else args.systems.split(",")
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown:
        print(f"unknown systems {unknown}; known: {', '.join(SYSTEMS)}", file=sys.stderr)
        return 2
    pages = [p for p in load(args.data, args.limit) if args.half in (None, p.half)]
    print(f"{len(pages)} pages: {sum(p.half == 'dev' for p in pages)} dev, "
          f"{sum(p.half == 'test' for p in pages)} test")  # fmt: skip
    outputs = {}
    for name in names:
        scores, outputs[name] = evaluate(name, SYSTEMS[name], pages)
        report(name, scores)
        sys.stdout.flush()
    ours = next((n for n in ("propwatch", "propwatch-body") if n in outputs), None)
    if ours:
        others = [out for n, out in outputs.items() if not n.startswith("propwatch")]
        wrong = wrong_rejections(pages, outputs[ours], others)
        print(f"propwatch: {len(wrong)} pages with nothing out that another system extracted:")
        for name in wrong:
            print("  ", name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
