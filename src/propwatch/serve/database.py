"""The database behind the workspace: one store per worker thread, cached corpus figures
and recent searches (both until SQLite's ``data_version`` says another connection
committed).

Request handlers run in a thread pool; SQLite connections are not shared between threads,
so each thread opens its own.  ``--read-only`` opens every connection read-only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar, cast

from propwatch.errors import StoreError, one_line
from propwatch.store import SqliteStore, open_store
from propwatch.store.sqlite import applied_migrations, open_store_readonly
from propwatch.store.workspace import data_version

T = TypeVar("T")
NEEDED_MIGRATION = "008_search_fts"
RECENT = 512  # searches remembered until the database changes


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
        self._lock = threading.Lock()  # guards the watch connection and the caches
        self._watch = self._open()  # sees every other connection's commits
        self._cache: dict[str, tuple[int, Any]] = {}
        self._computing: dict[str, threading.Lock] = {}
        self._recent: OrderedDict[Hashable, Any] = OrderedDict()
        self._recent_version = -1

    def _open(self) -> SqliteStore:
        return open_store_readonly(self.path) if self.read_only else open_store(self.path)

    def store(self) -> SqliteStore:
        """This thread's store."""
        store: SqliteStore | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open()
            self._local.store = store
        return store

    def version(self) -> int:
        with self._lock:
            return data_version(self._watch.conn)

    def cached(self, key: str, compute: Callable[[SqliteStore], T]) -> T:
        """``compute(store)``, recomputed only after the database changed (one thread
        computes it; others asking for the same key wait for it, the rest go on)."""
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            version = self.version()
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                return cast(T, hit[1])
            value = compute(self.store())
            with self._lock:
                self._cache[key] = (version, value)
            return value

    def is_cached(self, key: str) -> bool:
        """``key``'s value is computed for the data as it is now."""
        version = self.version()
        with self._lock:
            hit = self._cache.get(key)
        return hit is not None and hit[0] == version

    def remembered(self, key: Hashable, compute: Callable[[SqliteStore], T]) -> T:
        """``compute(store)``, kept for the last RECENT keys asked until the database
        changes (a search asked again, or paged back to, costs nothing)."""
        version = self.version()
        with self._lock:
            if version != self._recent_version:
                self._recent.clear()
                self._recent_version = version
            if key in self._recent:
                self._recent.move_to_end(key)
                return cast(T, self._recent[key])
        value = compute(self.store())
        with self._lock:
            if self._recent_version == version:
                self._recent[key] = value
                while len(self._recent) > RECENT:
                    self._recent.popitem(last=False)
        return value
