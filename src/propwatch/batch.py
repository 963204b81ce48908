"""The main job: inputs in, clean analysed articles stored.

``analyze`` reads every input twice: a first pass learns which lines recur across pages of
the same site (strong evidence of page chrome), the second extracts, analyses and stores
each document in its own transaction.  Documents already stored (same content hash) are
skipped, so an interrupted run is finished by running it again.

Parallelism: documents are extracted and stored one at a time, in input order, on the
calling thread; their analysis (the pipeline: one tagger pass per article) runs on
``workers`` threads side by side, one ONNX thread each (onnxruntime frees the GIL), so both
cores are used.  Each article is still run alone and unpadded, so its results are the same
as when analysed on its own.

Isolation: every stage that handles one document (read, learn, extract, analyse, store)
runs under ``_Run.isolated``: any exception it raises is recorded against that document
(kind ``error``, a one-line reason naming the file and line) and the run goes on;
``strict`` makes the first one fatal instead.  Extracting and analysing one document may
take at most ``time_limit`` seconds (past that, it is an error too; an analysis past it
is no longer waited for, its thread finishes in the background and its result is
dropped).  Only database
failures (locked, full, damaged) stop a run, since no later document could be stored
either.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from propwatch import kb, narratives, reuse
from propwatch.analyse import Pipeline
from propwatch.components import DEFAULT_COMPONENTS
from propwatch.errors import InputError, PropwatchError, describe_exception
from propwatch.extract import RecurringLines, extract
from propwatch.ingest import DEFAULT_MAX_BYTES, Input, find_inputs, read_input
from propwatch.model import Article, Extracted, RawDocument, Rejected, article_id
from propwatch.store import DATABASE_ERRORS, Skip, Store
from propwatch.techniques.tagger import use_threads

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (inputs done, inputs in all)
StageProgress = Callable[[str, int, int], None]  # (corpus-level stage, done, to do)
T = TypeVar("T")
ERROR = "error"  # the kind of a document some stage failed on
DEFAULT_TIME_LIMIT = 600.0
#: Documents analysed side by side (``PROPWATCH_THREADS``, as for the claim networks).
DEFAULT_WORKERS = int(os.environ.get("PROPWATCH_THREADS", "2") or 2)

# Failures that concern one document (or one database write), not the whole run.
EXPECTED: tuple[type[Exception], ...] = (*DATABASE_ERRORS, PropwatchError)
EXPECTED_OR_STOP: tuple[type[BaseException], ...] = (*EXPECTED, KeyboardInterrupt)


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

    @property
    def nothing_analysed(self) -> bool:
        return self.articles_stored == 0 and self.articles_in_store == 0


@dataclass(frozen=True)
class Options:
    max_bytes: int = DEFAULT_MAX_BYTES
    components: tuple[str, ...] = DEFAULT_COMPONENTS
    strict: bool = False  # stop at the first document a stage fails on
    time_limit: float | None = DEFAULT_TIME_LIMIT  # seconds to extract and analyse one document
    workers: int = DEFAULT_WORKERS  # documents analysed side by side, one thread each


class _Run:
    """The state one run's stages share: where to record what, and what already failed."""

    def __init__(self, store: Store, options: Options) -> None:
        self.store = store
        self.options = options
        self.summary = RunSummary()
        self.failed: set[str] = set()  # documents (where) a stage failed on

    def skip(self, error: InputError) -> None:
        log.info("skipped %s", error)
        self.summary.skipped.append(error)
        self.store.record_skip(Skip(error.where, error.kind, error.reason))

    def fail(self, where: str, stage: str, exc: BaseException) -> None:
        if isinstance(exc, _StageError) and exc.__cause__ is not None:
            stage, exc = exc.stage, exc.__cause__
        error = InputError(where, f"{stage} failed: {describe_exception(exc)}", kind=ERROR)
        if self.options.strict:
            raise error from exc
        log.info("%s", error)
        log.debug("%s failed on %s", stage, where, exc_info=exc)
        self.failed.add(where)
        self.summary.errors.append(error)
        self.store.record_skip(Skip(error.where, error.kind, error.reason))

    def isolated(self, where: str, stage: str, work: Callable[[], None]) -> bool:
        """Run one stage of one document; an exception becomes an ``error`` record.  A
        database failure or an interrupt (Ctrl-C, kill) still stops the run."""
        try:
            work()
            return True
        except EXPECTED_OR_STOP:
            raise
        except Exception as exc:  # noqa: BLE001 - the point: one document costs only itself
            self.fail(where, stage, exc)
            return False

    def documents(self, item: Input) -> Iterator[RawDocument]:
        """The documents of one input; what cannot be read is recorded as skipped."""
        results = read_input(item, self.options.max_bytes)
        while True:
            try:
                result = next(results)
            except StopIteration:
                return
            except EXPECTED_OR_STOP:
                raise
            except Exception as exc:  # noqa: BLE001
                self.fail(item.path if item.path != "-" else "<stdin>", "read", exc)
                return
            if isinstance(result, InputError):
                self.skip(result)
            elif result.where not in self.failed:
                yield result


