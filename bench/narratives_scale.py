"""Narratives at scale: time and memory to group N generated articles, then to add 1,000.

The corpus comes from bench/make_corpus.py (real sentences, partly swapped words, copies of
every kind).  To measure the grouping and not the encoder (MiniLM on 2 shared cores does
about 100 sentences a second, so 100,000 articles would take most of a day), articles are
stored with a claims layer of their sentences (a regex split, every sentence of 4 words or
more) and a stand-in embedding per claim: the unit sum of fixed random vectors of its
words.  That is what the grouping reads from the store in a real run (stored vectors),
and it keeps copies close as real embeddings do.  Printed: seconds and peak memory (max
RSS) of the first ``update`` over N articles and of the ``update`` after 1,000 more, with
the CPU seconds the process used (on a shared machine, wall clock depends on the load).

    nice -n 10 .venv/bin/python bench/make_corpus.py --articles 11000 --out /tmp/c11k.jsonl
    nice -n 10 .venv/bin/python bench/narratives_scale.py /tmp/c11k.jsonl --articles 10000

``--base`` keeps the stored (not yet grouped) first N articles in a database to start
later runs from, so that only ``update`` is repeated.  ``--workers N`` runs the mapped part
of ``update`` (claims canonicalised, word counts, claim clusters) in N worker processes,
as a cluster's tasks would: the CPU seconds printed are then the driver's alone, and the
workers' are printed apart.
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import re
import resource
import shutil
import sys
import time
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from propwatch.execute.tasks import Mapper, Threads
from propwatch.kb.importer import current_aliases
from propwatch.model import Article, OffsetMap, RawDocument, Segment, Span, article_id
from propwatch.narratives import update
from propwatch.store import Store, open_store
from propwatch.store.kb import KbTables
from propwatch.store.narratives import NarrativeTables

SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
WORD = re.compile(r"[^\W\d_]{2,}")
DIM = 384
# fixed random word vectors; the last row (index -1) stands for a text without words
_TABLE = np.vstack([np.random.default_rng(7).standard_normal((1 << 16, DIM)),
                    np.ones((1, DIM))]).astype(np.float32)


def records(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def stand_ins(texts: list[str]) -> np.ndarray:
    """The unit sum of the fixed random vectors of each text's words (ones if it has none)."""
    words = [[zlib.crc32(w.casefold().encode()) & 0xFFFF for w in WORD.findall(t)] or [-1]
             for t in texts]
    lengths = np.array([len(w) for w in words])
    sums = np.add.reduceat(_TABLE[np.concatenate(words)], np.cumsum(lengths) - lengths, axis=0)
    return sums / np.linalg.norm(sums, axis=1, keepdims=True)


def store_batch(store: Store, batch: list[dict[str, Any]], aliases: str) -> None:
    keys: list[tuple[str, int, int]] = []
    vectors: list[np.ndarray] = []
    for r in batch:
        text = r["text"]
        doc = RawDocument(f"gen/{r['key']}", text, "text")
        article = Article(id=article_id(doc.content_hash, 1), source=doc.where, part=1,
                          text=text, offsets=OffsetMap((Segment(0, 0, len(text)),)),
                          title=r.get("title"), published=r.get("published"),
                          outlet=r.get("outlet"), url=r.get("url"))
        spans = [Span(m.start(), m.end(), "claim", 0.5) for m in SENTENCE.finditer(text)
                 if len(WORD.findall(m.group())) >= 4]
        article.add_layer("claims", spans)
        if store.save_articles(doc, [article]) and spans:
            keys += [(article.id, s.start, s.end) for s in spans]
            vectors.append(stand_ins([text[s.start:s.end] for s in spans]))
    if vectors:
        NarrativeTables(store.conn).save_vectors(keys, np.vstack(vectors), aliases)


def load(store: Store, items: list[dict[str, Any]]) -> None:
    aliases = current_aliases(KbTables(store.conn)).fingerprint
    for i in range(0, len(items), 500):
        store_batch(store, items[i : i + 500], aliases)
        print(f"  stored {min(i + 500, len(items))}/{len(items)}", file=sys.stderr)


T = TypeVar("T")
R = TypeVar("R")


