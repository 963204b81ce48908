"""Claims benchmarks: check-worthiness F1, matching MAP@5 / false matches, KB scale.

    python bench/claims_eval.py checkworthy        # ClaimBuster test + our news sentences
    python bench/claims_eval.py match              # bench/data/claims_match_eval.tsv
    python bench/claims_eval.py checkthat          # CheckThat! 2020 train/dev via kb search
    python bench/claims_eval.py scale --n 100000   # synthetic 100k known claims
    python bench/claims_eval.py seeds              # the shared seed articles end to end
    python bench/claims_eval.py news               # unrelated news articles, matches to judge
    python bench/claims_eval.py speed --db KB      # CPU-s per article of the claims stage

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
    from propwatch.claims.encoder import OnnxModel

    class OnnxClassifier:  # e.g. the checkworthy.onnx shipped before the one-pass heads
        def __init__(self, path: Path) -> None:
            self.model = OnnxModel(path)

        def score(self, texts: list[str]) -> np.ndarray:
            return self.model.run(texts).reshape(-1)

    model = OnnxClassifier(Path(args.model)) if args.model else CheckWorthiness()
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
    """Our news-style EUvsDisinfo set: ranking, and how often each decision level is hit."""
    from propwatch.claims.encoder import SentenceEncoder
    from propwatch.kb import match as m
    from propwatch.store.kb import KbTables

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
        results = index.search([t for _, t, _ in items], top_k=5, min_decision="none")
        dt = time.perf_counter() - t0
        aps: list[float] = []
        para_first: list[tuple[str, bool]] = []  # (decision, correct) of the first result
        none_first: list[str] = []
        for (kind, text, rel), cands in zip(items, results, strict=True):
            first = cands[0] if cands else None
            if kind == "para":
                groups = {group_of[r] for r in rel if r in group_of}
                ranked = [c.claim.group_key for c in cands]
                aps.append(average_precision(ranked, groups))
                ok = first is not None and first.claim.group_key in groups
                para_first.append((first.decision if first else "none", ok))
                if args.verbose and (not ok or first is None or first.decision != "match"):
                    print(f"  para: {text[:90]}")
                    for c in cands[: args.show]:
                        flag = "*" if c.claim.group_key in groups else " "
                        print(f"     {flag} {c.score:.3f} {c.decision:<7} {c.claim.text[:80]}")
            else:
                none_first.append(first.decision if first else "none")
                if args.verbose and first is not None and first.decision != "none":
                    print(f"  unrelated got {first.decision} {first.score:.3f}: {text[:70]} -> "
                          f"{first.claim.text[:60]}")
        n_para, n_none = len(para_first), len(none_first)
        print(f"{n_para} restated claims, {n_none} unrelated sentences, "
              f"{len(items) / dt:.1f} sentences/s")
        first_ok = np.mean([o for _, o in para_first])
        print(f"MAP@5 {np.mean(aps):.3f}; first result correct {first_ok:.3f}")
        for level in ("match", "related"):
            keep = ("match",) if level == "match" else ("match", "related")
            right = np.mean([d in keep and o for d, o in para_first])
            wrong = np.mean([d in keep and not o for d, o in para_first])
            false = np.mean([d in keep for d in none_first])
            print(f"  {level} or better: restated with the correct first result {right:.3f}, "
                  f"with a wrong one {wrong:.3f}; unrelated sentences {false:.3f}")
        store.close()


def checkthat(args: argparse.Namespace) -> None:
    """CheckThat! 2020 train and dev through ``kb search`` (search_known_claims)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from claims_checkthat import open_kb, tweets

    from propwatch.kb import search_known_claims

    store = open_kb(Path(args.db))
    group_of = dict(store.conn.execute("SELECT id, group_key FROM kb_claims").fetchall())
    for split in ("train", "dev"):
        items = tweets(split)
        t0 = time.perf_counter()
        results = search_known_claims(store, [t.text for t in items], top=5)
        dt = time.perf_counter() - t0
        aps, right, wrong, first_ok = [], 0, 0, 0
        for tweet, result in zip(items, results, strict=True):
            gold = {group_of[g] for g in tweet.gold if g in group_of}
            ranked = [group_of[m["id"]] for m in result["matches"]]
            aps.append(average_precision(ranked, gold))
            if result["matches"]:
                ok = ranked[0] in gold
                first_ok += ok
                if result["matches"][0]["decision"] == "match":
                    right += ok
                    wrong += not ok
        n = len(items)
        print(f"{split}: {n} tweets ({n / dt:.1f}/s): MAP@5 {np.mean(aps):.3f} (identical texts "
              f"as one); first result correct {first_ok / n:.3f}; a correct `match` "
              f"{right / n:.3f}; a wrong `match` {wrong / n:.3f}")
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
        encoder.encode(sample, cache=False)
        rate = len(sample) / (time.perf_counter() - t0)
        print(f"embedding known claims: {rate:.0f} claims/s -> one-time indexing of {args.n} "
              f"takes about {args.n / rate / 60:.1f} min")
        real = {r[1]: i for i, r in enumerate(rows) if "/synthetic-" not in r[1]}
        real_ids = list(real)
        vectors = encoder.encode([rows[real[i]][2] for i in real_ids], cache=False)
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
    """The seed articles end to end; prints every `match` and `related` result to judge."""
    from propwatch.claims.component import Claims
    from propwatch.kb import claims_by_article, match_new_claims
    from propwatch.model import Article, RawDocument, article_id

    with tempfile.TemporaryDirectory() as tmp:
        store = build_kb(Path(args.db) if args.db else Path(tmp) / "kb.db")
        component = Claims()
        names = {}
        for f in sorted(need(SHARED / "samples" / "seeds").glob("*.txt")):
            doc = RawDocument(source=str(f), text=f.read_text(encoding="utf-8"),
                              content_type="text")
            art = Article(id=article_id(doc.content_hash, 0), source=doc.source, part=0,
                          text=doc.text)
            names[art.id] = f.name
            art.add_layer("claims", component.predict(art))
            store.save_articles(doc, [art])
        print(match_new_claims(store, rematch=True))
        for aid, claims in claims_by_article(store).items():
            found = [(c, m) for c in claims for m in c["matches"]]
            print(f"\n{names.get(aid, aid)}: {len(claims)} sentences, "
                  f"{sum(1 for _, m in found if m['decision'] == 'match')} match, "
                  f"{sum(1 for _, m in found if m['decision'] == 'related')} related")
            for c, m in sorted(found, key=lambda x: -x[1]["score"]):
                if m["decision"] != "match" and not args.related:
                    continue
                print(f"  {m['decision']} {m['score']:.3f} {m['stance']} | {c['text'][:160]}")
                print(f"      -> {m['text'][:120]} {m['id']}")
        store.close()


