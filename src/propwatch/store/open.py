"""Opening a store: ``--db`` is a SQLite file path or a ``postgresql://`` URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from propwatch.errors import StoreError
from propwatch.store import postgres, sqlite
from propwatch.store.base import Store
from propwatch.store.connection import Connection, is_url
from propwatch.store.migrate import migrate


def _driver_errors() -> tuple[type[Exception], ...]:
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


# What a database can raise beyond our own StoreError (catch these around store calls).
DATABASE_ERRORS: tuple[type[Exception], ...] = _driver_errors()


def connect(db: str | Path) -> Connection:
    """A migrated connection to ``db`` (created when it is a new SQLite file)."""
    target = str(db)
    conn: Connection = postgres.connect(target) if is_url(target) else sqlite.connect(target)
    try:
        migrate(conn)
    except DATABASE_ERRORS as exc:
        conn.close()
        raise database_error(exc, target) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def connect_readonly(db: str | Path) -> Connection:
    """A read-only connection to an existing database: no migration runs, writes fail."""
    target = str(db)
    if is_url(target):
        return postgres.connect(target, read_only=True)
    return sqlite.connect_readonly(target)


def open_store(db: str | Path) -> Store:
    """Open (creating and migrating as needed) the database ``db``."""
    return Store(connect(db))


def open_store_readonly(db: str | Path) -> Store:
    """A store that reads ``db`` over a read-only connection: no migration runs and every
    write fails (``propwatch serve --read-only``)."""
    return Store(connect_readonly(db))


def database_error(exc: Exception, db: str) -> StoreError:
    """One line saying what went wrong with database ``db`` and what to do."""
    if isinstance(exc, sqlite3.Error):
        return sqlite.database_error(exc, db)
    return postgres.database_error(exc, db)


def database_exists(db: str | Path) -> bool:
    """Whether ``db`` can hold a store already: a URL (its server says), or an existing file."""
    return is_url(str(db)) or Path(db).is_file()


def shown(db: str) -> str:
    """``db`` as messages and reports show it (a URL without its password)."""
    return postgres.shown(db) if is_url(db) else db
