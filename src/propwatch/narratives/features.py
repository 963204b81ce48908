"""What an article is grouped by: the words of its claim sentences and their meaning.

``term_counts`` hashes the words of an article's claim sentences (aliases canonicalised,
the stop words of the text's language left out, so that articles in French or German do
not group by their function words) into ``N_FEATURES`` counts, stored once per article;
``DocumentFrequencies.weighted`` turns counts into unit TF-IDF rows (sublinear term
frequency, smoothed inverse document frequency over the articles grouped so far, these
included).  The meaning side is the unit mean of the article's claim embeddings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from propwatch.analyse.language import identify
from propwatch.narratives.hashing import WordHasher, english_stop_words

N_FEATURES = 2**20
# py3langid code -> stop-words list; English uses scikit-learn's list (read, not imported)
LANGUAGES = {"fr": "french", "de": "german", "es": "spanish", "pt": "portuguese",
             "it": "italian", "nl": "dutch", "ru": "russian", "uk": "ukrainian",
             "pl": "polish", "ar": "arabic", "tr": "turkish", "sv": "swedish"}


LANGUAGE_SAMPLE = 1000  # characters the language is identified on
ENGLISH_SHARE = 0.4  # share of English stop words that makes a text plainly English
ENGLISH_MIN_WORDS = 40
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern


@lru_cache(maxsize=16)
def _hasher(language: str) -> WordHasher:
    words: set[str] = set(english_stop_words())
    if language in LANGUAGES:
        from stop_words import get_stop_words

        words = set(get_stop_words(LANGUAGES[language]))
    # only stop words the tokenizer can produce ("l'" never matches a token)
    single = sorted(w for w in words if _TOKEN.fullmatch(w))
    return WordHasher(N_FEATURES, single, _TOKEN.pattern)


def term_counts(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(feature indices, counts) of the words of ``text``, stop words of its language
    (English when unknown) left out."""
    return term_rows([text])[0]


def term_rows(texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """``term_counts`` of each text, hashed language by language (one call each).

    Texts hashed with the English list that keep it as English (``_plainly_english``) are
    not identified again: identifying the language is most of the cost of a text's
    words."""
    if not texts:
        return []
    english = _hasher("en").transform(texts)
    by_language: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        lo, hi = english.indptr[i], english.indptr[i + 1]
        if not _plainly_english(text, float(english.data[lo:hi].sum())):
            by_language.setdefault(language_of(text), []).append(i)
    rows = {i: (english, i) for i in range(len(texts))}
    for language, members in by_language.items():
        if language != "en":
            matrix = _hasher(language).transform([texts[i] for i in members])
            rows.update({i: (matrix, row) for row, i in enumerate(members)})
    out = []
    for i in range(len(texts)):
        matrix, row = rows[i]
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        out.append((matrix.indices[lo:hi].astype(np.int32), matrix.data[lo:hi].astype(np.float32)))
    return out


def _plainly_english(text: str, content_words: float) -> bool:
    """At least ``ENGLISH_SHARE`` of the (at least ``ENGLISH_MIN_WORDS``) words are English
    stop words: news in another language has at most a tenth (news-unlabeled: French,
    German, Dutch, Portuguese ... 0.08-0.10), English news about half."""
    words = len(_TOKEN.findall(text))
    return words >= ENGLISH_MIN_WORDS and 1.0 - content_words / words >= ENGLISH_SHARE


def language_of(text: str) -> str:
    """The stop-words language of ``text`` (identified on its start), English when we have
    no list for it."""
    language, _ = identify(text[:LANGUAGE_SAMPLE])
    return language if language in LANGUAGES else "en"


def pack(indices: np.ndarray, counts: np.ndarray) -> bytes:
    return indices.astype(np.int32).tobytes() + counts.astype(np.float32).tobytes()


def unpack(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    half = len(blob) // 2
    return np.frombuffer(blob[:half], dtype=np.int32), np.frombuffer(blob[half:], dtype=np.float32)


def count_matrix(rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> sparse.csr_matrix:
    """Rows of (indices, values) as one sparse matrix."""
    lengths = np.array([len(i) for i, _ in rows], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int32)
    data = np.concatenate([c for _, c in rows]) if rows else np.zeros(0, np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))


class DocumentFrequencies:
    """How many of the articles grouped so far hold each feature, and how many there are:
    the IDF articles are weighted with (``weighted``), grown block by block."""

    def __init__(self) -> None:
        self.df = np.zeros(N_FEATURES, dtype=np.int64)
        self.documents = 0

    def add(self, rows: sparse.csr_matrix) -> None:
        """Count the articles of ``rows`` (their word counts)."""
        self.df += np.bincount(rows.indices, minlength=N_FEATURES)
        self.documents += rows.shape[0]

    def weighted(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Unit TF-IDF rows: (1 + log count) * (1 + log((1 + n) / (1 + df)))."""
        tf = counts.copy().astype(np.float32)
        tf.data = 1.0 + np.log(tf.data)
        idf = (1.0 + np.log((1.0 + self.documents) / (1.0 + self.df))).astype(np.float32)
        tf.data *= idf[tf.indices]
        norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms).astype(np.float32) @ tf)


def unit_means(vectors: np.ndarray, starts: Sequence[int], ends: Sequence[int]
               ) -> np.ndarray:
    """The unit mean of the rows ``starts[i]:ends[i]`` of ``vectors``, for each i (zeros
    for an empty range)."""
    out = np.zeros((len(starts), vectors.shape[1]), dtype=np.float32)
    for i, (lo, hi) in enumerate(zip(starts, ends, strict=True)):
        if hi > lo:
            out[i] = unit_mean(vectors[lo:hi], vectors.shape[1])
    return out


def unit_mean(vectors: Sequence[np.ndarray] | np.ndarray, dim: int) -> np.ndarray:
    if not len(vectors):
        return np.zeros(dim, dtype=np.float32)
    mean = np.mean(np.asarray(vectors), axis=0).astype(np.float32)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else mean
