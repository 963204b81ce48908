"""Extraction benchmark on a synthetic set of plain-text scrapes.

Article bodies come from ../shared/data/news-unlabeled (400 real news texts); the page chrome
around them is invented here (10 made-up sites with headers, bylines, dates, captions,
inline "Read more" links, share bars, donation and newsletter boxes, bios, tags, related
lists, reader comments, disclaimers and footers, in varied wordings and orders).  Some pages
concatenate 2-3 articles (infinite scroll), some are captcha / cookie / JavaScript / error
pages or stubs, some are bare bodies.

Printed: line-level precision / recall / F1 of kept body lines, title accuracy, split
accuracy (articles found per page) and rejection accuracy, without and with RecurringLines.

    .venv/bin/python bench/extract_eval.py [--seed 1] [--pages 400] [--chrome unfamiliar] [--html]
        [--ptc ../shared/data/ptc]
"""

from __future__ import annotations

import argparse
import bisect
import html
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from propwatch.extract import RecurringLines, extract
from propwatch.model import Extracted, RawDocument, Rejected

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news-unlabeled"
# Page residue the source texts already carry: such lines are left out of the benchmark (they
# are neither gold body nor chrome), as are short lines before the first and after the last
# line of 12 or more words.
RESIDUE = re.compile(
    r"you can now listen|click here|advertisement|placeholder while|sign up|subscribe|newsletter"
    r"|story continues|share this|send this|follow .{0,40} on (?:twitter|facebook)|read more"
    r"|^related|©|photo:|photo by|credit:|image:|getty|istock|shutterstock|see more|affiliate"
    r"|last \d+ posts|^editor:|^\* \* \*|^#\w|cookie|javascript|^(?:by|via|source):? ",
    re.I,
)

SITES = [
    "The Meridian Courier", "Free Nation Report", "Eastgate Observer", "Truthlight News",
    "The Harbour Gazette", "Sovereign Signal", "Polar Star Daily", "Citizen Wire 24",
    "Blue Ridge Tribune", "The Open Ledger",
]  # fmt: skip
NAMES = [
    "Jana Holm", "Piotr Adler", "Mira Castell", "Owen Tarrant", "Lidia Rusk", "Tomas Greer",
    "Alma Voss", "Kiran Dal", "Rosa Imbert", "Felix Marr", "Nadia Orlov", "Sam Whitcombe",
]  # fmt: skip
MONTHS = "January February March April May June July August September October November December"


@dataclass
class Page:
    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, role) role: body/title/x
    gap: str = "\n\n"
    titles: list[str] = field(default_factory=list)
    kind: str | None = None  # expected rejection kind

    def add(self, text: str, role: str = "x") -> None:
        self.lines.append((text, role))

    def render(self) -> tuple[str, list[int]]:
        """The raw text and the start offset of each line."""
        starts, parts, pos = [], [], 0
        for text, _ in self.lines:
            starts.append(pos)
            parts.append(text + self.gap)
            pos += len(text) + len(self.gap)
        return "".join(parts), starts


@dataclass
class Source:
    title: str
    body: list[str]


def load_sources(folder: Path) -> list[Source]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        body = [ln for ln in lines if ln and not RESIDUE.search(ln) and not _caps(ln)]
        long = [i for i, ln in enumerate(body) if len(ln.split()) >= 12]
        body = body[long[0] : long[-1] + 1] if long else []
        tiny = sum(len(ln.split()) < 3 for ln in body)
        if sum(len(ln.split()) for ln in body) < 150 or len(body) < 3 or tiny * 5 > len(body):
            continue  # too short, or a code listing / table rather than prose
        words = re.sub(r"[^\w' -]", "", body[0]).split()[:9]
        out.append(Source(" ".join(w.capitalize() for w in words), body))
    return out


def _caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 10 and all(c.isupper() for c in letters)


def date_text(rng: random.Random, site: str) -> str:
    y, m, d = rng.randint(2017, 2026), rng.randint(1, 12), rng.randint(1, 28)
    month = MONTHS.split()[m - 1]
    return rng.choice(
        [
            f"Published on {month} {d}, {y}",
            f"{site}, {month} {d}, {y}",
            f"{d} {month} {y}",
            f"Posted {month[:3]} {d}, {y}",
            f"Updated: {y}-{m:02d}-{d:02d}",
        ]
    )


