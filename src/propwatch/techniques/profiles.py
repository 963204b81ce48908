"""Operating points of the tagger ("profiles"), chosen on validation, and their calibration.

* ``precise`` (the default): fewer spans, most of them right.  Each technique gets a
  floor on its span score chosen for precision-weighted F (F0.5) of its spans on
  validation, then one common floor is raised until the shown spans reach SI precision
  :data:`PRECISION_TARGET` on validation, but never so far that fewer spans than
  validation articles remain (then: the most precise floor above that limit).  Its SI
  spans are the shown spans, merged.
* ``balanced``: the best-F1 point (thresholds tuned for F1 on validation).

Both carry the :class:`~propwatch.techniques.calibration.Calibration` fitted on the
balanced profile's validation spans (the precise spans are the best-scoring of them, with
the same raw scores), so every span's confidence is the probability that it is right.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from propwatch.model import Span
from propwatch.techniques.calibration import RIGHT_SHARE, Calibration, fit_isotonic
from propwatch.techniques.evidence import Candidate, SentenceConfig, candidates
from propwatch.techniques.heads import SentenceHeads
from propwatch.techniques.infer import (
    DecodeConfig,
    TokenOutput,
    merged,
    technique_spans,
)
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.scorer import PRF, span_credits, span_scores

PROFILES = ("precise", "balanced")
DEFAULT_PROFILE = "precise"
#: SI precision the precise profile must reach on validation.
PRECISION_TARGET = 0.60
#: F-beta weighting of the technique floors (beta < 1 weights precision).
FLOOR_BETA = 0.5
#: Validation gold spans a technique needs for a floor of its own (else the median floor).
MIN_SUPPORT = 8
_SI_GRID = [round(x, 3) for x in np.arange(0.30, 0.981, 0.01)]


def _triples(spans: Sequence[Span]) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in spans]


def _f_beta(p: PRF, beta: float) -> float:
    b2 = beta * beta
    den = b2 * p.precision + p.recall
    return (1 + b2) * p.precision * p.recall / den if den else 0.0


def tune_precise(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    balanced: DecodeConfig,
    target: float = PRECISION_TARGET,
    min_spans: int | None = None,
    keep: Callable[[str, Span], bool] | None = None,
) -> tuple[DecodeConfig, dict[str, Any]]:
    """The precise profile, derived from the balanced one on validation articles: per
    technique the span-score floor with the best F0.5, then one common floor raised until
    the shown spans reach SI precision ``target`` (or as near as it gets while at least
    ``min_spans`` spans, default one per article, remain); SI spans are the shown spans
    merged.  ``keep(article, span)``: the spans another filter (the span prior's floor)
    lets through; the floors are tuned on those only."""
    g = {a: _triples(gold[a]) for a in texts}
    cfg = replace(balanced, min_scores=None, si_from_techniques=True)
    spans = {a: [s for s in technique_spans(texts[a], outs[a], cfg) if keep is None or keep(a, s)]
             for a in texts}
    support = [sum(1 for a in g for t in g[a] if t[2] == tech) for tech in TECHNIQUES]
    floors: list[float] = []
    for tech in TECHNIQUES:
        mine = {a: [s for s in spans[a] if s.label == tech] for a in g}
        gk = {a: [t for t in g[a] if t[2] == tech] for a in g}
        best_f, best_floor = -1.0, 0.0
        for floor in [0.0, *sorted({s.score or 0.0 for a in mine for s in mine[a]})]:
            kept = {a: _triples([s for s in mine[a] if (s.score or 0.0) >= floor]) for a in g}
            f = _f_beta(span_scores(kept, gk, [tech])[0], FLOOR_BETA)
            if f > best_f:
                best_f, best_floor = f, floor
        floors.append(best_floor)
    solid = [floors[k] for k in range(len(TECHNIQUES)) if support[k] >= MIN_SUPPORT]
    median = float(np.median(solid)) if solid else 0.0
    floors = [f if support[k] >= MIN_SUPPORT else median for k, f in enumerate(floors)]

    def si_at(q: float) -> PRF:
        floor = dict(zip(TECHNIQUES, [max(f, q) for f in floors], strict=True))
        pred = {a: _triples(merged([s for s in spans[a] if (s.score or 0.0) >= floor[s.label]]))
                for a in texts}
        return span_scores(pred, g)[0]

    # The common floor: the lowest reaching the target while keeping at least one span
    # per validation article (a precision measured on a handful of spans is noise); if
    # none does, the most precise of those keeping that many.
    min_spans = len(texts) if min_spans is None else min_spans
    best: tuple[float, float] | None = None  # (precision, floor)
    for q in [0.0, *_SI_GRID]:
        si = si_at(q)
        if si.n_pred < min_spans:
            break
        if si.precision >= target:
            best = (si.precision, q)
            break
        if best is None or si.precision > best[0]:
            best = (si.precision, q)
    common = best[1] if best is not None else 0.0
    chosen = replace(cfg, min_scores=[max(f, common) for f in floors])
    return chosen, {"common_floor": common, "val_si": si_at(common)}


#: Article-prior floors tried for the precise profile (0: no floor).
PRIOR_GRID = (0.0, 0.2, 0.4, 0.6, 0.8, 0.95)


def choose_prior_floor(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    balanced: DecodeConfig,
    priors: Mapping[str, float],
    target: float = PRECISION_TARGET,
) -> tuple[float, DecodeConfig, dict[str, Any]]:
    """The precise profile with a floor on the article prior (``priors``: each validation
    article's): for each floor of :data:`PRIOR_GRID`, the spans of articles reaching it,
    with floors tuned by :func:`tune_precise`; chosen: among those reaching SI precision
    ``target`` on validation the one with the highest recall, else the most precise."""
    tried = []
    for q in PRIOR_GRID:

        def keep(a: str, _span: Span, q: float = q) -> bool:
            return priors[a] >= q

        cfg, info = tune_precise(texts, outs, gold, balanced, target, keep=keep)
        tried.append((q, cfg, info))
    reaching = [t for t in tried if t[2]["val_si"].precision >= target]
    if reaching:
        q, cfg, info = max(reaching, key=lambda t: (t[2]["val_si"].recall, -t[0]))
    else:
        q, cfg, info = max(tried, key=lambda t: (t[2]["val_si"].precision, -t[0]))
    return q, cfg, {**info, "tried": [(t[0], t[2]["val_si"]) for t in tried]}


def span_rightness(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    cfg: DecodeConfig,
) -> tuple[list[float], list[bool]]:
    """Raw score of every technique span and whether it is right (at least
    :data:`RIGHT_SHARE` of its characters inside gold spans of its technique)."""
    scores: list[float] = []
    right: list[bool] = []
    for a in texts:
        spans = technique_spans(texts[a], outs[a], cfg)
        credits = span_credits(_triples(spans), _triples(gold[a]))
        scores += [s.score or 0.0 for s in spans]
        right += [c >= RIGHT_SHARE for c in credits]
    return scores, right


def fit_calibration(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    cfg: DecodeConfig,
) -> Calibration:
    """Isotonic calibration of ``cfg``'s span scores on the given (validation) articles."""
    scores, right = span_rightness(texts, outs, gold, cfg)
    return fit_isotonic(scores, right)


def sentence_configs(conf: Mapping[str, Any]) -> dict[str, SentenceConfig]:
    """The sentence-head part of each profile of a model's ``config.json`` (profiles
    without one are left out)."""
    raw = conf.get("profiles") or {}
    return {n: SentenceConfig.from_json(d["sentence"]) for n, d in raw.items() if d.get("sentence")}


def profile_configs(conf: Mapping[str, Any]) -> dict[str, tuple[DecodeConfig, Calibration | None]]:
    """The profiles of a model's ``config.json``; a model without ``profiles`` (built before
    they existed) offers its one ``decode`` config under every profile name, uncalibrated."""
    raw = conf.get("profiles")
    if not raw:
        one = DecodeConfig.from_json(conf["decode"])
        return {name: (one, None) for name in PROFILES}
    out = {}
    for name, d in raw.items():
        cal = d.get("calibration")
        out[name] = (
            DecodeConfig.from_json(d["decode"]),
            Calibration.from_json(cal) if cal else None,
        )
    return out


# --- Sentence heads in the profiles (issue 11): emit thresholds, confidence, floor. ---

#: Grid of head probabilities tried as ``emit`` thresholds.
EMIT_GRID = [round(x, 3) for x in np.arange(0.10, 0.951, 0.025)]
#: Multiples of a technique's training share of sentences tried for thin techniques.
THIN_FACTORS = (0.25, 0.5, 1.0, 2.0)
#: L2 strength of the confidence model (its inputs are a handful of logits and one-hots).
CONFIDENCE_L2 = 1.0


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = CONFIDENCE_L2) -> list[float]:
    """L2-regularised logistic regression by Newton steps (the bias, column 0, is not
    penalised); weights over the columns of ``x``."""
    w = np.zeros(x.shape[1])
    pen = np.full(x.shape[1], l2)
    pen[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        grad = x.T @ (p - y) + pen * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(pen + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return [float(v) for v in w]


def fit_shift(confidence: Sequence[float], right: Sequence[bool], l2: float = 1.0) -> float:
    """The offset added to the logit of ``confidence`` that best fits ``right`` (maximum
    likelihood with a small L2 pull towards 0): recalibration of a profile's confidence on
    the spans it shows."""
    if not len(confidence):
        return 0.0
    p0 = np.clip(np.asarray(confidence, np.float64), 1e-6, 1 - 1e-6)
    z = np.log(p0 / (1 - p0))
    y = np.asarray(right, np.float64)
    b = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(z + b)))
        step = (float((p - y).sum()) + l2 * b) / (float((p * (1 - p)).sum()) + l2)
        b -= step
        if abs(step) < 1e-8:
            break
    return b


def choose_emit(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    cfg: DecodeConfig,
    heads: SentenceHeads,
    probs: Mapping[str, np.ndarray],
    shares: Mapping[str, float],
    min_support: int = MIN_SUPPORT,
) -> dict[str, float]:
    """Per technique with at least ``min_support`` validation spans, the ``emit`` threshold
    giving its spans the best F1 on validation, if that beats its token spans alone.  A
    technique with fewer validation spans (a threshold tuned on 1-7 spans is noise, and so
    is its Platt scaling) flags a share of validation sentences: its share of training
    sentences (``shares``) times one factor of :data:`THIN_FACTORS`, the one with the best
    F1 of these techniques' spans pooled on validation; its threshold is the head
    probability of the last validation sentence flagged."""
    g = {a: _triples(gold[a]) for a in texts}
    decoded = {a: technique_spans(texts[a], outs[a], cfg) for a in texts}
    emit: dict[str, float] = {}
    thin: list[str] = []
    for tech in heads.techniques:
        gk = {a: [t for t in g[a] if t[2] == tech] for a in g}
        if sum(len(v) for v in gk.values()) < min_support:
            thin.append(tech)
            continue

        def f1(th: float | None, tech: str = tech, gk: Any = gk) -> float:
            sc = SentenceConfig(emit={} if th is None else {tech: th})
            pred = _emitted(texts, outs, cfg, heads, sc, probs, decoded, {tech})
            return span_scores(pred, gk, [tech])[0].f1

        base = f1(None)
        best = max(EMIT_GRID, key=f1)
        if f1(best) > base:
            emit[tech] = best
    # Thin techniques: the share factor with the best F1 of their spans pooled on
    # validation (together they have enough spans to tell).
    n_sent = sum(len(p) for p in probs.values())
    gt = {a: [t for t in g[a] if t[2] in thin] for a in g}

    def thin_emit(factor: float) -> dict[str, float]:
        out: dict[str, float] = {}
        for tech in thin:
            k = heads.techniques.index(tech)
            col = np.sort(np.concatenate([probs[a][:, k] for a in texts]))[::-1]
            top = max(1, int(np.ceil(factor * shares.get(tech, 0.0) * n_sent)))
            if len(col):
                out[tech] = float(col[min(top, len(col)) - 1])
        return out

    def pooled_f1(th: dict[str, float]) -> float:
        pred = _emitted(texts, outs, cfg, heads, SentenceConfig(emit=th), probs, decoded,
                        set(thin))
        return span_scores(pred, gt, thin)[0].f1

    if thin and n_sent:
        options = [thin_emit(f) for f in THIN_FACTORS]
        scores = [pooled_f1(o) for o in options]
        emit.update(options[int(np.argmax(scores))])
    return emit


def _emitted(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    cfg: DecodeConfig,
    heads: SentenceHeads,
    sc: SentenceConfig,
    probs: Mapping[str, np.ndarray],
    decoded: Mapping[str, Sequence[Span]],
    techs: set[str],
) -> dict[str, list[tuple[int, int, str]]]:
    """Per article, the (start, end, technique) spans of ``techs`` shown under ``sc``, from
    their decoded token spans and the sentence heads."""
    return {
        a: [(c.start, c.end, c.technique)
            for c in candidates(texts[a], outs[a], cfg, heads, sc, probs[a],
                                [s for s in decoded[a] if s.label in techs])
            if c.technique in techs]
        for a in texts
    }


def span_table(
    texts: Mapping[str, str],
    outs: Mapping[str, TokenOutput],
    gold: Mapping[str, Sequence[Span]],
    cfg: DecodeConfig,
    heads: SentenceHeads,
    scfg: SentenceConfig,
    probs: Mapping[str, np.ndarray],
    priors: Mapping[str, float] | None = None,
) -> tuple[list[tuple[str, Candidate]], np.ndarray, np.ndarray]:
    """Every candidate span (article id, candidate), its confidence features and whether it
    is right (at least :data:`RIGHT_SHARE` of it inside gold spans of its technique);
    ``priors``: each article's article prior (none: 0.5)."""
    rows: list[tuple[str, Candidate]] = []
    feats: list[list[float]] = []
    right: list[bool] = []
    for a in texts:
        cands = candidates(texts[a], outs[a], cfg, heads, scfg, probs[a],
                           article=0.5 if priors is None else priors[a])
        credits = span_credits([(c.start, c.end, c.technique) for c in cands], _triples(gold[a]))
        for c, cr in zip(cands, credits, strict=True):
            rows.append((a, c))
            feats.append(c.features())
            right.append(cr >= RIGHT_SHARE)
    return rows, np.asarray(feats, np.float64), np.asarray(right, np.float64)


def choose_floor(
    texts: Mapping[str, str],
    gold: Mapping[str, Sequence[Span]],
    rows: Sequence[tuple[str, Candidate]],
    conf: np.ndarray,
    target: float = PRECISION_TARGET,
    min_spans: int | None = None,
) -> tuple[float, PRF]:
    """The lowest common confidence floor whose shown spans, merged, reach SI precision
    ``target`` on validation while at least ``min_spans`` (default: one per article)
    remain; if none does, the most precise floor keeping that many."""
    g = {a: _triples(gold[a]) for a in texts}
    min_spans = len(texts) if min_spans is None else min_spans
    best: tuple[float, float, PRF] | None = None
    for q in [0.0, *_SI_GRID]:
        per: dict[str, list[Span]] = {a: [] for a in texts}
        for (a, c), s in zip(rows, conf, strict=True):
            if s >= q:
                per[a].append(Span(c.start, c.end, c.technique))
        pred = {a: _triples(merged(per[a])) for a in texts}
        si, _ = span_scores(pred, g)
        if si.n_pred < min_spans:
            break
        if si.precision >= target:
            return q, si
        if best is None or si.precision > best[0]:
            best = (si.precision, q, si)
    if best is None:
        return 0.0, PRF(0.0, 0.0, 0.0, 0, 0)
    return best[1], best[2]


#: Confidence floors tried per technique for the balanced profile.
BALANCED_FLOOR_GRID = [round(x, 3) for x in np.arange(0.0, 0.701, 0.05)]


def choose_technique_floors(
    texts: Mapping[str, str],
    gold: Mapping[str, Sequence[Span]],
    rows: Sequence[tuple[str, Candidate]],
    conf: np.ndarray,
    min_support: int = MIN_SUPPORT,
) -> tuple[dict[str, float], PRF]:
    """Per technique with at least ``min_support`` validation gold spans, the confidence
    floor of :data:`BALANCED_FLOOR_GRID` giving the best FLC F1 (all techniques pooled) on
    validation, one technique after the other (most spans first), the others held at their
    floors; a floor is only raised when it gains F1.  Returns the floors (techniques left
    at 0 omitted) and the FLC scores at them."""
    g = {a: _triples(gold[a]) for a in texts}
    support = {t: sum(1 for a in g for s in g[a] if s[2] == t) for t in TECHNIQUES}
    floors = dict.fromkeys(TECHNIQUES, 0.0)

    def flc(fl: Mapping[str, float]) -> PRF:
        pred: dict[str, list[tuple[int, int, str]]] = {a: [] for a in texts}
        for (a, c), s in zip(rows, conf, strict=True):
            if s >= fl[c.technique]:
                pred[a].append((c.start, c.end, c.technique))
        return span_scores(pred, g, TECHNIQUES)[0]

    best = flc(floors)
    for tech in sorted(TECHNIQUES, key=lambda t: -support[t]):
        if support[tech] < min_support:
            continue
        for q in BALANCED_FLOOR_GRID[1:]:
            trial = flc({**floors, tech: q})
            if trial.f1 > best.f1:
                best, floors[tech] = trial, q
    return {t: q for t, q in floors.items() if q > 0}, best
