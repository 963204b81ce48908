"""The main job: inputs in, clean analysed articles stored.

``analyze`` reads every input twice.  A first pass, here, learns which lines recur across
pages of the same site (strong evidence of page chrome) and which documents are already
stored (same content hash: skipped, so an interrupted run is finished by running it
again).  The second pass hands the inputs to an executor, which runs the per-document
work of ``execute.work`` (read, extract, analyse: one pure function of the document) and
yields one outcome per document in input order; ``record`` stores each one here, the same
way whichever executor ran the work: in-process threads (``execute.local``, the default)
or a Ray cluster (``execute.on_ray``, ``Options.ray``).  Last come the corpus-level
steps: republication pairs, known-claim matches and narratives; the per-article part of
their work (fingerprints, confirmations, narrative features) runs on the same executor
(``Executor.map``), the sequential rest (candidates, assignment, storing) here.

Isolation: every stage that handles one document (read, learn, extract, analyse, store)
turns an exception into an error record against that document (kind ``error``, a
one-line reason naming the file and line) and the run goes on; ``strict`` makes the first
one fatal instead.  Extracting and analysing one document may take at most
``time_limit`` seconds (past that, it is an error too).  Only database failures (locked,
full, damaged) stop a run, since no later document could be stored either.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from propwatch import kb, narratives, reuse
from propwatch.components import DEFAULT_COMPONENTS
from propwatch.errors import InputError
from propwatch.execute import Executor, executor_for
from propwatch.execute.work import (
    ERROR,
    EXPECTED_OR_STOP,
    AlreadyStored,
    Analysed,
    Context,
    InputDone,
    NotArticle,
    Outcome,
    Problem,
    failure,
    time_limit,
)
from propwatch.extract import RecurringLines
from propwatch.ingest import DEFAULT_MAX_BYTES, Input, find_inputs, read_input
from propwatch.model import RawDocument
from propwatch.store import Skip, Store
from propwatch.techniques.tagger import current_profile

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (inputs done, inputs in all)
StageProgress = Callable[[str, int, int], None]  # (corpus-level stage, done, to do)
DEFAULT_TIME_LIMIT = 600.0
#: Documents analysed side by side (``PROPWATCH_THREADS``, as for the claim networks).
DEFAULT_WORKERS = int(os.environ.get("PROPWATCH_THREADS", "2") or 2)


@dataclass
class RunSummary:
    """What one run did; the CLI prints it, tests assert on it."""

    inputs: int = 0
    documents: int = 0
    already_stored: int = 0
    articles_stored: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (where, kind, reason)
    skipped: list[InputError] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)  # kind "error": a stage failed
    articles_in_store: int = 0
    reuse: reuse.UpdateSummary | None = None
    claim_matches: kb.MatchSummary | None = None
    narratives: narratives.UpdateSummary | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # run step -> wall seconds
    driver_cpu: dict[str, float] = field(default_factory=dict)  # run step -> this process's CPU
    cpu: dict[str, float] = field(default_factory=dict)  # document stage -> CPU seconds, summed

    @property
    def nothing_analysed(self) -> bool:
        return self.articles_stored == 0 and self.articles_in_store == 0


@dataclass(frozen=True)
class Options:
    max_bytes: int = DEFAULT_MAX_BYTES
    components: tuple[str, ...] = DEFAULT_COMPONENTS
    strict: bool = False  # stop at the first document a stage fails on
    time_limit: float | None = DEFAULT_TIME_LIMIT  # seconds to extract and analyse one document
    workers: int = DEFAULT_WORKERS  # documents analysed side by side (threads, or Ray actors)
    ray: str | None = None  # a Ray cluster ("auto", "local", "ray://head:10001"); None: in-process


class _Run:
    """The state one run shares: where to record what, and what already failed."""

    def __init__(self, store: Store, options: Options) -> None:
        self.store = store
        self.options = options
        self.summary = RunSummary()
        self.failed: set[str] = set()  # documents (where) the first pass failed on
        self.stored: set[str] = set()  # content hashes of the inputs already stored

    def skip(self, error: InputError) -> None:
        log.info("skipped %s", error)
        self.summary.skipped.append(error)
        self.store.record_skip(Skip(error.where, error.kind, error.reason))

    def fail(self, problem: Problem) -> None:
        error = problem.error()
        if self.options.strict:
            raise error
        log.info("%s", error)
        self.summary.errors.append(error)
        self.store.record_skip(Skip(error.where, error.kind, error.reason))

    def isolated(self, where: str, stage: str, work: Callable[[], None]) -> bool:
        """Run one stage of one document here; an exception becomes an ``error`` record.
        A database failure or an interrupt (Ctrl-C, kill) still stops the run."""
        try:
            work()
            return True
        except EXPECTED_OR_STOP:
            raise
        except Exception as exc:  # noqa: BLE001 - the point: one document costs only itself
            self.failed.add(where)
            self.fail(failure(where, stage, exc))
            return False


def analyze(
    names: Iterable[str], store: Store, options: Options = Options(),
    progress: Progress | None = None, stage_progress: StageProgress | None = None,
    executor: Executor | None = None,
) -> RunSummary:
    """Ingest, extract, analyse and store everything ``names`` points at, then bring the
    corpus-level results up to date: republication pairs, known-claim matches and
    narratives (``stage_progress`` hears how the narratives step goes).  ``executor``
    runs the per-document work (default: from ``options``, see ``execute.executor_for``)."""
    run = _Run(store, options)
    summary = run.summary
    inputs, missing = find_inputs(names, exclude=store.files())
    summary.inputs = len(inputs)
    for error in missing:
        run.skip(error)
    clock = _Clock(summary.seconds, summary.driver_cpu)
    context = first_pass(run, inputs)
    clock.lap("first pass")
    own = executor is None
    executor = executor or executor_for(options.ray, options.workers)
    try:
        for outcome in executor.outcomes(inputs, context):
            if isinstance(outcome, InputDone):
                if progress:
                    progress(outcome.index + 1, len(inputs))
                continue
            record(run, outcome)
        clock.lap("documents")
        corpus_steps(run, executor, clock, stage_progress)
    finally:
        if own:
            executor.close()
    return summary


def corpus_steps(run: _Run, executor: Executor, clock: _Clock,
                 stage_progress: StageProgress | None = None) -> None:
    """Bring the corpus-level results up to date; their per-item work runs on
    ``executor`` (``Executor.map``), the rest here."""
    store, summary = run.store, run.summary
    with store.corpus_lock():
        summary.articles_in_store = store.article_count()
        summary.reuse = reuse.update(store, mapper=executor)
        clock.lap("republication")
        if "claims" in run.options.components:
            summary.claim_matches = kb.match_new_claims(store)
            clock.lap("claim matching")
            summary.narratives = narratives.update(store, progress=stage_progress,
                                                   mapper=executor)
            clock.lap("narratives")


class _Clock:
    """Wall seconds of each step of a run, into ``seconds``, and the CPU seconds this
    process (the driver, all its threads) spent on it, into ``cpu``."""

    def __init__(self, seconds: dict[str, float], cpu: dict[str, float]) -> None:
        self.seconds, self.cpu = seconds, cpu
        self.last, self.last_cpu = time.perf_counter(), time.process_time()

    def lap(self, step: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[step], self.cpu[step] = now - self.last, cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu


def first_pass(run: _Run, inputs: list[Input]) -> Context:
    """Read every input once: the lines that recur per site, the documents already stored."""
    recurring = RecurringLines()
    for item in inputs:
        for doc in _unrecorded(run, item):
            run.isolated(doc.where, "reading its lines", partial(_learn, recurring, doc, run))
    o = run.options
    return Context(recurring, o.components, o.max_bytes, o.time_limit,
                   frozenset(run.stored), frozenset(run.failed), current_profile())


def record(run: _Run, outcome: Outcome) -> None:
    """Store one document's outcome (the one place a run writes per-document results)."""
    summary = run.summary
    if isinstance(outcome, Problem):
        summary.documents += outcome.document
        if outcome.kind == ERROR:
            run.fail(outcome)
        else:
            run.skip(outcome.error())
        return
    summary.documents += 1
    if isinstance(outcome, AlreadyStored):
        _already_stored(run, outcome.content_hash, outcome.where)
    elif isinstance(outcome, NotArticle | Analysed):
        started = time.thread_time()
        run.isolated(outcome.doc.where, "storing", partial(_save, run, outcome))
        cpu = dict(outcome.cpu) if isinstance(outcome, Analysed) else {}
        cpu["storing"] = time.thread_time() - started
        for stage, seconds in cpu.items():
            summary.cpu[stage] = summary.cpu.get(stage, 0.0) + seconds


