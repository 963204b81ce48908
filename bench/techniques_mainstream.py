"""Precision on plain reporting: the default (precise) spans on 50 mainstream news articles
of ../shared/data/news-unlabeled, judged by hand.

Usage:
  python bench/techniques_mainstream.py --dump     # tag, write spans not yet judged
  python bench/techniques_mainstream.py            # share accepted, from the judged file
  python bench/techniques_mainstream.py --no-filter   # the same without the acceptance filter

(``--dump`` rewrites the file with the spans shown now: run it with ``--no-filter`` so the
spans the filter hides keep their judgement.)

The articles: the first 50 files (sorted by name) of at least 150 words whose first 3,000
characters name a mainstream outlet (AP, Reuters, CNN, Fox News, CBS/NBC/ABC, BBC, NPR,
Bloomberg, USA Today, The New York Times, The Washington Post, Politico, CNBC, The
Guardian, the Los Angeles Times, Newsweek, UPI, Al Jazeera, Axios, Sky News, the FT, the
WSJ, Yahoo), read and confirmed as news reporting (``EXCLUDED``: candidates that were not).
Judgements live in bench/data/techniques_mainstream_judged.tsv: file, start, end,
technique, confidence, span text, verdict (accept / reject), reason.  A span is accepted
when a careful reader would agree that the marked words use the technique as they stand:
charged words of the people reported on, or the reporter's own loaded wording, count; the
reporter's apt description of grave events does not, nor do fragments and spans whose
boundaries change what they say.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

from propwatch.techniques.ptc import read_text
from propwatch.techniques.tagger import Tagger

NEWS = Path("../shared/data/news-unlabeled")
JUDGED = Path(__file__).parent / "data" / "techniques_mainstream_judged.tsv"
FIELDS = ["file", "start", "end", "technique", "confidence", "text", "verdict", "reason"]
OUTLET = re.compile(
    r"\((?:AP|Reuters|CNN|AFP|FOX\d*|KABC|CBS|NBC\w*|ABC\w*)\)|You can now listen to Fox News"
    r"|Placeholder while article actions load|Associated Press|Reuters|BBC News|CNN|NPR"
    r"|Bloomberg|USA TODAY|The New York Times|CBS News|NBC News|ABC News|Politico|CNBC"
    r"|The Guardian|Washington Post|Los Angeles Times|Newsweek|\(UPI\)|Al Jazeera|Axios"
    r"|Sky News|Financial Times|Wall Street Journal|Associated Press|\bAP\b|Yahoo"
)
#: Candidates read and found not to be mainstream news reporting (opinion sites quoting
#: an outlet, listicles).
EXCLUDED = {
    f"article{n}.txt"
    for n in (
        1111144064,  # "Defeat U.S. Imperialism": a political group's statement
        1111150298,  # outlet unclear
        1111161337,  # opinion column on "the media"
        1111161344,  # outlet unclear (RT style)
        1111161419,  # advocacy piece ("our friend Senator Sherrod Brown")
        1111177918,  # album review
        1111178016,  # opinion column ("I have a confession")
        1111239152,  # partisan site on Judge Curiel
        1111239052,  # outlet unclear
        1111239038,  # opinion blog ("Shut up, Harry")
        1111239122,  # student newspaper
    )
}


def articles(n: int = 50) -> list[Path]:
    out = []
    for p in sorted(NEWS.glob("article*.txt")):
        text = read_text(p)
        if p.name in EXCLUDED or len(text.split()) < 150 or not OUTLET.search(text[:3000]):
            continue
        out.append(p)
        if len(out) == n:
            break
    return out


def load_judged() -> dict[tuple[str, int, int, str], dict[str, str]]:
    if not JUDGED.exists():
        return {}
    with JUDGED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return {(r["file"], int(r["start"]), int(r["end"]), r["technique"]): r for r in rows}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", action="store_true")
    ap.add_argument("--profile", default="precise")
    ap.add_argument("--no-filter", action="store_true",
                    help="without the acceptance filter (the spans before it)")
    args = ap.parse_args()
    tagger = Tagger(profile=args.profile)
    if args.no_filter:
        tagger.accept = None
    judged = load_judged()
    rows = []
    for p in articles():
        text = read_text(p)
        for s in tagger.tag(text):
            key = (p.name, s.start, s.end, s.label)
            row = dict(judged.get(key) or {
                "file": p.name, "start": str(s.start), "end": str(s.end), "technique": s.label,
                "text": text[s.start : s.end], "verdict": "", "reason": "",
            })
            row["confidence"] = f"{s.score or 0.0:.3f}"  # the verdict stays, the score is now
            rows.append(row)
    if args.dump:
        JUDGED.parent.mkdir(exist_ok=True)
        with JUDGED.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, FIELDS, delimiter="\t", lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        print(f"{len(rows)} spans written to {JUDGED}")
        return
    verdicts = [r["verdict"] for r in rows]
    accepted, rejected = verdicts.count("accept"), verdicts.count("reject")
    unjudged = len(rows) - accepted - rejected
    print(f"{len(articles())} articles, {len(rows)} {args.profile} spans: {accepted} accepted, "
          f"{rejected} rejected, {unjudged} not judged; share accepted "
          f"{accepted / max(1, accepted + rejected):.3f}")


if __name__ == "__main__":
    main()
