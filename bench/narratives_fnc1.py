"""Narratives on real news: do the articles' dominant narratives group FNC-1's rumours?

FNC-1 (../shared/data/fnc1, built on Emergent) pairs article bodies with headlines; a body's
related headlines (stance other than `unrelated`) name the rumour it was written about, and
bodies that share a related headline belong together (gold groups: the connected
components).  Each split's bodies are analysed as a corpus with only the components the
narratives need (sentences, the claims layer), stored in a propwatch database, and grouped
with ``propwatch.narratives.update``.  Scored with BCubed precision / recall / F1:

- narratives: each article in the group of its dominant narrative;
- claim clusters: each article in the group of its dominant claim cluster;
- baseline: a plain greedy TF-IDF grouping of whole articles (each article joins the
  nearest group centroid if the cosine reaches a threshold, else starts a group).

Articles without a grouped claim count as groups of their own.  Settings are chosen by F1
on train (the 467 train bodies with a related headline) and reported on train and dev:
first the narrative cut and the weight of words against embeddings (narrative F1), then
the claim threshold (claim-cluster F1; claim clusters sit inside narratives).

    nice -n 10 .venv/bin/python bench/narratives_fnc1.py

``--block N`` groups N articles a block (``narratives.build.ARTICLE_BLOCK``; the default,
2,000, holds each split in one block), to see what building block by block costs.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from propwatch.analyse import Pipeline
from propwatch.execute.work import build_articles
from propwatch.model import Extracted, OffsetMap, RawDocument, article_id
from propwatch.narratives import Settings, Thresholds, build, update
from propwatch.store import open_store
from propwatch.store.narratives import NarrativeTables

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "fnc1"
CLAIM = (0.6, 0.7, 0.8, 0.9)
NARRATIVE = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
WORDS = (0.5, 0.7, 0.85, 1.0)
TFIDF = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def load(split: str) -> tuple[dict[str, str], dict[str, int]]:
    """(body id -> text, body id -> gold group) for bodies with a related headline."""
    with open(DATA / f"{split}_bodies.csv", encoding="utf-8", newline="") as f:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}
    related: dict[str, set[str]] = defaultdict(set)
    with open(DATA / f"{split}_stances.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["Stance"] != "unrelated" and r["Body ID"] in bodies:
                related[r["Body ID"]].add(r["Headline"])
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for body, headlines in related.items():
        for h in headlines:
            parent[find("b:" + body)] = find("h:" + h)
    roots: dict[str, int] = {}
    gold = {b: roots.setdefault(find("b:" + b), len(roots)) for b in sorted(related, key=int)}
    return {b: bodies[b] for b in gold}, gold


def bcubed(pred: dict[str, object], gold: dict[str, int]) -> tuple[float, float, float]:
    by_pred: dict[object, set[str]] = defaultdict(set)
    by_gold: dict[int, set[str]] = defaultdict(set)
    for item in gold:
        by_pred[pred[item]].add(item)
        by_gold[gold[item]].add(item)
    p = r = 0.0
    for item in gold:
        same = len(by_pred[pred[item]] & by_gold[gold[item]])
        p += same / len(by_pred[pred[item]])
        r += same / len(by_gold[gold[item]])
    p, r = p / len(gold), r / len(gold)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def build_store(split: str, bodies: dict[str, str], work: Path) -> tuple[Path, dict[str, str]]:
    """A propwatch database of the split's bodies (sentences + claims layers), made once,
    and body id -> article id (bodies with the very same text are one article)."""
    path = work / f"fnc1_{split}.db"
    pipeline = Pipeline.from_names(["sentences", "claims"])
    articles = {}
    with open_store(path) as store:
        start = time.time()
        for n, (body, text) in enumerate(bodies.items(), start=1):
            doc = RawDocument(f"fnc1/{split}/{body}", text, "text")
            articles[body] = article_id(doc.content_hash, 1)
            if store.has_document(doc.content_hash):
                continue
            part = Extracted(text=text, offsets=OffsetMap(), title=body)
            store.save_articles(doc, build_articles(doc, [part], pipeline))
            if n % 50 == 0:
                print(f"  {split}: analysed {n}/{len(bodies)} ({time.time() - start:.0f} s)",
                      file=sys.stderr)
    return path, articles


def narrative_groups(path: Path, articles: dict[str, str], settings: Settings
                     ) -> tuple[dict[str, object], dict[str, object]]:
    """(body -> dominant narrative, body -> dominant claim cluster) after a rebuild."""
    with open_store(path) as store:
        update(store, settings, rebuild=True)
        rows = NarrativeTables(store.conn).members()
    narrative: dict[str, Counter[int]] = defaultdict(Counter)
    cluster: dict[str, Counter[int]] = defaultdict(Counter)
    for row in rows:
        narrative[row.article_id][row.narrative] += 1
        cluster[row.article_id][row.cluster] += 1

    def dominant(counts: dict[str, Counter[int]], body: str) -> object:
        c = counts.get(articles[body])
        return min(c, key=lambda k: (-c[k], k)) if c else "alone:" + articles[body]

    return ({b: dominant(narrative, b) for b in articles},
            {b: dominant(cluster, b) for b in articles})


def tfidf_groups(bodies: dict[str, str], threshold: float) -> dict[str, object]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = list(bodies)
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1) \
        .fit_transform([bodies[b] for b in ids]).toarray().astype(np.float32)
    units = np.zeros_like(matrix)  # unit centroids of the groups so far, one row each
    totals = np.zeros_like(matrix)
    groups = 0
    out: dict[str, object] = {}
    for body, vector in zip(ids, matrix, strict=True):
        sims = units[:groups] @ vector
        best = int(np.argmax(sims)) if groups else -1
        if best < 0 or sims[best] < threshold:
            best, groups = groups, groups + 1
        totals[best] += vector
        units[best] = totals[best] / max(float(np.linalg.norm(totals[best])), 1e-9)
        out[body] = best
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/propwatch-bench-narratives"),
                        help="where the split databases are kept between runs")
    parser.add_argument("--block", type=int, default=build.ARTICLE_BLOCK,
                        help="articles grouped a block")
    args = parser.parse_args()
    build.ARTICLE_BLOCK = args.block
    args.work.mkdir(parents=True, exist_ok=True)
    splits = {s: load(s) for s in ("train", "dev")}
    for split, (bodies, gold) in splits.items():
        print(f"{split}: {len(bodies)} bodies, {len(set(gold.values()))} gold groups")
    stores = {s: build_store(s, b, args.work) for s, (b, _) in splits.items()}
    start = time.time()

    def fmt(name: str, pred: dict[str, object], gold: dict[str, int]) -> str:
        p, r, f = bcubed(pred, gold)
        return f"{name:32} P {p:.3f} R {r:.3f} F1 {f:.3f}  groups {len(set(pred.values()))}"

    train_bodies, train_gold = splits["train"]
    best_t = max(TFIDF, key=lambda t: bcubed(tfidf_groups(train_bodies, t), train_gold)[2])
    fits = []
    for narr, words in itertools.product(NARRATIVE, WORDS):
        settings = Settings(Thresholds(0.8, narr, words))
        n, _ = narrative_groups(*stores["train"], settings)
        fits.append((bcubed(n, train_gold)[2], settings))
        print(f"  train {settings}: narratives F1 {fits[-1][0]:.3f} "
              f"({time.time() - start:.0f} s)", file=sys.stderr)
    best_n = max(fits, key=lambda f: f[0])[1]
    claim_fits = []
    for claim in CLAIM:
        t = best_n.thresholds
        settings = Settings(Thresholds(claim, t.narrative, t.words))
        _, c = narrative_groups(*stores["train"], settings)
        claim_fits.append((bcubed(c, train_gold)[2], settings))
        print(f"  train {settings}: claim clusters F1 {claim_fits[-1][0]:.3f}", file=sys.stderr)
    best_c = max(claim_fits, key=lambda f: f[0])[1]
    print(f"chosen on train: {best_c}; tf-idf threshold {best_t}")
    for split, (bodies, gold) in splits.items():
        n, c = narrative_groups(*stores[split], best_c)
        print(fmt(f"{split} narratives (dominant)", n, gold))
        print(fmt(f"{split} claim clusters (dominant)", c, gold))
        print(fmt(f"{split} tf-idf greedy baseline", tfidf_groups(bodies, best_t), gold))


if __name__ == "__main__":
    main()
