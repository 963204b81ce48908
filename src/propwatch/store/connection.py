"""One database connection, whichever engine is behind it.

The store modules write one copy of every query, in the SQL that SQLite and PostgreSQL
share (``?`` placeholders, ``INSERT ... ON CONFLICT``, ``IS DISTINCT FROM``, ``NULLS
LAST``; ``rowid`` is a real column on PostgreSQL).  What the engines do differently --
transactions and locks, full-text search, matching a list of integers, noticing other
writers' commits -- is a method here, implemented once per backend
(``propwatch.store.sqlite``, ``propwatch.store.postgres``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


@dataclass(frozen=True)
class Term:
    """One term of a user's search: a word or a quoted phrase, optionally a prefix."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class TextSearch:
    """How one backend finds articles for a text query (the ``a`` alias is the facets).

    ``source``/``match``: the FROM and the WHERE condition; ``matching``: a SELECT of the
    rowids of every match (the quickest way to list them when nothing else filters);
    ``rank``: ORDER BY for relevance, its ``?`` taking ``rank_args``; ``snippet``: SELECT
    of (rowid, id, title, outlet, published, language, snippet) for the rowids in
    ``{marks}``, its ``?`` before those taking ``snippet_args``; every other ``?`` takes
    ``param``.

    A backend that keeps each word's articles in a list of its own (PostgreSQL, migration
    013) also gives, for a search it can answer from there: ``total``, how many articles
    match (exact); ``newest``, a FROM item (alias ``a``) of the newest ``?`` matches (its
    ``?`` taking ``newest_args`` and then how many), which ``newest_rank`` orders by
    relevance as ``rank`` would (its ``?`` taking ``newest_rank_args``)."""

    source: str
    match: str
    matching: str
    rank: str
    rank_args: tuple[Any, ...]
    snippet: str
    snippet_args: tuple[Any, ...]
    param: str
    total: int | None = None
    newest: str = ""
    newest_args: tuple[Any, ...] = ()
    newest_rank: str = ""
    newest_rank_args: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Read:
    """One read query and what its rows become (``Connection.read_all`` runs several)."""

    sql: str
    params: Sequence[Any] = ()
    parse: Callable[[list[Any]], Any] = field(default=list)


class Connection(Protocol):
    """What the store modules use; ``backend`` is ``"sqlite"`` or ``"postgresql"``."""

    backend: str
    # whether reads run in a database server's processes (PostgreSQL) rather than in this
    # one (SQLite): a read on a thread of its own then runs beside this process's work
    server: bool
    target: str  # the --db value (a path or a URL), for error messages and workers

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor: ...

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        """The rows of a long read, handed over while the rest arrive (PostgreSQL sends
        them in chunks as the caller works on the first ones, instead of the whole result
        before the first row); the connection runs nothing else until they are all read."""
        ...

    def read_all(self, reads: Sequence[Read]) -> list[Any]:
        """Each read's rows as its ``parse`` makes them, in order: reads that do not
        depend on each other, sent to PostgreSQL together (one round trip, a pipeline)
        and run one after another on SQLite."""
        ...

    def insert_rows(self, table: str, columns: Sequence[str],
                    rows: Iterable[Sequence[Any]]) -> None:
        """Append plain rows (no conflict handling) to ``table``: ``executemany`` on
        SQLite, one ``COPY`` on PostgreSQL (one round trip, not one per row)."""
        ...

    def transaction(self) -> AbstractContextManager[Connection]:
        """One write transaction; writers take turns (one at a time per database)."""
        ...

    def corpus_lock(self) -> AbstractContextManager[None]:
        """Held while corpus-level results are brought up to date, so that concurrent
        runs into one database take turns instead of clashing."""
        ...

    def in_ints(self, column: str, values: Sequence[int]) -> tuple[str, list[Any]]:
        """A condition ``column IN (values)`` for a long list of integers, and its params."""
        ...

    def in_texts(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """The same for a long list of strings."""
        ...

    def in_select(self, column: str, select: str) -> str:
        """A condition ``column IN (select)`` for a select of a few rows whose number the
        planner cannot know (rows of a recursive query): each of them looked up by index."""
        ...

    def text_search(self, terms: Sequence[Term]) -> TextSearch:
        """Article search: every term must appear in the title or the text."""
        ...

    def kb_search(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Known claims holding any of ``words`` (stemmed): (rowid, score) best first."""
        ...

    def data_version(self) -> str:
        """Changes whenever any connection commits a change."""
        ...

    def applied_migrations(self) -> set[str]: ...

    def files(self) -> list[str]:
        """The files holding the database on this machine (none for a server)."""
        ...

    def run_script(self, sql: str) -> None:
        """Run a migration script (several statements) inside the open transaction."""
        ...

    def close(self) -> None: ...


HIT_OPEN, HIT_CLOSE = "\x02", "\x03"  # search snippet markers; never in displayed text


def now() -> str:
    """The current UTC time as stored in ``*_at`` columns (ISO 8601, seconds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def is_url(db: str) -> bool:
    """True when ``--db`` names a PostgreSQL server rather than a SQLite file."""
    return db.startswith(("postgresql://", "postgres://"))
