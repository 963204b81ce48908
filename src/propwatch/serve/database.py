"""The database behind the workspace: one store per worker thread, cached corpus figures
and recent searches (both until the database's data version says another connection
committed).  A request reads that version once (``one_version``, around every GET): the
dashboard and the search page each ask for several cached values, and on PostgreSQL each
read was a round trip that, in the one busy web process, queued for the interpreter lock
again.

Request handlers run in a thread pool; connections are not shared between threads, so
each thread has its own: a SQLite connection, or on PostgreSQL one taken from a bounded
connection pool (psycopg_pool) shared by the threads.  ``--read-only`` opens every
connection read-only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar, cast

from propwatch.errors import StoreError, one_line
from propwatch.store import Store, open_store, open_store_readonly, postgres
from propwatch.store.connection import is_url
from propwatch.store.open import shown
from propwatch.store.workspace import data_version

T = TypeVar("T")
NEEDED_MIGRATION = "008_search_fts"
RECENT = 512  # searches remembered until the database changes
POOL_SIZE = 40  # at most one connection per request thread (Starlette runs up to 40)
# the data versions read so far by the request being handled (``one_version``); the dict
# is shared with the threads the request's handler and dependencies run on
_VERSIONS: ContextVar[dict[str, str] | None] = ContextVar("propwatch_versions", default=None)


@contextmanager
def one_version() -> Iterator[None]:
    """Inside, each database's data version is read once: what a request reads from the
    caches is of one version, and reading it costs one query, not one per cached value."""
    token = _VERSIONS.set({})
    try:
        yield
    finally:
        _VERSIONS.reset(token)


class Database:
    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        self._local = threading.local()
        if is_url(self.path) and not read_only:
            open_store(self.path).close()  # migrate once, then serve from the pool
        self._pool = (postgres.pool(self.path, POOL_SIZE, read_only)
                      if is_url(self.path) else None)
        if read_only and NEEDED_MIGRATION not in self.store().conn.applied_migrations():
            raise StoreError(
                f"database {one_line(shown(self.path))} has no search index yet; serve it once "
                "without --read-only (that adds the index), then again with --read-only")
        self.store()  # open (and migrate) now, so a bad --db fails at start
        self._lock = threading.Lock()  # guards the watch connection and the caches
        # SQLite: sees every other connection's commits (PostgreSQL needs none)
        self._watch = self._open() if self._pool is None else None
        self._cache: dict[str, tuple[str, Any]] = {}
        self._computing: dict[str, threading.Lock] = {}
        self._recent: OrderedDict[Hashable, Any] = OrderedDict()
        self._recent_version = ""

    def _open(self) -> Store:
        if self._pool is not None:
            return Store(postgres.pooled(self.path, self._pool))
        return open_store_readonly(self.path) if self.read_only else open_store(self.path)

    def close(self) -> None:
        """Close the PostgreSQL pool and the SQLite watch connection (the server's end; a
        thread's own SQLite store closes with its thread)."""
        if self._watch is not None:
            self._watch.close()
        if self._pool is not None:
            self._pool.close()

    def store(self) -> Store:
        """This thread's store."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = self._open()
            self._local.store = store
        return store

    def version(self) -> str:
        """Changes whenever the data does.  SQLite: from the watch connection (a
        connection's own commits do not move its data version), one at a time.
        PostgreSQL: the server's snapshot, the same from every connection, read on this
        thread's own: through the one watch connection behind the lock, every request of
        20 clients waited for the others' round trips.  Inside ``one_version``, read once."""
        seen = _VERSIONS.get()
        if seen is not None and self.path in seen:
            return seen[self.path]
        if self._watch is None:
            version = data_version(self.store().conn)
        else:
            with self._lock:
                version = data_version(self._watch.conn)
        if seen is not None:
            seen[self.path] = version
        return version

    def cached(self, key: str, compute: Callable[[Store], T]) -> T:
        """``compute(store)``, recomputed only after the database changed (one thread
        computes it; others asking for the same key wait for it, the rest go on).  A
        fresh value is returned without waiting for the key's lock: the search page asks
        for the facets on every request, and each waited for the others' version reads."""
        version = self.version()
        with self._lock:
            hit = self._cache.get(key)
            computing = self._computing.setdefault(key, threading.Lock())
        if hit is not None and hit[0] == version:
            return cast(T, hit[1])
        with computing:
            version = self.version()
            with self._lock:
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

    def remembered(self, key: Hashable, compute: Callable[[Store], T]) -> T:
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