def _save(run: _Run, outcome: NotArticle | Analysed) -> None:
    doc, summary = outcome.doc, run.summary
    if isinstance(outcome, NotArticle):
        if run.store.save_rejected(doc, outcome.rejected):
            summary.rejected.append((doc.where, outcome.rejected.kind, outcome.rejected.reason))
            return
    elif run.store.save_articles(doc, outcome.articles):
        summary.articles_stored += len(outcome.articles)
        return
    _already_stored(run, doc.content_hash, doc.where)


def _learn(recurring: RecurringLines, doc: RawDocument, run: _Run) -> None:
    with time_limit(run.options.time_limit):
        recurring.add(doc)
    if run.store.has_document(doc.content_hash):
        run.stored.add(doc.content_hash)


def _already_stored(run: _Run, content_hash: str, where: str) -> None:
    run.summary.already_stored += 1
    run.store.add_source(content_hash, where)
    run.store.clear_skip(where)


def _unrecorded(run: _Run, item: Input) -> Iterator[RawDocument]:
    """The readable documents of ``item`` for the first pass; what cannot be read is
    recorded by the second pass only, so each problem is reported once."""
    try:
        for result in read_input(item, run.options.max_bytes):
            if isinstance(result, RawDocument):
                yield result
    except EXPECTED_OR_STOP:
        raise
    except Exception:  # noqa: BLE001 - the second pass reads it again and records why
        log.debug("first pass could not read %s", item.path, exc_info=True)
