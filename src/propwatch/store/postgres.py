"""PostgreSQL backend (psycopg 3): ``--db postgresql://user@host/dbname``.

Writers take turns as on SQLite: every write transaction first takes one advisory lock of
the database (``pg_advisory_xact_lock``), so what a writer checks ("is this document
stored?") still holds when it writes; unique constraints and ``ON CONFLICT`` back that up.
Readers never wait.  Corpus-level updates hold a session advisory lock.  Article search
is a ``tsvector`` column with a GIN index (``simple`` configuration); a search by
relevance ranks its matches with FTS5's bm25, as SQLite does, from two small columns of
each match (``rank_terms``, ``rank_length``) instead of its tsvector.  Keyword search of
known claims (a feature of matching) ranks with SQLite FTS5's BM25 over an in-memory copy
of the claims' search texts, reloaded when ``kb_claims`` changes: the same ranks as on
SQLite, hence the same matches (ts_rank orders differently and would change them).
"""

from __future__ import annotations

import functools
import logging
import math
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from propwatch.errors import MissingExtraError, StoreError, one_line
from propwatch.store import sqlite
from propwatch.store.connection import HIT_CLOSE, HIT_OPEN, Cursor, Read, Term, TextSearch

if TYPE_CHECKING:
    import psycopg
    import psycopg_pool

# Advisory lock keys (one 64-bit space per database): "propwatch" + what is locked.
WRITE_LOCK = 0x70726F70_77726974  # every write transaction
CORPUS_LOCK = 0x70726F70_636F7270  # corpus-level updates (reuse index, matches, narratives)
CONNECT_SECONDS = 10
STREAM_CHUNK = 500  # rows a chunk of `stream` (libpq 17+; one row at a time before)
BM25_K1, BM25_B = 1.2, 0.75  # FTS5's bm25 constants
CORPUS_SECONDS = 60.0  # how long a process keeps the corpus's size for bm25
_CORPUS: dict[str, tuple[float, int, float]] = {}  # URL: (read at, articles, words each)
SNIPPET_BEFORE, SNIPPET_CHARS = 300, 1200  # the text ts_headline is given (characters)
HEADLINE = f"StartSel={HIT_OPEN}, StopSel={HIT_CLOSE}, MaxWords=40, MinWords=20, MaxFragments=1"


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtraError("a PostgreSQL database (--db postgresql://...)",
                                "postgres") from exc
    return psycopg


@functools.lru_cache(maxsize=4096)
def _placeholders(sql: str) -> str:
    """``?`` placeholders (outside string literals) as psycopg's ``%s``; ``%`` doubled."""
    out, quoted = [], False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "%":
            out.append("%%")
        elif char == "?" and not quoted:
            out.append("%s")
        else:
            out.append(char)
    return "".join(out)


def _one_word(term: Term) -> bool:
    """A term that is one word as typed (letters and digits), not a prefix or a phrase."""
    return term.text.isalnum() and not term.prefix


def tsquery_lexeme(term: Term) -> str:
    """One term as a quoted ``to_tsquery`` operand (a quoted phrase becomes ``a <-> b``)."""
    text = term.text.replace("\\", "\\\\").replace("'", "''")
    return f"'{text}'" + (":*" if term.prefix else "")


