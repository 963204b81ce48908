"""Map-style corpus-level work: one pure function over a list of items, on the executor.

The corpus-level steps of a run (republication fingerprints and confirmations, narrative
features) do most of their work one item at a time (an article, a group of candidate
pairs); that part is a pure function of its item, run with ``Mapper.map``.  What is left
(finding candidates in the index, the online narrative assignment, storing) stays on the
driver.  ``map`` yields the results in the order of the items whoever computed them, so
a step's output does not depend on how its items were spread: ``Threads`` runs them on
this process's threads (the in-process executor), ``RayTasks`` as Ray tasks on a
cluster's CPUs (the Ray executor), ``Processes`` in worker processes (a step run on its
own, outside ``analyze``).

A function given to ``map`` must be picklable (a module-level function, or a
``functools.partial`` of one) and must not touch the database: items carry what it needs.

An item several ``map`` calls use (a part of the narratives' index, searched every block)
can be ``kept`` once: on a cluster (``RayTasks.keep``) it goes into the object store once,
later calls ship only its reference, and each worker process reads it once; in this
process it is the item itself.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Mapper(Protocol):
    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]: ...


def kept(mapper: Mapper | None, item: T) -> T:
    """``item`` as ``mapper``'s jobs read it without its being shipped again for each
    ``map``: what the mapper's ``keep`` gives (a reference its jobs resolve), else the
    item."""
    keep = getattr(mapper, "keep", None)
    return item if keep is None else keep(item)


class Threads:
    """``workers`` threads of this process (native code such as ONNX runs side by side;
    pure Python takes turns)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        if self.workers == 1 or len(items) < 2:
            yield from (fn(item) for item in items)
            return
        with ThreadPoolExecutor(max_workers=min(self.workers, len(items))) as pool:
            yield from pool.map(fn, items)


class Processes:
    """``workers`` fresh worker processes (for pure-Python work run outside an ``analyze``
    run, such as ``propwatch reuse`` on a large corpus)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            yield from pool.map(fn, items)


class RayTasks:
    """One Ray task per item, each reserving one CPU and running one ONNX thread, at most
    ``workers`` at a time (as many as the document step's actors), on a cluster already
    connected to (see ``execute.on_ray.connect``)."""

    def __init__(self, ray: Any, workers: int) -> None:
        self.ray = ray
        self.workers = max(1, workers)
        self.task = ray.remote(num_cpus=1)(_apply)

    def keep(self, item: T) -> T:
        """``item`` in the object store once; a task given what this returns reads it from
        there, once per worker process while it is used (``HELD``), so what a job
        prepares on it (a part's transposed rows) is prepared once too.  The store frees
        it when the last reference goes."""
        return _Held(self.ray.put(item))  # type: ignore[return-value]

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        ray = self.ray
        shipped = ray.put(fn)  # the function (and what it is bound to) travels once
        running: dict[Any, int] = {}  # task -> its item
        finished: dict[int, Any] = {}  # item -> result, until its turn comes
        submitted = turn = 0
        try:
            while turn < len(items):
                while submitted < len(items) and len(running) < self.workers:
                    running[self.task.remote(shipped, items[submitted])] = submitted
                    submitted += 1
                ready, _ = ray.wait(list(running), num_returns=1)
                for ref in ready:
                    finished[running.pop(ref)] = ray.get(ref)
                while turn in finished:
                    yield finished.pop(turn)
                    turn += 1
        finally:  # a stopped run leaves nothing computing
            for ref in running:
                ray.cancel(ref)


HELD = 64  # kept items a worker process holds, the last used ones


class _Held:
    """A kept item as a task is given it: its object-store reference."""

    def __init__(self, ref: Any) -> None:
        self.ref = ref


_held: OrderedDict[str, Any] = OrderedDict()  # this worker process's kept items


def _resolved(item: Any) -> Any:
    if not isinstance(item, _Held):
        return item
    key = item.ref.hex()
    if key not in _held:
        import ray

        _held[key] = ray.get(item.ref)
        while len(_held) > HELD:
            _held.popitem(last=False)
    _held.move_to_end(key)
    return _held[key]


def _apply(fn: Callable[[Any], Any], item: Any) -> Any:
    os.environ["PROPWATCH_THREADS"] = "1"  # one CPU per task (read when a model is loaded)
    return fn(_resolved(item))
