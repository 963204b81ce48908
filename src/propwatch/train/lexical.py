"""Fit the lexical span classifier (:mod:`propwatch.techniques.lexical`) on gold PTC spans and
choose how much it counts next to the encoder's span head, on validation spans only.

Needs scikit-learn (the ``train`` extra) for the logistic regression solver.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from propwatch.errors import MissingExtraError
from propwatch.techniques.infer import DecodeConfig, TokenOutput
from propwatch.techniques.labels import INDEX, TECHNIQUES
from propwatch.techniques.lexical import LexicalClassifier, char_grams, word_grams
from propwatch.techniques.ptc import PtcArticle

C_GRID = (1.0, 3.0, 10.0)
WEIGHT_GRID = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def _vocab(docs: Iterable[list[str]], min_df: int, max_size: int) -> tuple[list[str], list[int]]:
    df: Counter[str] = Counter()
    for grams in docs:
        df.update(set(grams))
    kept = sorted((g for g, c in df.items() if c >= min_df), key=lambda g: (-df[g], g))[:max_size]
    kept.sort()
    return kept, [df[g] for g in kept]


def _idf(dfs: Sequence[int], n_docs: int) -> np.ndarray:
    return np.asarray(
        [math.log((1 + n_docs) / (1 + d)) + 1.0 for d in dfs], dtype=np.float32
    ).reshape(-1)


def fit_lexical(
    arts: Sequence[PtcArticle], c: float = 3.0, max_chars: int = 20000
) -> LexicalClassifier:
    """Logistic regression on every gold span of ``arts`` (one row per span and label)."""
    try:
        from scipy.sparse import csr_matrix
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:
        raise MissingExtraError("fitting the lexical span classifier", "train") from exc
    spans = [(a.text, s.start, s.end, INDEX[s.label]) for a in arts for s in a.spans]
    texts = [t[s:e] for t, s, e, _ in spans]
    words, wdf = _vocab((word_grams(t) for t in texts), min_df=2, max_size=50000)
    chars, cdf = _vocab((char_grams(t) for t in texts), min_df=3, max_size=max_chars)
    n_classes = len(TECHNIQUES)
    clf = LexicalClassifier(
        words=words,
        word_idf=_idf(wdf, len(texts)),
        chars=chars,
        char_idf=_idf(cdf, len(texts)),
        weights=np.zeros((0, n_classes), np.float32),
        bias=np.zeros(n_classes, np.float32),
    )
    rows, cols, vals = [], [], []
    for r, (text, s, e, _) in enumerate(spans):
        for col, v in clf.features(text, s, e).items():
            rows.append(r)
            cols.append(col)
            vals.append(v)
    x = csr_matrix((vals, (rows, cols)), shape=(len(spans), clf.n_features))
    y = np.asarray([k for *_, k in spans])
    lr = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    weights = np.zeros((clf.n_features, n_classes), np.float32)
    bias = np.zeros(n_classes, np.float32)
    weights[:, lr.classes_] = lr.coef_.T
    bias[lr.classes_] = lr.intercept_
    # Classes never seen in training keep a very low bias, not zero.
    missing = np.setdiff1d(np.arange(n_classes), lr.classes_)
    bias[missing] = float(lr.intercept_.min()) - 10.0
    return replace(clf, weights=weights, bias=bias)


def choose_lexical(
    train: Sequence[PtcArticle],
    val: Sequence[PtcArticle],
    outs: Mapping[str, TokenOutput],
    base: DecodeConfig,
) -> tuple[DecodeConfig, dict[str, Any]]:
    """Fit one classifier per C, keep the (C, weight) with the best validation TC F1."""
    from propwatch.techniques.tune import evaluate_tc

    texts = {a.id: a.text for a in val}
    gold = {a.id: a.spans for a in val}
    best: tuple[float, float, float, LexicalClassifier | None] = (
        evaluate_tc(texts, outs, gold, base)[0].f1,
        0.0,
        0.0,
        None,
    )
    for c in C_GRID:
        clf = fit_lexical(train, c=c)
        for w in WEIGHT_GRID[1:]:
            f1 = evaluate_tc(texts, outs, gold, replace(base, lexical=clf, lex_weight=w))[0].f1
            if f1 > best[0]:
                best = (f1, c, w, clf)
    info = {"tc_f1": best[0], "lex_c": best[1], "lex_weight": best[2]}
    return replace(base, lexical=best[3], lex_weight=best[2]), info