# Chrome wordings: "familiar" ones are what the extractor's patterns know; "unfamiliar" ones
# avoid that vocabulary, so that only position and recurrence across pages can catch them.
FAMILIAR = {
    "tagline": "Independent news and analysis",
    "nav": "Home | World | Politics | Economy | Opinion",
    "views": "{n:,} views",
    "read": "{n} min read",
    "caption": "{who} (Photo: Reuters)",
    "ad": "Advertisement",
    "inline": "Read more: {title}",
    "inline_box": "Subscribe to our newsletter to get the top stories every morning.",
    "share": "Share this:|Facebook|Twitter|Telegram|Email",
    "appeal": "Support {site}! We rely on readers like you. Donate today.",
    "tags": "Tags: politics, economy, world",
    "related": "Related articles",
    "comments": "{n} comments",
    "says": "{who} says:",
    "reply": "Reply",
    "newsletter": "Sign up for the {site} newsletter|Get our best stories delivered to your inbox "
    "every morning.",
    "disclaimer": "Disclaimer: The views expressed in this article are solely those of the author "
    "and do not necessarily reflect the views of {site}.",
    "footer": "© {year} {site}. All rights reserved.|Privacy Policy | Terms of Use | Contact us",
}
UNFAMILIAR = {
    "tagline": "Straight talk for thinking people",
    "nav": "Front page · Nation · Abroad · Money",
    "views": "Seen by {n:,} readers",
    "read": "A {n}-minute piece",
    "caption": "{who}, seen earlier this year",
    "ad": "From our partners",
    "inline": "Also worth your time — {title}",
    "inline_box": "Our morning briefing lands before breakfast, free of charge, every weekday.",
    "share": "Pass this along|FB · TG · Mail",
    "appeal": "Keep {site} going: every little bit helps us stay on air and out of debt.",
    "tags": "Filed in politics and economy",
    "related": "Our picks for you",
    "comments": "What {n} readers think",
    "says": "{who} wrote",
    "reply": "Answer",
    "newsletter": "The {site} briefing|One letter every weekday, nothing else, and you can leave "
    "whenever you like.",
    "disclaimer": "Opinions in this piece belong to the writer alone and not to the editors of "
    "{site} or its owners.",
    "footer": "{year} {site}|Imprint · Data protection · Write to us",
}


def header(page: Page, site: str, style: int, w: dict[str, str]) -> None:
    """Site header chrome: fixed per site so that it recurs across the site's pages."""
    if style % 2 == 0:
        page.add(site.upper())
    else:
        page.add(f"{site} | {w['tagline']}")
    page.add([w["nav"], "Menu", "Home › News › World"][style % 3])
    if style % 3 == 1:
        page.add("Search")


def article_head(
    page: Page, rng: random.Random, site: str, src: Source, standfirst: bool, w: dict[str, str]
) -> None:
    if rng.random() < 0.3:
        page.add(rng.choice(["Opinion", "Analysis", "World", "Breaking"]))
    page.add(src.title, "title")
    page.titles.append(src.title)
    if standfirst:
        page.add(src.body[0], "body")
    meta = [f"By {rng.choice(NAMES)}", date_text(rng, site)]
    if rng.random() < 0.5:
        meta.append(w["views"].format(n=rng.randint(100, 99999)))
    if rng.random() < 0.3:
        meta.append(w["read"].format(n=rng.randint(2, 12)))
    for text in meta:
        page.add(text)
    if rng.random() < 0.5:
        who = rng.choice(["Protesters gather outside the ministry", "A view of the harbour"])
        page.add(w["caption"].format(who=who))


def article_body(
    page: Page,
    rng: random.Random,
    src: Source,
    others: list[Source],
    skip_first: bool,
    w: dict[str, str],
) -> None:
    body = src.body[1:] if skip_first else src.body
    for i, line in enumerate(body):
        page.add(line, "body")
        if i == 1 and rng.random() < 0.3:
            page.add(rng.choice([w["ad"], w["inline"].format(title=rng.choice(others).title)]))
        if i == 3 and rng.random() < 0.2:
            page.add(w["inline_box"])


def article_tail(
    page: Page, rng: random.Random, site: str, others: list[Source], style: int, w: dict[str, str]
) -> None:
    """Chrome after the body; the order and the parts vary by site and page."""
    blocks: list[list[str]] = [w["share"].split("|") if style % 2 == 0 else ["Share this article"]]
    if style % 3 != 2:
        blocks.append([w["appeal"].format(site=site)])
    if rng.random() < 0.4:
        name = rng.choice(NAMES)
        blocks.append(
            [
                name,
                f"{name} is a journalist and a regular contributor to {site}. "
                "Their work has appeared in several independent outlets.",
            ]
        )
    if rng.random() < 0.5:
        blocks.append([w["tags"]])
    blocks.append([w["related"]] + [o.title for o in rng.sample(others, 3)])
    if rng.random() < 0.4:
        blocks.append(_comments(rng, others, w))
    blocks.append(w["newsletter"].format(site=site).split("|"))
    if style % 4 == 3:
        blocks.append([w["disclaimer"].format(site=site)])
    blocks.append(w["footer"].format(site=site, year=rng.randint(2018, 2026)).split("|"))
    middle = blocks[1:-1]
    rng.shuffle(middle)
    for block in [blocks[0], *middle, blocks[-1]]:
        for text in block:
            page.add(text)


