"""Words hashed into feature indices, as scikit-learn's ``HashingVectorizer`` does it,
without importing scikit-learn.

Importing scikit-learn costs a run about 2-3 CPU seconds (``import sklearn`` alone loads
most of it), which was the narratives step's largest cost after the encoder; nothing else
``analyze`` runs needs it.  ``WordHasher`` gives the same matrix, bit for bit, as
``HashingVectorizer(n_features=..., alternate_sign=False, norm=None, stop_words=...,
token_pattern=..., dtype=np.float32)``: the text lower-cased, its tokens found with the
pattern, stop words left out, each token's UTF-8 bytes hashed with MurmurHash3 (x86, 32
bits, seed 0, signed) into ``abs(hash) % n_features``, counts summed with sorted indices.
``tests/narratives/test_hashing.py`` checks it against scikit-learn.
"""

from __future__ import annotations

import importlib.util
import re
import struct
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

_MASK = 0xFFFFFFFF
_C1, _C2 = 0xCC9E2D51, 0x1B873593


def murmurhash3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32 of ``data``, as a signed 32-bit integer (scikit-learn's
    ``murmurhash3_32(..., positive=False)``)."""
    h = seed & _MASK
    n = len(data)
    end = n - n % 4
    for (k,) in struct.iter_unpack("<I", data[:end]):
        k = (k * _C1) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        h ^= (k * _C2) & _MASK
        h = ((h << 13) | (h >> 19)) & _MASK
        h = (h * 5 + 0xE6546B64) & _MASK
    tail = data[end:]
    if tail:
        k = int.from_bytes(tail, "little")
        k = (k * _C1) & _MASK
        k = ((k << 15) | (k >> 17)) & _MASK
        h ^= (k * _C2) & _MASK
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


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
    """scikit-learn's English stop-word list, read from its file without importing the
    package (the file is a plain list)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("scikit-learn is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "feature_extraction" / \
        "_stop_words.py"
    found = importlib.util.spec_from_file_location("_propwatch_sklearn_stop_words", path)
    if found is None or found.loader is None:
        raise ImportError(f"scikit-learn's stop-word list is missing at {path}")
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    return frozenset(module.ENGLISH_STOP_WORDS)
