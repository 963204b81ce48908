"""Check-worthiness: how likely a sentence is a factual claim worth fact-checking.

The shipped model is MiniLM-L6 fine-tuned on ClaimBuster (U.S. debate sentences, two
classes) and exported to ONNX (``model/checkworthy.onnx``); it outputs P(check-worthy).
Figures and the command that trains it are in docs/benchmarks.md ("Claims").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from propwatch.claims.encoder import OnnxModel, model_dir

THRESHOLD = 0.5


class CheckWorthiness:
    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        self.model = OnnxModel(path or model_dir() / "checkworthy.onnx", threads=threads)

    def score(self, sentences: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """P(check-worthy) for each sentence, in input order."""
        if not sentences:
            return np.zeros((0,), dtype=np.float32)
        return self.model.run(sentences, batch_size).reshape(-1).astype(np.float32)


@lru_cache(maxsize=1)
def default_model() -> CheckWorthiness:
    return CheckWorthiness()
