"""Narratives: articles grouped by what their claims say, with ids that stay put.

The similarity of two articles is ``words`` times the cosine of their claim sentences'
TF-IDF rows plus ``1 - words`` times the cosine of their mean claim embeddings
(``features``).  A narrative's similarity to an article is the mean similarity of the
article to the narrative's articles; of two narratives, the mean over their pairs of
articles (average linkage).

``group`` adds new articles, in the order they were first seen, block by block: an
article whose similarity to its nearest narrative reaches ``narrative`` joins it; the
others of the block are clustered among themselves (average linkage, the same cut) into
new narratives.  Earlier articles never move, so a corpus analysed in one go and the same
corpus analysed in parts get the same kind of groups, and every id stays what it was,
except when a narrative that grew comes within the cut of another: then the younger is
merged into the older, and the merge is reported so it can be recorded.  Ids come from a
counter that only grows: an id once shown never names another narrative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

BLOCK = 2000  # new articles clustered together at most (memory: BLOCK^2 similarities)
CHUNK = 512  # rows of article-to-narrative similarities computed at once


@dataclass(frozen=True)
class Thresholds:
    # chosen by BCubed F1 on FNC-1 train (bench/narratives_fnc1.py, docs/benchmarks.md)
    claim: float = 0.8  # cosine to a claim cluster's centroid: the same claim
    narrative: float = 0.2  # mean similarity of an article to a narrative's articles
    words: float = 1.0  # weight of the words (TF-IDF) against the embeddings

    def __post_init__(self) -> None:
        for value in (self.claim, self.narrative):
            if not -1.0 <= value <= 1.0:
                raise ValueError("thresholds are cosines, in [-1, 1]")
        if not 0.0 <= self.words <= 1.0:
            raise ValueError("the weight of words is in [0, 1]")


@dataclass
class Grouped:
    labels: np.ndarray  # narrative id of every article
    created: list[int] = field(default_factory=list)
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # (id, into, articles)


def group(terms: sparse.csr_matrix, vectors: np.ndarray, labels: np.ndarray,
          thresholds: Thresholds, next_id: int,
          progress: Callable[[int, int], None] | None = None) -> Grouped:
    """Narrative ids for every row (``labels``: the known id, or -1 for a new article)."""
    out = Grouped(labels.astype(np.int64).copy())
    words = thresholds.words
    cut = thresholds.narrative
    new = np.flatnonzero(out.labels < 0)
    touched: set[int] = set()
    for start in range(0, len(new), BLOCK):
        block = new[start : start + BLOCK]
        ids, sums_t, sums_e, sizes = _sums(terms, vectors, out.labels)
        rest: list[int] = []
        for lo in range(0, len(block), CHUNK):
            rows = block[lo : lo + CHUNK]
            if not len(ids):
                rest.extend(int(r) for r in rows)
                continue
            sims = _cross(terms[rows], vectors[rows], sums_t, sums_e, words) / sizes
            best = np.argmax(sims, axis=1)
            for row, b, s in zip(rows, best, sims[np.arange(len(rows)), best], strict=True):
                if s >= cut:
                    out.labels[row] = ids[b]
                    touched.add(int(ids[b]))
                else:
                    rest.append(int(row))
        for members in _average_linkage(terms, vectors, np.array(rest, dtype=np.int64),
                                        words, cut):
            out.labels[members] = next_id
            out.created.append(next_id)
            next_id += 1
        if progress:
            progress(min(start + BLOCK, len(new)), len(new))
    _merge(terms, vectors, out, touched, words, cut)
    return out


def _sums(terms: sparse.csr_matrix, vectors: np.ndarray, labels: np.ndarray
          ) -> tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray]:
    """(ids, sum of TF-IDF rows, sum of vectors, sizes) of every narrative so far."""
    known = np.flatnonzero(labels >= 0)
    ids, inverse = np.unique(labels[known], return_inverse=True)
    member = sparse.csr_matrix(
        (np.ones(len(known), dtype=np.float32), (inverse, known)),
        shape=(len(ids), len(labels)))
    sizes = np.bincount(inverse, minlength=len(ids)).astype(np.float32)
    return ids, sparse.csr_matrix(member @ terms), np.asarray(member @ vectors), sizes


def _cross(terms_a: sparse.csr_matrix, vectors_a: np.ndarray, terms_b: sparse.csr_matrix,
           vectors_b: np.ndarray, words: float) -> np.ndarray:
    """Summed similarities between the rows of a and of b (dense, len(a) x len(b))."""
    sims = np.zeros((terms_a.shape[0], terms_b.shape[0]), dtype=np.float32)
    if words > 0:
        sims += words * (terms_a @ terms_b.T).toarray()
    if words < 1:
        sims += (1 - words) * (vectors_a @ vectors_b.T)
    return sims


def _average_linkage(terms: sparse.csr_matrix, vectors: np.ndarray, rows: np.ndarray,
                     words: float, cut: float) -> list[np.ndarray]:
    """Groups of ``rows`` whose mean pairwise similarity reaches ``cut``, in the order of
    their first row."""
    if len(rows) == 0:
        return []
    if len(rows) == 1:
        return [rows]
    from sklearn.cluster import AgglomerativeClustering

    sims = _cross(terms[rows], vectors[rows], terms[rows], vectors[rows], words)
    distance = np.clip(1.0 - sims, 0.0, None).astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    found = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - cut + 1e-9).fit_predict(distance)
    order: dict[int, list[int]] = {}
    for row, label in zip(rows, found, strict=True):
        order.setdefault(int(label), []).append(int(row))
    return [np.array(m, dtype=np.int64) for m in order.values()]


def _merge(terms: sparse.csr_matrix, vectors: np.ndarray, out: Grouped, touched: set[int],
           words: float, cut: float) -> None:
    """Merge narratives that grew into any other within ``cut`` (younger into older)."""
    while touched:
        ids, sums_t, sums_e, sizes = _sums(terms, vectors, out.labels)
        rows = np.flatnonzero(np.isin(ids, list(touched)))
        sims = _cross(sums_t[rows], sums_e[rows], sums_t, sums_e, words)
        sims /= sizes[rows][:, None] * sizes[None, :]
        sims[np.arange(len(rows)), rows] = -np.inf
        r, c = np.unravel_index(int(np.argmax(sims)), sims.shape)
        if sims[r, c] < cut:
            return
        a, b = int(ids[rows[r]]), int(ids[c])
        old, young = min(a, b), max(a, b)
        moved = out.labels == young
        out.merges.append((young, old, int(moved.sum())))
        out.labels[moved] = old
        touched.discard(young)
        touched.add(old)
