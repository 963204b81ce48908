"""Direct look-up for fact-checkers: the known claims that texts make (``propwatch kb search``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from propwatch.claims.encoder import SentenceEncoder
from propwatch.errors import ConfigError
from propwatch.kb.match import KbIndex
from propwatch.store import Store
from propwatch.store.kb import KbTables

DEFAULT_TOP = 10


def search_known_claims(
    store: Store, texts: Sequence[str], top: int = DEFAULT_TOP,
    min_decision: str = "none", encoder: SentenceEncoder | None = None,
) -> list[dict[str, Any]]:
    """``[{"query", "matches": [{"id", "text", "score", "decision", "url"}]}]``: one object per
    text in input order, matches best first, at most ``top``, at least ``min_decision``
    ("match", "related" or "none" for the whole ranking)."""
    if top < 1:
        raise ConfigError("--top must be at least 1")
    tables = KbTables(store.conn)
    if not tables.count():
        raise ConfigError("the knowledge base is empty; import known claims first, e.g. "
                          "'propwatch kb import euvsdisinfo claims.csv --db DB'")
    index = KbIndex(tables, encoder)
    found = index.search(list(texts), top_k=top, min_decision=min_decision)
    return [
        {"query": text, "matches": [
            {"id": c.claim.id, "text": c.claim.text, "score": c.score, "decision": c.decision,
             "url": c.claim.url} for c in cands]}
        for text, cands in zip(texts, found, strict=True)
    ]
