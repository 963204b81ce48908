"""Fit the match model (``src/propwatch/claims/model/match_model.npz``) on CheckThat! 2020.

    nice -n 10 .venv/bin/python bench/claims_fit_matcher.py            # fit, choose, write
    nice -n 10 .venv/bin/python bench/claims_fit_matcher.py --compare  # also try GBDT

1. Every train/dev tweet is run through propwatch's retrieval against the 10,375 verified
   claims (``KbIndex.pairs``); each candidate group is one row of ``FEATURES``, labelled 1
   when it is (identical to) a claim the tweet repeats.
2. A logistic regression is fit on train; its C is chosen on dev by MAP@5.
3. Calibration: isotonic regression on out-of-fold train scores (5 folds by tweet).
   Sentences of ../shared/data/news-unlabeled (even files) are added as queries that
   repeat no claim (label 0, weight ``--news-weight``): without them the model learns
   from tweets alone, where every query has a match, and calls 21% of news sentences a
   match (docs/benchmarks.md).
4. Operating points, chosen on dev: ``match`` is the lowest probability at which the first
   result of the tweets has precision >= 0.9 and wrong matches <= 3% of tweets, and at most
   ``--news-max`` of the dev news sentences (odd files) reach it, for it and every higher
   cut; ``related`` the lowest at which a third of dev pairs above it are right and <= 10%
   of the dev news sentences reach it.

With ``--rerank`` (after ``bench/claims_fit_reranker.py pairs/train/export/score``), the
first stage above is kept as shipped and the second stage is fit
(``src/propwatch/claims/model/rerank_model.npz``, see ``propwatch.claims.matcher``):

5. Rows: the ``--top`` best first-stage candidates of the train tweets the reranker did
   not learn from (3 in 10) and of the news-train sentences it did not learn from, with
   the 13 features plus the reranker's log-odds; a logistic regression on them, isotonic
   calibration on 5-fold out-of-fold scores (folds by query).
6. On dev, only tweets (and news sentences) whose best first-stage candidate reaches
   ``related`` are reranked, as at run time; C and ``match`` are chosen there with the
   rule of step 4.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from claims_checkthat import ROOT, open_kb, tweets  # noqa: E402

RUNS = ROOT / "runs" / "claims"
OUT = ROOT / "src" / "propwatch" / "claims" / "model" / "match_model.npz"


NEWS = ROOT.parent / "shared" / "data" / "news-unlabeled"


def news_sentences(split: str, limit: int = 1000) -> list[str]:
    """Sentences of ../shared/data/news-unlabeled (even files: train, odd: dev) as queries
    that repeat no verified claim: most news sentences make no claim Snopes checked, so
    the model learns what "no match" looks like (a few may be mislabelled)."""
    from propwatch.claims.component import candidate_sentences
    from propwatch.model import Article

    files = sorted(NEWS.glob("*.txt"))[(0 if split == "news-train" else 1)::2]
    out: list[str] = []
    for f in files:
        art = Article(id=f.stem, source=str(f), part=0, text=f.read_text(encoding="utf-8"))
        out += [s.text_of(art.text) for s in candidate_sentences(art)][:8]
    return out[:limit]


def pair_data(split: str, db: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, labels, query index) for every candidate of every query, cached in runs/."""
    cache = RUNS / f"checkthat_pairs_{split}.npz"
    if cache.exists():
        with np.load(cache) as d:
            return d["x"], d["y"], d["q"]
    from propwatch.kb.match import KbIndex
    from propwatch.store.kb import KbTables

    store = open_kb(db)
    tables = KbTables(store.conn)
    index = KbIndex(tables)
    group = dict(store.conn.execute("SELECT id, group_key FROM kb_claims").fetchall())
    from claims_checkthat import Tweet

    if split.startswith("news"):
        items = [Tweet(f"n{i}", t, frozenset()) for i, t in enumerate(news_sentences(split))]
    else:
        items = tweets(split)
    t0 = time.perf_counter()
    xs, ys, qs = [], [], []
    for q, (tweet, (pool, rows)) in enumerate(zip(items, index.pairs([t.text for t in items]),
                                                  strict=True)):
        gold = {group[g] for g in tweet.gold if g in group}
        for claim, row in zip(pool, rows, strict=True):
            xs.append(row)
            ys.append(int(claim.group_key in gold))
            qs.append(q)
    print(f"{split}: {len(items)} queries, {len(xs)} pairs in {time.perf_counter() - t0:.0f}s")
    store.close()
    RUNS.mkdir(parents=True, exist_ok=True)
    x, y, qi = np.asarray(xs), np.asarray(ys), np.asarray(qs)
    np.savez(cache, x=x, y=y, q=qi)
    return x, y, qi


