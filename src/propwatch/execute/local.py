"""The in-process executor: the work of ``execute.work`` on this machine's threads.

Documents are read and extracted one at a time, in input order, on the calling thread
(where the time limit's timer can stop a runaway extraction); their analysis runs on
``workers`` threads side by side, one ONNX thread each (onnxruntime frees the GIL), so
both cores are used.  Each article is still run alone and unpadded, so its results are
the same as when analysed on its own.  An analysis past the time limit is no longer
waited for: its thread finishes in the background and its result is dropped.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from propwatch.execute.tasks import R, T, Threads
from propwatch.execute.work import (
    Context,
    InputDone,
    Outcome,
    Parts,
    Worker,
    failure,
    over_time,
    read,
)
from propwatch.ingest import Input
from propwatch.model import RawDocument
from propwatch.techniques.tagger import use_threads


@dataclass
class _Pending:
    where: str
    outcome: Future[Outcome]
    started: float


class LocalExecutor:
    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """``fn`` of every item, in order, on ``workers`` threads (corpus-level work)."""
        return Threads(self.workers).map(fn, items)

    def close(self) -> None:
        pass

    def outcomes(self, inputs: list[Input], context: Context) -> Iterator[Outcome]:
        """Every input's outcomes, in input order."""
        workers = self.workers
        use_threads(1 if workers > 1 else None)  # one ONNX thread per article side by side
        pool: ThreadPoolExecutor | None = None
        try:
            worker = Worker(context)
            pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
            pending: deque[_Pending] = deque()
            for index, item in enumerate(inputs):
                for event in read(item, context):
                    pending.append(self._start(worker, event, pool))
                    while len(pending) >= workers:
                        yield self._finish(pending.popleft(), context.time_limit)
                pending.append(_Pending(item.path, _done(InputDone(index)), time.monotonic()))
            while pending:
                yield self._finish(pending.popleft(), context.time_limit)
        finally:
            use_threads(None)
            if pool is not None:  # every job is stored or dropped (past its time limit)
                pool.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _start(worker: Worker, event: RawDocument | Outcome,
               pool: ThreadPoolExecutor | None) -> _Pending:
        started = time.monotonic()
        if not isinstance(event, RawDocument):
            return _Pending("", _done(event), started)
        if pool is None:
            return _Pending(event.where, _done(worker.process(event)), started)
        parts = worker.extract_timed(event)
        if not isinstance(parts, Parts):
            return _Pending(event.where, _done(parts), started)
        return _Pending(event.where, pool.submit(worker.analyse, parts), started)

    @staticmethod
    def _finish(job: _Pending, limit: float | None) -> Outcome:
        wait = None if not limit else max(0.0, limit - (time.monotonic() - job.started))
        try:
            return job.outcome.result(wait)
        except FutureTimeout:  # the thread finishes unseen
            return failure(job.where, "analysis", over_time(limit or 0))


def _done(outcome: Outcome) -> Future[Outcome]:
    future: Future[Outcome] = Future()
    future.set_result(outcome)
    return future
