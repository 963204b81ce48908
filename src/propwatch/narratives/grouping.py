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

What is compared is found exactly but without comparing everything with everything
(``_Means``): at 100,000 articles, multiplying every new article with every narrative on
the words most of them share would be most of the work.  Merges are looked for once among
the narratives that grew, then only around each merged narrative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

BLOCK = 2000  # new articles clustered together at most (memory: BLOCK^2 similarities)
CHUNK = 512  # rows of article-to-narrative similarities computed at once
COMMON_SHARE = 0.01  # a word in more of the narratives than this is common (see _Means)
COMMON_MIN = 50  # ... and in more than this many


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
        means = _Means(terms, vectors, out.labels, words)
        rest: list[int] = []
        for lo in range(0, len(block), CHUNK):
            rows = block[lo : lo + CHUNK]
            nearest = means.nearest(terms[rows], vectors[rows], cut)
            for row, b in zip(rows, nearest, strict=True):
                if b >= 0:
                    out.labels[row] = means.ids[b]
                    touched.add(int(means.ids[b]))
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


class _Means:
    """Every narrative so far: its mean TF-IDF row and mean vector (the average linkage of
    a row with a narrative is the row's similarity to its means), and the narratives within
    a cut of some rows.

    Found exactly, without multiplying every row with every narrative on the words that
    most narratives share (at 100,000 articles that product is most of the work): a
    word is common when more than ``COMMON_SHARE`` of the narratives have it.  The
    similarity of a row to a narrative is its part on the rare words (a sparse product
    over few narratives per word) plus its part on the common words, which is at most
    the norm of the row's common part (Cauchy-Schwarz; a mean of unit rows has norm <= 1).
    So a narrative that shares no rare word with the row is below the cut when that norm
    is, and only pairs whose rare part comes within that norm of the cut get their
    common part computed; rows whose common part alone could reach the cut are compared
    with every narrative.  The mix with embeddings (``words`` < 1) is computed in full.
    """

    def __init__(self, terms: sparse.csr_matrix, vectors: np.ndarray, labels: np.ndarray,
                 words: float) -> None:
        known = np.flatnonzero(labels >= 0)
        self.ids, inverse = np.unique(labels[known], return_inverse=True)
        sizes = np.bincount(inverse, minlength=len(self.ids)).astype(np.float32)
        member = sparse.csr_matrix((1.0 / sizes[inverse], (inverse, known)),
                                   shape=(len(self.ids), len(labels)))
        self.terms = sparse.csr_matrix(member @ terms)
        self.vectors = np.asarray(member @ vectors, dtype=np.float32)
        self.words = words
        df = np.bincount(self.terms.indices, minlength=terms.shape[1])
        self.common = df > max(COMMON_MIN, COMMON_SHARE * len(self.ids))
        self._rare_t = _columns(self.terms, ~self.common).T.tocsr()
        self._common = _columns(self.terms, self.common)
        self._all_t: sparse.csr_matrix | None = None

    def nearest(self, terms: sparse.csr_matrix, vectors: np.ndarray, cut: float) -> np.ndarray:
        """For each row, the index of the narrative most similar to it if that similarity
        reaches ``cut``, else -1 (ties: the first)."""
        best = np.full(terms.shape[0], -1, dtype=np.int64)
        rows, cols, sims = self.above(terms, vectors, cut)
        if len(rows):
            order = np.lexsort((cols, -sims, rows))
            first = order[np.concatenate([[True], np.diff(rows[order]) != 0])]
            best[rows[first]] = cols[first]
        return best

    def above(self, terms: sparse.csr_matrix, vectors: np.ndarray, cut: float
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, narrative index, similarity) of every pair whose similarity reaches
        ``cut``."""
        if not len(self.ids) or not terms.shape[0]:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        if self.words < 1:
            return _pairs(self.full(terms, vectors), np.arange(terms.shape[0]), cut)
        common = _columns(terms, self.common)
        bound = np.sqrt(np.asarray(common.multiply(common).sum(axis=1)).ravel())
        heavy = bound >= cut
        lower = sparse.coo_matrix(_columns(terms, ~self.common) @ self._rare_t)
        keep = (lower.data >= cut - bound[lower.row]) & ~heavy[lower.row]
        rows, cols = lower.row[keep].astype(np.int64), lower.col[keep].astype(np.int64)
        sims = lower.data[keep] + np.asarray(
            common[rows].multiply(self._common[cols]).sum(axis=1)).ravel()
        found = sims >= cut
        out = [(rows[found], cols[found], sims[found].astype(np.float32))]
        if heavy.any():
            where = np.flatnonzero(heavy)
            out.append(_pairs(self.full(terms[where], vectors[where]), where, cut))
        return (np.concatenate([o[0] for o in out]), np.concatenate([o[1] for o in out]),
                np.concatenate([o[2] for o in out]))

    def full(self, terms: sparse.csr_matrix, vectors: np.ndarray) -> np.ndarray:
        """Similarities of the rows to every narrative (dense, rows x narratives)."""
        if self._all_t is None:
            self._all_t = self.terms.T.tocsr()
        sims = np.zeros((terms.shape[0], len(self.ids)), dtype=np.float32)
        if self.words > 0:
            sims += self.words * (terms @ self._all_t).toarray()
        if self.words < 1:
            sims += (1 - self.words) * (vectors @ self.vectors.T)
        return sims


def _columns(matrix: sparse.csr_matrix, keep: np.ndarray) -> sparse.csr_matrix:
    """``matrix`` with only the columns where ``keep`` is true (same shape)."""
    out = sparse.csr_matrix((matrix.data * keep[matrix.indices], matrix.indices.copy(),
                             matrix.indptr.copy()), shape=matrix.shape)
    out.eliminate_zeros()
    return out


def _pairs(sims: np.ndarray, rows: np.ndarray, cut: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r, c = np.nonzero(sims >= cut)
    return rows[r].astype(np.int64), c.astype(np.int64), sims[r, c].astype(np.float32)


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
    """Merge narratives that grew into any other within ``cut`` (younger into older), the
    closest pair first, until no pair with a narrative that grew is within the cut."""
    if not touched:
        return
    means = _Means(terms, vectors, out.labels, words)
    ids = [int(n) for n in means.ids]
    position = {n: i for i, n in enumerate(ids)}
    pairs: dict[tuple[int, int], float] = {}  # (older, younger) -> similarity
    grew = np.array(sorted(position[n] for n in touched), dtype=np.int64)
    for lo in range(0, len(grew), CHUNK):
        rows = grew[lo : lo + CHUNK]
        r, c, s = means.above(means.terms[rows], means.vectors[rows], cut)
        for a, b, sim in zip(rows[r].tolist(), c.tolist(), s.tolist(), strict=True):
            if a != b:
                pairs[(min(ids[a], ids[b]), max(ids[a], ids[b]))] = sim
    now: dict[int, tuple[sparse.csr_matrix, np.ndarray]] = {}  # merged into: its new means
    gone: list[int] = []
    while pairs:
        (old, young), _ = max(pairs.items(), key=lambda kv: kv[1])
        moved = out.labels == young
        out.merges.append((young, old, int(moved.sum())))
        out.labels[moved] = old
        gone.append(young)
        now.pop(young, None)
        pairs = {p: s for p, s in pairs.items() if old not in p and young not in p}
        members = np.flatnonzero(out.labels == old)
        t = sparse.csr_matrix(terms[members].mean(axis=0), dtype=np.float32)
        v = vectors[members].mean(axis=0).astype(np.float32)[None, :]
        sims = means.full(t, v)[0]
        for n, (tn, vn) in now.items():
            sims[position[n]] = _cross(t, v, tn, vn, words)[0, 0]
        sims[[position[n] for n in [*gone, old]]] = -np.inf
        now[old] = (t, v)
        for i in np.flatnonzero(sims >= cut).tolist():
            pairs[(min(old, ids[i]), max(old, ids[i]))] = float(sims[i])
