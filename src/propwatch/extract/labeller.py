"""The learned line labeller: each unit of a plain-text page gets a label and a probability.

Labels (``LABELS``): title, byline, date, body, caption, chrome, comment; and separately
``boundary``, the probability that a unit starts a new article (pages that hold several
articles one after another, as infinite-scroll captures do).

The model is three small networks (scikit-learn's MLPClassifier, fitted by
bench/extract_text_fit.py on browser renderings of real pages) shipped as plain arrays in
``labeller.npz`` and evaluated here with numpy alone: a page costs a few matrix products.
(Boosted trees labelled as well at stage 1 but cost 10-40 ms a page to evaluate in numpy.)
Two stages: stage 1 labels units from the features of ``lines``; stage 2 adds windows of the
stage-1 probabilities around each unit (the neighbourhood of a line says what it is: a short
line inside body text is a subheading, the same line among links is a menu). The boundary
model reads the stage-2 features and probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.errors import ModelError
from propwatch.extract.lines import FEATURES, window_mean

LABELS = ("title", "byline", "date", "body", "caption", "chrome", "comment")
MODEL_PATH = Path(__file__).with_name("labeller.npz")
_WINDOWS = (1, 2, 5, 15)


@dataclass(frozen=True)
class Net:
    """A small fitted network: standardised inputs, ReLU hidden layers, then a softmax over
    the labels (or one logistic output for a yes/no label)."""

    mean: np.ndarray  # (features,)
    scale: np.ndarray  # (features,)
    weights: tuple[np.ndarray, ...]  # (inputs, outputs) per layer
    biases: tuple[np.ndarray, ...]

    def proba(self, x: np.ndarray) -> np.ndarray:
        """(rows, labels) probabilities, or (rows, 1) for one logistic output."""
        h = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        for w, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            h = np.maximum(h @ w + b, 0.0)
        out = h @ self.weights[-1] + self.biases[-1]
        if out.shape[1] == 1:
            return np.asarray(1.0 / (1.0 + np.exp(-np.clip(out, -50, 50))))
        out = out - out.max(axis=1, keepdims=True)
        e = np.exp(out)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> Net:
        layers = int(arrays[prefix + "layers"])
        return cls(
            arrays[prefix + "mean"],
            arrays[prefix + "scale"],
            tuple(arrays[f"{prefix}w{k}"] for k in range(layers)),
            tuple(arrays[f"{prefix}b{k}"] for k in range(layers)),
        )

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out = {prefix + "mean": self.mean, prefix + "scale": self.scale,
               prefix + "layers": np.array(len(self.weights))}  # fmt: skip
        for k, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            out[f"{prefix}w{k}"] = w
            out[f"{prefix}b{k}"] = b
        return out


def stage2_features(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Stage-1 features plus, for each label, windows of its stage-1 probability, and the
    largest body probability before and after the unit."""
    n = len(p)
    cols = [p]
    for w in _WINDOWS:
        cols.append(np.column_stack([window_mean(p[:, k], w) for k in range(p.shape[1])]))
    body = p[:, LABELS.index("body")]
    before = np.concatenate([[0.0], np.maximum.accumulate(body)[:-1]]) if n else body
    after = np.concatenate([np.maximum.accumulate(body[::-1])[::-1][1:], [0.0]]) if n else body
    mass_before = np.concatenate([[0.0], np.cumsum(body)[:-1]]) if n else body
    mass_after = body.sum() - mass_before - body
    cols.append(np.column_stack([before, after, np.log1p(mass_before), np.log1p(mass_after)]))
    return np.hstack([x, *cols])


@dataclass(frozen=True)
class Labeller:
    stage1: Net
    stage2: Net
    boundary: Net
    boundary_threshold: float  # boundary probability from which a unit starts an article
    body_threshold: float  # body probability from which a unit is body text

    def label(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Label probabilities (units x ``LABELS``) and boundary probabilities (units)."""
        if len(x) == 0:
            return np.zeros((0, len(LABELS))), np.zeros(0)
        x2 = stage2_features(x, self.stage1.proba(x))
        p = self.stage2.proba(x2)
        b = self.boundary.proba(np.hstack([x2, stage2_features(p, p)]))[:, 0]
        return p, b

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            "features": np.array(FEATURES),
            "labels": np.array(LABELS),
            "boundary_threshold": np.array(self.boundary_threshold),
            "body_threshold": np.array(self.body_threshold),
            **self.stage1.arrays("s1_"),
            **self.stage2.arrays("s2_"),
            **self.boundary.arrays("b_"),
        }
        np.savez_compressed(path, **arrays)


@cache
def load_labeller(path: Path = MODEL_PATH) -> Labeller:
    """The shipped model; a clear error when it is missing or fitted on other features."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except OSError as exc:
        raise ModelError(
            f"line labeller model {path} cannot be read ({exc}); reinstall propwatch or refit "
            "it with bench/extract_text_fit.py"
        ) from exc
    if list(arrays["features"]) != FEATURES or tuple(arrays["labels"]) != LABELS:
        raise ModelError(
            f"line labeller model {path} was fitted on other features or labels; refit it "
            "with bench/extract_text_fit.py"
        )
    return Labeller(
        Net.from_arrays(arrays, "s1_"),
        Net.from_arrays(arrays, "s2_"),
        Net.from_arrays(arrays, "b_"),
        float(arrays["boundary_threshold"]),
        float(arrays["body_threshold"]),
    )
