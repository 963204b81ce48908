"""Fit the article prior (propwatch.techniques.prior): PTC training articles (labelled
positives) against unlabelled news articles of ../shared/data/news-unlabeled, chosen on
PTC validation, and print how it scores held-out text.

Usage: python bench/techniques_prior.py [PTC_DIR] [NEWS_DIR] [MODEL_DIR] [--write]

Held out of the fit: the 50 judged mainstream articles and the candidates excluded from
them (bench/techniques_mainstream.py), and one news article in five (by a hash of its
name).  The regularisation is chosen on PU ROC AUC (PTC validation articles against the
held-out fifth of the news articles; an unlabelled news article may itself be
propaganda-style, so the true AUC is higher); ``c`` is the mean ``g`` on PTC validation.
The floor the precise profile puts on the prior is chosen by bench/techniques_profiles.py.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from techniques_mainstream import EXCLUDED, articles
from techniques_profiles import roc_auc

from propwatch.techniques.prior import (
    PRIOR_FILE,
    ArticlePrior,
    common_vocabulary,
    style_counts,
)
from propwatch.techniques.ptc import load_ptc, read_text, split_ids
from propwatch.techniques.tagger import DEFAULT_MODEL_DIR

C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
#: Document frequency a token needs in each corpus to be an input of the article prior.
#: Lower shares (0.01, 0.03) scored higher PU AUC on validation (0.979, 0.962 against
#: 0.937) by learning years and topics ("2019", "2017", "immigration", "muslim"), which
#: would not carry over to other news: not offered.
MIN_SHARES = (0.10,)


def held_out(name: str) -> bool:
    return zlib.crc32(name.encode()) % 5 == 0


def quantiles(xs: list[float]) -> str:
    q = np.quantile(xs, [0.05, 0.25, 0.5, 0.75, 0.95])
    return " ".join(f"{v:.3f}" for v in q)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    ptc = Path(args[0]) if args else Path("../shared/data/ptc")
    news = Path(args[1]) if len(args) > 1 else Path("../shared/data/news-unlabeled")
    model_dir = Path(args[2]) if len(args) > 2 else DEFAULT_MODEL_DIR
    arts = load_ptc(ptc)
    split = split_ids([a.id for a in arts], seed=13)
    by_id = {a.id: a.text for a in arts}
    train = [by_id[i] for i in split.train]
    val = [by_id[i] for i in split.val]
    test = [by_id[i] for i in split.test]
    mainstream = {p.name for p in articles()}
    fit_news, dev_news = [], []
    for p in sorted(news.glob("*.txt")):
        if p.name in mainstream or p.name in EXCLUDED:
            continue
        (dev_news if held_out(p.name) else fit_news).append(read_text(p))
    best = None
    y_fit = np.r_[np.ones(len(train)), np.zeros(len(fit_news))]
    print(f"article prior: fit on {len(train)} PTC train + {len(fit_news)} news, PU dev: "
          f"{len(val)} PTC validation vs {len(dev_news)} held-out news")
    for share in MIN_SHARES:
        vocab = common_vocabulary(train, fit_news, share)
        ix = {t: k for k, t in enumerate(vocab)}
        x_fit = np.stack([style_counts(t, ix) for t in (*train, *fit_news)])
        mean, scale = x_fit.mean(axis=0), x_fit.std(axis=0) + 1e-6

        def z(texts: list[str], ix: dict[str, int] = ix, mean: np.ndarray = mean,
              scale: np.ndarray = scale) -> np.ndarray:
            return (np.stack([style_counts(t, ix) for t in texts]) - mean) / scale

        z_val, z_dev = z(val), z(dev_news)
        for c in C_GRID:
            lr = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
            lr.fit((x_fit - mean) / scale, y_fit)
            g_val, g_dev = lr.predict_proba(z_val)[:, 1], lr.predict_proba(z_dev)[:, 1]
            auc = roc_auc([*g_val, *g_dev], [True] * len(g_val) + [False] * len(g_dev))
            print(f"  vocabulary {len(vocab)} (share {share}), C {c}: PU ROC AUC (PTC val vs "
                  f"held-out news) {auc:.3f}")
            if best is None or auc > best[0]:
                best = (auc, (share, c), lr, vocab, mean, scale, z_val)
    assert best is not None
    auc, c_reg, lr, vocab, mean, scale, z_val = best
    g_val = lr.predict_proba(z_val)[:, 1]
    prior = ArticlePrior(vocab, mean, scale, lr.coef_[0].astype(np.float64),
                         float(lr.intercept_[0]), float(np.clip(g_val.mean(), 1e-3, 1.0)))
    print(f"chosen (share, C) {c_reg} (PU AUC {auc:.3f}); c = {prior.c:.3f}")
    top = np.argsort(prior.weights)
    print("  most news-like:", ", ".join(repr(vocab[k]) for k in top[:15]))
    print("  most PTC-like: ", ", ".join(repr(vocab[k]) for k in top[::-1][:15]))
    groups = {
        "PTC validation": val,
        "PTC test": test,
        "held-out news": dev_news,
        "50 mainstream": [read_text(p) for p in articles()],
        "excluded candidates": [read_text(news / n) for n in sorted(EXCLUDED)],
    }
    pri = {k: [prior(t) for t in v] for k, v in groups.items()}
    print("prior quantiles 5/25/50/75/95%:")
    for k, v in pri.items():
        print(f"  {k:20s} {quantiles(v)}  (n {len(v)})")
    auc_test = roc_auc([*pri["PTC test"], *pri["held-out news"]],
                       [True] * len(test) + [False] * len(dev_news))
    auc_main = roc_auc([*pri["PTC test"], *pri["50 mainstream"]],
                       [True] * len(test) + [False] * 50)
    print(f"PU ROC AUC PTC test vs held-out news {auc_test:.3f}; vs 50 mainstream {auc_main:.3f}")
    for n, v in zip(sorted(EXCLUDED), pri["excluded candidates"], strict=True):
        print(f"  excluded {n}: {v:.3f}")
    if "--write" in sys.argv:
        prior.save(model_dir / PRIOR_FILE)
        print(f"written: {model_dir / PRIOR_FILE}")


if __name__ == "__main__":
    main()
