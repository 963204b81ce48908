"""Tuning of decoding thresholds on validation data (never on the test split)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from propwatch.model import Span
from propwatch.techniques.align import ANY
from propwatch.techniques.infer import (
    DecodeConfig,
    TokenOutput,
    classify,
    decode_column,
    si_spans,
    technique_spans,
)
from propwatch.techniques.labels import PROPAGANDA, TECHNIQUES
from propwatch.techniques.scorer import PRF, SpanT, span_scores, tc_scores

GRID = [round(x, 2) for x in np.arange(0.1, 0.91, 0.05)]
#: FLC F1 a technique's removal must gain on validation before it is muted.
MUTE_MARGIN = 0.002


def _triples(spans: Sequence[Span]) -> list[SpanT]:
    return [(s.start, s.end, s.label) for s in spans]


def evaluate(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    cfg: DecodeConfig,
) -> dict[str, Any]:
    """SI, TC (on gold spans) and FLC scores of decoded outputs against gold spans."""
    g = {a: _triples(gold[a]) for a in texts}
    si = {a: _triples(si_spans(texts[a], outs[a], cfg)) for a in texts}
    flc = {a: _triples(technique_spans(texts[a], outs[a], cfg)) for a in texts}
    si_all, _ = span_scores(si, g)
    flc_all, flc_per = span_scores(flc, g, TECHNIQUES)
    tc_all, tc_per = evaluate_tc(texts, outs, gold, cfg)
    return {"si": si_all, "flc": flc_all, "flc_per": flc_per, "tc": tc_all, "tc_per": tc_per}


def evaluate_tc(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    cfg: DecodeConfig,
) -> tuple[PRF, dict[str, PRF]]:
    """TC scores (labels for the gold spans), overall and per technique."""
    g = {a: _triples(gold[a]) for a in texts}
    tc = {a: _triples(predict_gold_labels(texts[a], outs[a], gold[a], cfg)) for a in texts}
    return tc_scores(tc, g, TECHNIQUES)


def predict_gold_labels(
    text: str, out: TokenOutput, gold: Sequence[Span], cfg: DecodeConfig
) -> list[Span]:
    """TC: label every given span; a fragment given k times gets its k most likely labels."""
    groups: dict[tuple[int, int], int] = {}
    for g in gold:
        groups[(g.start, g.end)] = groups.get((g.start, g.end), 0) + 1
    keys = sorted(groups)
    if not keys:
        return []
    probs = classify(text, out, keys, cfg)
    res = []
    for (start, end), p in zip(keys, probs, strict=True):
        for k in np.argsort(-p)[: groups[(start, end)]]:
            res.append(Span(start, end, TECHNIQUES[int(k)], float(p[int(k)])))
    return res


def tune(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    base: DecodeConfig,
    min_support: int = 8,
    hysteresis: bool = False,
) -> tuple[DecodeConfig, dict[str, Any]]:
    """Pick max_gap, the SI thresholds, per-technique thresholds and the decoding mode that
    maximise F1 on the given (validation) articles.  Each threshold comes as a pair: the high
    one a span must reach somewhere and the low one it extends over.  With
    ``hysteresis=False`` (the default) both are the same: hysteresis pairs chosen on our 30
    validation articles did not carry over to the test split (docs/models.md)."""
    g = {a: _triples(gold[a]) for a in texts}
    ids = [a for a in texts if len(outs[a].enc.ids)]

    def f1(col: int, label: str, high: float, low: float, gap: int) -> float:
        cross = label in base.cross_sentence
        pred = {
            a: _triples(decode_column(texts[a], outs[a], col, label, high, gap, low, cross))
            for a in ids
        }
        if label == PROPAGANDA:
            return span_scores(pred, g)[0].f1
        gk = {a: [t for t in g[a] if t[2] == label] for a in texts}
        return span_scores(pred, gk, [label])[0].f1

    def best_pair(col: int, label: str, gap: int) -> tuple[float, float, float]:
        """(F1, high, low): the best plain threshold, then lower ``low`` values under it."""
        f, high = max((f1(col, label, t, t, gap), t) for t in GRID)
        best = (f, high, high)
        for h in GRID if hysteresis else []:
            if h < high:
                continue
            for lo in GRID:
                if lo < h:
                    cand = f1(col, label, h, lo, gap)
                    if cand > best[0]:
                        best = (cand, h, lo)
        return best

    si_f1, si_thr, si_low, gap = -1.0, 0.5, 0.5, 1
    for gp in (0, 1, 2):
        f, h, lo = best_pair(ANY, PROPAGANDA, gp)
        if f > si_f1:
            si_f1, si_thr, si_low, gap = f, h, lo, gp
    pairs = [best_pair(k, tech, gap) for k, tech in enumerate(TECHNIQUES)]
    thresholds = [h for _, h, _ in pairs]
    lows = [lo for _, _, lo in pairs]
    token_f1 = [f for f, _, _ in pairs]
    # Techniques with too few validation spans get the median thresholds of the others and
    # the span classifier as their source: a threshold tuned on 1-5 spans is noise.
    support = [sum(1 for a in ids for t in g[a] if t[2] == tech) for tech in TECHNIQUES]
    solid = [k for k, n in enumerate(support) if n >= min_support]
    if solid:
        fb_high = float(np.median([thresholds[k] for k in solid]))
        fb_low = float(np.median([lows[k] for k in solid]))
        for k, n in enumerate(support):
            if n < min_support:
                thresholds[k], lows[k], token_f1[k] = fb_high, min(fb_low, fb_high), -1.0
    token_cfg = replace(
        base,
        thresholds=thresholds,
        lows=lows,
        si_threshold=si_thr,
        si_low=si_low,
        max_gap=gap,
        mode="token",
    )
    token_flc = evaluate(texts, outs, gold, token_cfg)["flc"].f1
    cands: list[tuple[float, DecodeConfig]] = [(token_flc, token_cfg)]
    if base.span_w is not None:
        best_sitc: tuple[float, DecodeConfig, dict[str, Any]] | None = None
        for multi, thr in itertools.product((1.01, 0.5, 0.35), GRID):
            lows = [thr] + ([lo for lo in GRID[::2] if lo < thr] if hysteresis else [])
            for low in lows:
                c = replace(token_cfg, mode="si+tc", flc_threshold=thr, flc_low=low, tc_multi=multi)
                flc = {a: _triples(technique_spans(texts[a], outs[a], c)) for a in ids}
                overall, per = span_scores(flc, g, TECHNIQUES)
                cands.append((overall.f1, c))
                if best_sitc is None or overall.f1 > best_sitc[0]:
                    best_sitc = (overall.f1, c, per)
        if best_sitc is not None:
            _, c, per = best_sitc
            sources = [
                "token" if token_f1[k] > per[tech].f1 else "si+tc"
                for k, tech in enumerate(TECHNIQUES)
            ]
            hyb = replace(c, mode="hybrid", sources=sources)
            flc = {a: _triples(technique_spans(texts[a], outs[a], hyb)) for a in ids}
            cands.append((span_scores(flc, g, TECHNIQUES)[0].f1, hyb))
    cands.sort(key=lambda x: -x[0])
    chosen, chosen_f1 = cands[0][1], cands[0][0]
    # A technique whose spans only cost precision is muted, judged where validation has
    # enough of its spans to tell.
    for k, tech in enumerate(TECHNIQUES):
        if support[k] < min_support:
            continue
        trial = replace(chosen, muted=[*chosen.muted, tech])
        flc = {a: _triples(technique_spans(texts[a], outs[a], trial)) for a in ids}
        f = span_scores(flc, g, TECHNIQUES)[0].f1
        if f > chosen_f1 + MUTE_MARGIN:
            chosen, chosen_f1 = trial, f
    info = {
        "si_f1": si_f1,
        "token_flc_f1": token_flc,
        "chosen_flc_f1": chosen_f1,
        "mode": chosen.mode,
        "muted": chosen.muted,
    }
    return chosen, info
