"""The match decision: P(a sentence makes a known claim) from retrieval features.

``model/match_model.npz`` holds a logistic regression over the pair features of
``propwatch.kb.match.FEATURES`` (standardised), an isotonic calibration of its output
(breakpoints, read with ``numpy.interp``) and the two operating points:

- ``match``: calibrated probability at or above ``match_threshold`` (chosen on CheckThat!
  2020 dev for precision >= 0.9 of the first result);
- ``related``: at or above ``related_threshold`` (same topic, worth a look);
- ``none`` below.

Built by ``python -m propwatch.claims.fit_matcher`` (docs/benchmarks.md, "Match decision").
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from propwatch.claims.encoder import model_dir
from propwatch.errors import ModelError

DECISIONS = ("match", "related", "none")  # strongest first
FILE = "match_model.npz"


class MatchModel:
    def __init__(self, path: Path | None = None) -> None:
        path = path or model_dir() / FILE
        if not path.exists():
            raise ModelError(f"match model missing at {path}; reinstall propwatch or rebuild "
                             "it with 'python -m propwatch.claims.fit_matcher'")
        with np.load(path, allow_pickle=False) as data:
            self.features = tuple(str(f) for f in data["features"])
            self.mean = data["mean"].astype(np.float64)
            self.scale = data["scale"].astype(np.float64)
            self.coef = data["coef"].astype(np.float64)
            self.intercept = float(data["intercept"])
            self.iso_x = data["iso_x"].astype(np.float64)
            self.iso_y = data["iso_y"].astype(np.float64)
            self.match_threshold = float(data["match_threshold"])
            self.related_threshold = float(data["related_threshold"])
        self.path = path

    def raw(self, rows: np.ndarray) -> np.ndarray:
        """The uncalibrated score (log-odds) of each feature row; ranks candidates."""
        if rows.shape[1] != len(self.features):
            raise ModelError(f"{self.path} expects {len(self.features)} features, got "
                             f"{rows.shape[1]}; rebuild it with the current propwatch")
        return ((rows - self.mean) / self.scale) @ self.coef + self.intercept

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (isotonic on held-out folds of the training tweets)."""
        return np.interp(raw, self.iso_x, self.iso_y)

    def decision(self, probability: float) -> str:
        if probability >= self.match_threshold:
            return "match"
        if probability >= self.related_threshold:
            return "related"
        return "none"


@lru_cache(maxsize=1)
def default_match_model() -> MatchModel:
    return MatchModel()
