"""Check-worthiness from the technique tagger's one pass over the article.

The claims layer runs no network of its own: the tagger's hidden states (the pass the
technique layers read), averaged over a sentence's tokens
(``propwatch.techniques.pooling.sentence_vectors``), feed a logistic regression shipped in
``model/checkworthy_head.npz`` (numpy at run time), P(the sentence is a check-worthy
claim).  Fit on ClaimBuster by ``bench/claims_fit_onepass.py`` (figures in
docs/benchmarks.md, "One encoder pass").

The sentence embeddings of known-claim matching still come from the MiniLM sentence
encoder (``propwatch.claims.encoder``): a projection of the pooled tagger states into its
space was fit and measured (same script) and matched known claims clearly worse, so it is
not used (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from propwatch.errors import ModelError

if TYPE_CHECKING:
    from propwatch.techniques.tagger import Tagger

FILE = "checkworthy_head.npz"
Ranges = Sequence[tuple[int, int]]


class PooledHead:
    """Logistic regression over standardised pooled tagger vectors."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or Path(__file__).parent / "model" / FILE
        if not path.exists():
            raise ModelError(f"check-worthiness head missing at {path}; reinstall propwatch "
                             "or rebuild it with 'bench/claims_fit_onepass.py'")
        with np.load(path, allow_pickle=False) as d:
            self.mean = d["mean"].astype(np.float32)
            self.scale = d["scale"].astype(np.float32)
            self.coef = d["coef"].astype(np.float32)
            self.bias = float(d["bias"])
        self.path = path

    def __call__(self, pooled: NDArray[np.float32]) -> NDArray[np.float32]:
        """P(check-worthy) of each pooled sentence vector.  Row by row: a matrix product
        rounds differently with the number of rows, so a sentence's score would depend on
        the sentences scored with it."""
        rows = (np.asarray(pooled, np.float32) - self.mean) / self.scale
        z = np.array([float(row @ self.coef) for row in rows], np.float64) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)), np.float32)


@lru_cache(maxsize=1)
def default_head() -> PooledHead:
    return PooledHead()


class OnePass:
    """Check-worthiness read from ``tagger``'s pass (default: the shipped tagger, the one
    the technique components use, so the pass is shared)."""

    def __init__(self, tagger: Tagger | None = None, head: PooledHead | None = None) -> None:
        self._tagger = tagger
        self._head = head

    @property
    def tagger(self) -> Tagger:
        from propwatch.techniques.tagger import default_tagger

        return self._tagger or default_tagger()

    @property
    def head(self) -> PooledHead:
        return self._head or default_head()

    def sentences(self, text: str, ranges: Ranges) -> NDArray[np.float32]:
        """P(check-worthy) of sentences ``ranges`` of the article ``text``, from the
        tagger's pass over the whole text (shared with the technique components)."""
        from propwatch.techniques.component import token_output
        from propwatch.techniques.pooling import sentence_vectors

        if not ranges:
            return np.zeros((0,), np.float32)
        return self.head(sentence_vectors(token_output(self.tagger, text), ranges))

    def alone(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """P(check-worthy) of texts on their own: one tagger pass per text, pooled over
        all of it (zero vector for a text without tokens)."""
        from propwatch.techniques.pooling import sentence_vectors

        tagger, width = self.tagger, len(self.head.mean)
        pooled = np.zeros((len(texts), width), np.float32)
        for i, text in enumerate(texts):
            vector = sentence_vectors(tagger.token_outputs([text])[0], [(0, len(text))])
            if vector.shape[1] == width:
                pooled[i] = vector[0]
        return self.head(pooled) if len(texts) else np.zeros((0,), np.float32)


@lru_cache(maxsize=1)
def default_onepass() -> OnePass:
    return OnePass()
