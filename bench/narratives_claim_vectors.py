"""Claim clusters on FNC-1 with cheaper claim vectors than the MiniLM encoder's (task 11g).

    nice -n 19 .venv/bin/python bench/narratives_claim_vectors.py build      # stores, vectors
    nice -n 19 .venv/bin/python bench/narratives_claim_vectors.py clusters   # rebuilds per cut
    nice -n 19 .venv/bin/python bench/narratives_claim_vectors.py pairs      # pairwise proxy

(``--work DIR``: where the stores and vectors are kept, default
/tmp/propwatch-bench-claim-vectors.)

Narratives group articles by words only (``Thresholds.words`` 1.0), so the claim vectors
decide only the claim clusters inside narratives (and each narrative's label, the claim
nearest its centroid).  ``build`` analyses FNC-1 train and dev bodies as
bench/narratives_fnc1.py does (sentences, claims), keeps the technique tagger's pooled
hidden states of every claim sentence from the same pass (what ``analyze`` has for free,
``propwatch.claims.onepass``), and rebuilds the narratives once so the MiniLM vectors are
stored.  ``clusters`` writes each candidate's vectors into a copy of each store (as if the
encoder had made them) and rebuilds the narratives at each claim cut: it prints, against
the MiniLM claim clusters at the shipped cut 0.8, the precision / recall / F1 of
co-clustered claim pairs, the number of claims in a cluster with another one, and
narratives_fnc1's article-level claim-cluster BCubed F1.  ``pairs`` is a faster proxy:
every claim pair inside one narrative, labelled by MiniLM cosine >= 0.8, each candidate's
cut chosen on train by pair F1 and applied to dev (words: the hashed unigram cosine of the
text narratives read, stop words out, which cannot be stored as the 384 floats a claim
vector is, so only here).
"""

from __future__ import annotations

import shutil
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import narratives_fnc1 as nf
import numpy as np

from propwatch.analyse import Pipeline
from propwatch.claims.encoder import DIM
from propwatch.claims.onepass import default_head
from propwatch.execute.work import build_articles
from propwatch.kb.importer import current_aliases
from propwatch.model import Extracted, OffsetMap, RawDocument, article_id
from propwatch.narratives import Settings, Thresholds, update
from propwatch.narratives.build import embedding_text
from propwatch.store import open_store
from propwatch.store.kb import KbTables
from propwatch.store.narratives import MemberRow, NarrativeTables
from propwatch.techniques.component import token_output
from propwatch.techniques.pooling import sentence_vectors
from propwatch.techniques.tagger import default_tagger

WORK = Path("/tmp/propwatch-bench-claim-vectors")
SPLITS = ("train", "dev")
Key = tuple[str, int, int]
Vectors = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (pooled, MiniLM) -> unit rows


def build(split: str) -> None:
    bodies, _ = nf.load(split)
    pipeline = Pipeline.from_names(["sentences", "claims"])
    tagger = default_tagger()
    keys: list[Key] = []
    pooled: list[np.ndarray] = []
    start = time.time()
    with open_store(WORK / f"fnc1_{split}.db") as store:
        for n, (body, text) in enumerate(bodies.items(), start=1):
            doc = RawDocument(f"fnc1/{split}/{body}", text, "text")
            if store.has_document(doc.content_hash):
                continue
            articles = build_articles(doc, [Extracted(text=text, offsets=OffsetMap(),
                                                      title=body)], pipeline)
            store.save_articles(doc, articles)
            for article in articles:
                spans = article.layers.get("claims", [])
                if spans:  # the pass the claims layer just read (kept per thread)
                    out = token_output(tagger, article.text)
                    pooled.append(sentence_vectors(out, [(s.start, s.end) for s in spans]))
                    keys += [(article.id, s.start, s.end) for s in spans]
            if n % 100 == 0:
                print(f"  {split}: {n}/{len(bodies)} ({time.time() - start:.0f} s)",
                      file=sys.stderr)
        np.savez(WORK / f"pooled_{split}.npz", keys=np.array(keys, dtype=object),
                 pooled=np.concatenate(pooled))
        summary = update(store, Settings(Thresholds(0.8, 0.2, 1.0)), rebuild=True)
    print(f"{split}: {len(bodies)} bodies, {summary.claims} claims, MiniLM over "
          f"{summary.embedded} ({time.time() - start:.0f} s with the analysis)")


