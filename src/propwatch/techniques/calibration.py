"""Calibrated span confidence: the probability that a span is right, from its raw score.

Fitted on validation spans by isotonic regression (pool-adjacent-violators), stored as a
monotone piecewise-linear map in the model config.  A span counts as *right* when at least
half of its characters lie inside gold spans of its technique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Share of a span's characters that must lie in gold spans of its technique to be right.
RIGHT_SHARE = 0.5


@dataclass(frozen=True)
class Calibration:
    """Monotone map from raw span score to the probability that the span is right."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __call__(self, score: float) -> float:
        return float(np.interp(score, self.xs, self.ys))

    def to_json(self) -> dict[str, Any]:
        return {"x": [round(x, 5) for x in self.xs], "y": [round(y, 5) for y in self.ys]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Calibration:
        xs, ys = tuple(float(x) for x in d["x"]), tuple(float(y) for y in d["y"])
        if not xs or len(xs) != len(ys) or list(xs) != sorted(xs):
            raise ValueError("calibration needs increasing x values, one y per x")
        return cls(xs, ys)


def fit_isotonic(
    scores: Sequence[float], right: Sequence[bool], min_block: int = 10
) -> Calibration:
    """Isotonic fit of ``right`` (0/1) on ``scores``; each block of the fit pools at least
    ``min_block`` spans (a step drawn from three spans would be noise)."""
    if not scores:
        raise ValueError("no spans to calibrate on")
    order = np.argsort(np.asarray(scores, np.float64), kind="stable")
    x = np.asarray(scores, np.float64)[order]
    y = np.asarray(right, np.float64)[order]
    # Start from blocks of min_block spans, then pool adjacent violators.
    blocks: list[list[float]] = []  # [sum_y, n, sum_x]
    for i in range(0, len(x), min_block):
        blocks.append(
            [
                float(y[i : i + min_block].sum()),
                float(len(y[i : i + min_block])),
                float(x[i : i + min_block].sum()),
            ]
        )
    if len(blocks) > 1 and blocks[-1][1] < min_block:
        last = blocks.pop()
        blocks[-1] = [a + b for a, b in zip(blocks[-1], last, strict=True)]
    merged: list[list[float]] = []
    for b in blocks:
        merged.append(b)
        while len(merged) > 1 and merged[-2][0] / merged[-2][1] >= merged[-1][0] / merged[-1][1]:
            top = merged.pop()
            merged[-1] = [a + c for a, c in zip(merged[-1], top, strict=True)]
    xs = [b[2] / b[1] for b in merged]
    ys = [b[0] / b[1] for b in merged]
    return Calibration(tuple(xs), tuple(ys))


def reliability(
    conf: Sequence[float], right: Sequence[bool], bins: int = 5
) -> tuple[list[tuple[float, float, float, float, int]], float]:
    """Rows ``(low, high, mean confidence, share right, n)`` per equal-width confidence bin
    (empty bins left out), and the expected calibration error: the span-weighted mean of
    ``|mean confidence - share right|``."""
    c = np.asarray(conf, np.float64)
    r = np.asarray(right, np.float64)
    rows = []
    ece = 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        sel = (c >= lo) & ((c < hi) if k < bins - 1 else (c <= hi))
        n = int(sel.sum())
        if n:
            m, o = float(c[sel].mean()), float(r[sel].mean())
            rows.append((float(lo), float(hi), m, o, n))
            ece += n / len(c) * abs(m - o)
    return rows, ece