def _comments(rng: random.Random, others: list[Source], w: dict[str, str]) -> list[str]:
    lines = [w["comments"].format(n=rng.randint(2, 300))]
    for _ in range(rng.randint(1, 3)):
        lines.append(w["says"].format(who=rng.choice(["mark77", "truthseeker", "Anna K"])))
        lines.append(rng.choice(rng.choice(others).body))
        lines.append(w["reply"])
    return lines


NOTICES = {
    "captcha": [
        [
            "Just a moment...",
            "Checking your browser before accessing the site.",
            "This process is automatic. Your browser will redirect shortly.",
            "Ray ID: 7a1b2c3d",
        ],
        ["Please verify you are a human", "Press & Hold", "Reference ID 12ab-34cd"],
        [
            "Attention Required!",
            "Please complete the security check to access this website.",
            "Why do I have to complete a CAPTCHA?",
        ],
    ],
    "cookie-wall": [
        [
            "We value your privacy",
            "We use cookies to improve your experience and to show you personalised ads.",
            "Accept all cookies",
            "Manage settings",
        ],
        ["Before you continue", "Our partners and we use cookies. Reject all | Accept all"],
    ],
    "javascript": [
        ["You need to enable JavaScript to run this app."],
        ["Please enable JavaScript in your browser to view this page.", "Reload"],
    ],
    "error-page": [
        [
            "404 - Page not found",
            "The page you requested does not exist or has been moved.",
            "Go to homepage",
        ],
        ["Access Denied", "You don't have permission to access this resource on this server."],
        ["503 Service Unavailable", "Please try again later."],
    ],
    "stub": [
        ["Already have an account? Log in now."],
        ["Watch: Minister speaks to reporters outside parliament", "Video, 00:01:32"],
    ],
}


def notice_page(rng: random.Random, kind: str) -> Page:
    page = Page(gap=rng.choice(["\n", "\n\n"]), kind=kind)
    for text in rng.choice(NOTICES[kind]):
        page.add(text)
    return page


def article_page(
    rng: random.Random, srcs: list[Source], others: list[Source], site: int, w: dict[str, str]
) -> Page:
    """One site page holding ``len(srcs)`` articles (2-3 makes an infinite-scroll capture)."""
    name = SITES[site]
    page = Page(gap="\n" if site % 4 == 1 else "\n\n")
    header(page, name, site, w)
    for k, src in enumerate(srcs):
        standfirst = rng.random() < 0.3
        article_head(page, rng, name, src, standfirst, w)
        article_body(page, rng, src, others, standfirst, w)
        if k + 1 < len(srcs):
            page.add(rng.choice(["Share on Telegram", "Next story", "Continue reading"]))
    article_tail(page, rng, name, others, site, w)
    return page


def bare_page(src: Source) -> Page:
    """A body with its title only, like the PTC texts."""
    page = Page()
    page.add(src.title, "title")
    page.titles.append(src.title)
    for line in src.body:
        page.add(line, "body")
    return page


def build(
    sources: list[Source], n_pages: int, seed: int, w: dict[str, str] = FAMILIAR
) -> list[tuple[RawDocument, Page]]:
    rng = random.Random(seed)
    out = []
    for i in range(n_pages):
        roll = rng.random()
        site = rng.randrange(len(SITES))
        if roll < 0.10:
            page = notice_page(rng, rng.choice(sorted(NOTICES)))
        elif roll < 0.20:
            page = bare_page(rng.choice(sources))
        else:
            count = rng.choice([2, 3]) if roll < 0.35 else 1
            page = article_page(rng, rng.sample(sources, count), sources, site, w)
        raw, _ = page.render()
        out.append((RawDocument(f"synthetic/site{site}/page{i}.txt", raw, "text"), page))
    return out


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    titles: int = 0
    titles_ok: int = 0
    multi: int = 0
    multi_ok: int = 0
    single: int = 0
    single_ok: int = 0
    notices: int = 0
    notices_ok: int = 0
    notices_rejected: int = 0
    false_rejections: int = 0
    seconds: float = 0.0

    def f1(self) -> tuple[float, float, float]:
        p = self.tp / max(self.tp + self.fp, 1)
        r = self.tp / max(self.tp + self.fn, 1)
        return p, r, 2 * p * r / max(p + r, 1e-9)


