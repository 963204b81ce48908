"""Run a shipped MiniLM ONNX model over sentences (onnxruntime + tokenizers, no torch).

``SentenceEncoder`` gives L2-normalised sentence embeddings (all-MiniLM-L6-v2, mean pooled);
``OnnxModel`` is the shared runner the check-worthiness classifier uses too.

Every text is run on its own, unpadded: the shipped graphs are dynamically quantised
(int8), and dynamic quantisation picks its activation scale from the whole input tensor, so
a text batched with others (or padded) got a slightly different vector than the same text
alone.  One text per run makes a text's output a function of that text only; texts run
on ``PROPWATCH_THREADS`` (default 2) threads side by side, one ONNX thread each (for
single short texts a second ONNX thread costs more in synchronisation than it gains).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from propwatch import sharedtable
from propwatch.errors import ModelError

MAX_LEN = 128
DIM = 384


def model_dir() -> Path:
    return Path(str(resources.files("propwatch.claims") / "model"))


@lru_cache(maxsize=4)
def _tokenizer(max_len: int) -> Any:
    from tokenizers import Tokenizer

    path = model_dir() / "tokenizer.json"
    if not path.exists():
        raise ModelError(f"tokenizer missing at {path}; reinstall propwatch")
    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=max_len)
    tok.no_padding()
    return tok


def _session(path: Path) -> Any:
    import onnxruntime as ort

    if not path.exists():
        raise ModelError(
            f"model file missing at {path}; reinstall propwatch or rebuild it with "
            "'python -m propwatch.claims.train' (see docs/benchmarks.md)"
        )
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return sharedtable.session(path, opts)


class OnnxModel:
    """A MiniLM-shaped ONNX graph: (input_ids, attention_mask, token_type_ids) -> one output."""

    def __init__(self, path: Path, max_len: int = MAX_LEN, threads: int | None = None) -> None:
        self.path = path
        self.session = _session(path)
        self.tokenizer = _tokenizer(max_len)
        self.workers = threads or int(os.environ.get("PROPWATCH_THREADS", "2"))

    def run(self, texts: Sequence[str]) -> np.ndarray:
        """Outputs for ``texts`` in input order; each text is run alone (see the module doc)."""
        if not texts:
            return np.zeros((0,), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([t or " " for t in texts])
        with ThreadPoolExecutor(max_workers=self.workers) as pool:  # onnxruntime frees the GIL
            outputs = list(pool.map(self._one, encodings))
        return np.concatenate(outputs, axis=0)

    def _one(self, encoding: Any) -> np.ndarray:
        ids = np.array([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                 "token_type_ids": np.zeros_like(ids)}
        return np.asarray(self.session.run(None, feeds)[0])


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings, 384 floats, unit length.

    Vectors of recent texts are kept (``CACHE_SIZE``): the claims layer and the matching
    that follows it in one ``analyze`` run embed the same sentences once.
    """

    CACHE_SIZE = 50_000

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        self.model = OnnxModel(path or model_dir() / "encoder.onnx", threads=threads)
        self.cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str], cache: bool = True) -> np.ndarray:
        """Vectors in input order; ``cache=False`` for one-off bulk work (known claims)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        todo = list(dict.fromkeys(t for t in texts if t not in self.cache))
        fresh = dict(zip(todo, self.model.run(todo).astype(np.float32), strict=True))
        if cache and fresh:
            if len(self.cache) + len(fresh) > self.CACHE_SIZE:
                self.cache.clear()
            self.cache.update(fresh)
        return np.stack([fresh[t] if t in fresh else self.cache[t] for t in texts])


@lru_cache(maxsize=2)
def default_encoder() -> SentenceEncoder:
    return SentenceEncoder()
