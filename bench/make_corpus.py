"""Generate a large, realistic republication corpus from the text in ../shared.

Base articles are built from real sentences (news-unlabeled, PTC, ClaimBuster, EUvsDisinfo
claim titles) whose content words are partly swapped for other real words, so sentences
read like news but no two articles share long runs by accident; the real news-unlabeled
articles are included as they are.  Then copies of every kind are injected, and the truth
is written with each record:

  duplicate   same body in other page chrome
  headline    same body, new headline
  cut         a cut-down copy keeping 60-95% of the words
  embedded    60-100% of the article inside a longer page with other material around it
  rewrite     new headline and 2-8% of the words changed (sometimes a paragraph dropped)
  chain       a copy (duplicate/cut/rewrite) of an earlier copy

Some copies declare a source ("The original source of this article is X", "Via X"), a few
of them falsely (naming a later copier as the origin).

    python bench/make_corpus.py --articles 100000 --out /tmp/corpus.jsonl

Each JSONL record: key, text, title, outlet, published (or null), url, and truth fields
family (key of the story's original), kind (original/duplicate/...), parent (key copied
from), share (fraction of the parent's words kept), lie (declared source is false).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
WORD = re.compile(r"\S+")
STOP = set(
    re.findall(
        r"\w+",
    "a an the and or but if of to in on at by for with from as is are was were be been has "
    "have had it its this that these those he she they we you i his her their our not no "
    "said says will would can could may might than then there here who whom which what when "
    "where why how all any some more most such also just only over into about after before",
    )
)
KINDS = ("duplicate", "headline", "cut", "embedded", "rewrite", "chain")
CHROME_HEAD = [
    "Share this article",
    "Follow us on Telegram",
    "Advertisement",
    "Subscribe to the {o} newsletter",
    "Home | World | Politics | {o}",
    "NEW You can now listen to {o} articles!",
]
CHROME_FOOT = [
    "Related articles",
    "© 2019 {o}. All rights reserved.",
    "Comments are closed.",
    "Support independent journalism: donate to {o} today.",
    "Tags: politics, world, news",
    "Read more on {o}",
]


def load_sentences(shared: Path) -> tuple[list[list[str]], list[str]]:
    """Real sentences (as word lists) and the real news articles."""
    texts: list[str] = []
    news = sorted((shared / "data" / "news-unlabeled").glob("*.txt"))
    articles = [p.read_text(encoding="utf-8") for p in news]
    texts.extend(articles)
    texts.extend(
        p.read_text(encoding="utf-8")
        for p in sorted((shared / "data" / "ptc" / "articles").glob("*.txt"))
    )
    for name in ("train.json", "test.json"):
        path = shared / "data" / "claimbuster" / name
        if path.exists():
            texts.extend(r["text"] for r in json.loads(path.read_text(encoding="utf-8")))
    claims = shared / "data" / "euvsdisinfo" / "claims.csv"
    if claims.exists():
        with claims.open(encoding="utf-8") as f:
            texts.extend(r["title"] + "." for r in csv.DictReader(f))
    sentences = []
    for text in texts:
        for para in text.split("\n"):
            for s in SENTENCE.split(para.strip()):
                words = WORD.findall(s)
                if 6 <= len(words) <= 60:
                    sentences.append(words)
    seen: set[str] = set()
    unique = []
    for s in sentences:
        key = " ".join(s)
        if key not in seen:
            seen.add(key)
            unique.append(s)
    distinct_articles = list(dict.fromkeys(a for a in articles if len(a.split()) >= 50))
    return unique, distinct_articles


def load_outlets(shared: Path, n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    claims = shared / "data" / "euvsdisinfo" / "claims.csv"
    if claims.exists():
        with claims.open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                for o in r["outlets"].split("+"):
                    o = o.split(" - ")[0].strip()
                    if 2 <= len(o) <= 40:
                        names.add(o)
    out = sorted(names)
    rng.shuffle(out)
    while len(out) < n:
        out.append(f"Outlet {len(out)}")
    return out[:n]


class Writer:
    def __init__(self, sentences: list[list[str]], rng: random.Random) -> None:
        self.sentences = sentences
        self.rng = rng
        vocab = [w for s in sentences for w in s if w.isalpha() and w.lower() not in STOP]
        self.vocab = vocab

    def sentence(self) -> str:
        """A real sentence with about half its content words swapped for other real words."""
        rng, vocab = self.rng, self.vocab
        out = []
        for w in rng.choice(self.sentences):
            if len(w) > 3 and w.isalpha() and w.lower() not in STOP and rng.random() < 0.5:
                r = rng.choice(vocab)
                w = r.capitalize() if w[0].isupper() else r.lower()
            elif w.isdigit():
                w = str(rng.randint(2, 2000))
            out.append(w)
        return " ".join(out)

    def paragraphs(self, n: int) -> list[str]:
        return [" ".join(self.sentence() for _ in range(self.rng.randint(1, 4))) for _ in range(n)]

    def edit(self, text: str, share: float) -> str:
        rng, vocab = self.rng, self.vocab
        words = text.split(" ")
        for i in range(len(words)):
            if rng.random() < share and words[i].isalpha():
                words[i] = rng.choice(vocab).lower()
        return " ".join(words)


def words_in(paras: list[str]) -> int:
    return sum(len(p.split()) for p in paras)


def keep_share(paras: list[str], share: float, rng: random.Random) -> tuple[list[str], float]:
    """A contiguous run of paragraphs holding at least ``share`` of the words."""
    total = words_in(paras)
    best = paras
    for _ in range(20):
        start = rng.randrange(len(paras))
        run: list[str] = []
        for p in paras[start:]:
            run.append(p)
            if words_in(run) >= share * total:
                break
        if words_in(run) >= share * total:
            best = run
            break
    return best, words_in(best) / total


def build(n: int, shared: Path, seed: int, copy_share: float) -> list[dict[str, object]]:
    rng = random.Random(seed)
    sentences, real = load_sentences(shared)
    writer = Writer(sentences, rng)
    outlets = load_outlets(shared, 400, rng)
    records: list[dict[str, object]] = []
    by_key: dict[str, dict[str, object]] = {}
    start = dt.date(2019, 1, 1)

    def chrome(text: str, outlet: str) -> str:
        if rng.random() < 0.5:
            return text
        head = rng.choice(CHROME_HEAD).format(o=outlet)
        foot = rng.choice(CHROME_FOOT).format(o=outlet)
        return f"{head}\n\n{text}\n\n{foot}"

    def add(rec: dict[str, object]) -> None:
        key = f"g{len(records):07d}"
        rec["key"] = key
        rec["url"] = (
            f"https://{re.sub(r'[^a-z0-9]+', '', str(rec['outlet']).lower())}.example/{key}"
        )
        records.append(rec)
        by_key[key] = rec

    n_copies = int(n * copy_share)
    n_base = n - n_copies
    for i in range(n_base):
        outlet = rng.choice(outlets)
        if i < len(real):
            body = real[i].strip().split("\n\n")
            title = body[0][:120]
        else:
            body = writer.paragraphs(rng.randint(4, 16))
            title = writer.sentence()[:120]
        day = start + dt.timedelta(days=rng.randrange(365))
        add(
            {
                "title": title,
                "paras": body,
                "outlet": outlet,
                "published": day.isoformat() if rng.random() < 0.8 else None,
                "family": None,
                "kind": "original",
                "parent": None,
                "share": 1.0,
                "lie": False,
            }
        )
    originals = [r for r in records]
    # popularity: most stories are copied once or twice, a few dozens of times
    weights = [min(rng.paretovariate(1.2), 25.0) for _ in originals]
    copies_made = 0
    while copies_made < n_copies:
        parent = rng.choices(originals, weights)[0]
        kind = rng.choice(KINDS)
        if kind == "chain":
            family_copies = parent.get("copies") or []
            if not family_copies:
                continue
            parent = by_key[rng.choice(family_copies)]  # type: ignore[arg-type]
        root = parent if parent["family"] is None else by_key[str(parent["family"])]
        paras = list(parent["paras"])  # type: ignore[call-overload]
        title = str(parent["title"])
        share = 1.0
        sub = kind if kind != "chain" else rng.choice(("duplicate", "cut", "rewrite"))
        if sub == "headline":
            title = writer.sentence()[:120]
        elif sub == "cut" and len(paras) >= 2:
            paras, share = keep_share(paras, rng.uniform(0.6, 0.95), rng)
        elif sub == "embedded":
            part, share = keep_share(paras, rng.uniform(0.6, 1.0), rng)
            size = max(2, int(len(paras) * rng.uniform(0.5, 2.0)))
            before = writer.paragraphs(rng.randint(1, size))
            after = writer.paragraphs(rng.randint(1, size))
            paras = before + part + after
            title = writer.sentence()[:120]
        elif sub == "rewrite":
            title = writer.sentence()[:120]
            if len(paras) > 4 and rng.random() < 0.4:
                drop = rng.randrange(len(paras))
                paras = paras[:drop] + paras[drop + 1 :]
            kept = words_in(paras) / max(1, words_in(list(parent["paras"])))  # type: ignore[call-overload]
            paras = [writer.edit(p, rng.uniform(0.02, 0.08)) for p in paras]
            share = kept
        outlet = rng.choice(outlets)
        published = None
        if parent["published"] and rng.random() < 0.75:
            day = dt.date.fromisoformat(str(parent["published"]))
            published = (day + dt.timedelta(days=rng.randint(1, 14))).isoformat()
        lie = False
        declared = rng.random()
        family_copies = list(root.get("copies") or [])  # type: ignore[call-overload]
        if declared < 0.04 and family_copies:
            # launder: name a later copier as the original
            named = by_key[rng.choice(family_copies)]
            paras = paras + [f"The original source of this article is {named['outlet']}"]
            lie = bool(root["published"]) and bool(named["published"])
        elif declared < 0.2:
            paras = paras + [f"The original source of this article is {root['outlet']}"]
        elif declared < 0.3:
            paras = [f"Via {root['outlet']}"] + paras
        add(
            {
                "title": title,
                "paras": paras,
                "outlet": outlet,
                "published": published,
                "family": root["key"],
                "kind": kind,
                "parent": parent["key"],
                "share": round(share, 3),
                "lie": lie,
            }
        )
        root.setdefault("copies", []).append(records[-1]["key"])  # type: ignore[attr-defined]
        copies_made += 1
    rng.shuffle(records)  # copies arrive in any order, as scraping does
    out = []
    for rec in records:
        text = chrome(f"{rec['title']}\n\n" + "\n\n".join(rec["paras"]), str(rec["outlet"]))  # type: ignore[arg-type]
        out.append(
            {k: v for k, v in rec.items() if k not in ("paras", "copies")}
            | {"text": text, "family": rec["family"] or rec["key"]}
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--copy-share",
        type=float,
        default=0.3,
        help="share of the articles that are copies (default 0.3)",
    )
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    if not (args.shared / "data" / "news-unlabeled").exists():
        sys.exit(f"{args.shared} has no data/news-unlabeled: pass --shared PATH")
    t = time.perf_counter()
    records = build(args.articles, args.shared, args.seed, args.copy_share)
    with args.out.open("w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for r in records:
        kinds[str(r["kind"])] = kinds.get(str(r["kind"]), 0) + 1
    words = sum(len(str(r["text"]).split()) for r in records) / max(1, len(records))
    print(
        f"{len(records)} articles ({words:.0f} words on average) -> {args.out} "
        f"in {time.perf_counter() - t:.1f}s; kinds: {kinds}"
    )


if __name__ == "__main__":
    main()
