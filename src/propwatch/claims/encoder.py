"""Run a shipped MiniLM ONNX model over sentences (onnxruntime + tokenizers, no torch).

``SentenceEncoder`` gives L2-normalised sentence embeddings (all-MiniLM-L6-v2, mean pooled);
``OnnxModel`` is the shared batching runner the check-worthiness classifier uses too.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

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
    tok.enable_padding(pad_id=0, pad_token="[PAD]")
    return tok


def _session(path: Path, threads: int | None) -> Any:
    import onnxruntime as ort

    if not path.exists():
        raise ModelError(
            f"model file missing at {path}; reinstall propwatch or rebuild it with "
            "'python -m propwatch.claims.train' (see docs/benchmarks.md)"
        )
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or int(os.environ.get("PROPWATCH_THREADS", "2"))
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


class OnnxModel:
    """A MiniLM-shaped ONNX graph: (input_ids, attention_mask, token_type_ids) -> one output."""

    def __init__(self, path: Path, max_len: int = MAX_LEN, threads: int | None = None) -> None:
        self.path = path
        self.session = _session(path, threads)
        self.tokenizer = _tokenizer(max_len)

    def run(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Outputs for ``texts`` in input order; batches are built from similar lengths."""
        if not texts:
            return np.zeros((0,), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        outputs: list[np.ndarray] = []
        for i in range(0, len(order), batch_size):
            chunk = [texts[j] or " " for j in order[i : i + batch_size]]
            encs = self.tokenizer.encode_batch(chunk)
            ids = np.array([e.ids for e in encs], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encs], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask,
                     "token_type_ids": np.zeros_like(ids)}
            outputs.append(self.session.run(None, feeds)[0])
        stacked = np.concatenate(outputs, axis=0)
        result = np.empty_like(stacked)
        result[np.array(order)] = stacked
        return result


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence embeddings, 384 floats, unit length."""

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        self.model = OnnxModel(path or model_dir() / "encoder.onnx", threads=threads)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return self.model.run(texts, batch_size).astype(np.float32)


@lru_cache(maxsize=2)
def default_encoder() -> SentenceEncoder:
    return SentenceEncoder()
