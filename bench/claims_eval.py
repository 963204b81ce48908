"""Claims benchmarks: check-worthiness F1, matching MAP@5 / false matches, KB scale.

    python bench/claims_eval.py checkworthy        # ClaimBuster test + our news sentences
    python bench/claims_eval.py match              # bench/data/claims_match_eval.tsv
    python bench/claims_eval.py scale --n 100000   # synthetic 100k known claims
    python bench/claims_eval.py seeds              # the shared seed articles end to end

Reads ../shared (ClaimBuster, EUvsDisinfo, news-unlabeled, seeds); prints figures that
docs/benchmarks.md records with the command that produced them.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
EUVS = SHARED / "data" / "euvsdisinfo" / "claims.csv"
PREFIX = "https://euvsdisinfo.eu/report/"


def need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"{path} is absent: this benchmark needs ../shared beside the checkout")
    return path


# -- check-worthiness ----------------------------------------------------------------------


def prf(scores: np.ndarray, labels: np.ndarray, threshold: float) -> tuple[float, float, float]:
    pred = scores >= threshold
    tp = int((pred & (labels == 1)).sum())
    fp = int((pred & (labels == 0)).sum())
    fn = int((~pred & (labels == 1)).sum())
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    return p, r, 2 * tp / max(1, 2 * tp + fp + fn)


def checkworthy(args: argparse.Namespace) -> None:
    from propwatch.claims.checkworthy import CheckWorthiness

    model = CheckWorthiness(Path(args.model) if args.model else None)
    rows = json.loads(need(SHARED / "data" / "claimbuster" / "test.json").read_text())
    texts = [r["text"] for r in rows]
    labels = np.array([int(r["label"]) for r in rows])
    t0 = time.perf_counter()
    scores = model.score(texts)
    dt = time.perf_counter() - t0
    p, r, f1 = prf(scores, labels, args.threshold)
    print(f"ClaimBuster test ({len(rows)} sentences, {int(labels.sum())} check-worthy): "
          f"P {p:.3f} R {r:.3f} F1 {f1:.3f} at threshold {args.threshold} "
          f"({len(rows) / dt:.0f} sentences/s)")
    news = DATA / "claims_news_labels.tsv"
    if news.exists():
        items = [line.split("\t") for line in news.read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("#")]
        ntexts = [t for _, t in items]
        nlabels = np.array([int(y) for y, _ in items])
        nscores = model.score(ntexts)
        p, r, f1 = prf(nscores, nlabels, args.threshold)
        print(f"news sentences ({len(items)}, {int(nlabels.sum())} check-worthy): "
              f"P {p:.3f} R {r:.3f} F1 {f1:.3f} at threshold {args.threshold}")
        pos, neg = nscores[nlabels == 1], nscores[nlabels == 0]
        auc = float(np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg]))
        thresholds = np.round(np.arange(0.5, 0.995, 0.01), 3)
        rng = np.random.default_rng(0)
        held, chosen = [], []
        for _ in range(20):  # 2-fold: pick the threshold on one half, measure on the other
            idx = rng.permutation(len(nlabels))
            half = len(idx) // 2
            for tune, test in ((idx[:half], idx[half:]), (idx[half:], idx[:half])):
                best = max(thresholds, key=lambda t: prf(nscores[tune], nlabels[tune], t)[2])
                chosen.append(best)
                held.append(prf(nscores[test], nlabels[test], best)[2])
        print(f"news: ROC AUC {auc:.3f}; news-tuned threshold (2-fold x20) median "
              f"{np.median(chosen):.2f}, held-out F1 {np.mean(held):.3f}")
        if args.verbose:
            for y, s, t in sorted(zip(nlabels, nscores, ntexts, strict=True),
                                  key=lambda x: x[1]):
                if (s >= args.threshold) != bool(y):
                    print(f"  miss label={y} score={s:.2f} {t[:110]}")


# -- matching ------------------------------------------------------------------------------


def load_eval() -> list[tuple[str, str, set[str]]]:
    items = []
    for line in (DATA / "claims_match_eval.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        kind, text = parts[0], parts[1]
        rel = {PREFIX + s.strip() + "/" for s in parts[2].split(",")} if len(parts) > 2 else set()
        items.append((kind, text, rel))
    return items


def build_kb(db: Path, csv_path: Path = EUVS) -> Any:
    from propwatch.kb import import_kb
    from propwatch.store import open_store

    store = open_store(db)
    summary = import_kb(store, "euvsdisinfo", need(csv_path))
    print(f"imported {summary.added} known claims in {summary.seconds:.1f}s "
          f"({len(summary.skipped)} skipped, {summary.groups} groups)")
    return store


def average_precision(ranked_groups: list[str], relevant_groups: set[str], k: int = 5) -> float:
    hits, total = 0, 0.0
    for i, group in enumerate(ranked_groups[:k], start=1):
        if group in relevant_groups:
            hits += 1
            total += hits / i
    return total / min(len(relevant_groups), k) if relevant_groups else 0.0


def match(args: argparse.Namespace) -> None:
    from propwatch.claims.encoder import SentenceEncoder
    from propwatch.kb import match as m
    from propwatch.store.kb import KbTables

    m.USE_IDF = args.idf
    if args.min_score is not None:
        m.MIN_SCORE = args.min_score
    if args.w_cosine is not None:
        m.W_COSINE, m.W_LEXICAL = args.w_cosine, 1 - args.w_cosine
    with tempfile.TemporaryDirectory() as tmp:
        store = build_kb(Path(args.db) if args.db else Path(tmp) / "kb.db")
        tables = KbTables(store.conn)
        encoder = SentenceEncoder(Path(args.encoder) if args.encoder else None)
        t0 = time.perf_counter()
        index = m.KbIndex(tables, encoder)
        print(f"indexed (embedded) {len(index)} known claims in {time.perf_counter() - t0:.1f}s")
        items = load_eval()
        group_of = dict(store.conn.execute("SELECT id, group_key FROM kb_claims").fetchall())
        t0 = time.perf_counter()
        results = index.search([t for _, t, _ in items], top_k=5, min_score=0.0)
        dt = time.perf_counter() - t0
        aps, best_para, best_none = [], [], []
        for (kind, text, rel), cands in zip(items, results, strict=True):
            top = cands[0].score if cands else 0.0
            if kind == "para":
                missing = [r for r in rel if r not in group_of]
                if missing:
                    print(f"  unknown id(s) {missing}")
                groups = {group_of[r] for r in rel if r in group_of}
                ranked = [c.claim.group_key for c in cands]
                ap = average_precision(ranked, groups)
                aps.append(ap)
                correct = [c.score for c in cands if c.claim.group_key in groups]
                best_para.append(correct[0] if correct else 0.0)
                if args.verbose and ap < 1:
                    print(f"  AP {ap:.2f}: {text[:90]}")
                    for c in cands[: args.show]:
                        flag = "*" if c.claim.group_key in groups else " "
                        slug = c.claim.id.removeprefix(PREFIX).rstrip("/")
                        print(f"     {flag} {c.score:.3f} cos {c.cosine:.2f} lex {c.lexical:.2f} "
                              f"{slug} | {c.claim.text[:80]}")
            else:
                best_none.append(top)
                if args.verbose and top >= m.MIN_SCORE:
                    print(f"  false match {top:.3f}: {text[:70]} -> {cands[0].claim.text[:60]}")
        n_para, n_none = len(aps), len(best_none)
        print(f"{n_para} restated claims, {n_none} unrelated sentences, "
              f"{len(items) / dt:.0f} sentences/s")
        print(f"MAP@5 {np.mean(aps):.3f}  (top-1 correct {np.mean([a == 1 for a in aps]):.3f})")
        print("threshold  false-match rate (unrelated)  restated claims whose match is kept")
        for thr in [0.45, 0.5, 0.55, 0.6, 0.65, 0.7]:
            fm = np.mean([s >= thr for s in best_none])
            kept = np.mean([s >= thr for s in best_para])
            mark = "  <- MIN_SCORE" if abs(thr - m.MIN_SCORE) < 1e-9 else ""
            print(f"  {thr:.2f}     {fm:.3f}                         {kept:.3f}{mark}")
        store.close()


# -- scale ---------------------------------------------------------------------------------

_FRAMES = [
    "{t}", "Claim: {t}", "{t}, the outlet said", "Reportedly, {t}", "{t} (repeated claim)",
    "{t}, according to a TV host", "{t}, a blogger wrote", "Again: {t}", "{t}, commentators say",
    "{t}, a guest said",
]


def synthesise(n: int, out: Path) -> None:
    """``n`` known claims: the real ones, then reframed copies under new ids and dates."""
    rows = list(csv.DictReader(need(EUVS).open(encoding="utf-8")))
    rng = random.Random(5)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for i in range(n):
            row = dict(rows[i % len(rows)])
            if i >= len(rows):
                frame = _FRAMES[(i // len(rows)) % len(_FRAMES)]
                row["title"] = frame.format(t=row["title"])
                row["id"] = f"{PREFIX}synthetic-{i}/"
                row["date"] = f"20{rng.randint(15, 21)}-{rng.randint(1, 12):02d}-" \
                              f"{rng.randint(1, 28):02d}"
            writer.writerow(row)


def scale(args: argparse.Namespace) -> None:
    """Import time, embedding throughput, index load time and matching speed at ``--n``.

    Embedding 100k known claims is a one-time cost measured on a sample and extrapolated;
    the synthetic copies then take the (slightly perturbed) vector of the claim they copy,
    so that retrieval runs over ``--n`` real-sized vectors without an hour of encoding.
    """
    from propwatch.claims.component import candidate_sentences
    from propwatch.claims.encoder import SentenceEncoder
    from propwatch.kb.match import KbIndex
    from propwatch.model import Article
    from propwatch.store.kb import KbTables

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kb100k.csv"
        synthesise(args.n, path)
        t0, c0 = time.perf_counter(), time.process_time()
        store = build_kb(Path(tmp) / "kb.db", path)
        print(f"import of {args.n} known claims: {time.perf_counter() - t0:.1f}s wall, "
              f"{time.process_time() - c0:.1f}s CPU")
        tables = KbTables(store.conn)
        encoder = SentenceEncoder()
        rows = store.conn.execute("SELECT rowid, id, search_text FROM kb_claims").fetchall()
        sample = [r[2] for r in rows[: args.sample]]
        t0 = time.perf_counter()
        encoder.encode(sample, batch_size=128)
        rate = len(sample) / (time.perf_counter() - t0)
        print(f"embedding known claims: {rate:.0f} claims/s -> one-time indexing of {args.n} "
              f"takes about {args.n / rate / 60:.1f} min")
        real = {r[1]: i for i, r in enumerate(rows) if "/synthetic-" not in r[1]}
        real_ids = list(real)
        vectors = encoder.encode([rows[real[i]][2] for i in real_ids], batch_size=128)
        by_id = dict(zip(real_ids, vectors, strict=True))
        source = [r["id"] for r in csv.DictReader(path.open(encoding="utf-8"))]
        rng = np.random.default_rng(0)
        out = []
        for _, kb_id, _ in rows:
            v = by_id.get(kb_id)
            if v is None:
                n = int(kb_id.rsplit("-", 1)[1].rstrip("/"))
                v = by_id[source[n % len(real_ids)]] + rng.normal(0, 0.01, size=vectors.shape[1])
                v = v / np.linalg.norm(v)
            out.append(v)
        tables.save_embeddings([r[0] for r in rows], np.asarray(out, dtype=np.float32))
        sentences: list[str] = []
        for f in sorted(need(SHARED / "data" / "news-unlabeled").glob("*.txt")):
            art = Article(id=f.stem, source=str(f), part=0, text=f.read_text(encoding="utf-8"))
            sentences += [s.text_of(art.text) for s in candidate_sentences(art)]
            if len(sentences) >= args.claims:
                break
        sentences = sentences[: args.claims]
        t0 = time.perf_counter()
        index = KbIndex(tables, encoder)
        print(f"loading the index (each match run): {len(index)} vectors in "
              f"{time.perf_counter() - t0:.1f}s")
        t0, c0 = time.perf_counter(), time.process_time()
        encoded = encoder.encode(sentences)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"encoding those sentences alone: {len(sentences) / wall:.0f}/s wall, "
              f"{len(sentences) / cpu:.0f} per CPU-second")
        del encoded
        t0, c0 = time.perf_counter(), time.process_time()
        found = index.search(sentences)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        print(f"matching {len(sentences)} news sentences against {len(index)} known claims: "
              f"{len(sentences) / dt:.0f} claims/s wall, {len(sentences) / dc:.0f} claims per "
              f"CPU-second ({sum(map(bool, found))} with a match)")
        store.close()


# -- seeds ---------------------------------------------------------------------------------


def seeds(args: argparse.Namespace) -> None:
    from propwatch.claims.component import Claims
    from propwatch.kb import claims_by_article, match_new_claims
    from propwatch.model import Article, RawDocument, article_id

    with tempfile.TemporaryDirectory() as tmp:
        store = build_kb(Path(args.db) if args.db else Path(tmp) / "kb.db")
        component = Claims()
        for f in sorted(need(SHARED / "samples" / "seeds").glob("*.txt")):
            doc = RawDocument(source=str(f), text=f.read_text(encoding="utf-8"),
                              content_type="text")
            art = Article(id=article_id(doc.content_hash, 0), source=doc.source, part=0,
                          text=doc.text)
            art.add_layer("claims", component.predict(art))
            store.save_articles(doc, [art])
        print(match_new_claims(store))
        for aid, claims in claims_by_article(store).items():
            matched = [c for c in claims if c["matches"]]
            print(f"\n{aid}: {len(claims)} claims, {len(matched)} with matches")
            for c in sorted(matched, key=lambda c: -c["matches"][0]["score"])[: args.top]:
                print(f"  [{c['score']:.2f}] {c['text'][:150]}")
                for mt in c["matches"][:2]:
                    print(f"      {mt['score']:.3f} {mt['text'][:90]} ({mt['date']}) {mt['id']}")
        store.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("checkworthy")
    c.add_argument("--model", help="an ONNX classifier other than the shipped one")
    c.add_argument("--threshold", type=float, default=0.5)
    c.add_argument("-v", "--verbose", action="store_true")
    m = sub.add_parser("match")
    m.add_argument("--encoder", help="an ONNX encoder other than the shipped one")
    m.add_argument("--w-cosine", type=float, default=None)
    m.add_argument("--idf", action="store_true", help="IDF-weighted share of content words")
    m.add_argument("--db", help="keep the imported, embedded KB in this file between runs")
    m.add_argument("--min-score", type=float, default=None)
    m.add_argument("-v", "--verbose", action="store_true")
    m.add_argument("--show", type=int, default=3, help="candidates shown per miss with -v")
    s = sub.add_parser("scale")
    s.add_argument("--n", type=int, default=100_000)
    s.add_argument("--claims", type=int, default=500)
    s.add_argument("--sample", type=int, default=2000, help="known claims timed for embedding")
    d = sub.add_parser("seeds")
    d.add_argument("--top", type=int, default=8)
    d.add_argument("--db", help="a file to build the KB in (a copy of match's --db skips "
                   "re-embedding)")
    args = p.parse_args()
    {"checkworthy": checkworthy, "match": match, "scale": scale, "seeds": seeds}[args.cmd](args)


if __name__ == "__main__":
    main()
