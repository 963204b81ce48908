"""Executors: who runs the per-document work of a run (``execute.work``).

``LocalExecutor`` uses this process's threads; ``RayExecutor`` (``execute.on_ray``, the
``ray`` extra) spreads the same work over a Ray cluster's actors.  Both yield one outcome
per document, in input order, and the driver (``batch``) stores them.  Both also ``map``
the per-item part of the corpus-level steps (``execute.tasks``: threads here, Ray tasks
there), results in item order.  ``close`` lets go of what the executor started (a Ray
cluster it started itself).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from propwatch.execute.tasks import Mapper, R, T

if TYPE_CHECKING:  # importing the package stays light: a step's worker processes import it
    from propwatch.execute.work import Context, Outcome
    from propwatch.ingest import Input


class Executor(Protocol):
    def outcomes(self, inputs: list[Input], context: Context) -> Iterator[Outcome]: ...

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


def executor_for(ray: str | None, workers: int) -> Executor:
    """In-process threads without ``ray``; else a Ray cluster's actors: ``ray`` is
    ``auto`` (the running cluster), ``local`` (a fresh one on this machine) or an
    address (``ray://head:10001``, ``head:6379``)."""
    if ray is None:
        from propwatch.execute.local import LocalExecutor

        return LocalExecutor(workers)
    from propwatch.execute.on_ray import RayExecutor

    return RayExecutor(ray, workers)


__all__ = ["Executor", "Mapper", "executor_for"]
