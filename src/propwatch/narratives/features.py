"""What an article is grouped by: the words of its claim sentences and their meaning.

``term_counts`` hashes the words of an article's claim sentences (aliases canonicalised,
the stop words of the text's language left out, so that articles in French or German do
not group by their function words) into ``N_FEATURES`` counts, stored once per article;
``weighted`` turns the counts of the whole corpus into unit TF-IDF rows (sublinear term
frequency, smoothed inverse document frequency over the articles grouped so far).  The
meaning side is the unit mean of the article's claim embeddings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse

from propwatch.analyse.language import identify

N_FEATURES = 2**20
# py3langid code -> stop-words list; English uses scikit-learn's list
LANGUAGES = {"fr": "french", "de": "german", "es": "spanish", "pt": "portuguese",
             "it": "italian", "nl": "dutch", "ru": "russian", "uk": "ukrainian",
             "pl": "polish", "ar": "arabic", "tr": "turkish", "sv": "swedish"}


_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


@lru_cache(maxsize=16)
def _hasher(language: str) -> Any:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

    words: set[str] = set(ENGLISH_STOP_WORDS)
    if language in LANGUAGES:
        from stop_words import get_stop_words

        words = set(get_stop_words(LANGUAGES[language]))
    # only stop words the tokenizer can produce ("l'" never matches a token)
    single = sorted(w for w in words if _TOKEN.fullmatch(w))
    return HashingVectorizer(n_features=N_FEATURES, alternate_sign=False, norm=None,
                             stop_words=single, token_pattern=_TOKEN.pattern,
                             dtype=np.float32)


def term_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(feature indices, counts) of the words of ``text``, stop words of its language
    (English when unknown) left out."""
    language, _ = identify(text[:5000])
    row = _hasher(language if language in LANGUAGES else "en").transform([text])
    return row.indices.astype(np.int32), row.data.astype(np.float32)


def pack(indices: np.ndarray, counts: np.ndarray) -> bytes:
    return indices.astype(np.int32).tobytes() + counts.astype(np.float32).tobytes()


def unpack(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    half = len(blob) // 2
    return np.frombuffer(blob[:half], dtype=np.int32), np.frombuffer(blob[half:], dtype=np.float32)


def count_matrix(rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> sparse.csr_matrix:
    """Rows of (indices, counts) as one sparse matrix."""
    lengths = np.array([len(i) for i, _ in rows], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([c for _, c in rows]) if rows else np.zeros(0, np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))


def weighted(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Unit TF-IDF rows: (1 + log count) * (1 + log((1 + n) / (1 + df)))."""
    tf = counts.copy().astype(np.float32)
    tf.data = 1.0 + np.log(tf.data)
    df = np.bincount(tf.indices, minlength=N_FEATURES)
    idf = (1.0 + np.log((1.0 + tf.shape[0]) / (1.0 + df))).astype(np.float32)
    tf.data *= idf[tf.indices]
    norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms).astype(np.float32) @ tf)


def unit_mean(vectors: Sequence[np.ndarray], dim: int) -> np.ndarray:
    if not vectors:
        return np.zeros(dim, dtype=np.float32)
    mean = np.mean(np.stack(vectors), axis=0).astype(np.float32)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean
