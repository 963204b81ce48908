"""Named, ordered schema migrations, one folder per backend, each applied once.

SQLite: ``migrations/NNN_name.sql``; PostgreSQL: ``migrations/postgresql/NNN_name.sql``.
Both folders hold the same names (a test checks it): a schema change is written once for
each engine.
"""

from __future__ import annotations

from importlib import resources

from propwatch.store.connection import Connection, now

TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
FOLDERS = {"sqlite": (), "postgresql": ("postgresql",)}


def migration_scripts(backend: str = "sqlite") -> list[tuple[str, str]]:
    folder = resources.files("propwatch.store").joinpath("migrations", *FOLDERS[backend])
    scripts = [
        (entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return sorted(scripts)


def migrate(conn: Connection) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction; return their names.

    Safe when several processes open a new database at once: each migration is checked
    again once the write lock is taken."""
    done = conn.applied_migrations()
    if not done:
        with conn.transaction():
            conn.execute(TABLE)
    applied = []
    for name, sql in migration_scripts(conn.backend):
        if name in done:
            continue
        with conn.transaction():  # the write lock first: two processes never both apply
            if name in conn.applied_migrations():
                continue
            conn.run_script(sql)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, now()))
        applied.append(name)
    return applied

