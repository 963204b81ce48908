"""Per-page hints for labelling rendered lines beyond body / not body (bench, fit time only).

For each page of ../shared/data/extraction-eval: the lines of trafilatura's main text (silver
body labels: trafilatura scores F1 0.92 on the set's snippets, and the gold snippets override
it where they speak), its headline, author and date as the HTML
states them (trafilatura's metadata: ``<h1>``, og:title, JSON-LD, meta tags), the texts of
its ``<figcaption>`` elements and of its comment sections (elements whose id or class names
a comment thread).  The line labeller's fit script (bench/extract_text_fit.py) turns these
into title, byline, date, caption and comment labels of the rendered lines.

    .venv/bin/python bench/extract_line_hints.py --out /tmp/wt15/hints.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

import trafilatura

from propwatch.extract.tree import parse_html
from propwatch.ingest.decode import decode

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-eval"
_COMMENTS = (
    "//*[contains(translate(@id,'COMENT','coment'),'comment')"
    " or contains(translate(@class,'COMENT','coment'),'comment')]"
)


def _texts(nodes: list, limit: int = 40) -> list[str]:
    out = []
    for node in nodes[:limit]:
        text = " ".join(node.text_content().split())
        if 3 <= len(text) <= 3000:
            out.append(text)
    return out


def hints(html: str, url: str | None) -> dict[str, object]:
    meta = trafilatura.extract_metadata(html, default_url=url)
    main = trafilatura.extract(html, url=url, include_comments=False, include_tables=True) or ""
    root = parse_html(html)
    captions = _texts(root.xpath("//figcaption")) if root is not None else []
    comments: list[str] = []
    if root is not None:
        outer = [n for n in root.xpath(_COMMENTS) if n.tag not in ("body", "html")]
        comments = _texts(outer)
    return {
        "title": meta.title if meta else None,
        "author": meta.author if meta else None,
        "date": meta.date if meta else None,
        "sitename": meta.sitename if meta else None,
        "body": [line.strip() for line in main.splitlines() if line.strip()],
        "captions": captions,
        "comments": comments,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    gold = json.loads((args.data / "gold.json").read_text(encoding="utf-8"))
    out = {}
    for k, name in enumerate(sorted(gold)):
        raw = gzip.decompress((args.data / "pages" / name).read_bytes())
        html = decode(raw, name).text
        try:
            out[name] = hints(html, gold[name].get("url"))
        except Exception as exc:  # a page the metadata reader fails on gives no hints
            print(f"{name}: {exc}", file=sys.stderr)
        if k % 100 == 0:
            print(f"{k}/{len(gold)}", file=sys.stderr, flush=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
