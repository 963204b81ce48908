"""The learned line labeller: each unit of a plain-text page gets label probabilities, and
each gap between body runs the probability that one article ends and the next begins in it.

Labels (``LABELS``): title, byline, date, body, caption, chrome, comment.

The model is small networks (scikit-learn's MLPClassifier, fitted by
bench/extract_text_fit.py on browser renderings of real pages) shipped as plain arrays in
``labeller.npz`` and evaluated here with numpy alone: a page costs a few matrix products.
The two label stages are fitted several times from different random seeds (``members``)
and the geometric mean of their probabilities taken: single fits of the same data differ by
seed alone (on clean articles one fit kept 92% of the labelled spans, another 97%).
(Boosted trees labelled as well at stage 1 but cost 10-40 ms a page to evaluate in numpy.)
Two stages label units: stage 1 from the features of ``lines``; stage 2 adds windows of the
stage-1 probabilities around each unit (the neighbourhood of a line says what it is: a short
line inside body text is a subheading, the same line among links is a menu).  The join
network reads the features of a gap (``gaps``: its units, the body around it) and says
whether an article ends in it (pages that hold several articles one after another, as
infinite-scroll captures do).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.errors import ModelError
from propwatch.extract.decode import BodyRule
from propwatch.extract.gaps import GAP_FEATURES
from propwatch.extract.lines import FEATURES, LABELS, window_mean
from propwatch.extract.titles import TITLE_FEATURES

__all__ = ["LABELS", "Labeller", "Net", "load_labeller", "mean_of_members", "stage2_features"]
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


def mean_of_members(probs: list[np.ndarray]) -> np.ndarray:
    """The members' label probabilities combined: their geometric mean, renormalised (a label
    one member rules out stays unlikely, as an arithmetic mean would not keep it)."""
    logs = np.mean([np.log(np.clip(p, 1e-12, 1.0)) for p in probs], axis=0)
    e = np.exp(logs - logs.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class Labeller:
    stages: tuple[tuple[Net, Net], ...]  # (stage 1, stage 2) per member, fitted from other seeds
    join: Net  # gap features -> P(an article ends in the gap)
    join_threshold: float  # join probability from which the decoder cuts in a gap
    body: BodyRule  # label probabilities -> body units
    # ``titles.title_features`` -> a score of the unit as its article's headline (only the
    # order within a header counts); a model fitted before it has none (the title
    # probability is then the score)
    title: Net | None = None

    def label(self, x: np.ndarray) -> np.ndarray:
        """Label probabilities (units x ``LABELS``): the mean over the members."""
        if len(x) == 0:
            return np.zeros((0, len(LABELS)))
        return mean_of_members(
            [s2.proba(stage2_features(x, s1.proba(x))) for s1, s2 in self.stages]
        )

    def joins(self, gap_rows: np.ndarray) -> np.ndarray:
        """P(an article ends in the gap) for each row of ``gaps.gap_features``."""
        if len(gap_rows) == 0:
            return np.zeros(0)
        return np.asarray(self.join.proba(gap_rows)[:, 0])

    def titles(self, title_rows: np.ndarray) -> np.ndarray | None:
        """The title score of each row of ``titles.title_features`` (None without a title
        network)."""
        if self.title is None:
            return None
        if len(title_rows) == 0:
            return np.zeros(0)
        return np.asarray(self.title.proba(title_rows)[:, 0])

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {
            "features": np.array(FEATURES),
            "labels": np.array(LABELS),
            "gap_features": np.array(GAP_FEATURES),
            "join_threshold": np.array(self.join_threshold),
            "body_threshold": np.array(self.body.threshold),
            "body_between": np.array(self.body.between),
            "body_after": np.array(self.body.after),
            "threadless_comments": np.array(self.body.threadless_comments),
            "members": np.array(len(self.stages)),
            **self.join.arrays("j_"),
        }
        for k, (s1, s2) in enumerate(self.stages):
            arrays.update(s1.arrays(f"s1_{k}_"), **s2.arrays(f"s2_{k}_"))
        if self.title is not None:
            arrays.update(self.title.arrays("t_"), title_features=np.array(TITLE_FEATURES))
        np.savez_compressed(path, **arrays)


def _body_rule(arrays: dict[str, np.ndarray]) -> BodyRule:
    """The model's body rule; a model fitted before the rule was chosen on dev CV carries
    only its body threshold (the others are then the defaults it was fitted with)."""
    if "body_after" not in arrays:
        return BodyRule(float(arrays["body_threshold"]))
    return BodyRule(
        float(arrays["body_threshold"]),
        float(arrays["body_between"]),
        float(arrays["body_after"]),
        bool(arrays["threadless_comments"]),
    )


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
    same = list(arrays["features"]) == FEATURES and tuple(arrays["labels"]) == LABELS
    same = same and list(arrays.get("gap_features", [])) == GAP_FEATURES
    if not same or "members" not in arrays:
        raise ModelError(
            f"line labeller model {path} was fitted on other features or labels; refit it "
            "with bench/extract_text_fit.py"
        )
    if "t_layers" in arrays and list(arrays["title_features"]) != TITLE_FEATURES:
        raise ModelError(
            f"line labeller model {path} has a title network fitted on other features; refit "
            "it with bench/extract_text_fit.py"
        )
    stages = tuple(
        (Net.from_arrays(arrays, f"s1_{k}_"), Net.from_arrays(arrays, f"s2_{k}_"))
        for k in range(int(arrays["members"]))
    )
    title = Net.from_arrays(arrays, "t_") if "t_layers" in arrays else None
    return Labeller(
        stages,
        Net.from_arrays(arrays, "j_"),
        float(arrays["join_threshold"]),
        _body_rule(arrays),
        title,
    )