class PostgresConnection:
    backend = "postgresql"
    server = True

    def __init__(self, conn: psycopg.Connection[Any], url: str,
                 pool: psycopg_pool.ConnectionPool[Any] | None = None) -> None:
        self.raw = conn
        self.target = url
        self._pool = pool
        self._kb: tuple[str, sqlite3.Connection] | None = None  # (version, FTS5 copy)
        self._postings: bool | None = None  # has search_postings (migration 013)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if not params:
            return self.raw.execute(sql)
        return self.raw.execute(_placeholders(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        cursor = self.raw.cursor()
        cursor.executemany(_placeholders(sql), list(rows))
        return cursor

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        query = _placeholders(sql) if params else sql
        return self.raw.cursor().stream(query, params or None, size=STREAM_CHUNK)

    def read_all(self, reads: Sequence[Read]) -> list[Any]:
        with self.raw.pipeline():  # every query sent, then every result read: one wait
            cursors = [self.execute(r.sql, r.params) for r in reads]
        return [r.parse(c.fetchall()) for r, c in zip(reads, cursors, strict=True)]

    def insert_rows(self, table: str, columns: Sequence[str],
                    rows: Iterable[Sequence[Any]]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        with self.raw.cursor() as cursor, \
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def transaction(self) -> Iterator[PostgresConnection]:
        with self.raw.transaction():
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield self

    @contextmanager
    def corpus_lock(self) -> Iterator[None]:
        self.raw.execute("SELECT pg_advisory_lock(%s)", (CORPUS_LOCK,))
        try:
            yield
        finally:
            self.raw.execute("SELECT pg_advisory_unlock(%s)", (CORPUS_LOCK,))

    def in_ints(self, column: str, values: Sequence[int]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?::bigint[])", [[int(v) for v in values]]

    def in_texts(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?::text[])", [[str(v) for v in values]]

    def in_select(self, column: str, select: str) -> str:
        # the rows as an array, read first: as a join, the planner guesses a recursive
        # query's rows by the thousand and scans the whole table (40 ms against 0.6)
        return f"{column} = ANY(ARRAY({select}))"

    def text_search(self, terms: Sequence[Term]) -> TextSearch:
        query = "to_tsquery('simple', ?)"
        param = " & ".join(tsquery_lexeme(t) for t in terms)
        words = self._words(terms)
        articles, mean_length = self._corpus_size()
        idfs = self._idfs(terms, words, articles) if len(terms) > 1 else [1.0]
        rank, rank_args = self._bm25(terms, idfs, mean_length)
        text, text_args = "a.text", tuple[str, ...]()
        if terms and _one_word(terms[0]):
            # ts_headline parses all the text it gets: give it the part around the first
            # word's first occurrence (half the time of a page of rarer words' results)
            text = (f"substr(a.text, GREATEST(1, regexp_instr(a.text, ?, 1, 1, 0, 'i')"
                    f" - {SNIPPET_BEFORE}), {SNIPPET_CHARS})")
            text_args = (rf"\m{terms[0].text}\M",)
        listed: dict[str, Any] = {}
        if len(terms) == 1 and words[0] is not None:  # one word: its own list of articles
            lexeme, total = words[0]
            newest_rank, newest_rank_args = self._bm25(terms, idfs, mean_length, listed=True)
            listed = {"total": total, "newest": "propwatch_newest(?, ?) AS a",
                      "newest_args": (lexeme,), "newest_rank": f"{newest_rank} DESC",
                      "newest_rank_args": newest_rank_args}
        return TextSearch(
            source="article_facets a", match=f"a.search @@ {query}",
            matching=f"SELECT rowid FROM propwatch_matching({query}) AS m(rowid)",
            rank=f"{rank} DESC", rank_args=rank_args,
            snippet="SELECT a.rowid, a.id, a.title, a.outlet, a.published, a.language,"
                    f" ts_headline('simple', {text}, {query}, '{HEADLINE}')"
                    " FROM articles a WHERE a.rowid IN ({marks})",
            snippet_args=(*text_args, param), param=param, **listed)

    def _words(self, terms: Sequence[Term]) -> list[tuple[str, int] | None]:
        """For each term that is one word, (its lexeme, how many articles hold it) from
        its lists (``search_postings`` and ``search_pending``, migration 013); None for a
        prefix, a phrase, a word the parser splits, or a database without the lists."""
        if not self._has_postings():
            return [None] * len(terms)
        rows = self.execute(
            "SELECT t.i, l.word, propwatch_word_articles(l.word)"
            " FROM unnest(?::text[]) WITH ORDINALITY AS t(term, i),"
            " unnest(tsvector_to_array(to_tsvector('simple', t.term))) AS l(word)",
            [[t.text for t in terms]]).fetchall()
        found: dict[int, list[tuple[str, int]]] = {}
        for i, word, n in rows:
            found.setdefault(int(i) - 1, []).append((str(word), int(n)))
        return [found[i][0] if _one_word(t) and len(found.get(i, [])) == 1 else None
                for i, t in enumerate(terms)]

    def _has_postings(self) -> bool:
        if self._postings is None:
            self._postings = self.execute(
                "SELECT to_regclass('search_postings') IS NOT NULL").fetchone()[0] is True
        return self._postings

    def _bm25(self, terms: Sequence[Term], idfs: Sequence[float], mean_length: float,
              listed: bool = False) -> tuple[str, tuple[Any, ...]]:
        """FTS5's bm25 score of a match (the title counted TITLE_WEIGHT times, as on
        SQLite) from its ``rank_terms`` and ``rank_length`` (migration 012), which are kept
        in the row: reading each match's whole tsvector instead costs half a second for
        10,000 matches.  A word's weighted count is looked up (a word counted once is not
        listed); a prefix or a phrase counts once per article.  Several terms are weighted
        by their idf over the whole corpus, as in FTS5.  ``listed``: the same score of one
        word's match as ``propwatch_newest`` lists it (its weighted count and length)."""
        size = "a.length" if listed else "a.rank_length"
        length = f"{BM25_K1} * ({1 - BM25_B} + {BM25_B} * {size}::float8 / ?)"
        parts: list[str] = []
        args: list[Any] = []
        for term, idf in zip(terms, idfs, strict=True):
            if listed:
                count = "a.weighted::float8"
                args += [idf, mean_length]
            elif _one_word(term):  # a key of rank_terms
                count = "COALESCE((a.rank_terms ->> ?)::float8, 1)"
                args += [idf, term.text.lower(), term.text.lower(), mean_length]
            else:
                count = "1"
                args += [idf, mean_length]
            parts.append(f"? * {count} * {BM25_K1 + 1} / ({count} + {length})")
        return "(" + " + ".join(parts) + ")", tuple(args)

    def _corpus_size(self) -> tuple[int, float]:
        """(articles, their mean length in words) for bm25, read again at most every
        CORPUS_SECONDS by the connections of one process to one database: a search then
        costs no extra query (an article more or less moves the mean by a trifle; reading
        them takes 10-100 ms, which each of the web app's 40 pooled connections paid once
        a minute when each kept its own)."""
        now = time.monotonic()
        known = _CORPUS.get(self.target)
        if known is None or now - known[0] > CORPUS_SECONDS:
            row = self.execute("SELECT COUNT(rank_length), AVG(rank_length) FROM articles"
                               ).fetchone()  # from the rank_length index alone
            known = _CORPUS[self.target] = (now, int(row[0]), max(float(row[1] or 0), 1.0))
        return known[1], known[2]

    def _idfs(self, terms: Sequence[Term], words: Sequence[tuple[str, int] | None],
              articles: int) -> list[float]:
        """FTS5's idf of each term: log((N - n + 0.5) / (n + 0.5)), at least 1e-6, where
        n of the N articles hold it (a word's n from its list, the others counted)."""
        counted = [i for i, w in enumerate(words) if w is None]
        counts = [w[1] if w is not None else 0 for w in words]
        if counted:
            row = self.execute("SELECT " + ", ".join(
                "(SELECT COUNT(*) FROM propwatch_matching(to_tsquery('simple', ?)))"
                for _ in counted), [tsquery_lexeme(terms[i]) for i in counted]).fetchone()
            for i, n in zip(counted, row, strict=True):
                counts[i] = int(n)
        return [max(math.log((articles - n + 0.5) / (n + 0.5)), 1e-6) for n in counts]

    def kb_search(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        version = str(self.execute(  # is_called: the first change leaves last_value at 1
            "SELECT last_value || '/' || is_called FROM kb_claims_version").fetchone()[0])
        if self._kb is None or self._kb[0] != version:
            rows = self.execute("SELECT rowid, search_text FROM kb_claims").fetchall()
            self._kb = (version, sqlite.keyword_index(rows))
        return sqlite.SqliteConnection(self._kb[1], ":memory:").kb_search(words, limit)

    def data_version(self) -> str:
        # xmin:xmax:in-progress of the server: moves on whenever a writing transaction
        # starts or ends (read-only ones are not counted), so a cache keyed on it is fresh
        return str(self.execute("SELECT pg_current_snapshot()::text").fetchone()[0])

    def applied_migrations(self) -> set[str]:
        if self.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
            return set()
        return {str(r[0]) for r in self.raw.execute("SELECT name FROM schema_migrations")}

    def run_script(self, sql: str) -> None:
        self.execute(sql)

    def files(self) -> list[str]:
        return []

    def close(self) -> None:
        if self._pool is not None:
            self._pool.putconn(self.raw)
        else:
            self.raw.close()


log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=64)
def _check_ctype(url: str, ctype: str) -> None:
    """Warn once per database when its character type is not UTF-8: PostgreSQL's word
    search then reads typographic punctuation as letters ("government’s", “plan” become
    single words), so a search finds fewer articles than the same corpus in SQLite."""
    if "utf" not in ctype.lower().replace("-", ""):
        log.warning("%s has the character type %r: word search will miss words next to "
                    "curly quotes and apostrophes; create the database with "
                    "'createdb -E UTF8 --lc-ctype=C.UTF-8 -T template0' (docs/scale.md)",
                    shown(url), ctype)


def connect(url: str, read_only: bool = False) -> PostgresConnection:
    """A connection to the database at ``url`` (autocommit: transactions are explicit)."""
    psycopg = _psycopg()
    options = "-c default_transaction_read_only=on" if read_only else None
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS,
                               options=options)
    except psycopg.Error as exc:
        raise database_error(exc, url) from exc
    ctype = conn.execute(
        "SELECT datctype FROM pg_database WHERE datname = current_database()").fetchone()
    _check_ctype(url, str(ctype[0]) if ctype else "")
    return PostgresConnection(conn, url)


def pool(url: str, size: int, read_only: bool = False) -> psycopg_pool.ConnectionPool[Any]:
    """A pool of up to ``size`` connections to ``url`` (for the web app's request threads)."""
    _psycopg()
    try:
        from psycopg_pool import ConnectionPool
    except ImportError as exc:
        raise MissingExtraError("the web app on PostgreSQL", "postgres") from exc
    kwargs: dict[str, Any] = {"autocommit": True, "connect_timeout": CONNECT_SECONDS}
    if read_only:
        kwargs["options"] = "-c default_transaction_read_only=on"
    return ConnectionPool(url, min_size=1, max_size=size, kwargs=kwargs, open=True,
                          timeout=60)


def pooled(url: str, from_pool: psycopg_pool.ConnectionPool[Any]) -> PostgresConnection:
    """A connection taken from ``from_pool``; ``close()`` gives it back."""
    return PostgresConnection(from_pool.getconn(), url, from_pool)


def shown(url: str) -> str:
    """``url`` without its password, for messages and reports."""
    parts = urlsplit(url)
    if parts.password is None:
        return one_line(url)
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return one_line(urlunsplit(parts._replace(netloc=netloc)))


def database_error(exc: Exception, url: str) -> StoreError:
    """One line saying what went wrong with the PostgreSQL database and what to do."""
    detail = one_line(str(exc).strip())
    where = shown(url)
    name = type(exc).__name__
    if name in ("OperationalError", "ConnectionTimeout") and "connect" in detail.lower():
        return StoreError(f"cannot connect to PostgreSQL database {where} ({detail}); check "
                          "that the server runs and the URL (postgresql://user@host/dbname)")
    if name == "InsufficientPrivilege":
        return StoreError(f"PostgreSQL database {where} refused the change ({detail}); ask "
                          "for write access or pass --db with another database")
    if name == "ReadOnlySqlTransaction":
        return StoreError(f"PostgreSQL database {where} is opened read-only ({detail})")
    if name == "DiskFull":
        return StoreError(f"the PostgreSQL server of {where} is out of disk space ({detail}); "
                          "free some space and run again: what was stored so far is kept")
    return StoreError(f"database error on {where} ({detail})")