def map_at_5(scores: np.ndarray, y: np.ndarray, q: np.ndarray, n_queries: int) -> float:
    total = 0.0
    for i in range(n_queries):
        sel = q == i
        order = np.argsort(-scores[sel], kind="stable")[:5]
        labels = y[sel][order]
        hits, ap = 0, 0.0
        for rank, lab in enumerate(labels, start=1):
            if lab:
                hits += 1
                ap += hits / rank
        total += ap / min(max(1, int(y[sel].sum())), 5) if y[sel].any() else 0.0
    return total / n_queries


def first_results(scores: np.ndarray, y: np.ndarray, q: np.ndarray, n: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(score, correct) of the first result of each query (score -inf when none)."""
    top, ok = np.full(n, -np.inf), np.zeros(n, dtype=bool)
    for i in range(n):
        sel = np.flatnonzero(q == i)
        if len(sel):
            j = sel[np.argmax(scores[sel])]
            top[i], ok[i] = scores[j], bool(y[j])
    return top, ok


def fit_lr(x: np.ndarray, y: np.ndarray, c: float, w: np.ndarray):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(x), y, sample_weight=w)
    return scaler, lr


def raw_scores(model, x: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    scaler, lr = model
    return scaler.transform(x) @ lr.coef_[0] + lr.intercept_[0]


def reliability(prob: np.ndarray, y: np.ndarray) -> str:
    """Pairs, mean probability and share correct in five probability bins."""
    bins = np.linspace(0, 1, 6)
    cal = []
    for lo, hi in zip(bins[:-1], bins[1:], strict=True):
        sel = (prob >= lo) & (prob < hi if hi < 1 else prob <= hi)
        if sel.any():
            cal.append(f"[{lo:.1f},{hi:.1f}): {sel.sum()} pairs, mean p {prob[sel].mean():.3f}"
                       f", correct {y[sel].mean():.3f}")
    return "; ".join(cal)


def choose_match(top_p: np.ndarray, ok: np.ndarray, news_p: np.ndarray, n: int,
                 news_max: float) -> float | None:
    """The lowest cut at which the first results above it (and above every higher cut) have
    precision >= 0.9, wrong matches <= 3% of the ``n`` tweets, and at most ``news_max`` of
    the news sentences reach it."""
    match_t = None
    for t in sorted(set(np.round(top_p[np.isfinite(top_p)], 4)), reverse=True):
        sel = top_p >= t
        if not sel.any():
            continue
        precision, wrong = ok[sel].mean(), (sel & ~ok).sum() / n
        if precision >= 0.9 and wrong <= 0.03 and np.mean(news_p >= t) <= news_max:
            match_t = t
        else:
            break
    return match_t


def rerank_rows(split: str, top: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features + reranker log-odds, labels, query index) of the ``top`` best candidates of
    each query the reranker reads (``claims_fit_reranker.scored_rows``)."""
    from claims_fit_reranker import scored_rows

    from propwatch.claims.matcher import rerank_logodds

    scores_path = RUNS / f"rerank_scores_{split}.json"
    if not scores_path.exists():
        sys.exit(f"{scores_path} is missing: run 'bench/claims_fit_reranker.py score' first")
    scores = json.loads(scores_path.read_text())
    keep = [(r, s) for r, s in zip(scored_rows(split), scores, strict=True) if r["rank"] < top]
    x = np.array([r["features"] + [float(rerank_logodds(np.array(s)))] for r, s in keep])
    y = np.array([r["label"] for r, _ in keep])
    q = np.array([r["q"] for r, _ in keep])
    return x, y, q


def fit_rerank(args: argparse.Namespace) -> None:
    from sklearn.isotonic import IsotonicRegression

    from propwatch.claims.matcher import RERANK_FEATURE
    from propwatch.kb.match import FEATURES

    top = args.top
    xt, yt, qt = rerank_rows("train", top)
    xn, yn, qn = rerank_rows("news-train", top)
    xd, yd, qd = rerank_rows("dev", top)
    xnd, _, qnd = rerank_rows("news-dev", top)
    nd, nnd = len(tweets("dev")), len(news_sentences("news-dev"))
    off = int(qt.max()) + 1
    xa, ya = np.vstack([xt, xn]), np.concatenate([yt, yn])
    qa = np.concatenate([qt, qn + off])
    wa = np.concatenate([np.ones(len(yt)), np.full(len(yn), args.news_weight)])
    print(f"second stage: {len(set(qt))} train tweets ({len(yt)} pairs, {int(yt.sum())} gold), "
          f"{len(set(qn))} news sentences ({len(yn)} pairs), those that reach `related`; dev: "
          f"{len(set(qd))}/{nd} tweets and {len(set(qnd))}/{nnd} news sentences reach it")
    _, ce_ok = first_results(xd[:, -1], yd, qd, nd)
    _, lr_ok = first_results(-np.arange(len(yd), dtype=float), yd, qd, nd)
    print(f"dev first result correct: first stage {lr_ok.mean():.3f}, reranker alone "
          f"{ce_ok.mean():.3f} (of all dev tweets)")

    def dev_points(model, iso):  # type: ignore[no-untyped-def]
        top_r, ok = first_results(raw_scores(model, xd), yd, qd, nd)
        top_p = np.where(np.isfinite(top_r), iso.predict(np.where(np.isfinite(top_r), top_r,
                                                                  -50.0)), -np.inf)
        news_r, _ = first_results(raw_scores(model, xnd), np.zeros(len(qnd)), qnd, nnd)
        news_p = np.where(np.isfinite(news_r), iso.predict(np.where(np.isfinite(news_r),
                                                                    news_r, -50.0)), -np.inf)
        return top_p, ok, news_p

    def fitted(c: float):  # type: ignore[no-untyped-def]
        rng = np.random.default_rng(13)
        fold = rng.integers(0, 5, size=int(qa.max()) + 1)
        oof = np.zeros(len(ya))
        for k in range(5):
            test = fold[qa] == k
            oof[test] = raw_scores(fit_lr(xa[~test], ya[~test], c, wa[~test]), xa[test])
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof, ya, wa)
        return fit_lr(xa, ya, c, wa), iso

    best = None
    for c in (0.01, 0.1, 1.0, 10.0):
        model, iso = fitted(c)
        top_p, ok, news_p = dev_points(model, iso)
        t = choose_match(top_p, ok, news_p, nd, args.news_max)
        share = float(np.mean((top_p >= t) & ok)) if t is not None else 0.0
        print(f"LR C={c}: dev first result correct {ok.mean():.3f}, match cut {t}, "
              f"correct `match` {share:.3f}")
        if t is not None and (best is None or share > best[0] + 1e-9):
            best = (share, c, t, model, iso, top_p, ok, news_p)
    if best is None:
        sys.exit("no cut meets the precision rule on dev; nothing written")
    share, c, match_t, model, iso, top_p, ok, news_p = best
    print("dev sweep: threshold, first result a correct match, a wrong match, news sentences "
          "with a match")
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, match_t):
        sel = top_p >= t
        print(f"  {t:.4f}  {np.mean(sel & ok):.3f}  {np.mean(sel & ~ok):.3f}  "
              f"{np.mean(news_p >= t):.3f}")
    print("  calibration (dev, reranked pairs): "
          + reliability(iso.predict(raw_scores(model, xd)), yd))
    print(f"chosen: C={c}, top {top}, match >= {match_t:.4f}")
    scaler, lr = model
    features = (*FEATURES, RERANK_FEATURE)
    np.savez(args.rerank_out, features=np.array(features), mean=scaler.mean_,
             scale=scaler.scale_, coef=lr.coef_[0], intercept=np.float64(lr.intercept_[0]),
             iso_x=iso.X_thresholds_, iso_y=iso.y_thresholds_,
             match_threshold=np.float64(match_t), top=np.int64(top))
    print(json.dumps({"C": c, "match_threshold": match_t, "top": top, "weights": dict(
        zip(features, map(float, lr.coef_[0]), strict=True))}, indent=1))
    print(f"wrote {args.rerank_out}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", type=Path, default=RUNS / "checkthat_kb.db")
    p.add_argument("--compare", action="store_true", help="also fit a GBDT (report only)")
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--news-weight", type=float, default=1.0,
                   help="weight of the news sentences as negatives in the fit (0: not used)")
    p.add_argument("--news-max", type=float, default=0.01,
                   help="largest share of dev news sentences allowed a `match`")
    p.add_argument("--rerank", action="store_true",
                   help="fit the second stage over the reranker's score (first stage kept)")
    p.add_argument("--top", type=int, default=3, help="with --rerank: candidates reranked")
    p.add_argument("--rerank-out", type=Path, default=OUT.with_name("rerank_model.npz"))
    args = p.parse_args()
    if args.rerank:
        fit_rerank(args)
        return
    from sklearn.isotonic import IsotonicRegression

    from propwatch.kb.match import FEATURES

    RUNS.mkdir(parents=True, exist_ok=True)
    xt, yt, qt = pair_data("train", args.db)
    xd, yd, qd = pair_data("dev", args.db)
    xn, yn, qn = pair_data("news-train", args.db)
    xnd, _, qnd = pair_data("news-dev", args.db)
    nt, nd = len(tweets("train")), len(tweets("dev"))
    nn, nnd = int(qn.max()) + 1, int(qnd.max()) + 1
    print(f"gold in the candidate pool: train {len(set(qt[yt == 1]))}/{nt}, "
          f"dev {len(set(qd[yd == 1]))}/{nd}")
    cosine = FEATURES.index("cosine")
    print(f"cosine alone: MAP@5 train {map_at_5(xt[:, cosine], yt, qt, nt):.3f} "
          f"dev {map_at_5(xd[:, cosine], yd, qd, nd):.3f}")
    print(f"news negatives: train {nn} sentences ({len(yn)} pairs), dev {nnd}")
    if args.news_weight > 0:
        xa, ya = np.vstack([xt, xn]), np.concatenate([yt, yn])
        qa = np.concatenate([qt, qn + nt])
        wa = np.concatenate([np.ones(len(yt)), np.full(len(yn), args.news_weight)])
    else:
        xa, ya, qa, wa = xt, yt, qt, np.ones(len(yt))
    best = None
    for c in (0.01, 0.1, 1.0, 10.0):
        model = fit_lr(xa, ya, c, wa)
        m_dev = map_at_5(raw_scores(model, xd), yd, qd, nd)
        m_train = map_at_5(raw_scores(model, xt), yt, qt, nt)
        print(f"LR C={c}: MAP@5 train {m_train:.3f} dev {m_dev:.3f}")
        if best is None or m_dev > best[0] + 1e-9:
            best = (m_dev, c)
    assert best is not None
    c = best[1]
    if args.compare:
        from sklearn.ensemble import HistGradientBoostingClassifier

        for depth in (3, 5):
            gb = HistGradientBoostingClassifier(max_depth=depth, learning_rate=0.05,
                                                max_iter=300, random_state=0)
            gb.fit(xa, ya, sample_weight=wa)
            print(f"GBDT depth {depth}: MAP@5 train "
                  f"{map_at_5(gb.decision_function(xt), yt, qt, nt):.3f} dev "
                  f"{map_at_5(gb.decision_function(xd), yd, qd, nd):.3f}")
    # out-of-fold scores on train for the calibration
    rng = np.random.default_rng(13)
    fold_of_query = rng.integers(0, 5, size=nt + nn)
    oof = np.zeros(len(ya))
    for k in range(5):
        test = fold_of_query[qa] == k
        oof[test] = raw_scores(fit_lr(xa[~test], ya[~test], c, wa[~test]), xa[test])
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof, ya, wa)
    model = fit_lr(xa, ya, c, wa)
    prob_dev = iso.predict(raw_scores(model, xd))
    prob_train = iso.predict(raw_scores(model, xt))
    # operating points on dev, first result of each tweet
    top, ok = first_results(raw_scores(model, xd), yd, qd, nd)
    top_p = iso.predict(np.where(np.isfinite(top), top, -50.0))
    # news sentences (no claim Snopes checked, as far as we know): every sentence of an
    # article is matched, so `match` must be rare among them (--news-max)
    news_top, _ = first_results(raw_scores(model, xnd), np.zeros(len(qnd)), qnd, nnd)
    news_p = iso.predict(news_top)
    match_t = choose_match(top_p, ok, news_p, nd, args.news_max)
    assert match_t is not None, "no cut meets the precision rule on dev"
    # related: the lowest cut at which a third of dev pairs above it are right and at most
    # 10% of the dev news sentences (no claim) get a related-or-better first result
    related_t = match_t
    for t in sorted(set(np.round(prob_dev, 4)), reverse=True):
        sel = prob_dev >= t
        if yd[sel].mean() >= 1 / 3 and np.mean(news_p >= t) <= 0.10:
            related_t = t
        else:
            break
    related_t = min(related_t, match_t)
    print("dev sweep: threshold, first result a correct match, a wrong match, news sentences "
          "with a match")
    for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        sel = top_p >= t
        print(f"  {t:.1f}  {np.mean(sel & ok):.3f}  {np.mean(sel & ~ok):.3f}  "
              f"{np.mean(news_p >= t):.3f}")
    print(f"dev news sentences: match {np.mean(news_p >= match_t):.3f}, related or match "
          f"{np.mean(news_p >= related_t):.3f}")
    print(f"chosen: C={c}, match >= {match_t:.4f}, related >= {related_t:.4f}")
    for name, prob, y, q, n in (("train", prob_train, yt, qt, nt), ("dev", prob_dev, yd, qd, nd)):
        # the tweets only: every tweet repeats a verified claim
        tp, tok = first_results(raw_scores(model, xt if name == "train" else xd), y, q, n)
        tpp = iso.predict(np.where(np.isfinite(tp), tp, -50.0))
        m = tpp >= match_t
        print(f"{name}: first result a correct match {np.mean(m & tok):.3f}, wrong match "
              f"{np.mean(m & ~tok):.3f}; first result correct (any level) {tok.mean():.3f}; "
              f"related-or-better first result {np.mean(tpp >= related_t):.3f}")
        print(f"  calibration ({name}): " + reliability(prob, y))
    scaler, lr = model
    np.savez(
        args.out, features=np.array(FEATURES), mean=scaler.mean_, scale=scaler.scale_,
        coef=lr.coef_[0], intercept=np.float64(lr.intercept_[0]),
        iso_x=iso.X_thresholds_, iso_y=iso.y_thresholds_,
        match_threshold=np.float64(match_t), related_threshold=np.float64(related_t),
    )
    meta = {"C": c, "match_threshold": match_t, "related_threshold": related_t,
            "weights": dict(zip(FEATURES, map(float, lr.coef_[0]), strict=True))}
    print(json.dumps(meta, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
