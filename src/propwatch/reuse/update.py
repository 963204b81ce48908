"""Incremental update: fingerprint new articles, find their candidates, confirm, store.

Fingerprinting and the exact confirmation are per-article work (``execute.tasks``, on the
run's executor); finding candidates in the LSH bands and sampled-shingle postings (one
sort of the keys) and storing stay on the driver."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import numpy.typing as npt

from propwatch.errors import StoreError
from propwatch.execute.tasks import Mapper, Processes, Threads
from propwatch.reuse import fingerprint as fp
from propwatch.reuse.clusters import UnionFind
from propwatch.reuse.compare import Shingles, overlap, shingles_of
from propwatch.reuse.declared import declared_source
from propwatch.reuse.index import Limits, shared_keys
from propwatch.reuse.relations import DEFAULT, Thresholds, classify
from propwatch.store import Store
from propwatch.store import reuse as sql

log = logging.getLogger(__name__)

I64 = npt.NDArray[np.int64]
CHUNK = 250  # articles fingerprinted by one job
WINDOW = 32  # jobs handed to the mapper at once (their texts held meanwhile)
CONFIRM_JOB = 500  # candidate pairs (whole connected groups) checked by one job
PARALLEL_FROM = 4000  # alone (no run's executor): fewer new articles fingerprinted in-process
CONFIRM_PARALLEL_FROM = 5000  # ... and fewer candidate pairs checked in-process


@dataclass(frozen=True)
class Settings:
    thresholds: Thresholds = DEFAULT
    limits: Limits = field(default_factory=Limits)
    min_sample_share: float = 0.2  # sampled-shingle share needed to become a candidate
    min_band_jaccard: float = 0.2  # MinHash Jaccard estimate needed to become a candidate
    workers: int | None = None  # processes when run alone; None = number of CPUs


@dataclass(frozen=True)
class UpdateSummary:
    new_articles: int
    fingerprinted_total: int
    candidates: int
    new_pairs: int
    seconds: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "new_articles": self.new_articles, "fingerprinted_total": self.fingerprinted_total,
            "candidates": self.candidates, "new_pairs": self.new_pairs,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


@dataclass
class _Batch:
    ids: list[str]
    declared: list[str | None]
    prints: fp.Fingerprints


def _fingerprint_chunk(rows: list[tuple[str, str, str | None]]) -> _Batch:
    bodies = [fp.body(text, title) for _, text, title in rows]
    return _Batch([r[0] for r in rows], [declared_source(r[1]) for r in rows],
                  fp.fingerprint(bodies))


def _confirm_texts(
    job: tuple[list[tuple[str, str]], dict[str, tuple[str, str | None]], Thresholds],
) -> list[sql.PairRow]:
    """``_confirm`` of a group of pairs given the texts they name (map-style work)."""
    pairs, texts, thresholds = job
    return _confirm(pairs, texts.__getitem__, thresholds)


def _confirm(
    pairs: list[tuple[str, str]], text: Callable[[str], tuple[str, str | None]],
    thresholds: Thresholds,
) -> list[sql.PairRow]:
    """Exact check of candidate pairs (a first seen before b); the pairs that are copies."""
    out: list[sql.PairRow] = []
    ids = sorted({x for p in pairs for x in p})
    sets: dict[str, Shingles] = {}
    step = 1000
    for i in range(0, len(ids), step):  # each text is shingled once
        part = ids[i : i + step]
        bodies = [fp.body(*text(x)) for x in part]
        sets.update(zip(part, shingles_of(bodies), strict=True))
    for a, b in pairs:
        ov = overlap(sets[a], sets[b])
        verdict = classify(ov, thresholds)
        if verdict is None:
            continue
        if verdict.swap:
            a, b, ov = b, a, ov.swapped()
        out.append(sql.PairRow(a, b, verdict.relation, round(ov.jaccard, 4),
                               round(ov.a_in_b, 4), round(ov.b_in_a, 4)))
    return out


def _workers(settings: Settings) -> int:
    return max(1, settings.workers or os.cpu_count() or 1)


def _mapper(mapper: Mapper | None, settings: Settings, size: int, parallel_from: int) -> Mapper:
    """The executor's mapper in a run; alone, worker processes for a large update."""
    if mapper is not None:
        return mapper
    n = _workers(settings)
    return Processes(n) if n > 1 and size >= parallel_from else Threads(1)


