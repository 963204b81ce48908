"""The main job: inputs in, clean analysed articles stored.

``analyze`` reads every input twice: a first pass learns which lines recur across pages of
the same site (strong evidence of page chrome), the second extracts, analyses and stores
each document in its own transaction.  Documents already stored (same content hash) are
skipped, so an interrupted run is finished by running it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from propwatch import kb, reuse
from propwatch.analyse import Pipeline
from propwatch.components import DEFAULT_COMPONENTS
from propwatch.errors import InputError
from propwatch.extract import RecurringLines, extract
from propwatch.ingest import DEFAULT_MAX_BYTES, Input, find_inputs, read_input
from propwatch.model import Article, Extracted, RawDocument, Rejected, article_id
from propwatch.store import Skip, SqliteStore

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (inputs done, inputs in all)


@dataclass
class RunSummary:
    """What one run did; the CLI prints it, tests assert on it."""

    inputs: int = 0
    documents: int = 0
    already_stored: int = 0
    articles_stored: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (where, kind, reason)
    skipped: list[InputError] = field(default_factory=list)
    articles_in_store: int = 0
    reuse: reuse.UpdateSummary | None = None
    claim_matches: kb.MatchSummary | None = None

    @property
    def nothing_analysed(self) -> bool:
        return self.articles_stored == 0 and self.articles_in_store == 0


@dataclass(frozen=True)
class Options:
    max_bytes: int = DEFAULT_MAX_BYTES
    components: tuple[str, ...] = DEFAULT_COMPONENTS


def analyze(
    names: Iterable[str], store: SqliteStore, options: Options = Options(),
    progress: Progress | None = None,
) -> RunSummary:
    """Ingest, extract, analyse and store everything ``names`` points at, then bring the
    corpus-level results up to date: republication pairs and known-claim matches."""
    summary = RunSummary()
    inputs, missing = find_inputs(names)
    summary.inputs = len(inputs)
    for error in missing:
        _skip(store, summary, error)
    recurring = RecurringLines.from_documents(_documents(inputs, options.max_bytes))
    pipeline = Pipeline.from_names(options.components)
    for done, item in enumerate(inputs, start=1):
        for result in read_input(item, options.max_bytes):
            if isinstance(result, InputError):
                _skip(store, summary, result)
            else:
                _analyse_document(result, recurring, pipeline, store, summary)
        if progress:
            progress(done, len(inputs))
    summary.articles_in_store = store.article_count()
    summary.reuse = reuse.update(store)
    if "claims" in options.components:
        summary.claim_matches = kb.match_new_claims(store)
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
        )
        articles.append(pipeline(article))
    return articles


def _analyse_document(
    doc: RawDocument, recurring: RecurringLines, pipeline: Pipeline, store: SqliteStore,
    summary: RunSummary,
) -> None:
    summary.documents += 1
    if store.has_document(doc.content_hash):
        summary.already_stored += 1
        store.add_source(doc.content_hash, doc.where)
        store.clear_skip(doc.where)
        return
    result = extract(doc, recurring)
    if isinstance(result, Rejected):
        log.info("%s: not an article (%s): %s", doc.where, result.kind, result.reason)
        summary.rejected.append((doc.where, result.kind, result.reason))
        store.save_rejected(doc, result)
        return
    articles = build_articles(doc, result, pipeline)
    store.save_articles(doc, articles)
    summary.articles_stored += len(articles)


def _skip(store: SqliteStore, summary: RunSummary, error: InputError) -> None:
    log.info("skipped %s", error)
    summary.skipped.append(error)
    store.record_skip(Skip(error.where, error.kind, error.reason))


def _documents(inputs: list[Input], max_bytes: int) -> Iterator[RawDocument]:
    for item in inputs:
        for result in read_input(item, max_bytes):
            if isinstance(result, RawDocument):
                yield result