def kept_lines(articles: list[Extracted], starts: list[int]) -> set[int]:
    """Raw line numbers that some article's body (not its title) copies from."""
    lines: set[int] = set()
    for art in articles:
        body_from = art.text.find("\n\n") + 2 if art.title is not None else 0
        if art.title is not None and body_from == 1:
            continue
        for seg in art.offsets.segments:
            if seg.clean + seg.length <= body_from:
                continue
            skip = max(body_from - seg.clean, 0)
            first = bisect.bisect_right(starts, seg.raw + skip) - 1
            last = bisect.bisect_right(starts, seg.raw + seg.length - 1) - 1
            lines.update(range(first, last + 1))
    return lines


def score_page(score: Score, page: Page, result: list[Extracted] | Rejected) -> None:
    if page.kind is not None:
        score.notices += 1
        score.notices_rejected += isinstance(result, Rejected)
        score.notices_ok += isinstance(result, Rejected) and result.kind == page.kind
        return
    if isinstance(result, Rejected):
        score.false_rejections += 1
        result = []
    _, starts = page.render()
    gold = {i for i, (_, role) in enumerate(page.lines) if role == "body"}
    kept = kept_lines(result, starts)
    score.tp += len(gold & kept)
    score.fp += len(kept - gold)
    score.fn += len(gold - kept)
    score_split(score, page, result)


def score_split(score: Score, page: Page, result: list[Extracted]) -> None:
    if len(page.titles) > 1:
        score.multi += 1
        score.multi_ok += len(result) == len(page.titles)
    else:
        score.single += 1
        score.single_ok += len(result) == 1
    score.titles += len(page.titles)
    score.titles_ok += sum(a.title == t for a, t in zip(result, page.titles, strict=False))


def evaluate(pages: list[tuple[RawDocument, Page]], recurring: RecurringLines | None) -> Score:
    score = Score()
    start = time.perf_counter()
    results = [extract(doc, recurring) for doc, _ in pages]
    score.seconds = time.perf_counter() - start
    for (_, page), result in zip(pages, results, strict=True):
        score_page(score, page, result)
    return score


def render_html(page: Page) -> str:
    """The page as HTML: site chrome in <header>/<footer>, each article in an <article> with
    its headline in <h1>, body lines in <p>, and the chrome around its body in <div>s."""
    roles = [role for _, role in page.lines]
    first = roles.index("title") if "title" in roles else len(roles)
    last = max((i for i, r in enumerate(roles) if r == "body"), default=len(roles) - 1)
    out = ["<!DOCTYPE html><html><head><title>Page</title></head><body><header>"]
    for i, (text, role) in enumerate(page.lines):
        line = html.escape(text)
        if i == first or (role == "title" and i > first):
            out.append(("</article>" if i > first else "</header><main>") + "<article>")
        if i == last + 1:
            out.append("</article></main><footer>")
        tag = {"title": "h1", "body": "p"}.get(role, "div")
        out.append(f"<{tag}>{line}</{tag}>")
    out.append("</footer>" if last + 1 < len(roles) else "</article></main>")
    return "".join(out) + "</body></html>"


def paragraph_score(gold: list[str], found: list[str]) -> tuple[int, int, int]:
    """True positives, false positives and false negatives over paragraph strings."""
    common = sum((Counter(gold) & Counter(found)).values())
    return common, len(found) - common, len(gold) - common


def evaluate_html(pages: list[tuple[RawDocument, Page]]) -> tuple[Score, Score, Score]:
    """On the HTML rendering of each article page: trafilatura alone, extract(), and
    extract() with RecurringLines over the HTML pages."""
    docs = [
        (RawDocument(doc.source + ".html", render_html(page), "html"), page)
        for doc, page in pages
        if page.kind is None
    ]
    recurring = RecurringLines.from_documents(doc for doc, _ in docs)
    alone, ours, with_recurring = Score(), Score(), Score()
    for doc, page in docs:
        gold = [text for text, role in page.lines if role == "body"]
        titles = set(page.titles)
        plain = trafilatura.extract(doc.text, include_comments=False, include_tables=False)
        lines = (plain or "").split("\n")
        _add(alone, paragraph_score(gold, [p for p in lines if p not in titles]))
        for score, batch in ((ours, None), (with_recurring, recurring)):
            result = extract(doc, batch)
            articles = result if isinstance(result, list) else []
            found = [p for a in articles for p in a.text.split("\n\n") if p not in titles]
            _add(score, paragraph_score(gold, found))
            score_split(score, page, articles)
    return alone, ours, with_recurring