def _fingerprint_all(store: Store, settings: Settings, mapper: Mapper | None
                     ) -> Iterator[_Batch]:
    """Fingerprints of every article not indexed yet, a window of chunks at a time (so
    the texts of the whole corpus are never held at once)."""
    mapper = _mapper(mapper, settings, sql.pending_count(store.conn), PARALLEL_FROM)
    chunks = sql.pending_articles(store.conn, CHUNK)
    while window := list(islice(chunks, WINDOW)):
        yield from mapper.map(_fingerprint_chunk, window)


def update(store: Store, settings: Settings | None = None, mapper: Mapper | None = None
           ) -> UpdateSummary:
    """Fingerprint and index the articles stored since the last update, compare each with
    every stored article through the two candidate indexes, confirm candidates exactly and
    store the pairs.  Clusters follow from the pairs, so they are always current.

    Fingerprints and exact checks are per-article work run with ``mapper`` (the run's
    executor); without one, in worker processes for a large update, else in-process."""
    settings = settings or Settings()
    conn = store.conn
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    if sql.stale_version_count(conn, fp.VERSION):
        log.warning("fingerprints were made by another version; rebuilding them")
        with store.transaction() as c:
            sql.clear(c)
    first_new = sql.next_doc(conn)
    batches = list(_fingerprint_all(store, settings, mapper))
    seconds["fingerprint"] = time.perf_counter() - t
    ids = [i for b in batches for i in b.ids]
    n_new = len(ids)
    if n_new == 0:
        return UpdateSummary(0, sql.doc_count(conn), 0, 0, seconds)
    t = time.perf_counter()
    docs = np.arange(first_new, first_new + n_new, dtype=np.int64)
    signatures = np.concatenate([b.prints.signatures for b in batches])
    samples = [s for b in batches for s in b.prints.samples]
    n_samples = np.array([len(s) for s in samples], dtype=np.int64)
    band = fp.band_keys(signatures)
    band_keys, band_docs = band.ravel(), np.repeat(docs, fp.BANDS)
    sample_keys = (np.concatenate(samples) if samples else np.zeros(0, np.uint64)).view(np.int64)
    sample_docs = np.repeat(docs, n_samples)
    del samples
    candidates = _candidates(
        store, settings, first_new, signatures, n_samples,
        (band_keys, band_docs), (sample_keys, sample_docs),
    )
    seconds["candidates"] = time.perf_counter() - t
    t = time.perf_counter()
    id_of = _id_lookup(store, ids, first_new, candidates)
    pair_ids = [(id_of[int(a)], id_of[int(b)]) for a, b in candidates]
    found = _confirm_all(store, pair_ids, settings, mapper)
    seconds["confirm"] = time.perf_counter() - t
    t = time.perf_counter()
    words = np.concatenate([b.prints.words for b in batches])
    distinct = np.concatenate([b.prints.shingles for b in batches])
    declared = [d for b in batches for d in b.declared]
    with store.transaction() as c:
        if sql.next_doc(c) != first_new:
            raise StoreError(
                "another propwatch process updated the republication index meanwhile; "
                "run the command again (only articles not yet indexed are processed)"
            )
        sql.save_docs(c, (
            sql.DocRow(int(docs[i]), ids[i], fp.VERSION, int(words[i]), int(distinct[i]),
                       int(n_samples[i]), declared[i], signatures[i].astype("<u4").tobytes())
            for i in range(n_new)
        ))
        sql.save_index(c, "reuse_bands", band_keys, band_docs)
        sql.save_index(c, "reuse_postings", sample_keys, sample_docs)
        sql.save_pairs(c, found)
    seconds["store"] = time.perf_counter() - t
    return UpdateSummary(n_new, sql.doc_count(conn), len(candidates), len(found), seconds)


