"""Narratives: articles grouped by what their claims say, with ids that stay put.

The similarity of two articles is ``words`` times the cosine of their claim sentences'
TF-IDF rows plus ``1 - words`` times the cosine of their mean claim embeddings
(``features``).  A narrative's similarity to an article is the mean similarity of the
article to the narrative's articles; of two narratives, the mean over their pairs of
articles (average linkage).  Both are dot products with the narrative's mean rows, so a
narrative is kept as its number of articles and the sums of their rows (``Index``), never
as its articles.

``group`` adds one block of new articles, in the order they were first seen: an article
whose similarity to its nearest narrative reaches ``narrative`` joins it; the others of
the block are clustered among themselves (average linkage, the same cut) into new
narratives.  Then a narrative that grew and came within the cut of another is merged,
the younger into the older, and the merge is reported so it can be recorded.  A corpus is
grouped block after block against the narratives so far (``build``), so one block costs
what its articles cost against the narratives, not against the corpus; earlier articles
never move, except with their narrative when it is merged.  Ids come from a counter that
only grows: an id once shown never names another narrative.

What is compared is found exactly but without comparing everything with everything
(``_Segment``): at 100,000 articles, multiplying every new article with every narrative on
the words most of them share would be most of the work.  The narratives' rows are kept in
a few segments (as a search engine keeps its index): a block's new and changed narratives
go into a new small segment, their old rows are marked dead, and a segment is merged with
the one before it once it holds half as many rows, so each row is copied a logarithmic
number of times, not once per block.

The search of a block is cut into jobs (``_search``) of up to ``PART`` narratives of one
segment each, against all the block's rows, and run on the ``mapper`` (the run's
executor: threads here, Ray tasks on a cluster): each pair's similarity is computed with
the same arithmetic whichever job holds its narrative, so the result does not depend on
the jobs.  Growing with the narratives, this search is most of a block's cost; comparing a
row with every narrative cannot be avoided for the rows whose common words alone could
reach the cut (see ``_Segment``), and on news text those are nearly all rows.  Each part
is shipped once while it lasts (``execute.tasks.kept``: on a cluster, into the object
store), not with every search.  The searches after each merge, which depend on each other,
are not searches of every narrative (``_merge``): a merged narrative's neighbours are
among its two halves' neighbours, so they cost what those neighbours cost, on this
process, not what the narratives cost.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from scipy import sparse

from propwatch.execute.tasks import Mapper, kept

CHUNK = 512  # rows of article-to-narrative similarities computed at once
PART = 4096  # narratives of a segment one job of a block's search compares the rows with
COMMON_SHARE = 0.01  # a word in more of a segment's narratives than this is common
COMMON_MIN = 50  # ... and in more than this many
MARGIN = 1e-3  # how far below the cut a merge's neighbours are kept (rounding is ~1e-6)


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
    labels: np.ndarray  # narrative id of every article of the block (after its merges)
    created: list[int] = field(default_factory=list)
    merges: list[tuple[int, int, int]] = field(default_factory=list)  # (id, into, articles)


class _Segment:
    """Some narratives: their ids, article counts and row sums, and their mean rows
    prepared for the pruned search.

    Found exactly, without multiplying every row with every narrative on the words that
    most narratives share: a word is common when more than ``COMMON_SHARE`` of the
    segment's narratives have it.  The similarity of a row to a narrative is its part on
    the rare words (a sparse product over few narratives per word) plus its part on the
    common words, which is at most the norm of the row's common part (Cauchy-Schwarz; a
    mean of unit rows has norm <= 1).  So a narrative that shares no rare word with the
    row is below the cut when that norm is, and only pairs whose rare part comes within
    that norm of the cut get their common part computed; rows whose common part alone
    could reach the cut are compared with every narrative.  The mix with embeddings
    (``words`` < 1) is computed in full.
    """

    def __init__(self, ids: np.ndarray, counts: np.ndarray, term_sums: sparse.csr_matrix,
                 vector_sums: np.ndarray, words: float, common: np.ndarray | None = None
                 ) -> None:
        self.ids = ids.astype(np.int64)
        self.counts = counts.astype(np.int64)
        self.term_sums = sparse.csr_matrix(term_sums, dtype=np.float32)
        self.vector_sums = np.asarray(vector_sums, dtype=np.float32)
        self.alive = np.ones(len(ids), dtype=bool)
        scale = (1.0 / np.maximum(self.counts, 1)).astype(np.float32)
        self.terms = sparse.csr_matrix(sparse.diags(scale) @ self.term_sums, dtype=np.float32)
        self.vectors = self.vector_sums * scale[:, None]
        self.words = words
        if common is None:
            df = np.bincount(self.terms.indices, minlength=self.terms.shape[1])
            common = df > max(COMMON_MIN, COMMON_SHARE * len(self.ids))
        self.common = common
        self._rare_t: sparse.csr_matrix | None = None  # these three when first searched
        self._common: sparse.csr_matrix | None = None
        self._all_t: sparse.csr_matrix | None = None
        self._parts: list[tuple[int, _Segment]] | None = None
        self._kept: tuple[Mapper, Any] | None = None  # (mapper, what its jobs are given)

    def __len__(self) -> int:
        return len(self.ids)

    def __getstate__(self) -> tuple[Any, ...]:
        """What a job is shipped: the sums (the embeddings' only when they count) and the
        common words; the rest is made where the job runs."""
        vector_sums = self.vector_sums if self.words < 1 else self.vector_sums[:, :0]
        return self.ids, self.counts, self.term_sums, vector_sums, self.words, self.common

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.__init__(*state)  # type: ignore[misc]

    def kept_by(self, mapper: Mapper) -> Any:
        """This segment as ``mapper``'s jobs are given it: kept there once
        (``execute.tasks.kept``; on a cluster, the object store holds it while this
        segment lives)."""
        if self._kept is None or self._kept[0] is not mapper:
            shipped = kept(mapper, self)
            if shipped is self:  # nothing kept (this process): no cycle to hold it
                return self
            self._kept = (mapper, shipped)
        return self._kept[1]

    def parts(self) -> list[tuple[int, _Segment]]:
        """(first row, the rows from there) in pieces of ``PART`` narratives, searched
        with this segment's common words."""
        if self._parts is None:
            self._parts = [(0, self)] if len(self) <= PART else [
                (lo, _Segment(self.ids[lo : lo + PART], self.counts[lo : lo + PART],
                              self.term_sums[lo : lo + PART],
                              self.vector_sums[lo : lo + PART], self.words, self.common))
                for lo in range(0, len(self), PART)]
        return self._parts

    def above(self, terms: sparse.csr_matrix, vectors: np.ndarray, cut: float,
              floor: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, narrative index, similarity) of every pair whose similarity reaches
        ``cut`` (dead narratives included); with a ``floor`` below ``cut``, of every pair
        reaching the floor.  The pairs reaching ``cut`` and their similarities are the same
        to the bit with or without a floor (what is pruned and how each pair is computed
        follow ``cut``); pairs below it may be computed another way (within rounding)."""
        floor = cut if floor is None else floor
        if not len(self.ids) or not terms.shape[0]:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
        if self.words < 1:
            return _pairs(self.full(terms, vectors), np.arange(terms.shape[0]), floor)
        if self._rare_t is None or self._common is None:
            self._rare_t = _columns(self.terms, ~self.common).T.tocsr()
            self._common = _columns(self.terms, self.common)
        common = _columns(terms, self.common)
        bound = np.sqrt(np.asarray(common.multiply(common).sum(axis=1)).ravel())
        heavy = bound >= cut
        lower = sparse.coo_matrix(_columns(terms, ~self.common) @ self._rare_t)
        keep = (lower.data >= floor - bound[lower.row]) & ~heavy[lower.row]
        rows, cols = lower.row[keep].astype(np.int64), lower.col[keep].astype(np.int64)
        sims = lower.data[keep] + np.asarray(
            common[rows].multiply(self._common[cols]).sum(axis=1)).ravel()
        found = sims >= floor
        out = [(rows[found], cols[found], sims[found].astype(np.float32))]
        if heavy.any():
            where = np.flatnonzero(heavy)
            out.append(_pairs(self.full(terms[where], vectors[where]), where, floor))
        band = ~heavy & (bound >= floor)
        if band.any():  # below the cut, pairs sharing no rare word can reach the floor
            where = np.flatnonzero(band)
            r, c, v = _pairs(self.full(terms[where], vectors[where]), where, floor)
            width = np.int64(len(self.ids))
            new = ~np.isin(r * width + c, lower.row.astype(np.int64) * width + lower.col)
            below = np.nextafter(np.float32(cut), np.float32(-2))  # their part is <= bound
            out.append((r[new], c[new], np.minimum(v[new], below)))
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


class Index:
    """Every narrative so far as (articles, sum of TF-IDF rows, sum of vectors), searchable
    by similarity (``above``, ``nearest``).  Changing a narrative costs what its row costs,
    plus the segment merges that follow (see the module's description)."""

    def __init__(self, n_features: int, dim: int, words: float) -> None:
        self.n_features, self.dim, self.words = n_features, dim, words
        self.segments: list[_Segment] = []
        self.where: dict[int, tuple[_Segment, int]] = {}  # live id -> (segment, row)

    @classmethod
    def of(cls, labels: np.ndarray, terms: sparse.csr_matrix, vectors: np.ndarray,
           words: float) -> Index:
        """The narratives of articles with these ``labels`` (ids) and rows."""
        index = cls(terms.shape[1], vectors.shape[1], words)
        index.add(labels, terms, vectors)
        return index

    def __len__(self) -> int:
        return len(self.where)

    def __contains__(self, narrative: int) -> bool:
        return narrative in self.where

    def articles(self, narrative: int) -> int:
        segment, row = self.where[narrative]
        return int(segment.counts[row])

    def mean(self, narrative: int) -> tuple[sparse.csr_matrix, np.ndarray]:
        """The narrative's mean TF-IDF row (1 x features) and mean vector (1 x dim)."""
        segment, row = self.where[narrative]
        return segment.terms[row], segment.vectors[row : row + 1]

    def add(self, labels: np.ndarray, terms: sparse.csr_matrix, vectors: np.ndarray) -> None:
        """Add articles (rows) to the narratives ``labels`` names, known or new."""
        if not len(labels):
            return
        ids, inverse = np.unique(labels, return_inverse=True)
        member = sparse.csr_matrix((np.ones(len(labels), np.float32),
                                    (inverse, np.arange(len(labels)))),
                                   shape=(len(ids), len(labels)))
        self._replace(ids, np.bincount(inverse, minlength=len(ids)),
                      sparse.csr_matrix(member @ terms), np.asarray(member @ vectors), [])

    def merge(self, young: int, old: int) -> None:
        """``young`` joins ``old`` (its articles and sums)."""
        ys, yr = self.where[young]
        self._replace(np.array([old]), np.array([ys.counts[yr]]), ys.term_sums[yr],
                      ys.vector_sums[yr : yr + 1], [young])

    def _replace(self, ids: np.ndarray, counts: np.ndarray, term_sums: sparse.csr_matrix,
                 vector_sums: np.ndarray, removed: list[int]) -> None:
        """Narratives ``ids`` grow by ``counts`` articles with these sums (new ones start
        from nothing); ``removed`` go: one new segment, old rows marked dead."""
        counts = counts.astype(np.int64).copy()
        vector_sums = np.array(vector_sums, dtype=np.float32)
        olds = []
        for i, n in enumerate(ids.tolist()):
            if n in self.where:
                segment, row = self.where[n]
                counts[i] += segment.counts[row]
                vector_sums[i] += segment.vector_sums[row]
                olds.append((i, segment.term_sums[row]))
        if olds:
            shape = (len(ids), self.n_features)
            rows = np.array([i for i, _ in olds])
            previous = sparse.vstack([r for _, r in olds]).tocoo()
            term_sums = term_sums + sparse.csr_matrix(
                (previous.data, (rows[previous.row], previous.col)), shape=shape)
        for n in [*ids.tolist(), *removed]:
            if n in self.where:
                segment, row = self.where.pop(n)
                segment.alive[row] = False
        self._append(_Segment(ids, counts, sparse.csr_matrix(term_sums), vector_sums,
                              self.words))

    def _append(self, segment: _Segment) -> None:
        self.segments.append(segment)
        while len(self.segments) > 1 and (
                self.segments[-1].alive.sum() * 2 >= self.segments[-2].alive.sum()):
            last, before = self.segments.pop(), self.segments.pop()
            keep = [(s, np.flatnonzero(s.alive)) for s in (before, last)]
            self.segments.append(_Segment(
                np.concatenate([s.ids[k] for s, k in keep]),
                np.concatenate([s.counts[k] for s, k in keep]),
                sparse.vstack([s.term_sums[k] for s, k in keep]).tocsr(),
                np.concatenate([s.vector_sums[k] for s, k in keep]), self.words))
        self.segments = [s for s in self.segments if s.alive.any()]
        for segment in self.segments[-1:]:
            for row, n in enumerate(segment.ids.tolist()):
                self.where[n] = (segment, row)

    def above(self, terms: sparse.csr_matrix, vectors: np.ndarray, cut: float,
              mapper: Mapper | None = None, floor: float | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, narrative id, similarity) of every pair whose similarity reaches ``cut``
        (or ``floor``: see ``_Segment.above``), by row, then narrative id; the jobs
        (``_search``) on ``mapper`` if given, each part of the index kept there once
        (``execute.tasks.kept``) for all the searches while it lasts."""
        parts = [(segment, lo, part) for segment in self.segments
                 for lo, part in segment.parts()]
        jobs = [part if mapper is None else part.kept_by(mapper) for _, _, part in parts]
        return self._search(parts, jobs, terms, vectors, cut, mapper, floor)

    def above_among(self, terms: sparse.csr_matrix, vectors: np.ndarray, cut: float,
                    among: Iterable[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``above`` in this process over the parts of the index that hold the narratives
        ``among`` only: the same pairs and similarities as ``above`` when every
        narrative that reaches ``cut`` is among them."""
        chosen: dict[tuple[int, int], tuple[_Segment, int, _Segment]] = {}
        for n in among:
            if n in self.where:
                segment, row = self.where[n]
                pieces = segment.parts()
                lo, part = pieces[bisect.bisect_right([lo for lo, _ in pieces], row) - 1]
                chosen[(id(segment), lo)] = (segment, lo, part)
        parts = list(chosen.values())
        return self._search(parts, [part for _, _, part in parts], terms, vectors, cut)

    def _search(self, parts: list[tuple[_Segment, int, _Segment]], jobs: list[Any],
                terms: sparse.csr_matrix, vectors: np.ndarray, cut: float,
                mapper: Mapper | None = None, floor: float | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self.words >= 1:
            vectors = vectors[:, :0]  # the embeddings do not count: not shipped
        search = partial(_search, terms=terms, vectors=vectors, cut=cut, floor=floor)
        out = [_NONE]
        for (segment, lo, _), (rows, cols, sims) in zip(
                parts, mapper.map(search, jobs) if mapper else map(search, jobs), strict=True):
            cols = cols + lo
            live = segment.alive[cols]
            out.append((rows[live], segment.ids[cols[live]], sims[live]))
        rows, ids, sims = _joined(out)
        order = np.lexsort((ids, rows))
        return rows[order], ids[order], sims[order]

    def nearest(self, terms: sparse.csr_matrix, vectors: np.ndarray, cut: float,
                mapper: Mapper | None = None) -> np.ndarray:
        """For each row, the id of the narrative most similar to it if that similarity
        reaches ``cut``, else -1 (ties: the lower id)."""
        best = np.full(terms.shape[0], -1, dtype=np.int64)
        rows, ids, sims = self.above(terms, vectors, cut, mapper)
        if len(rows):
            order = np.lexsort((ids, -sims, rows))
            first = order[np.concatenate([[True], np.diff(rows[order]) != 0])]
            best[rows[first]] = ids[first]
        return best


def group(index: Index, terms: sparse.csr_matrix, vectors: np.ndarray,
          thresholds: Thresholds, next_id: int, mapper: Mapper | None = None) -> Grouped:
    """Narrative ids for one block of new articles (rows), which ``index`` then holds; the
    searches of every narrative (the nearest narratives of the rows, the neighbours of the
    narratives they grew and of those these may merge with) on ``mapper`` if given, the
    searches after each merge (among a few parts of the index) here."""
    cut, words = thresholds.narrative, thresholds.words
    out = Grouped(index.nearest(terms, vectors, cut, mapper))
    grew = {int(n) for n in out.labels if n >= 0}
    rest = np.flatnonzero(out.labels < 0)
    for members in _average_linkage(terms, vectors, rest, words, cut):
        out.labels[members] = next_id
        out.created.append(next_id)
        next_id += 1
    index.add(out.labels, terms, vectors)
    _merge(index, grew, cut, out, mapper)
    return out


def _merge(index: Index, grew: set[int], cut: float, out: Grouped,
           mapper: Mapper | None = None) -> None:
    """Merge narratives that grew into any other within ``cut`` (younger into older), the
    closest pair first (ties: the lower ids), until no pair with a narrative that grew or
    was merged into is within the cut.

    What is within the cut of a narrative just merged into is searched among the
    neighbours of the two it was made of, not among all narratives: its mean is a
    weighted mean of theirs, so its similarity to any narrative is a weighted mean of
    theirs and reaches the cut only where one of theirs does.  So each narrative a merge
    touches carries its neighbours (``near``: every narrative within ``MARGIN`` below the
    cut, found by a search of the whole index, on ``mapper``, once a block for all the
    narratives it needs), and the search after a merge covers only the parts of the index
    that hold them: the pairs and similarities a search of every narrative finds."""
    floor = cut - MARGIN
    pairs: dict[tuple[int, int], float] = {}  # (older, younger) -> similarity
    near: dict[int, set[int]] = {}  # narrative -> (at least) every one within the floor
    _neighbours(index, sorted(grew), cut, floor, near, mapper, pairs)
    while pairs:
        (old, young), _ = max(pairs.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
        if old not in near or young not in near:  # all that pairs name, in one search
            _neighbours(index, sorted({n for p in pairs for n in p} - near.keys()), cut,
                        floor, near, mapper)
        out.merges.append((young, old, index.articles(young)))
        out.labels[out.labels == young] = old
        among = (near.pop(old) | near.pop(young)) - {old, young}
        index.merge(young, old)
        pairs = {p: s for p, s in pairs.items() if old not in p and young not in p}
        near[old] = {n for n in among if n in index}
        for n in near[old] & near.keys():
            near[n].add(old)
        terms, vectors = index.mean(old)
        for other, sim in zip(*(a.tolist() for a in index.above_among(
                terms, vectors, cut, near[old])[1:]), strict=True):
            if other != old:
                pairs[(min(old, other), max(old, other))] = sim


def _neighbours(index: Index, narratives: list[int], cut: float, floor: float,
                near: dict[int, set[int]], mapper: Mapper | None = None,
                pairs: dict[tuple[int, int], float] | None = None) -> None:
    """Every other narrative within ``floor`` of each of ``narratives`` into ``near``, and
    (if given) into ``pairs`` those within ``cut``, one narrative after the other (a pair
    found twice keeps the later similarity): one search, on ``mapper``."""
    if not narratives:
        return
    means = [index.mean(n) for n in narratives]
    rows, ids, sims = index.above(sparse.vstack([t for t, _ in means], format="csr"),
                                  np.concatenate([v for _, v in means]), cut, mapper, floor)
    for n in narratives:
        near[n] = set()
    reach = (sims >= cut).tolist()  # compared as the search compares (float32)
    for row, other, sim, within in zip(rows.tolist(), ids.tolist(), sims.tolist(), reach,
                                       strict=True):
        n = narratives[row]
        if other != n:
            near[n].add(other)
            if pairs is not None and within:
                pairs[(min(n, other), max(n, other))] = sim


_NONE = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))


def _search(part: _Segment, terms: sparse.csr_matrix, vectors: np.ndarray, cut: float,
            floor: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One job of a search: ``part.above`` for the rows, ``CHUNK`` rows at a time."""
    out = [_NONE]
    for lo in range(0, terms.shape[0], CHUNK):
        rows, cols, sims = part.above(terms[lo : lo + CHUNK], vectors[lo : lo + CHUNK], cut,
                                      floor)
        out.append((rows + lo, cols, sims))
    return _joined(out)


def _joined(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, similarities) of several searches, one after the other."""
    rows, cols, sims = (np.concatenate(p) for p in zip(*parts, strict=True))
    return rows, cols, sims


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
    their first row.

    The groups scikit-learn's ``AgglomerativeClustering(metric="precomputed",
    linkage="average", distance_threshold=1 - cut + 1e-9)`` finds, made as it makes them
    (scipy's average-linkage tree, its first merges kept: all but one per merge at or
    past the threshold) without importing scikit-learn (2-3 CPU seconds a run)."""
    if len(rows) == 0:
        return []
    if len(rows) == 1:
        return [rows]
    from scipy.cluster.hierarchy import linkage

    sims = _cross(terms[rows], vectors[rows], terms[rows], vectors[rows], words)
    distance = np.clip(1.0 - sims, 0.0, None).astype(np.float64)
    np.fill_diagonal(distance, 0.0)
    upper = np.triu_indices(len(rows), k=1)
    tree = linkage(distance[upper], method="average")
    threshold = 1.0 - cut + 1e-9
    kept = len(rows) - 1 - int(np.count_nonzero(tree[:, 2] >= threshold))
    found = _first_merges(tree[:kept, :2].astype(np.int64), len(rows))
    order: dict[int, list[int]] = {}
    for row, label in zip(rows, found, strict=True):
        order.setdefault(int(label), []).append(int(row))
    return [np.array(m, dtype=np.int64) for m in order.values()]


def _first_merges(children: np.ndarray, n: int) -> list[int]:
    """For each of ``n`` leaves, the node holding it once the merges ``children`` (rows of
    a linkage tree, node ``n + i`` made by row ``i``) are done."""
    parent = list(range(n + len(children)))
    for i, (a, b) in enumerate(children.tolist()):
        parent[a] = parent[b] = n + i

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    return [root(leaf) for leaf in range(n)]
