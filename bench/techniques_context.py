"""Context stability: the same article tagged alone and embedded in a longer page (another
article before it, another after it) must give the same technique spans.

Usage: python bench/techniques_context.py [--profile precise|balanced] [--n 20] [--model DIR]

Articles: the three seeds (../shared/samples/seeds) and the first N articles of
../shared/data/news-unlabeled; each is embedded between its two neighbours in that list.
Prints, per set, the share of (technique, start, end) spans identical in both runs:
|alone & embedded| / max(|alone|, |embedded|), pooled over the articles, and how many of
the spans found in one run only are token spans or whole-sentence spans (heads).  With
``--accept-values`` (a profile with an acceptance filter): also the same with the
acceptance floor off, and how many of the spans found in both runs get the same
acceptance probability (to 1e-9), which is not vacuous when the floor shows few spans.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from propwatch.techniques.ptc import read_text
from propwatch.techniques.tagger import Tagger

SHARED = Path("../shared")


def identical_share(
    tagger: Tagger, texts: list[str], accept: list[int] | None = None
) -> tuple[float, int, int, Counter[str]]:
    """``accept``: when given, [spans in both runs, of which with the same acceptance] is
    added to."""
    same = total = 0
    differ: Counter[str] = Counter()
    for i, text in enumerate(texts):
        before, after = texts[i - 1], texts[(i + 1) % len(texts)]
        page = before + "\n\n" + text + "\n\n" + after
        shift = len(before) + 2
        alone = {(s.label, s.start, s.end): s for s in tagger.tag(text)}
        inside = {
            (s.label, s.start - shift, s.end - shift): s
            for s in tagger.tag(page)
            if s.start >= shift and s.end <= shift + len(text)
        }
        both = alone.keys() & inside.keys()
        same += len(both)
        total += max(len(alone), len(inside))
        differ.update(str({**alone, **inside}[k].data.get("source"))
                      for k in alone.keys() ^ inside.keys())
        if accept is not None:
            accept[0] += len(both)
            accept[1] += sum(abs(alone[k].data["accept"] - inside[k].data["accept"]) <= 1e-9
                             for k in both)
    return (same / total if total else 1.0), same, total, differ


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default="precise")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--model", type=Path, default=None, help="model directory (shipped)")
    ap.add_argument("--accept-values", action="store_true",
                    help="also with the acceptance floor off: same acceptance per span")
    args = ap.parse_args()
    tagger = Tagger(args.model, profile=args.profile)
    seeds = [read_text(p) for p in sorted((SHARED / "samples/seeds").glob("*.txt"))]
    news = [read_text(p) for p in sorted((SHARED / "data/news-unlabeled").glob("*.txt"))]
    for name, texts in (("seeds", seeds), (f"news-unlabeled[:{args.n}]", news[: args.n])):
        share, same, total, differ = identical_share(tagger, texts)
        print(f"{args.profile} {name}: {share:.3f} identical ({same} of {total} spans); "
              f"in one run only: {dict(differ) or 'none'}")
        if args.accept_values and tagger.accept is not None and tagger.sentence_cfg:
            floor = tagger.sentence_cfg.min_accept
            tagger.sentence_cfg.min_accept = 0.0
            counts = [0, 0]
            share, same, total, differ = identical_share(tagger, texts, counts)
            tagger.sentence_cfg.min_accept = floor
            print(f"  floor off: {share:.3f} identical ({same} of {total} spans); same "
                  f"acceptance for {counts[1]} of the {counts[0]} spans in both runs")


if __name__ == "__main__":
    main()
