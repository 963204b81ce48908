"""Words hashed into feature indices, as scikit-learn's ``HashingVectorizer`` does it,
without importing scikit-learn.

Importing scikit-learn costs a run about 2-3 CPU seconds (``import sklearn`` alone loads
most of it), which was the narratives step's largest cost after the encoder; nothing else
``analyze`` runs needs it.  ``WordHasher`` gives the same matrix, bit for bit, as
``HashingVectorizer(n_features=..., alternate_sign=False, norm=None, stop_words=...,
token_pattern=..., dtype=np.float32)``: the text lower-cased, its tokens found with the
pattern, stop words left out, each token's UTF-8 bytes hashed with MurmurHash3 (x86, 32
bits, seed 0, signed; the ``mmh3`` package) into ``abs(hash) % n_features``, counts summed
with sorted indices.  The English stop words are scikit-learn's list, shipped beside this
module.  ``tests/narratives/test_hashing.py`` checks both against scikit-learn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.resources import files

import mmh3
import numpy as np
from scipy import sparse


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32 of ``data``, as a signed 32-bit integer (scikit-learn's
    ``murmurhash3_32(..., positive=False)``)."""
    return int(mmh3.hash(data, seed, signed=True))


def feature_index(h: int, n_features: int) -> int:
    """Where a signed hash goes (scikit-learn's rule, -2**31 included)."""
    if h == -(1 << 31):
        return (2147483647 - (n_features - 1)) % n_features
    return abs(h) % n_features


class WordHasher:
    """Texts -> float32 CSR counts of their hashed words (see the module's description)."""

    def __init__(self, n_features: int, stop_words: Iterable[str], token_pattern: str
                 ) -> None:
        self.n_features = n_features
        self.stop_words = frozenset(stop_words)
        self.findall = re.compile(token_pattern).findall
        self.index = lru_cache(maxsize=1 << 18)(self._index)

    def _index(self, token: str) -> int:
        return feature_index(murmurhash3_32(token.encode("utf-8")), self.n_features)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        indices: list[int] = []
        indptr = [0]
        stop, index = self.stop_words, self.index
        for text in texts:
            indices += [index(w) for w in self.findall(text.lower()) if w not in stop]
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int32),
             np.array(indptr, dtype=np.int32)),
            dtype=np.float32, shape=(len(texts), self.n_features))
        matrix.sum_duplicates()  # also sorts the indices
        return matrix


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop-word list (``english_stop_words.txt``)."""
    text = files("propwatch.narratives").joinpath("english_stop_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))
