"""Check-worthiness: how likely a sentence is a factual claim worth fact-checking.

Two shipped variants, in ``model/``; the first one present is used:

- ``checkworthy.onnx``: MiniLM-L6 fine-tuned on ClaimBuster (U.S. debate sentences, two
  classes), int8, output P(check-worthy);
- ``checkworthy_head.json``: a logistic regression on the matching encoder's sentence
  embeddings (no second network; lower F1).

Figures and the commands that build them are in docs/benchmarks.md ("Claims").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from propwatch.claims.encoder import OnnxModel, SentenceEncoder, default_encoder, model_dir
from propwatch.errors import ModelError

# What `propwatch claims` and the report list without a known-claim result: the cut tuned
# on our labelled news sentences (held-out news F1 0.60, docs/benchmarks.md); on news most
# sentences score above 0.5.  It filters the listing only, never what is matched.
LIST_THRESHOLD = 0.96


class CheckWorthiness:
    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        path = path or _shipped()
        self.path = path
        self.model: OnnxModel | None = None
        self.head: tuple[np.ndarray, float] | None = None
        self.encoder: SentenceEncoder | None = None
        if path.suffix == ".onnx":
            self.model = OnnxModel(path, threads=threads)
        else:
            spec = json.loads(path.read_text(encoding="utf-8"))
            self.head = (np.asarray(spec["weights"], dtype=np.float32), float(spec["bias"]))
            self.encoder = default_encoder()

    def score(self, sentences: Sequence[str]) -> np.ndarray:
        """P(check-worthy) for each sentence, in input order."""
        if not sentences:
            return np.zeros((0,), dtype=np.float32)
        if self.model is not None:
            return self.model.run(sentences).reshape(-1).astype(np.float32)
        assert self.head is not None and self.encoder is not None
        weights, bias = self.head
        z = self.encoder.encode(sentences) @ weights + bias
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def _shipped() -> Path:
    for name in ("checkworthy.onnx", "checkworthy_head.json"):
        if (model_dir() / name).exists():
            return model_dir() / name
    raise ModelError(f"no check-worthiness model in {model_dir()}; reinstall propwatch")


@lru_cache(maxsize=1)
def default_model() -> CheckWorthiness:
    return CheckWorthiness()