def load(split: str) -> tuple[list[Key], np.ndarray, np.ndarray]:
    """(claim keys, pooled tagger vectors, the stored MiniLM vectors), same order."""
    saved = np.load(WORK / f"pooled_{split}.npz", allow_pickle=True)
    keys = [(str(a), int(s), int(e)) for a, s, e in saved["keys"]]
    with open_store(WORK / f"fnc1_{split}.db") as store:
        fingerprint = current_aliases(KbTables(store.conn)).fingerprint
        mini = NarrativeTables(store.conn).vectors(fingerprint, DIM)
    return keys, saved["pooled"].astype(np.float32), np.stack([mini[k] for k in keys])


def unit(x: np.ndarray) -> np.ndarray:
    return np.asarray(x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9),
                      np.float32)


def candidates(train_pooled: np.ndarray, train_mini: np.ndarray) -> dict[str, Vectors]:
    """Vector makers; statistics and the ridge map fit on train only."""
    head = default_head()
    mean, std = train_pooled.mean(axis=0), train_pooled.std(axis=0) + 1e-6
    x = (train_pooled - mean) / std
    ridge = np.linalg.solve(x.T @ x + 100.0 * np.eye(x.shape[1]), x.T @ train_mini)
    return {
        "MiniLM (shipped)": lambda p, m: m,
        "pooled, raw": lambda p, m: unit(p),
        "pooled, head-standardised": lambda p, m: unit((p - head.mean) / head.scale),
        "pooled, train-centred": lambda p, m: unit(p - mean),
        "pooled, ridge to MiniLM (alpha 100)": lambda p, m: unit(((p - mean) / std) @ ridge),
    }


def regroup(path: Path, keys: list[Key], vectors: np.ndarray, claim: float
            ) -> tuple[dict[Key, int], list[MemberRow]]:
    with open_store(path) as store:
        fingerprint = current_aliases(KbTables(store.conn)).fingerprint
        NarrativeTables(store.conn).save_vectors(keys, vectors, fingerprint)
        update(store, Settings(Thresholds(claim, 0.2, 1.0)), rebuild=True)
        rows = NarrativeTables(store.conn).members()
    return {(r.article_id, r.start, r.end): r.cluster for r in rows}, rows


def co_clustered(assign: dict[Key, int]) -> set[tuple[Key, Key]]:
    members: dict[int, list[Key]] = defaultdict(list)
    for key, cluster in assign.items():
        members[cluster].append(key)
    return {pair for m in members.values() for pair in combinations(sorted(m), 2)}


