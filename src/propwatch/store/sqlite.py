"""SQLite backend: one file, WAL, writers take turns on the file's write lock."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from propwatch.errors import StoreError, one_line
from propwatch.store.connection import HIT_CLOSE, HIT_OPEN, Cursor, Read, Term, TextSearch

try:
    import fcntl
except ImportError:  # not POSIX: corpus updates are not serialised across processes
    fcntl = None  # type: ignore[assignment]

BUSY_SECONDS = 60  # how long a writer waits for another one before giving up
# pages a writing connection keeps in memory (KiB; SQLite's default is 2 MiB): a block of
# the narratives reads and writes pages all over tables that grow with the corpus
CACHE_KIB = 256 * 1024


class SqliteConnection:
    backend = "sqlite"
    server = False

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.raw = conn
        self.target = path

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        return self.raw.executemany(sql, rows)

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        return iter(self.raw.execute(sql, params))

    def read_all(self, reads: Sequence[Read]) -> list[Any]:
        return [r.parse(self.raw.execute(r.sql, r.params).fetchall()) for r in reads]

    def insert_rows(self, table: str, columns: Sequence[str],
                    rows: Iterable[Sequence[Any]]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    @contextmanager
    def transaction(self) -> Iterator[SqliteConnection]:
        self.raw.execute("BEGIN IMMEDIATE")  # the write lock first: writers take turns
        try:
            yield self
        except BaseException:
            rollback(self.raw)
            raise
        self.raw.execute("COMMIT")

    @contextmanager
    def corpus_lock(self) -> Iterator[None]:
        if fcntl is None or self.target == ":memory:":
            yield
            return
        with open(self.target + "-lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def in_ints(self, column: str, values: Sequence[int]) -> tuple[str, list[Any]]:
        return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(list(values))]

    def in_texts(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        return f"{column} IN (SELECT value FROM json_each(?))", [json.dumps(list(values))]

    def in_select(self, column: str, select: str) -> str:
        return f"{column} IN ({select})"

    def text_search(self, terms: Sequence[Term]) -> TextSearch:
        return TextSearch(
            source="articles_fts JOIN article_facets a ON a.rowid = articles_fts.rowid",
            match="articles_fts MATCH ?",
            matching="SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
            rank="bm25(articles_fts, 4.0, 1.0)", rank_args=(),
            snippet="SELECT a.rowid, a.id, a.title, a.outlet, a.published, a.language,"
                    f" snippet(articles_fts, 1, '{HIT_OPEN}', '{HIT_CLOSE}', '…', 40)"
                    " FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
                    " WHERE articles_fts MATCH ? AND articles_fts.rowid IN ({marks})",
            snippet_args=(fts5_query(terms),), param=fts5_query(terms))

    def kb_search(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self.raw.execute(
            "SELECT rowid, bm25(kb_fts) FROM kb_fts WHERE kb_fts MATCH ?"
            " ORDER BY bm25(kb_fts), rowid LIMIT ?", (query, limit)).fetchall()
        return [(int(r), -float(s)) for r, s in rows]  # bm25 negated: larger is better

    def data_version(self) -> str:
        return str(self.raw.execute("PRAGMA data_version").fetchone()[0])

    def applied_migrations(self) -> set[str]:
        try:
            return {str(r[0]) for r in self.raw.execute("SELECT name FROM schema_migrations")}
        except sqlite3.OperationalError:
            return set()

    def files(self) -> list[str]:
        """The database file and its companions (write-ahead log, shared memory, journal)."""
        return [self.target + suffix for suffix in ("", "-wal", "-shm", "-journal", "-lock")]

    def run_script(self, sql: str) -> None:
        for statement in _statements(sql):
            self.raw.execute(statement)

    def close(self) -> None:
        self.raw.close()


KB_FTS = ("CREATE VIRTUAL TABLE kb_fts USING fts5(search_text,"
          " tokenize='porter unicode61 remove_diacritics 2')")  # as in migrations/003_kb.sql


def keyword_index(rows: Iterable[tuple[int, str]]) -> sqlite3.Connection:
    """An in-memory ``kb_fts`` holding (rowid, search text) rows: ``kb_search`` on it
    ranks exactly as on a SQLite store holding the same known claims."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    conn.execute(KB_FTS)
    conn.executemany("INSERT INTO kb_fts (rowid, search_text) VALUES (?, ?)", rows)
    conn.commit()
    return conn


def fts5_query(terms: Sequence[Term]) -> str:
    """Terms as an FTS5 query that cannot be a syntax error: each one quoted, all required."""
    return " ".join('"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "")
                    for t in terms)


def connect(path: str | Path) -> SqliteConnection:
    """Open (creating as needed) the database file at ``path``; migrations not applied."""
    shown = str(path)
    try:
        conn = sqlite3.connect(shown, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_SECONDS)
        conn.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    except sqlite3.Error as exc:
        raise database_error(exc, shown) from exc
    return SqliteConnection(conn, shown)


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A second, read-only connection to a store's file (for worker processes).  The path
    is percent-encoded in the ``file:`` URI, so ``we#ird.db`` opens ``we#ird.db``."""
    uri = "file:" + quote(os.path.abspath(path)) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_SECONDS)
    conn.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    return conn


def connect_readonly(path: str | Path) -> SqliteConnection:
    """A read-only connection to an existing file: no migration runs, every write fails."""
    shown = str(path)
    if not Path(path).is_file():
        raise StoreError(f"cannot open database {one_line(shown)}: there is no such file; "
                         "pass --db with a database written by analyze")
    try:
        conn = open_readonly(path)
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise database_error(exc, shown) from exc
    return SqliteConnection(conn, shown)


def _statements(sql: str) -> list[str]:
    """Split a script on statement boundaries (sqlite3.complete_statement knows the grammar)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip() and not current.strip().startswith("--"):
        statements.append(current.strip())
    return [s for s in statements if s]


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (it does on a full disk);
    never hides the error that caused it."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def database_error(exc: sqlite3.Error, path: str) -> StoreError:
    """One line saying what went wrong with the database at ``path`` and what to do."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    detail = one_line(str(exc))
    shown = one_line(path)
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in detail:
        what = (f"database {shown} stayed locked by another program for over {BUSY_SECONDS} s "
                f"({detail}); wait for the other propwatch run to finish, then run again")
    elif code.startswith("SQLITE_FULL") or "disk is full" in detail:
        what = (f"the disk holding database {shown} is full ({detail}); free some space and "
                "run again: what was stored so far is kept and a re-run finishes the rest")
    elif code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in detail \
            or "not a database" in detail:
        what = (f"database {shown} is damaged or is not a propwatch database ({detail}); "
                "restore it from a backup, or pass --db with a new file and run analyze again")
    elif code.startswith("SQLITE_READONLY"):
        what = (f"database {shown} is read-only ({detail}); make the file and its folder "
                "writable, or pass --db with another file")
    elif code.startswith("SQLITE_CANTOPEN"):
        what = (f"cannot open database {shown} ({detail}); check that its folder exists and "
                "is writable, or pass --db with another path")
    elif code.startswith("SQLITE_IOERR"):
        what = (f"the disk failed while reading or writing database {shown} ({detail}); "
                "check the drive, then run again")
    else:
        what = (f"database error on {shown} ({detail}); pass --db with a path to a propwatch "
                "database or to a new file")
    return StoreError(what)
