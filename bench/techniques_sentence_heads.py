"""Fit the sentence-level technique heads (propwatch.techniques.heads) on PTC.

Usage: python bench/techniques_sentence_heads.py [PTC_DIR] [MODEL_DIR] [--write]

Train split: per technique, two logistic regressions over every training sentence, label 1
when a gold span of the technique overlaps the sentence: one on the dense head features
(pooled hidden state, token probability statistics, surface cues), one on the TF-IDF of
the sentence's words and word pairs; each one's inverse regularisation strength C is
chosen per technique on the validation split (average precision); the head's logit is the
mean of the two (MIX), Platt-scaled on validation (techniques with fewer than MIN_PLATT
validation positives: fixed slope, mean probability = training share).  Prints, per
technique, validation and test average precision (dense / TF-IDF / mixed) and the span
P/R/F1 of whole-sentence spans at the threshold with the best validation F1.  ``--write``
saves heads.npz into the model directory.  Token outputs are cached
(bench/techniques_cache.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from scipy.optimize import brentq
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from techniques_cache import token_outputs

from propwatch.techniques.heads import HEADS_FILE, SentenceHeads, head_features, sentence_ranges
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.lexical import word_grams
from propwatch.techniques.ptc import PtcArticle, load_ptc, split_ids
from propwatch.techniques.scorer import span_scores
from propwatch.techniques.tagger import DEFAULT_MODEL_DIR, Tagger

C_GRID = (0.003, 0.01, 0.03, 0.1)
LEX_C_GRID = (0.3, 1.0, 3.0)
#: Share of the TF-IDF logit in the head's logit.
MIX = 0.5
#: Validation positives needed to fit a head's Platt scaling; with fewer, the slope is
#: THIN_SLOPE and the intercept makes the mean probability on validation sentences the
#: technique's share of training sentences.
MIN_PLATT = 8
THIN_SLOPE = 0.5
#: Documents (training sentences) a word or word pair must occur in to be in the vocabulary.
MIN_DF = 3
TH_GRID = [round(x, 3) for x in np.arange(0.05, 0.96, 0.025)]


def sentence_table(arts, outs):  # type: ignore[no-untyped-def]
    """Features, labels (n, T) and (article, start, end) of every sentence."""
    xs, ys, where = [], [], []
    for a in arts:
        ranges = sentence_ranges(a.text)
        if not ranges:
            continue
        xs.append(head_features(a.text, outs[a.id], ranges))
        y = np.zeros((len(ranges), len(TECHNIQUES)), np.float32)
        for r, (s, e) in enumerate(ranges):
            for g in a.spans:
                if min(e, g.end) - max(s, g.start) >= 2:
                    y[r, TECHNIQUES.index(g.label)] = 1
        ys.append(y)
        where += [(a.id, s, e) for s, e in ranges]
    return np.concatenate(xs), np.concatenate(ys), where


def span_prf(probs, where, arts: list[PtcArticle], k: int, th: float):  # type: ignore[no-untyped-def]
    tech = TECHNIQUES[k]
    pred: dict[str, list[tuple[int, int, str]]] = {a.id: [] for a in arts}
    for p, (aid, s, e) in zip(probs[:, k], where, strict=True):
        if p >= th:
            pred[aid].append((s, e, tech))
    gold = {a.id: [(g.start, g.end, g.label) for g in a.spans if g.label == tech] for a in arts}
    return span_scores(pred, gold, [tech])[0]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    ptc = Path(args[0]) if args else Path("../shared/data/ptc")
    model_dir = Path(args[1]) if len(args) > 1 else DEFAULT_MODEL_DIR
    tagger = Tagger(model_dir, threads=1, profile="balanced")
    arts = load_ptc(ptc)
    split = split_ids([a.id for a in arts], seed=int(tagger.config["split"]["seed"]))
    by_id = {a.id: a for a in arts}
    outs = token_outputs(tagger, arts)
    parts = {}
    for name, ids in (("train", split.train), ("val", split.val), ("test", split.test)):
        chosen = [by_id[i] for i in ids]
        parts[name] = (chosen, *sentence_table(chosen, outs))
    _, xtr, ytr, _ = parts["train"]
    val_arts, xva, yva, wva = parts["val"]
    test_arts, xte, yte, wte = parts["test"]
    mean = xtr.mean(axis=0)
    scale = xtr.std(axis=0) + 1e-4
    z = {n: (parts[n][1] - mean) / scale for n in parts}
    print(f"sentences: train {len(xtr)}, val {len(xva)}, test {len(xte)}; features {xtr.shape[1]}")
    texts = {n: [by_id[aid].text[st:en] for aid, st, en in parts[n][3]] for n in parts}
    vec = TfidfVectorizer(analyzer=word_grams, sublinear_tf=True, min_df=MIN_DF)
    vec.fit(texts["train"])
    v = {n: vec.transform(texts[n]) for n in parts}
    print(f"TF-IDF vocabulary: {len(vec.vocabulary_)} words and word pairs")

    def fitted(x, xv, y, yv, grid):  # type: ignore[no-untyped-def]
        best = None
        for c in grid:
            lr = LogisticRegression(C=c, class_weight="balanced", solver="liblinear")
            lr.fit(x, y)
            lv = lr.decision_function(xv)
            ap = average_precision_score(yv, lv) if yv.any() else 0.0
            if best is None or ap > best[0]:
                best = (ap, c, lr)
        return best

    weights, bias, lex_w, lex_b, platt = [], [], [], [], []
    print(f"{'technique':36s} {'pos tr/va/te':>14s} AP va dense/tfidf/mix | AP te | "
          f"{'th':>5s} | val P R F1 | test P R F1 (spans/gold)")
    for k, tech in enumerate(TECHNIQUES):
        ap_d, _, lr_d = fitted(z["train"], z["val"], ytr[:, k], yva[:, k], C_GRID)
        ap_l, _, lr_l = fitted(v["train"], v["val"], ytr[:, k], yva[:, k], LEX_C_GRID)

        def mixed(n: str, lr_d=lr_d, lr_l=lr_l):  # type: ignore[no-untyped-def]
            return (1 - MIX) * lr_d.decision_function(z[n]) + MIX * lr_l.decision_function(v[n])

        lv, lt = mixed("val"), mixed("test")
        ap_m = average_precision_score(yva[:, k], lv) if yva[:, k].any() else 0.0
        if yva[:, k].sum() >= MIN_PLATT:
            pl = LogisticRegression(C=1.0).fit(lv[:, None], yva[:, k])
            a, b0 = float(pl.coef_[0, 0]), float(pl.intercept_[0])
        else:  # too few validation positives: a fixed slope, the training share as mean
            a = THIN_SLOPE
            share = float(ytr[:, k].mean())
            b0 = float(brentq(lambda c, a=a, lv=lv, share=share:
                              np.mean(1 / (1 + np.exp(-(a * lv + c)))) - share, -50, 50))
        weights.append(lr_d.coef_[0])
        bias.append(lr_d.intercept_[0])
        lex_w.append(lr_l.coef_[0])
        lex_b.append(lr_l.intercept_[0])
        platt.append((a, b0))
        pv = 1 / (1 + np.exp(-(a * lv + b0)))
        pt = 1 / (1 + np.exp(-(a * lt + b0)))
        te = [average_precision_score(yte[:, k], f) if yte[:, k].any() else 0.0
              for f in (lr_d.decision_function(z["test"]), lr_l.decision_function(v["test"]), lt)]
        pv_all = pv[:, None].repeat(len(TECHNIQUES), 1)
        pt_all = pt[:, None].repeat(len(TECHNIQUES), 1)
        th = max(TH_GRID, key=lambda t: span_prf(pv_all, wva, val_arts, k, t).f1)
        vs = span_prf(pv_all, wva, val_arts, k, th)
        ts = span_prf(pt_all, wte, test_arts, k, th)
        pos = f"{int(ytr[:, k].sum())}/{int(yva[:, k].sum())}/{int(yte[:, k].sum())}"
        print(f"{tech:36s} {pos:>14s} {ap_d:.3f}/{ap_l:.3f}/{ap_m:.3f} | "
              f"{te[0]:.3f}/{te[1]:.3f}/{te[2]:.3f} | {th:5.3f} | "
              f"{vs.precision:.3f} {vs.recall:.3f} {vs.f1:.3f} ({vs.n_pred}) | "
              f"{ts.precision:.3f} {ts.recall:.3f} {ts.f1:.3f} ({ts.n_pred}/{ts.n_gold})",
              flush=True)
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
    heads = SentenceHeads(
        list(TECHNIQUES),
        mean.astype(np.float32),
        scale.astype(np.float32),
        np.asarray(weights, np.float32),
        np.asarray(bias, np.float32),
        np.asarray(platt, np.float32),
        words=vocab,
        idf=vec.idf_.astype(np.float32),
        lex_weights=np.asarray(lex_w, np.float32),
        lex_bias=np.asarray(lex_b, np.float32),
        mix=MIX,
    )
    if "--write" in sys.argv:
        heads.save(model_dir / HEADS_FILE)
        print(
            f"written: {model_dir / HEADS_FILE} ({(model_dir / HEADS_FILE).stat().st_size} bytes)"
        )


if __name__ == "__main__":
    main()
