"""Storage: the only place SQL lives.  SQLite is the default backend."""

from propwatch.store.base import DocumentRecord, Skip, Store
from propwatch.store.sqlite import SqliteStore, open_store

__all__ = ["DocumentRecord", "Skip", "SqliteStore", "Store", "open_store"]
