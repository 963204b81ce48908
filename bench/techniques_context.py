"""Context stability: the same article tagged alone and embedded in a longer page (another
article before it, another after it) must give the same technique spans.

Usage: python bench/techniques_context.py [--profile precise|balanced] [--n 20]

Articles: the three seeds (../shared/samples/seeds) and the first N articles of
../shared/data/news-unlabeled; each is embedded between its two neighbours in that list.
Prints, per set, the share of (technique, start, end) spans identical in both runs:
|alone & embedded| / max(|alone|, |embedded|), pooled over the articles.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from propwatch.techniques.ptc import read_text
from propwatch.techniques.tagger import Tagger

SHARED = Path("../shared")


def identical_share(tagger: Tagger, texts: list[str]) -> tuple[float, int, int]:
    same = total = 0
    for i, text in enumerate(texts):
        before, after = texts[i - 1], texts[(i + 1) % len(texts)]
        page = before + "\n\n" + text + "\n\n" + after
        shift = len(before) + 2
        alone = {(s.label, s.start, s.end) for s in tagger.tag(text)}
        inside = {
            (s.label, s.start - shift, s.end - shift)
            for s in tagger.tag(page)
            if s.start >= shift and s.end <= shift + len(text)
        }
        same += len(alone & inside)
        total += max(len(alone), len(inside))
    return (same / total if total else 1.0), same, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="precise")
    ap.add_argument("--n", type=int, default=20)
    args = ap.parse_args()
    tagger = Tagger(profile=args.profile)
    seeds = [read_text(p) for p in sorted((SHARED / "samples/seeds").glob("*.txt"))]
    news = [read_text(p) for p in sorted((SHARED / "data/news-unlabeled").glob("*.txt"))]
    for name, texts in (("seeds", seeds), (f"news-unlabeled[:{args.n}]", news[: args.n])):
        share, same, total = identical_share(tagger, texts)
        print(f"{args.profile} {name}: {share:.3f} identical ({same} of {total} spans)")


if __name__ == "__main__":
    main()