def ptc_check(folder: Path) -> None:
    """Clean real articles (PTC): how many stay one whole article, keep the first line as
    title, and keep every character of their labelled propaganda spans."""
    paths = sorted((folder / "articles").glob("article*.txt"))
    docs = [RawDocument(str(p), p.read_text(encoding="utf-8"), "text") for p in paths]
    for label, recurring in (
        ("", None),
        (" + RecurringLines", RecurringLines.from_documents(docs)),
    ):
        whole = titles = spans = kept = 0
        for doc in docs:
            result = extract(doc, recurring)
            articles = result if isinstance(result, list) else []
            whole += len(articles) == 1
            titles += bool(articles) and articles[0].title == doc.text.split("\n", 1)[0].strip()
            mapped = {
                s.raw + k for a in articles for s in a.offsets.segments for k in range(s.length)
            }
            labels = folder / "labels-si" / (Path(doc.source).stem + ".task1-SI.labels")
            for line in labels.read_text().splitlines() if labels.exists() else []:
                start, end = (int(x) for x in line.split("\t")[1:3])
                spans += 1
                kept += all(i in mapped for i in range(start, end) if not doc.text[i].isspace())
        print(
            f"PTC{label}: {whole}/{len(docs)} one article, title = first line {titles}, "
            f"labelled spans kept whole {kept}/{spans} ({kept / max(spans, 1):.4f})"
        )


def _add(score: Score, counts: tuple[int, int, int]) -> None:
    score.tp += counts[0]
    score.fp += counts[1]
    score.fn += counts[2]


def report(label: str, s: Score, n_pages: int) -> None:
    p, r, f = s.f1()
    print(f"{label}")
    print(f"  body lines   precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    print(f"  titles       {s.titles_ok}/{s.titles} correct ({s.titles_ok / max(s.titles, 1):.3f})")
    print(
        f"  split        multi-article pages with the right count {s.multi_ok}/{s.multi}; "
        f"single-article pages kept whole {s.single_ok}/{s.single}"
    )
    print(
        f"  rejection    non-article pages rejected {s.notices_rejected}/{s.notices} "
        f"(right kind {s.notices_ok}); article pages wrongly rejected {s.false_rejections}"
    )
    print(f"  speed        {1000 * s.seconds / n_pages:.1f} ms/page")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument(
        "--chrome",
        choices=["familiar", "unfamiliar"],
        default="familiar",
        help="chrome wordings the extractor's patterns know, or wordings they do not",
    )
    parser.add_argument("--html", action="store_true", help="also score HTML renderings")
    parser.add_argument("--ptc", type=Path, help="also check the clean PTC articles in this folder")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"news-unlabeled not found at {args.data} (pass --data)", file=sys.stderr)
        return 2
    sources = load_sources(args.data)
    wording = FAMILIAR if args.chrome == "familiar" else UNFAMILIAR
    pages = build(sources, args.pages, args.seed, wording)
    print(
        f"{len(pages)} synthetic pages from {len(sources)} source articles, seed {args.seed}, "
        f"{args.chrome} chrome"
    )
    no_clean = Score(tp=sum(sum(r == "body" for _, r in p.lines) for _, p in pages if not p.kind))
    no_clean.fp = sum(sum(r != "body" for _, r in p.lines) for _, p in pages if not p.kind)
    print(f"keep every line (no cleaning): body-line F1 {no_clean.f1()[2]:.3f}")
    report("extract() without RecurringLines", evaluate(pages, None), len(pages))
    recurring = RecurringLines.from_documents(doc for doc, _ in pages)
    report("extract() with RecurringLines over the batch", evaluate(pages, recurring), len(pages))
    if args.ptc:
        ptc_check(args.ptc)
    if args.html:
        alone, ours, with_recurring = evaluate_html(pages)
        print("HTML renderings of the article pages (paragraph-level)")
        for label, s in (
            ("trafilatura.extract alone", alone),
            ("extract()", ours),
            ("extract() + RecurringLines", with_recurring),
        ):
            p, r, f = s.f1()
            print(f"  {label:27} precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
        print(
            f"  extract() split {ours.multi_ok}/{ours.multi}, titles {ours.titles_ok}/{ours.titles}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
