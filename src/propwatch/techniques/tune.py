"""Tuning of decoding thresholds on validation data (never on the test split)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from propwatch.model import Span
from propwatch.techniques.infer import (
    DecodeConfig,
    TokenOutput,
    classify,
    si_spans,
    technique_spans,
)
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.scorer import SpanT, span_scores, tc_scores
from propwatch.techniques.spans import decode

GRID = [round(x, 2) for x in np.arange(0.1, 0.91, 0.05)]


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
    tc = {a: _triples(predict_gold_labels(texts[a], outs[a], gold[a], cfg)) for a in texts}
    si_all, _ = span_scores(si, g)
    flc_all, flc_per = span_scores(flc, g, TECHNIQUES)
    tc_all, tc_per = tc_scores(tc, g, TECHNIQUES)
    return {"si": si_all, "flc": flc_all, "flc_per": flc_per, "tc": tc_all, "tc_per": tc_per}


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
) -> tuple[DecodeConfig, dict[str, Any]]:
    """Pick max_gap, the SI threshold, per-technique thresholds and the decoding mode that
    maximise F1 on the given (validation) articles."""
    g = {a: _triples(gold[a]) for a in texts}
    ids = list(texts)

    def si_f1(thr: float, gap: int) -> float:
        pred = {
            a: _triples(
                decode(
                    texts[a],
                    outs[a].enc.offsets,
                    outs[a].probs[:, -1],
                    thr,
                    "p",
                    gap,
                    breaks=outs[a].breaks_in(texts[a]),
                )
            )
            for a in ids
            if len(outs[a].enc.ids)
        }
        return span_scores(pred, g)[0].f1

    best = (-1.0, 0.5, 1)
    for gap in (0, 1, 2):
        for thr in GRID:
            f = si_f1(thr, gap)
            if f > best[0]:
                best = (f, thr, gap)
    _, si_thr, gap = best
    thresholds = []
    token_f1: list[float] = []
    for k, tech in enumerate(TECHNIQUES):
        gk = {a: [t for t in g[a] if t[2] == tech] for a in ids}
        best_k = (-1.0, 0.5)
        for thr in GRID:
            pred = {
                a: _triples(
                    decode(
                        texts[a],
                        outs[a].enc.offsets,
                        outs[a].probs[:, k],
                        thr,
                        tech,
                        gap,
                        breaks=outs[a].breaks_in(texts[a]),
                    )
                )
                for a in ids
                if len(outs[a].enc.ids)
            }
            f = span_scores(pred, gk, [tech])[0].f1
            if f > best_k[0]:
                best_k = (f, thr)
        thresholds.append(best_k[1])
        token_f1.append(best_k[0])
    # Techniques with too few validation spans get the median threshold of the others and
    # the span classifier as their source: a threshold tuned on 1-5 spans is noise.
    support = [sum(1 for a in ids for t in g[a] if t[2] == tech) for tech in TECHNIQUES]
    solid = [thr for thr, n in zip(thresholds, support, strict=True) if n >= min_support]
    if solid:
        fallback = float(np.median(solid))
        thresholds = [
            thr if n >= min_support else fallback
            for thr, n in zip(thresholds, support, strict=True)
        ]
        token_f1 = [f if n >= min_support else -1.0 for f, n in zip(token_f1, support, strict=True)]
    token_cfg = replace(base, thresholds=thresholds, si_threshold=si_thr, max_gap=gap, mode="token")
    token_flc = evaluate(texts, outs, gold, token_cfg)["flc"].f1
    cands: list[tuple[float, DecodeConfig]] = [(token_flc, token_cfg)]
    if base.span_w is not None:
        best_sitc: tuple[float, DecodeConfig, dict[str, Any]] | None = None
        for multi in (1.01, 0.5, 0.35):
            for thr in GRID:
                c = replace(token_cfg, mode="si+tc", flc_threshold=thr, tc_multi=multi)
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
    chosen = cands[0][1]
    info = {"token_flc_f1": token_flc, "chosen_flc_f1": cands[0][0], "mode": chosen.mode}
    return chosen, info
