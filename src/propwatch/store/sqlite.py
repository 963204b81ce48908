"""SQLite backend: one file, WAL, migrations, one transaction per stored document.

This package is the only place SQL lives.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from propwatch.errors import StoreError, one_line

try:
    import fcntl
except ImportError:  # not POSIX: corpus updates are not serialised across processes
    fcntl = None  # type: ignore[assignment]
from propwatch.model import Article, OffsetMap, RawDocument, Rejected, Span
from propwatch.store.base import DocumentRecord, Skip
from propwatch.store.migrate import migrate, rollback

BUSY_SECONDS = 60  # how long a writer waits for another one before giving up

ARTICLE_COLUMNS = (
    "id, source, part, text, offsets, title, author, published, outlet, url, "
    "declared_source, canonical_url, meta_from"
)


class SqliteStore:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_SECONDS
            )
            self.conn.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            migrate(self.conn)
        except sqlite3.Error as exc:
            raise database_error(exc, self.path) from exc

    def files(self) -> list[str]:
        """The database file and its companions (write-ahead log, shared memory, journal)."""
        return [self.path + suffix for suffix in ("", "-wal", "-shm", "-journal", "-lock")]

    @contextmanager
    def corpus_lock(self) -> Iterator[None]:
        """Hold while bringing corpus-level results (republication index, claim matches)
        up to date, so concurrent runs into one file take turns instead of clashing."""
        if fcntl is None or self.path == ":memory:":
            yield
            return
        with open(self.path + "-lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- writing -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            rollback(self.conn)
            raise
        self.conn.execute("COMMIT")

    def has_document(self, content_hash: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return row is not None

    def save_articles(self, doc: RawDocument, articles: list[Article]) -> bool:
        """Store one analysed document and its articles in one transaction; False (nothing
        written but the extra source) when another writer stored it first."""
        with self.transaction() as conn:
            if self._stored_meanwhile(conn, doc):
                return False
            self._insert_document(conn, doc, "analysed", None, None)
            seq = conn.execute("SELECT COALESCE(MAX(added_seq), 0) FROM articles").fetchone()[0]
            for offset, article in enumerate(articles, start=1):
                self._insert_article(conn, doc.content_hash, article, seq + offset)
            conn.execute('DELETE FROM skips WHERE "where" = ?', (doc.where,))
        return True

    def save_rejected(self, doc: RawDocument, rejected: Rejected) -> bool:
        with self.transaction() as conn:
            if self._stored_meanwhile(conn, doc):
                return False
            self._insert_document(conn, doc, "rejected", rejected.kind, rejected.reason)
            conn.execute('DELETE FROM skips WHERE "where" = ?', (doc.where,))
        return True

    @staticmethod
    def _stored_meanwhile(conn: sqlite3.Connection, doc: RawDocument) -> bool:
        """Inside the write transaction: did a concurrent run store ``doc`` already?"""
        found = conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (doc.content_hash,)
        ).fetchone()
        if found:
            conn.execute(
                "INSERT OR IGNORE INTO document_sources (content_hash, source) VALUES (?, ?)",
                (doc.content_hash, doc.where),
            )
        return found is not None

    def replace_layer(self, article_id: str, layer: str, spans: list[Span]) -> None:
        """Rewrite one annotation layer of a stored article (used when re-analysing)."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM annotations WHERE article_id = ? AND layer = ?", (article_id, layer)
            )
            self._insert_spans(conn, article_id, layer, spans)

    def add_source(self, content_hash: str, where: str) -> None:
        """Remember that a stored input was also found at ``where``."""
        self.conn.execute(
            "INSERT OR IGNORE INTO document_sources (content_hash, source) VALUES (?, ?)",
            (content_hash, where),
        )

    def also_at(self) -> dict[str, list[str]]:
        """Article id -> the other places its input was found, for inputs found twice."""
        rows = self.conn.execute(
            "SELECT a.id, s.source FROM articles a JOIN document_sources s "
            "ON s.content_hash = a.document_hash WHERE s.source != a.source "
            "ORDER BY a.id, s.source"
        )
        found: dict[str, list[str]] = {}
        for aid, source in rows:
            found.setdefault(aid, []).append(source)
        return found

    def record_skip(self, skip: Skip) -> None:
        self.conn.execute(
            'INSERT INTO skips ("where", kind, reason) VALUES (?, ?, ?) '
            'ON CONFLICT ("where", kind) DO UPDATE SET reason = excluded.reason, '
            "seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            (skip.where, skip.kind, skip.reason),
        )

    def clear_skip(self, where: str) -> None:
        self.conn.execute('DELETE FROM skips WHERE "where" = ?', (where,))

    def _insert_document(
        self, conn: sqlite3.Connection, doc: RawDocument, status: str, kind: str | None,
        reason: str | None,
    ) -> None:
        conn.execute(
            "INSERT INTO documents (content_hash, source, content_type, status, kind, reason,"
            " decode) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc.content_hash, doc.where, doc.content_type, status, kind, reason, doc.decode),
        )
        conn.execute(
            "INSERT INTO document_sources (content_hash, source) VALUES (?, ?)",
            (doc.content_hash, doc.where),
        )

    def _insert_article(
        self, conn: sqlite3.Connection, document_hash: str, a: Article, seq: int
    ) -> None:
        conn.execute(
            "INSERT INTO articles (id, document_hash, part, source, text, offsets, title, author,"
            " published, outlet, url, declared_source, canonical_url, language, added_seq,"
            " meta_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                a.id, document_hash, a.part, a.source, a.text, json.dumps(a.offsets.to_json()),
                a.title, a.author, a.published, a.outlet, a.url, a.declared_source,
                a.canonical_url, a.language, seq, json.dumps(a.meta_from) if a.meta_from else None,
            ),
        )
        for layer, spans in a.layers.items():
            self._insert_spans(conn, a.id, layer, spans)

    @staticmethod
    def _insert_spans(
        conn: sqlite3.Connection, article_id: str, layer: str, spans: list[Span]
    ) -> None:
        conn.executemany(
            'INSERT INTO annotations (article_id, layer, start, "end", label, score, data) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article_id, layer, s.start, s.end, s.label, s.score,
                 json.dumps(dict(s.data)) if s.data else None)
                for s in spans
            ],
        )

    # -- reading -----------------------------------------------------------------------

    def articles(self) -> Iterator[Article]:
        """Every stored article, in the order first seen, with all its layers."""
        rows = self.conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY added_seq")
        for row in rows.fetchall():
            yield self._article(row)

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return self._article(row) if row else None

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def rejected(self) -> list[DocumentRecord]:
        rows = self.conn.execute(
            "SELECT content_hash, source, status, kind, reason FROM documents "
            "WHERE status = 'rejected' ORDER BY source"
        )
        return [DocumentRecord(*row) for row in rows]

    def skips(self) -> list[Skip]:
        rows = self.conn.execute('SELECT "where", kind, reason FROM skips ORDER BY "where"')
        return [Skip(*row) for row in rows]

    def _article(self, row: tuple[Any, ...]) -> Article:
        (aid, source, part, text, offsets, title, author, published, outlet, url, declared,
         canonical, meta_from) = row
        article = Article(
            id=aid, source=source, part=part, text=text,
            offsets=OffsetMap.from_json(json.loads(offsets)), title=title, author=author,
            published=published, outlet=outlet, url=url, declared_source=declared,
            canonical_url=canonical, meta_from=json.loads(meta_from) if meta_from else {},
        )
        spans = self.conn.execute(
            'SELECT layer, start, "end", label, score, data FROM annotations '
            "WHERE article_id = ? ORDER BY layer, start, \"end\", label",
            (aid,),
        )
        for layer, start, end, label, score, data in spans:
            span = Span(start, end, label, score, json.loads(data) if data else {})
            article.layers.setdefault(layer, []).append(span)
        return article

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: str | Path) -> SqliteStore:
    """Open (creating and migrating as needed) the database at ``path``."""
    return SqliteStore(path)


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A second, read-only connection to a store's file (for worker processes).  The path
    is percent-encoded in the ``file:`` URI, so ``we#ird.db`` opens ``we#ird.db``."""
    uri = "file:" + quote(os.path.abspath(path)) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_SECONDS)
    conn.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    return conn


def open_store_readonly(path: str | Path) -> SqliteStore:
    """A store that reads ``path`` over a read-only connection: no migration runs and every
    write fails (``propwatch serve --read-only``)."""
    store = SqliteStore.__new__(SqliteStore)
    store.path = str(path)
    if not Path(path).is_file():
        raise StoreError(f"cannot open database {one_line(store.path)}: there is no such file; "
                         "pass --db with a database written by analyze")
    try:
        store.conn = open_readonly(path)
        store.conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise database_error(exc, store.path) from exc
    return store


def applied_migrations(conn: sqlite3.Connection) -> set[str]:
    """Names of the migrations applied to the database behind ``conn``."""
    try:
        return {str(r[0]) for r in conn.execute("SELECT name FROM schema_migrations")}
    except sqlite3.OperationalError:
        return set()


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
