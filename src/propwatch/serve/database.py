"""The database behind the workspace: one store per worker thread, cached corpus figures.

Request handlers run in a thread pool; SQLite connections are not shared between threads,
so each thread opens its own.  ``--read-only`` opens every connection read-only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from propwatch.errors import StoreError, one_line
from propwatch.store import SqliteStore, open_store
from propwatch.store.sqlite import applied_migrations, open_store_readonly
from propwatch.store.workspace import data_version

T = TypeVar("T")
NEEDED_MIGRATION = "008_search_fts"


class Database:
    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._local = threading.local()
        if read_only and NEEDED_MIGRATION not in applied_migrations(self.store().conn):
            raise StoreError(
                f"database {one_line(self.path)} has no search index yet; serve it once "
                "without --read-only (that adds the index), then again with --read-only")
        self.store()  # open (and migrate) now, so a bad --db fails at start
        self._lock = threading.Lock()
        self._watch = self._open()  # sees every other connection's commits
        self._cache: dict[str, tuple[int, Any]] = {}

    def _open(self) -> SqliteStore:
        return open_store_readonly(self.path) if self.read_only else open_store(self.path)

    def store(self) -> SqliteStore:
        """This thread's store."""
        store: SqliteStore | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open()
            self._local.store = store
        return store

    def cached(self, key: str, compute: Callable[[SqliteStore], T]) -> T:
        """``compute(store)``, recomputed only after the database changed."""
        with self._lock:
            version = data_version(self._watch.conn)
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                return hit[1]
            value = compute(self._watch)
            self._cache[key] = (version, value)
            return value