def prf(tp: int, n_got: int, n_gold: int) -> tuple[float, float, float]:
    p, r = tp / max(n_got, 1), tp / max(n_gold, 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def prf_sets(gold: set[tuple[Key, Key]], got: set[tuple[Key, Key]]
             ) -> tuple[float, float, float]:
    return prf(len(gold & got), len(got), len(gold))


def prf_masks(gold: np.ndarray, got: np.ndarray) -> tuple[float, float, float]:
    return prf(int((gold & got).sum()), int(got.sum()), int(gold.sum()))


def claim_bcubed(split: str, rows: list[MemberRow]) -> float:
    bodies, gold = nf.load(split)
    articles = {b: article_id(RawDocument(f"fnc1/{split}/{b}", t, "text").content_hash, 1)
                for b, t in bodies.items()}
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for row in rows:
        counts[row.article_id][row.cluster] += 1

    def dominant(body: str) -> object:
        c = counts.get(articles[body])
        return min(c, key=lambda k: (-c[k], k)) if c else "alone:" + articles[body]

    return nf.bcubed({b: dominant(b) for b in articles}, gold)[2]


def clusters() -> None:
    data = {s: load(s) for s in SPLITS}
    makers = candidates(data["train"][1], data["train"][2])
    reference: dict[str, set[tuple[Key, Key]]] = {}
    for split in SPLITS:
        shutil.copy(WORK / f"fnc1_{split}.db", WORK / f"eval_{split}.db")
        keys, _, mini = data[split]
        assign, _ = regroup(WORK / f"eval_{split}.db", keys, mini, 0.8)
        reference[split] = co_clustered(assign)
    for name, make in makers.items():
        cuts = (0.6, 0.7, 0.8, 0.9) if name.startswith("MiniLM") else \
            (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
        for cut in cuts:
            line = [f"{name:36} cut {cut:.2f}"]
            for split in SPLITS:
                keys, pooled, mini = data[split]
                assign, rows = regroup(WORK / f"eval_{split}.db", keys, make(pooled, mini), cut)
                p, r, f = prf_sets(reference[split], co_clustered(assign))
                sizes = Counter(assign.values())
                joined = sum(1 for c in assign.values() if sizes[c] > 1)
                line.append(f"{split}: pairs P {p:.3f} R {r:.3f} F1 {f:.3f}, joined {joined}"
                            f" of {len(assign)}, BCubed {claim_bcubed(split, rows):.3f}")
            print(" | ".join(line), flush=True)


def pairs() -> None:
    from sklearn.feature_extraction.text import HashingVectorizer

    hasher = HashingVectorizer(n_features=2**18, alternate_sign=False, norm="l2",
                               stop_words="english")
    data = {s: load(s) for s in SPLITS}
    makers = candidates(data["train"][1], data["train"][2])
    del makers["MiniLM (shipped)"]
    scored: dict[str, dict[str, np.ndarray]] = {s: {} for s in SPLITS}
    dev_pairs = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    for split in SPLITS:
        keys, pooled, mini = data[split]
        index = {k: i for i, k in enumerate(keys)}
        texts = [""] * len(keys)
        by_narrative: dict[int, list[int]] = defaultdict(list)
        with open_store(WORK / f"fnc1_{split}.db") as store:  # grouped by build (words only)
            aliases = current_aliases(KbTables(store.conn))
            for row in NarrativeTables(store.conn).members():
                i = index[(row.article_id, row.start, row.end)]
                texts[i] = embedding_text(row.text, aliases)
                by_narrative[row.narrative].append(i)
        a_parts, b_parts = [], []
        for members in by_narrative.values():
            m = np.array(sorted(members))
            first, second = np.triu_indices(len(m), 1)
            a_parts.append(m[first])
            b_parts.append(m[second])
        a, b = np.concatenate(a_parts), np.concatenate(b_parts)
        if split == "dev":
            dev_pairs = (a, b)
        scored[split]["label"] = (mini[a] * mini[b]).sum(axis=1) >= 0.8
        words = hasher.transform(texts)
        scored[split]["words"] = np.asarray(words[a].multiply(words[b]).sum(axis=1)).ravel()
        for name, make in makers.items():
            v = make(pooled, mini)
            scored[split][name] = (v[a] * v[b]).sum(axis=1)
        print(f"{split}: {len(a)} claim pairs inside narratives, "
              f"{int(scored[split]['label'].sum())} at MiniLM cosine >= 0.8")
    cuts = np.round(np.arange(0.2, 0.99, 0.01), 2)
    for name in [n for n in scored["train"] if n != "label"]:
        fits = [(prf_masks(scored["train"]["label"], scored["train"][name] >= c)[2], float(c))
                for c in cuts]
        f, cut = max(fits)
        p, r, fd = prf_masks(scored["dev"]["label"], scored["dev"][name] >= cut)
        only = (scored["dev"][name] >= cut) & ~scored["dev"]["label"]
        print(f"{name:36} train pair F1 {f:.3f} at cut {cut:.2f}; dev P {p:.3f} R {r:.3f} "
              f"F1 {fd:.3f}")
        if only.any():
            a, b = dev_pairs[0][only], dev_pairs[1][only]
            mini = data["dev"][2]
            mini_only = np.quantile((mini[a] * mini[b]).sum(axis=1), [0.1, 0.5])
            print(f"{'':36} dev pairs joined by it alone: {int(only.sum())}, their MiniLM "
                  f"cosine 10th / 50th percentile {mini_only[0]:.2f} / {mini_only[1]:.2f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--work" in args:  # where the stores and vectors are kept between steps
        at = args.index("--work")
        WORK = Path(args[at + 1])
        del args[at : at + 2]
    WORK.mkdir(parents=True, exist_ok=True)
    step = args[0] if args else ""
    if step == "build":
        for s in SPLITS:
            build(s)
    elif step == "clusters":
        clusters()
    elif step == "pairs":
        pairs()
    else:
        sys.exit("usage: narratives_claim_vectors.py build|clusters|pairs")
