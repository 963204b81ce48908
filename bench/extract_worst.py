"""Worst cases for extraction: each hostile input of issue 9, timed on one core.

Target: any input up to the ingest size limit (20 MB) extracts in 10 s or less.  Printed:
seconds of CPU per case and what came out.

    .venv/bin/python bench/extract_worst.py [--scale 1.0]
"""

from __future__ import annotations

import argparse
import random
import time

from propwatch.extract import extract
from propwatch.model import RawDocument, Rejected

PARA = "The council met on Tuesday to discuss the budget and the bridge over the river. "


def cases(scale: float) -> dict[str, RawDocument]:
    rng = random.Random(0)

    def n(x: float) -> int:
        return max(int(x * scale), 1)

    words = ["alpha", "beta", "gamma", "delta", "&amp;", "<b>x</b>"]
    entities = " ".join(rng.choice(words) for _ in range(n(2e5)))
    script = "var a = '<p>x</p>';" * n(8e3)
    para = f"<div><p>{PARA}</p></div>" * n(9e6 / 100)
    deep = "<div>" * n(5e3) + f"<p>{PARA * 20}</p>" + "</div>" * n(5e3)
    xml = '<?xml version="1.0" encoding="utf-8"?>\x00\x01<html><body><p>'
    line = PARA * n(5e6 / len(PARA))
    short = "\n".join(rng.choice(["Reply", "A Title Here", PARA]) for _ in range(n(2e5)))
    return {
        "unclosed <script>, 160 KB": RawDocument(
            "a.html", f"<html><body><p>{PARA * 10}</p><script>{script}", "html"
        ),
        "many unclosed '<' (no '>'), 1 MB": RawDocument("b.html", "<p " * n(3.3e5), "html"),
        "repetitive HTML, 9 MB": RawDocument("c.html", f"<html><body>{para}</body></html>", "html"),
        "nested 5,000 deep": RawDocument("d.html", f"<html><body>{deep}", "html"),
        "XML declaration + control chars": RawDocument(
            "e.html", f"{xml}{PARA * 10}\x0b</p></body></html>", "html"
        ),
        "one line, 5 MB of text": RawDocument("f.txt", line, "text"),
        "one line, 5 MB in HTML": RawDocument("g.html", f"<p>{line}</p>", "html"),
        "entity-heavy paragraph, 1.4 MB": RawDocument("h.html", f"<p>{entities}</p>", "html"),
        "7 MB of short text lines": RawDocument("i.txt", short, "text"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="shrink or grow every case")
    args = parser.parse_args(argv)
    worst = 0.0
    for name, doc in cases(args.scale).items():
        start = time.process_time()
        result = extract(doc)
        seconds = time.process_time() - start
        worst = max(worst, seconds)
        out = result.kind if isinstance(result, Rejected) else f"{len(result)} article(s), " + (
            f"{sum(len(a.text) for a in result):,} chars"
        )
        print(f"{name:36s} {len(doc.text) / 1e6:6.2f} MB {seconds:7.2f} s  {out}", flush=True)
    print(f"worst {worst:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