class Pool:
    """``workers`` processes kept for the whole run (``execute.tasks.Processes`` starts
    fresh ones for every ``map``), shipping as a cluster's tasks do (``RayTasks``): the
    function of a ``map`` once per call, not once per item, and an item given to ``keep``
    (a part of the narratives' index) once in all, written to a file as into an object
    store, read by each worker process once and held there while it is used."""

    def __init__(self, workers: int, folder: Path) -> None:
        import multiprocessing

        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.stored = 0
        self.written = 0  # bytes kept in all (what a cluster's object store would take in)

    def keep(self, item: T) -> T:
        self.stored += 1
        path = self.folder / f"{self.stored}.pickle"
        with open(path, "wb") as f:
            pickle.dump(item, f, protocol=pickle.HIGHEST_PROTOCOL)
            self.written += f.tell()
        handle = Kept(str(path))
        weakref.finalize(handle, path.unlink, missing_ok=True)  # gone with the last reference
        return handle  # type: ignore[return-value]

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        shipped = self.keep(fn)
        return self.pool.map(partial(_call, shipped), items)


class Kept:
    """Where a kept item is (what a job is given instead of the item)."""

    def __init__(self, path: str) -> None:
        self.path = path


_HELD: OrderedDict[str, Any] = OrderedDict()  # a worker process's kept items, last used last


def _held(item: Any) -> Any:
    if not isinstance(item, Kept):
        return item
    if item.path not in _HELD:
        with open(item.path, "rb") as f:
            _HELD[item.path] = pickle.load(f)
        while len(_HELD) > 64:
            _HELD.popitem(last=False)
    _HELD.move_to_end(item.path)
    return _HELD[item.path]


def _call(fn: Kept, item: Any) -> Any:
    return _held(fn)(_held(item))


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def timed(store: Store, mapper: Mapper) -> str:
    start, cpu = time.time(), cpu_seconds()
    workers = cpu_seconds(resource.RUSAGE_CHILDREN)
    summary = update(store, mapper=mapper, progress=lambda stage, d, t: print(
        f"  {stage} {d}/{t} ({time.time() - start:.0f} s, {cpu_seconds() - cpu:.1f} s of "
        "driver CPU)", file=sys.stderr))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # the pool's processes are counted as children when they end: see main
    return (f"{time.time() - start:.1f} s ({cpu_seconds() - cpu:.1f} s of driver CPU; "
            f"{workers:.1f} s of ended workers before), peak RSS "
            f"{peak:.0f} MB: {summary.new_articles} "
            f"articles newly grouped, {summary.articles} in {summary.narratives} narratives, "
            f"{summary.claims} claims in {summary.clusters} clusters, {summary.merges} merges")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="JSONL from bench/make_corpus.py")
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--add", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/propwatch-bench-narratives/scale.db"))
    parser.add_argument("--base", type=Path,
                        help="a database of the first N articles, stored and not grouped, to "
                             "start from (made here if it does not exist; storing 100,000 "
                             "takes several minutes)")
    parser.add_argument("--store-only", action="store_true", help="only make --base")
    parser.add_argument("--workers", type=int, default=0,
                        help="worker processes for the mapped work (0: this process)")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    if args.base and not args.base.exists():
        with open_store(args.base) as store:
            load(store, list(itertools.islice(records(args.corpus), args.articles)))
    if args.store_only:
        return
    if args.base:
        shutil.copy(args.base, args.db)
    more = list(itertools.islice(records(args.corpus), args.articles, args.articles + args.add))
    mapper: Mapper = (Pool(args.workers, args.db.parent / f"{args.db.name}.kept") if args.workers
                      else Threads(1))
    with open_store(args.db) as store:
        if not args.base:
            load(store, list(itertools.islice(records(args.corpus), args.articles)))
        print(f"first update over {args.articles} articles: {timed(store, mapper)}")
        load(store, more)
        print(f"update after {len(more)} more: {timed(store, mapper)}")
    if isinstance(mapper, Pool):
        mapper.pool.shutdown()
        print(f"workers' CPU in all: {cpu_seconds(resource.RUSAGE_CHILDREN):.1f} s; shipped "
              f"to them: {mapper.written / 1e6:.0f} MB in {mapper.stored} kept items "
              "(index parts once each, each map's function once)")


if __name__ == "__main__":
    main()
