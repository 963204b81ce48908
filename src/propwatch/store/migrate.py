"""Named, ordered schema migrations: ``migrations/NNN_name.sql``, each applied once."""

from __future__ import annotations

import contextlib
import sqlite3
from importlib import resources

TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"


def migration_scripts() -> list[tuple[str, str]]:
    folder = resources.files("propwatch.store") / "migrations"
    scripts = [
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(scripts)


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction; return their names.

    Safe when several processes open a new database at once: each migration is checked
    again after the write lock is taken."""
    conn.execute(TABLE)
    applied = []
    for name, sql in migration_scripts():
        if _applied(conn, name):
            continue
        conn.execute("BEGIN IMMEDIATE")  # the write lock first: two processes never both apply
        try:
            if _applied(conn, name):
                conn.execute("COMMIT")
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                (name,),
            )
            conn.execute("COMMIT")
        except BaseException:
            rollback(conn)
            raise
        applied.append(name)
    return applied


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already (it does on a full disk);
    never hides the error that caused it."""
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _applied(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone()
    return row is not None


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