def _candidates(
    store: Store, settings: Settings, first_new: int, signatures: npt.NDArray[np.uint32],
    n_samples: I64, bands: tuple[I64, I64], sampled: tuple[I64, I64],
) -> list[tuple[int, int]]:
    conn = store.conn
    paths = (("reuse_bands", bands), ("reuse_postings", sampled))
    results = {}
    for table, (keys, docs) in paths:
        if first_new > 0:
            old_keys, old_docs = sql.lookup_index(conn, table, fp.sorted_unique(keys))
            keys, docs = np.concatenate((old_keys, keys)), np.concatenate((old_docs, docs))
        results[table] = shared_keys(keys, docs, first_new, settings.limits)
    everyone = np.concatenate([np.concatenate(r[:2]) for r in results.values()])
    involved = fp.sorted_unique(everyone)
    old = involved[involved < first_new]
    old_rows = sql.doc_rows(conn, old.tolist())
    sig = np.empty((len(involved), fp.NUM_PERM), dtype=np.uint32)
    count = np.empty(len(involved), dtype=np.int64)
    is_new = involved >= first_new
    sig[is_new] = signatures[involved[is_new] - first_new]
    count[is_new] = n_samples[involved[is_new] - first_new]
    alive = np.ones(len(involved), dtype=bool)
    for i in np.flatnonzero(~is_new).tolist():
        row = old_rows.get(int(involved[i]))
        if row is None:  # its article was deleted; the index still names it
            alive[i], sig[i], count[i] = False, 0, 0
            continue
        sig[i] = np.frombuffer(row.signature, dtype="<u4")
        count[i] = row.samples
    keep: list[npt.NDArray[np.uint64]] = []
    a, b, _ = results["reuse_bands"]
    ia, ib = np.searchsorted(involved, a), np.searchsorted(involved, b)
    step = 200_000
    for i in range(0, len(a), step):
        same = (sig[ia[i : i + step]] == sig[ib[i : i + step]]).mean(axis=1)
        ok = (same >= settings.min_band_jaccard) & alive[ia[i : i + step]] & alive[ib[i : i + step]]
        keep.append(_code(a[i : i + step][ok], b[i : i + step][ok]))
    a, b, shared = results["reuse_postings"]
    ia, ib = np.searchsorted(involved, a), np.searchsorted(involved, b)
    smaller = np.minimum(count[ia], count[ib])
    ok = ((shared >= 2) | (shared == smaller)) & (shared >= settings.min_sample_share * smaller)
    ok &= alive[ia] & alive[ib]
    keep.append(_code(a[ok], b[ok]))
    codes = fp.sorted_unique(np.concatenate(keep)) if keep else np.zeros(0, dtype=np.uint64)
    pa = (codes >> np.uint64(32)).astype(np.int64).tolist()
    pb = (codes & np.uint64(0xFFFFFFFF)).astype(np.int64).tolist()
    return list(zip(pa, pb, strict=True))


def _code(a: I64, b: I64) -> npt.NDArray[np.uint64]:
    return (a.astype(np.uint64) << np.uint64(32)) | b.astype(np.uint64)


def _id_lookup(
    store: Store, ids: list[str], first_new: int, pairs: Iterable[tuple[int, int]]
) -> dict[int, str]:
    id_of = {first_new + i: aid for i, aid in enumerate(ids)}
    olds = sorted({d for p in pairs for d in p if d < first_new})
    id_of.update({d: r.article_id for d, r in sql.doc_rows(store.conn, olds).items()})
    return id_of


def _confirm_all(
    store: Store, pairs: list[tuple[str, str]], settings: Settings, mapper: Mapper | None
) -> list[sql.PairRow]:
    """The confirmed pairs, checked group by group: connected groups of candidates packed
    into jobs of about ``CONFIRM_JOB`` pairs (each text is shingled by one job only), a
    window of jobs (and the texts they name) at a time; the same jobs however they run."""
    mapper = _mapper(mapper, settings, len(pairs), CONFIRM_PARALLEL_FROM)
    groups: dict[str, list[tuple[str, str]]] = {}
    uf = UnionFind()
    for a, b in pairs:
        uf.union(a, b)
    for p in pairs:
        groups.setdefault(uf.find(p[0]), []).append(p)
    jobs: list[list[tuple[str, str]]] = [[]]
    for group in groups.values():  # in the order of their first pair
        if len(jobs[-1]) >= CONFIRM_JOB:
            jobs.append([])
        jobs[-1].extend(group)
    found: list[sql.PairRow] = []
    for lo in range(0, len(jobs), WINDOW):
        window = [job for job in jobs[lo : lo + WINDOW] if job]
        texts = sql.texts_by_id(store.conn, sorted({x for job in window for p in job
                                                    for x in p}))
        work = [(job, {x: texts[x] for p in job for x in p}, settings.thresholds)
                for job in window]
        found += [p for part in mapper.map(_confirm_texts, work) for p in part]
    return found
