"""The match decision: P(a sentence makes a known claim) from retrieval features.

``model/match_model.npz`` holds a logistic regression over the pair features of
``propwatch.kb.match.FEATURES`` (standardised), an isotonic calibration of its output
(breakpoints, read with ``numpy.interp``) and the two operating points:

- ``match``: calibrated probability at or above ``match_threshold`` (chosen on CheckThat!
  2020 dev for precision >= 0.9 of the first result);
- ``related``: at or above ``related_threshold`` (same topic, worth a look);
- ``none`` below.

Built by ``bench/claims_fit_matcher.py`` (docs/benchmarks.md, "Match decision").

Second stage, when ``model/rerank_model.npz`` is shipped: the few best candidates
(``top``) of a sentence whose best candidate reaches ``related`` are read again by the
cross-encoder (``propwatch.claims.reranker``); a second logistic regression over the same
features plus the reranker's log-odds, with its own isotonic calibration, gives their
probability, and only it can say ``match`` (at or above its ``match_threshold``). The
other candidates keep the first-stage probability, at most ``related``. Built by
``bench/claims_fit_matcher.py --rerank``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from propwatch.claims.encoder import model_dir
from propwatch.claims.reranker import Reranker, default_reranker
from propwatch.errors import ModelError

DECISIONS = ("match", "related", "none")  # strongest first
FILE = "match_model.npz"
RERANK_FILE = "rerank_model.npz"
RERANK_FEATURE = "rerank_logodds"


def rerank_logodds(p: np.ndarray) -> np.ndarray:
    """The reranker's probability as log-odds (clipped), the second stage's extra feature."""
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-4, 1 - 1e-4)
    return np.log(q / (1 - q))


@dataclass(frozen=True)
class Ranked:
    index: int  # into the candidate pool
    probability: float
    decision: str


@dataclass(frozen=True)
class CalibratedLogit:
    """A logistic regression over standardised named features and an isotonic calibration
    of its output (breakpoints for ``numpy.interp``), as bench/claims_fit_matcher.py writes
    them into an npz; both stages of the match decision are one."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    iso_x: np.ndarray
    iso_y: np.ndarray
    source: str  # the file, named in errors

    @classmethod
    def read(cls, data: np.lib.npyio.NpzFile, source: str) -> CalibratedLogit:
        return cls(tuple(str(f) for f in data["features"]), data["mean"].astype(np.float64),
                   data["scale"].astype(np.float64), data["coef"].astype(np.float64),
                   float(data["intercept"]), data["iso_x"].astype(np.float64),
                   data["iso_y"].astype(np.float64), source)

    def logit(self, x: np.ndarray) -> np.ndarray:
        """The uncalibrated score (log-odds) of each feature row."""
        if x.shape[1] != len(self.features):
            raise ModelError(f"{self.source} expects {len(self.features)} features, got "
                             f"{x.shape[1]}; rebuild it with the current propwatch")
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (isotonic on held-out folds of the training data)."""
        return np.interp(raw, self.iso_x, self.iso_y)


@dataclass(frozen=True)
class RerankStage(CalibratedLogit):
    """Over the first-stage features + ``RERANK_FEATURE``; says ``match`` at its own cut."""

    match_threshold: float
    top: int

    @classmethod
    def load(cls, path: Path) -> RerankStage:
        with np.load(path, allow_pickle=False) as d:
            base = CalibratedLogit.read(d, str(path))
            return cls(**vars(base), match_threshold=float(d["match_threshold"]),
                       top=int(d["top"]))

    def raw(self, rows: np.ndarray, rerank: np.ndarray) -> np.ndarray:
        return self.logit(np.column_stack([rows, rerank_logodds(rerank)]))


class MatchModel:
    def __init__(self, path: Path | None = None, rerank_path: Path | None = None,
                 reranker: Reranker | None = None) -> None:
        """``rerank_path``: the second stage (default: the shipped one when present, none
        when ``path`` is given without it)."""
        if rerank_path is None and path is None and (model_dir() / RERANK_FILE).exists():
            rerank_path = model_dir() / RERANK_FILE
        self.rerank = RerankStage.load(rerank_path) if rerank_path is not None else None
        self._reranker = reranker
        path = path or model_dir() / FILE
        if not path.exists():
            raise ModelError(f"match model missing at {path}; reinstall propwatch or rebuild "
                             "it with 'bench/claims_fit_matcher.py'")
        with np.load(path, allow_pickle=False) as data:
            self.first = CalibratedLogit.read(data, str(path))
            self.match_threshold = float(data["match_threshold"])
            self.related_threshold = float(data["related_threshold"])
        self.path = path

    @property
    def features(self) -> tuple[str, ...]:
        return self.first.features

    @property
    def iso_y(self) -> np.ndarray:
        return self.first.iso_y

    def raw(self, rows: np.ndarray) -> np.ndarray:
        """The uncalibrated score (log-odds) of each feature row; ranks candidates."""
        return self.first.logit(rows)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        return self.first.calibrate(raw)

    @property
    def reranker(self) -> Reranker:
        if self._reranker is None:
            self._reranker = default_reranker()
        return self._reranker

    def rank(self, query: str, claims: Sequence[str], rows: np.ndarray,
             keys: Sequence[str]) -> list[Ranked]:
        """The pool of one sentence, best first: ``claims`` are the candidates' texts,
        ``rows`` their features, ``keys`` break ties (ids). With the second stage, the
        reranker reads only the ``top`` best candidates, and only when the best one
        reaches ``related``."""
        raw = self.raw(rows)
        probs = self.calibrate(raw)
        order = sorted(range(len(claims)), key=lambda i: (-raw[i], keys[i]))
        stage = self.rerank
        if stage is None or not order or probs[order[0]] < self.related_threshold:
            return [Ranked(i, float(probs[i]), self.decision(float(probs[i]))) for i in order]
        top, rest = order[: stage.top], order[stage.top :]
        raw2 = stage.raw(rows[top], self.reranker.score([(query, claims[i]) for i in top]))
        probs2 = stage.calibrate(raw2)
        first = sorted(range(len(top)), key=lambda j: (-raw2[j], keys[top[j]]))
        out = [Ranked(top[j], float(probs2[j]),
                      "match" if probs2[j] >= stage.match_threshold
                      else self.decision(min(float(probs[top[j]]), self.related_threshold)))
               for j in first]
        return out + [Ranked(i, float(probs[i]),
                             self.decision(min(float(probs[i]), self.related_threshold)))
                      for i in rest]

    def decision(self, probability: float) -> str:
        if probability >= self.match_threshold:
            return "match"
        if probability >= self.related_threshold:
            return "related"
        return "none"


@lru_cache(maxsize=1)
def default_match_model() -> MatchModel:
    return MatchModel()
