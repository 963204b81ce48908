"""Scorers for span identification (SI), technique classification (TC) and the joint task
(FLC), re-implemented from the task description in the PTC README.

Spans are ``(start, end, label)`` triples per article id.

* SI / FLC: every predicted span earns the share of its characters covered by gold spans
  (of the same technique for FLC); every gold span earns the share of its characters covered
  by predicted spans.  Precision and recall are the averages over predicted and gold spans.
  Coverage is measured against the *union* of the other side's spans, so overlapping gold
  spans never give one prediction more than full credit.  For SI, labels are ignored and
  identical spans (one fragment with two techniques) count once.
* TC: gold spans are given; each gold span instance gets one predicted label (a fragment
  annotated with k techniques gets k predictions).  Micro-averaged P/R/F1 over labels; a
  fragment's gold and predicted labels are matched as multisets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

SpanT = tuple[int, int, str]
Spans = Mapping[str, Sequence[SpanT]]


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    n_pred: int
    n_gold: int

    @staticmethod
    def of(p_sum: float, n_pred: int, r_sum: float, n_gold: int) -> PRF:
        p = p_sum / n_pred if n_pred else 0.0
        r = r_sum / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return PRF(p, r, f, n_pred, n_gold)


def _union(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _covered(s: int, e: int, union: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e, ue) - max(s, us)) for us, ue in union)


def _credit(
    pred: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]
) -> tuple[float, float]:
    """(sum of precision credit over pred, sum of recall credit over gold)."""
    gu, pu = _union(gold), _union(pred)
    p = sum(_covered(s, e, gu) / (e - s) for s, e in pred if e > s)
    r = sum(_covered(s, e, pu) / (e - s) for s, e in gold if e > s)
    return p, r


def span_scores(
    pred: Spans, gold: Spans, labels: Sequence[str] | None = None
) -> tuple[PRF, dict[str, PRF]]:
    """FLC when ``labels`` is given (overall + per label), else SI (overall only).

    Articles missing from ``pred`` count as having no predictions.
    """
    ids = set(gold) | set(pred)
    if labels is None:
        p_sum = r_sum = 0.0
        n_pred = n_gold = 0
        for aid in ids:
            ps = sorted({(s, e) for s, e, _ in pred.get(aid, ())})
            gs = sorted({(s, e) for s, e, _ in gold.get(aid, ())})
            p, r = _credit(ps, gs)
            p_sum, r_sum, n_pred, n_gold = p_sum + p, r_sum + r, n_pred + len(ps), n_gold + len(gs)
        return PRF.of(p_sum, n_pred, r_sum, n_gold), {}
    per: dict[str, list[float]] = {lab: [0.0, 0.0, 0.0, 0.0] for lab in labels}
    for aid in ids:
        by_p: dict[str, list[tuple[int, int]]] = defaultdict(list)
        by_g: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for s, e, lab in pred.get(aid, ()):
            by_p[lab].append((s, e))
        for s, e, lab in gold.get(aid, ()):
            by_g[lab].append((s, e))
        for lab in set(by_p) | set(by_g):
            acc = per.setdefault(lab, [0.0, 0.0, 0.0, 0.0])
            p, r = _credit(by_p[lab], by_g[lab])
            acc[0] += p
            acc[1] += len(by_p[lab])
            acc[2] += r
            acc[3] += len(by_g[lab])
    totals = [sum(v[i] for v in per.values()) for i in range(4)]
    overall = PRF.of(totals[0], int(totals[1]), totals[2], int(totals[3]))
    return overall, {lab: PRF.of(v[0], int(v[1]), v[2], int(v[3])) for lab, v in per.items()}


def tc_scores(pred: Spans, gold: Spans, labels: Sequence[str]) -> tuple[PRF, dict[str, PRF]]:
    """Micro P/R/F1 of labels predicted for given gold spans, overall and per label."""
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for aid in set(gold) | set(pred):
        g_by: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
        p_by: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
        for s, e, lab in gold.get(aid, ()):
            g_by[(s, e)][lab] += 1
            n_gold[lab] += 1
        for s, e, lab in pred.get(aid, ()):
            p_by[(s, e)][lab] += 1
            n_pred[lab] += 1
        for key, g in g_by.items():
            tp.update(g & p_by.get(key, Counter()))
    per = {}
    for lab in list(labels) + sorted((set(n_gold) | set(n_pred)) - set(labels)):
        per[lab] = PRF.of(tp[lab], n_pred[lab], tp[lab], n_gold[lab])
    overall = PRF.of(sum(tp.values()), sum(n_pred.values()), sum(tp.values()), sum(n_gold.values()))
    return overall, per


def span_credits(pred: Sequence[SpanT], gold: Sequence[SpanT]) -> list[float]:
    """Per predicted span of one article, the share of its characters covered by gold spans
    of the same label (its FLC precision credit)."""
    unions: dict[str, list[tuple[int, int]]] = {}
    for s, e, lab in gold:
        unions.setdefault(lab, []).append((s, e))
    merged = {lab: _union(r) for lab, r in unions.items()}
    return [
        _covered(s, e, merged.get(lab, [])) / (e - s) if e > s else 0.0 for s, e, lab in pred
    ]
