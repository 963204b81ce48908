"""The Ray executor: the work of ``execute.work`` as a Ray Data job over a cluster's actors.

The job is two Ray Data steps over the list of inputs:

- ``flat_map(_read_rows)``: tasks read each input into its documents (``work.read``: the
  same ingest as the in-process run, skips and read errors as records), then a marker that
  the input is done (for progress);
- ``map_batches(_Analyser)``: an actor pool of ``workers`` actors, each holding one model
  session (``work.Worker``) with ``threads`` ONNX threads, runs ``Worker.process`` (extract
  and analyse, under the time limit) on each document.

The corpus-level steps' per-item work (``map``) runs as Ray tasks (``execute.tasks``).

Rows carry pickled values (documents, outcomes), and the job keeps input order
(``preserve_order``), so the driver stores exactly what the in-process run stores, in the
same order.  Workers read the input files themselves: on a cluster the paths must be
visible on every node (a shared file system), and propwatch must be installed there.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from propwatch.errors import ConfigError, MissingExtraError
from propwatch.execute.tasks import R, RayTasks, T
from propwatch.execute.work import Context, InputDone, Outcome, Worker, read
from propwatch.ingest import Input
from propwatch.model import RawDocument

log = logging.getLogger(__name__)

#: Documents one actor call analyses; small, so the work spreads evenly over the actors.
BATCH_SIZE = 4
#: Ray Data blocks the list of inputs is cut into (each is read by one task).
READ_BLOCKS = 64
#: CPUs a read task reserves: none, since reading is light next to analysing and a read
#: task that waits for a CPU the actor pool holds would stall the whole job (at most
#: ``workers`` read tasks run at once).
READ_CPUS = 0


class RayExecutor:
    def __init__(self, address: str, workers: int, threads: int = 1) -> None:
        if not address:
            raise ConfigError("--ray needs 'auto', 'local' or a cluster address")
        self.address = address
        self.workers = max(1, workers)
        self.threads = max(1, threads)
        self.started = False  # this executor connected (and so shuts the connection down)
        self.tasks: RayTasks | None = None

    def outcomes(self, inputs: list[Input], context: Context) -> Iterator[Outcome]:
        """Every input's outcomes, in input order, computed on the cluster."""
        ray = self._connected()
        if inputs:
            yield from self._run(ray, inputs, context)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """``fn`` of every item, in order, as Ray tasks (corpus-level work)."""
        if self.tasks is None:
            self.tasks = RayTasks(self._connected(), self.workers)
        return self.tasks.map(fn, items)

    def keep(self, item: T) -> T:
        """``item`` in the cluster's object store once (``RayTasks.keep``)."""
        if self.tasks is None:
            self.tasks = RayTasks(self._connected(), self.workers)
        return self.tasks.keep(item)

    def close(self) -> None:
        """Shut down the cluster connection this executor made (not one made before)."""
        if self.started:
            _ray().shutdown()
            self.started, self.tasks = False, None

    def _connected(self) -> Any:
        ray = _ray()
        if not ray.is_initialized():
            connect(self.address, self.workers)
            self.started = True
        return ray

    def _run(self, ray: Any, inputs: list[Input], context: Context) -> Iterator[Outcome]:
        data = ray.data
        settings = data.DataContext.get_current()
        settings.execution_options.preserve_order = True  # outcomes in input order
        settings.enable_progress_bars = False  # the run reports its own progress
        settings.print_on_execution_start = False
        settings.enable_auto_log_stats = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        shipped = ray.put(context)
        items = [{"index": i, "item": pickle.dumps(item)} for i, item in enumerate(inputs)]
        dataset = (
            data.from_items(items, override_num_blocks=min(len(items), READ_BLOCKS))
            .flat_map(_read_rows, fn_kwargs={"context": shipped}, num_cpus=READ_CPUS,
                      compute=data.TaskPoolStrategy(size=self.workers))
            .map_batches(
                _Analyser, fn_constructor_kwargs={"context": shipped, "threads": self.threads},
                batch_size=BATCH_SIZE, compute=data.ActorPoolStrategy(size=self.workers),
                num_cpus=self.threads,
            )
        )
        for row in dataset.iter_rows():
            yield pickle.loads(row["outcome"])


def connect(address: str, workers: int) -> None:
    """Join the cluster at ``address`` ("auto": the one running here; an address) or start
    a fresh one on this machine ("local", ``workers`` CPUs).  No usage statistics are
    sent and no dashboard is started."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray = _ray()
    quiet = {"include_dashboard": False, "log_to_driver": False,
             "logging_level": logging.WARNING}
    try:
        if address == "local":
            ray.init(address="local", num_cpus=workers, **quiet)
        else:
            ray.init(address=address, **({} if address.startswith("ray://") else quiet))
    except ConnectionError as exc:
        raise ConfigError(f"cannot reach the Ray cluster at '{address}': {exc}; start one "
                          "with `ray start --head` or use --ray local") from exc


def _read_rows(row: dict[str, Any], context: Any) -> list[dict[str, Any]]:
    """One input -> a row per document or problem, then its ``InputDone``."""
    item: Input = pickle.loads(row["item"])
    index = int(row["index"])
    ctx: Context = context if isinstance(context, Context) else _ray().get(context)
    events: list[object] = [*read(item, ctx), InputDone(index)]
    return [{"index": index, "event": pickle.dumps(event)} for event in events]


class _Analyser:
    """One actor: one model session, ``threads`` ONNX threads."""

    def __init__(self, context: Any, threads: int) -> None:
        from propwatch.techniques.tagger import use_profile, use_threads

        ctx: Context = context if isinstance(context, Context) else _ray().get(context)
        os.environ["PROPWATCH_THREADS"] = str(threads)  # the claim networks' threads
        use_threads(threads)
        use_profile(ctx.profile)
        self.worker = Worker(ctx)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        outcomes = []
        for payload in batch["event"]:
            event = pickle.loads(payload)
            outcome = self.worker.process(event) if isinstance(event, RawDocument) else event
            outcomes.append(pickle.dumps(outcome))
        return {"outcome": np.array(outcomes, dtype=object)}


def _ray() -> Any:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as exc:
        raise MissingExtraError("analysing on a Ray cluster (--ray)", "ray") from exc
    return ray