def news(args: argparse.Namespace) -> None:
    """Unrelated text: news-unlabeled articles (a seeded sample) against EUvsDisinfo; prints
    each article's `match` results to judge (bench/data/claims_news_judgements.tsv)."""
    from propwatch.claims.component import Claims
    from propwatch.kb import claims_by_article, match_new_claims
    from propwatch.model import Article, RawDocument, article_id

    files = sorted(need(SHARED / "data" / "news-unlabeled").glob("*.txt"))
    files = random.Random(args.seed).sample(files, min(args.articles, len(files)))
    with tempfile.TemporaryDirectory() as tmp:
        store = build_kb(Path(args.db) if args.db else Path(tmp) / "kb.db")
        component = Claims()
        names = {}
        t0, sentences = time.perf_counter(), 0
        for f in files:
            doc = RawDocument(source=str(f), text=f.read_text(encoding="utf-8"),
                              content_type="text")
            art = Article(id=article_id(doc.content_hash, 0), source=doc.source, part=0,
                          text=doc.text)
            names[art.id] = f.name
            spans = component.predict(art)
            sentences += len(spans)
            art.add_layer("claims", spans)
            store.save_articles(doc, [art])
        summary = match_new_claims(store, rematch=True)
        dt = time.perf_counter() - t0
        print(f"{len(files)} articles, {sentences} sentences: claims layer + matching "
              f"{dt:.0f}s ({dt / len(files):.2f}s per article); {summary}")
        with_match = 0
        for aid, claims in claims_by_article(store).items():
            if aid not in names:
                continue
            found = [(c, m) for c in claims for m in c["matches"] if m["decision"] == "match"]
            with_match += bool(found)
            for c, m in found:
                print(f"{names[aid]}\t{m['score']:.3f}\t{m['stance']}\t{c['text'][:200]}\t"
                      f"{m['text'][:150]}\t{m['id']}")
        print(f"articles with a `match`: {with_match}/{len(files)}")
        store.close()


