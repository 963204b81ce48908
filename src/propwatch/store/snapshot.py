"""Everything analysis stored, as plain data that compares equal across backends and runs.

Used to check that a SQLite run, a PostgreSQL run (and a distributed run) of the same
inputs store the same results: documents, articles, annotation layers, republication relations and
known-claim matches.  Scores are rounded to 4 decimals (what reports show); row ids and
timestamps, which differ between runs by design, are left out.

``table_rows`` is the stricter check for two runs into SQLite (the local and the Ray run):
every row of every analysis table, timestamps (columns ending in ``_at``) left out.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from propwatch.store.base import Store

ROUND = 4


@dataclass
class Snapshot:
    documents: set[tuple[Any, ...]] = field(default_factory=set)
    articles: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    layers: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    reuse: set[tuple[Any, ...]] = field(default_factory=set)
    matches: set[tuple[Any, ...]] = field(default_factory=set)

    def differences(self, other: Snapshot) -> dict[str, int]:
        """Per part, how many entries one snapshot has that the other lacks (0: same)."""
        def count(a: dict[str, Any] | set[Any], b: dict[str, Any] | set[Any]) -> int:
            if isinstance(a, dict) and isinstance(b, dict):
                keys = set(a) | set(b)
                return sum(a.get(k) != b.get(k) for k in keys)
            return len(set(a) ^ set(b))

        return {"documents": count(self.documents, other.documents),
                "articles": count(self.articles, other.articles),
                "layers": count(self.layers, other.layers),
                "reuse": count(self.reuse, other.reuse),
                "matches": count(self.matches, other.matches)}


def _score(value: float | None) -> float | None:
    return None if value is None else round(float(value), ROUND)


def snapshot(store: Store) -> Snapshot:
    conn = store.conn
    out = Snapshot()
    out.documents = {tuple(r) for r in conn.execute(
        "SELECT content_hash, source, content_type, status, kind, reason, decode FROM documents")}
    for row in conn.execute(
            "SELECT id, document_hash, part, source, text, offsets, title, author, published,"
            " outlet, url, declared_source, canonical_url, language, meta_from FROM articles"):
        out.articles[str(row[0])] = tuple(row[1:])
    for aid, layer, start, end, label, score, data in conn.execute(
            'SELECT article_id, layer, start, "end", label, score, data FROM annotations'):
        out.layers.setdefault(f"{aid}/{layer}", set()).add(
            (int(start), int(end), str(label), _score(score), data))
    for a, b, relation, jaccard, a_in_b, b_in_a in conn.execute(
            "SELECT a, b, relation, jaccard, a_in_b, b_in_a FROM reuse_pairs"):
        out.reuse.add((a, b, relation, _score(jaccard), _score(a_in_b), _score(b_in_a)))
    for aid, start, end, kb_id, score, decision, stance in conn.execute(
            'SELECT article_id, start, "end", kb_id, score, decision, stance'
            " FROM claim_matches"):
        out.matches.add((aid, int(start), int(end), kb_id, _score(score), decision, stance))
    return out


#: The per-document and corpus-level tables an analysis run writes.
TABLES = ("documents", "document_sources", "articles", "annotations", "skips", "reuse_docs",
          "reuse_pairs", "claim_matches", "claim_clusters", "narratives", "narrative_claims",
          "narrative_articles")


def table_rows(db: str | Path) -> dict[str, list[tuple[object, ...]]]:
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
