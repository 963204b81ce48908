"""SQL for outlet profiles: per-article facts, technique counts, asserted known claims."""

from __future__ import annotations

from dataclasses import dataclass

from propwatch.store.connection import Connection
from propwatch.store.narratives import COUNTED_MATCH


@dataclass(frozen=True)
class OutletArticle:
    id: str
    outlet: str | None
    url: str | None
    published: str | None
    words: int
    added_seq: int


def articles(conn: Connection) -> list[OutletArticle]:
    """Every stored article, in the order first seen (words: whitespace-separated)."""
    rows = conn.stream(
        "SELECT id, outlet, url, published, text, added_seq FROM articles ORDER BY added_seq")
    return [OutletArticle(str(i), o, u, p, len(str(t).split()), int(s))
            for i, o, u, p, t, s in rows]


def technique_counts(conn: Connection) -> list[tuple[str, str, int]]:
    """(article id, technique, spans) for every article with technique spans."""
    rows = conn.execute(
        "SELECT article_id, label, count(*) FROM annotations WHERE layer = 'techniques'"
        " GROUP BY article_id, label ORDER BY article_id, label")
    return [(str(a), str(label), int(n)) for a, label, n in rows]


def asserted_known_claims(conn: Connection
                          ) -> list[tuple[str, str, str, str | None, str | None]]:
    """(article id, kb id, known claim, rating, url) of every counted match whose stance
    is ``asserts``: the article repeats the debunked claim as true."""
    rows = conn.execute(
        "SELECT m.article_id, m.kb_id, k.text, k.rating, k.url FROM claim_matches m"
        f" JOIN kb_claims k ON k.id = m.kb_id WHERE {COUNTED_MATCH} AND m.stance = 'asserts'"
        " ORDER BY m.article_id, m.kb_id")
    return [(str(a), str(k), str(t), r, u) for a, k, t, r, u in rows]


def narrative_of_articles(conn: Connection) -> dict[str, int]:
    """Article id -> narrative, as the last grouping left them."""
    return {str(a): int(n) for a, n in
            conn.execute("SELECT article_id, narrative FROM narrative_articles")}
