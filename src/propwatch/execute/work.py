"""The work one document costs, as pure functions every executor calls.

``read`` turns one input into documents (and skip or error records), and
``Worker.process`` turns one document into one ``Outcome``: its analysed articles, a
rejection (not an article), "already stored" or an error record.  Nothing here touches the
database: the driver stores outcomes (``batch.record``), in input order, whichever
executor produced them, so the in-process run and the Ray run store the same rows.

A ``Worker`` holds one analysis pipeline (one model session); an executor makes one per
thread pool (in-process) or one per actor (Ray).  Everything a worker needs travels in one
picklable ``Context``.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import propwatch.components  # noqa: F401  (registers the components a worker builds)
from propwatch.analyse import Pipeline
from propwatch.errors import InputError, PropwatchError, describe_exception
from propwatch.extract import RecurringLines, extract
from propwatch.ingest import Input, read_input
from propwatch.model import Article, Extracted, RawDocument, Rejected, article_id
from propwatch.store import DATABASE_ERRORS
from propwatch.techniques.profiles import DEFAULT_PROFILE

log = logging.getLogger(__name__)

T = TypeVar("T")
ERROR = "error"  # the kind of a document some stage failed on

# Failures that concern one document (or one database write), not the whole run.
EXPECTED: tuple[type[Exception], ...] = (*DATABASE_ERRORS, PropwatchError)
EXPECTED_OR_STOP: tuple[type[BaseException], ...] = (*EXPECTED, KeyboardInterrupt)


@dataclass(frozen=True)
class Context:
    """What per-document work needs, learned by the run's first pass (picklable)."""

    recurring: RecurringLines
    components: tuple[str, ...]
    max_bytes: int
    time_limit: float | None
    stored: frozenset[str] = frozenset()  # content hashes the store held at the first pass
    failed: frozenset[str] = frozenset()  # documents (where) the first pass failed on
    profile: str = DEFAULT_PROFILE  # the technique tagger's profile (tagger.use_profile)


@dataclass(frozen=True)
class Parts:
    """A document's extracted article parts, waiting for analysis."""

    doc: RawDocument
    parts: list[Extracted]
    extraction_cpu: float  # CPU seconds extraction took (this thread's)


@dataclass(frozen=True)
class Analysed:
    doc: RawDocument
    articles: list[Article]
    cpu: Mapping[str, float] = field(default_factory=dict)  # stage -> CPU seconds


@dataclass(frozen=True)
class NotArticle:
    doc: RawDocument
    rejected: Rejected


@dataclass(frozen=True)
class AlreadyStored:
    content_hash: str
    where: str


@dataclass(frozen=True)
class Problem:
    """A skip (the input cannot be used) or an error record (a stage failed on it)."""

    where: str
    kind: str
    reason: str
    document: bool = False  # about a document read (counted as one), not about an input

    def error(self) -> InputError:
        return InputError(self.where, self.reason, kind=self.kind)


@dataclass(frozen=True)
class InputDone:
    """Every document of input number ``index`` has an outcome (for progress)."""

    index: int


Outcome = Analysed | NotArticle | AlreadyStored | Problem | InputDone


def read(item: Input, context: Context) -> Iterator[RawDocument | Problem]:
    """The documents of one input; what cannot be read becomes a Problem."""
    results = read_input(item, context.max_bytes)
    while True:
        try:
            result = next(results)
        except StopIteration:
            return
        except EXPECTED_OR_STOP:
            raise
        except Exception as exc:  # noqa: BLE001 - one input costs only itself
            where = item.path if item.path != "-" else "<stdin>"
            yield failure(where, "read", exc, document=False)
            return
        if isinstance(result, InputError):
            yield Problem(result.where, result.kind, result.reason)
        elif result.where not in context.failed:
            yield result


@dataclass
class Worker:
    """One model session and the work it does on one document at a time."""

    context: Context
    pipeline: Pipeline = field(init=False)

    def __post_init__(self) -> None:
        self.pipeline = Pipeline.from_names(self.context.components)

    def extract(self, doc: RawDocument) -> Parts | Outcome:
        """First half of ``process``: the document's article parts, or its outcome when it
        has no parts to analyse (already stored, not an article, extraction failed)."""
        if doc.content_hash in self.context.stored:
            return AlreadyStored(doc.content_hash, doc.where)
        started = time.thread_time()
        try:
            result = stage("extraction", partial(extract, doc, self.context.recurring))
        except StageError as exc:
            return failure(doc.where, exc.stage, exc.__cause__ or exc)
        if isinstance(result, Rejected):
            log.info("%s: not an article (%s): %s", doc.where, result.kind, result.reason)
            return NotArticle(doc, result)
        return Parts(doc, result, time.thread_time() - started)

    def analyse(self, parts: Parts) -> Outcome:
        """Second half of ``process``: run the pipeline on every part."""
        doc, started = parts.doc, time.thread_time()
        try:
            articles = stage("analysis", partial(build_articles, doc, parts.parts, self.pipeline))
        except StageError as exc:
            return failure(doc.where, exc.stage, exc.__cause__ or exc)
        cpu = {"extraction": parts.extraction_cpu, "analysis": time.thread_time() - started}
        return Analysed(doc, articles, cpu)

    def extract_timed(self, doc: RawDocument) -> Parts | Outcome:
        """``extract`` within the time limit (where a timer can run)."""
        return self._timed(doc, partial(self.extract, doc))

    def process(self, doc: RawDocument) -> Outcome:
        """One document -> its outcome, within the time limit (where a timer can run)."""
        return self._timed(doc, partial(self._extract_and_analyse, doc))

    def _extract_and_analyse(self, doc: RawDocument) -> Outcome:
        parts = self.extract(doc)
        return self.analyse(parts) if isinstance(parts, Parts) else parts

    def _timed(self, doc: RawDocument, work: Callable[[], T]) -> T | Problem:
        try:
            with time_limit(self.context.time_limit):
                return work()
        except TimeLimitExceeded as exc:  # the timer fired between two stages
            return failure(doc.where, "analysis", exc)


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


def failure(where: str, stage_name: str, exc: BaseException, document: bool = True) -> Problem:
    """The error record of a stage that failed on one document (or input)."""
    log.debug("%s failed on %s", stage_name, where, exc_info=exc)
    return Problem(where, ERROR, f"{stage_name} failed: {describe_exception(exc)}", document)


def stage(name: str, work: Callable[[], T]) -> T:
    """Run one stage; an unexpected exception is tagged with the stage's name.  Errors
    raised on purpose (a missing model, a database failure) pass unchanged: they are not
    about this document and stop the run."""
    try:
        return work()
    except EXPECTED:
        raise
    except Exception as exc:
        raise StageError(name) from exc


class StageError(Exception):
    """Names the stage an exception came from; its cause is what went wrong."""

    def __init__(self, stage: str) -> None:
        super().__init__(stage)
        self.stage = stage


class TimeLimitExceeded(Exception):
    pass


def over_time(seconds: float) -> TimeLimitExceeded:
    return TimeLimitExceeded(f"stopped after {seconds:g} s (raise it with --time-limit)")


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Stop the work inside after ``seconds`` with TimeLimitExceeded (a per-document error).
    Needs SIGALRM and the main thread; elsewhere the work runs unbounded."""
    if not seconds or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise over_time(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