def speed(args: argparse.Namespace) -> None:
    """CPU seconds per article of the claims stage (claims layer + matching), as analyze
    runs it, on a seeded sample of news-unlabeled against the EUvsDisinfo base in --db."""
    import shutil

    from propwatch.claims.component import Claims
    from propwatch.kb import match_new_claims
    from propwatch.model import Article, RawDocument, article_id
    from propwatch.store import open_store

    files = sorted(need(SHARED / "data" / "news-unlabeled").glob("*.txt"))
    files = random.Random(3).sample(files, args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(need(Path(args.db)), Path(tmp) / "kb.db")
        store = open_store(Path(tmp) / "kb.db")
        store.conn.execute("DELETE FROM claim_matches")
        store.conn.execute("DELETE FROM claim_match_runs")
        component = Claims()
        c0, w0, spans = time.process_time(), time.perf_counter(), 0
        for f in files:
            doc = RawDocument(source=str(f), text=f.read_text(encoding="utf-8"),
                              content_type="text")
            art = Article(id=article_id(doc.content_hash, 0), source=doc.source, part=0,
                          text=doc.text)
            layer = component.predict(art)
            spans += len(layer)
            art.add_layer("claims", layer)
            store.save_articles(doc, [art])
        c1 = time.process_time()
        summary = match_new_claims(store)
        c2, w2 = time.process_time(), time.perf_counter()
        n = len(files)
        print(f"{n} articles, {spans} claim spans: claims layer {(c1 - c0) / n:.2f} CPU-s per "
              f"article, matching {(c2 - c1) / n:.2f}, total {(c2 - c0) / n:.2f} CPU-s "
              f"({(w2 - w0) / n:.2f} s wall) per article; {summary}")
        store.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("checkworthy")
    c.add_argument("--model", help="an ONNX classifier (P(check-worthy) output) instead of "
                   "the shipped head on the tagger's pass")
    c.add_argument("--threshold", type=float, default=0.5)
    c.add_argument("-v", "--verbose", action="store_true")
    m = sub.add_parser("match")
    m.add_argument("--encoder", help="an ONNX encoder other than the shipped one")
    m.add_argument("--db", help="keep the imported, embedded KB in this file between runs")
    m.add_argument("-v", "--verbose", action="store_true")
    m.add_argument("--show", type=int, default=3, help="candidates shown per miss with -v")
    ct = sub.add_parser("checkthat")
    ct.add_argument("--db", default=str(ROOT / "runs" / "claims" / "checkthat_kb.db"),
                    help="the CheckThat! KB (built on first use, reused after)")
    s = sub.add_parser("scale")
    s.add_argument("--n", type=int, default=100_000)
    s.add_argument("--claims", type=int, default=500)
    s.add_argument("--sample", type=int, default=2000, help="known claims timed for embedding")
    d = sub.add_parser("seeds")
    d.add_argument("--related", action="store_true", help="also print `related` results")
    d.add_argument("--db", help="a file to build the KB in (a copy of match's --db skips "
                   "re-embedding)")
    n = sub.add_parser("news")
    n.add_argument("--articles", type=int, default=50)
    n.add_argument("--seed", type=int, default=7)
    n.add_argument("--db", help="a file to build the KB in (a copy of match's --db skips "
                   "re-embedding)")
    sp = sub.add_parser("speed")
    sp.add_argument("--db", required=True, help="a KB with EUvsDisinfo imported and embedded")
    sp.add_argument("--articles", type=int, default=30)
    args = p.parse_args()
    commands = {"checkworthy": checkworthy, "match": match, "checkthat": checkthat,
                "scale": scale, "seeds": seeds, "news": news, "speed": speed}
    commands[args.cmd](args)


if __name__ == "__main__":
    main()