def analyze(
    names: Iterable[str], store: Store, options: Options = Options(),
    progress: Progress | None = None, stage_progress: StageProgress | None = None,
) -> RunSummary:
    """Ingest, extract, analyse and store everything ``names`` points at, then bring the
    corpus-level results up to date: republication pairs, known-claim matches and
    narratives (``stage_progress`` hears how the narratives step goes)."""
    run = _Run(store, options)
    summary = run.summary
    inputs, missing = find_inputs(names, exclude=store.files())
    summary.inputs = len(inputs)
    for error in missing:
        run.skip(error)
    recurring = RecurringLines()
    for item in inputs:
        for doc in _unrecorded(run, item):
            run.isolated(doc.where, "reading its lines", partial(_learn, recurring, doc, run))
    workers = max(1, options.workers)
    use_threads(1 if workers > 1 else None)  # one ONNX thread per article side by side
    pool: ThreadPoolExecutor | None = None
    try:
        pipeline = Pipeline.from_names(options.components)
        pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
        pending: deque[_Pending] = deque()
        for done, item in enumerate(inputs, start=1):
            for doc in run.documents(item):
                summary.documents += 1
                run.isolated(doc.where, "analysis", partial(
                    _start_document, doc, recurring, pipeline, run, pool, pending))
                while len(pending) >= workers:
                    _finish_next(run, pending)
            if progress:
                progress(done, len(inputs))
        while pending:
            _finish_next(run, pending)
    finally:
        use_threads(None)
        if pool is not None:  # every job is stored or dropped (past its time limit)
            pool.shutdown(wait=False, cancel_futures=True)
    with store.corpus_lock():
        summary.articles_in_store = store.article_count()
        summary.reuse = reuse.update(store)
        if "claims" in options.components:
            summary.claim_matches = kb.match_new_claims(store)
            summary.narratives = narratives.update(store, progress=stage_progress)
    return summary


def build_articles(doc: RawDocument, parts: list[Extracted], pipeline: Pipeline) -> list[Article]:
    """Turn the extracted parts of one document into analysed Articles."""
    articles = []
    for number, part in enumerate(parts, start=1):
        article = Article(
            id=article_id(doc.content_hash, number), source=doc.where, part=number,
            text=part.text, offsets=part.offsets, title=part.title, author=part.author,
            published=part.published, outlet=part.outlet, url=part.url,
            declared_source=part.declared_source, canonical_url=part.canonical_url,
            meta_from=dict(part.meta_from),
        )
        articles.append(pipeline(article))
    return articles


def _learn(recurring: RecurringLines, doc: RawDocument, run: _Run) -> None:
    with time_limit(run.options.time_limit):
        recurring.add(doc)


@dataclass
class _Pending:
    """A document being analysed on a worker thread; stored, in input order, when done."""

    doc: RawDocument
    articles: Future[list[Article]]
    started: float


def _start_document(
    doc: RawDocument, recurring: RecurringLines, pipeline: Pipeline, run: _Run,
    pool: ThreadPoolExecutor | None, pending: deque[_Pending],
) -> None:
    """Extract ``doc`` (here, under the time limit), then analyse it on a worker thread
    (here too without a ``pool``)."""
    store, summary = run.store, run.summary
    if store.has_document(doc.content_hash):
        _already_stored(doc, run)
        return
    started = time.monotonic()
    done: Future[list[Article]] = Future()
    with time_limit(run.options.time_limit):
        result = _stage("extraction", partial(extract, doc, recurring))
        if pool is None and not isinstance(result, Rejected):
            done.set_result(_stage("analysis", partial(build_articles, doc, result, pipeline)))
    if isinstance(result, Rejected):
        log.info("%s: not an article (%s): %s", doc.where, result.kind, result.reason)
        if store.save_rejected(doc, result):
            summary.rejected.append((doc.where, result.kind, result.reason))
        else:
            _already_stored(doc, run)
        return
    articles = done if pool is None else pool.submit(build_articles, doc, result, pipeline)
    pending.append(_Pending(doc, articles, started))


def _finish_next(run: _Run, pending: deque[_Pending]) -> None:
    """Store the oldest pending document's articles (an error record if its analysis
    failed or ran past the time limit)."""
    job = pending.popleft()
    run.isolated(job.doc.where, "analysis", partial(_store_document, job, run))


def _store_document(job: _Pending, run: _Run) -> None:
    limit = run.options.time_limit
    wait = None if not limit else max(0.0, limit - (time.monotonic() - job.started))
    try:
        articles = _stage("analysis", partial(job.articles.result, wait))
    except _StageError as exc:
        if isinstance(exc.__cause__, FutureTimeout):  # the thread finishes unseen
            raise _StageError("analysis") from TimeLimitExceeded(
                f"stopped after {limit:g} s (raise it with --time-limit)")
        raise
    stored = _stage("storing", partial(run.store.save_articles, job.doc, articles))
    if stored:
        run.summary.articles_stored += len(articles)
    else:
        _already_stored(job.doc, run)


def _stage(name: str, work: Callable[[], T]) -> T:
    """Run one stage; an unexpected exception is tagged with the stage's name.  Errors
    raised on purpose (a missing model, a database failure) pass unchanged: they are not
    about this document and stop the run."""
    try:
        return work()
    except EXPECTED:
        raise
    except Exception as exc:
        raise _StageError(name) from exc


class TimeLimitExceeded(Exception):
    pass


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the work inside after ``seconds`` with TimeLimitExceeded (a per-document error).
    Needs SIGALRM and the main thread; elsewhere the work runs unbounded."""
    if not seconds or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"stopped after {seconds:g} s (raise it with --time-limit)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _already_stored(doc: RawDocument, run: _Run) -> None:
    run.summary.already_stored += 1
    run.store.add_source(doc.content_hash, doc.where)
    run.store.clear_skip(doc.where)


class _StageError(Exception):
    """Names the stage an exception came from; ``_Run.fail`` reports the cause."""

    def __init__(self, stage: str) -> None:
        super().__init__(stage)
        self.stage = stage


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
