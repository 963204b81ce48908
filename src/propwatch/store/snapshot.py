"""Every stored row of a SQLite database's analysis tables, to compare two runs' results.

Timestamps (columns ending in ``_at``) are left out: two runs at different times that
store the same analysis give the same snapshot.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: The per-document and corpus-level tables an analysis run writes.
TABLES = ("documents", "document_sources", "articles", "annotations", "skips", "reuse_docs",
          "reuse_pairs", "claim_matches", "claim_clusters", "narratives", "narrative_claims",
          "narrative_articles")


def snapshot(db: str | Path) -> dict[str, list[tuple[object, ...]]]:
    """Table -> its rows, sorted, timestamps left out."""
    conn = sqlite3.connect(f"file:{Path(db)}?mode=ro", uri=True)
    try:
        found = {}
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")
                       if not row[1].endswith("_at")]
            quoted = ", ".join(f'"{c}"' for c in columns)
            query = f"SELECT {quoted} FROM {table} ORDER BY {quoted}"
            found[table] = conn.execute(query).fetchall()
        return found
    finally:
        conn.close()
