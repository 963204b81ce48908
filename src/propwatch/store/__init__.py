"""Storage: the only place SQL lives.  SQLite is the default backend, PostgreSQL the
shared one (``--db postgresql://user@host/dbname``)."""

from propwatch.store.base import DocumentRecord, Skip, Store
from propwatch.store.open import DATABASE_ERRORS, open_store, open_store_readonly

__all__ = ["DATABASE_ERRORS", "DocumentRecord", "Skip", "Store", "open_store",
           "open_store_readonly"]
