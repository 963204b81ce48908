"""SQL for narratives: stored claim embeddings, claim clusters, narratives, assignments.

``NarrativeTables`` wraps the ``Connection`` of a ``Store`` (migrated by it,
see ``migrations/007_narratives_claim_embeddings.sql`` and
``009_narrative_articles_moves.sql``).

A claim cluster of one claim (most of them) is stored with an empty ``total``: its total
is its claim's stored vector (the float16 the grouping used), read back from
``claim_embeddings``; a cluster of more claims keeps the float32 sum.  (Older databases
hold the sum for every cluster; both read the same.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np

from propwatch.store.connection import Connection, now
from propwatch.store.kb import EMBED_DTYPE

ClaimKey = tuple[str, int, int]  # (article id, start, end)


@dataclass(frozen=True)
class MemberRow:
    """A grouped claim with what views need about its article."""

    narrative: int
    cluster: int
    article_id: str
    start: int
    end: int
    text: str
    published: str | None
    outlet: str | None
    url: str | None
    source: str
    title: str | None


@dataclass(frozen=True)
class ArticleRow:
    """A grouped article: its narrative and the features it was grouped by."""

    article_id: str
    narrative: int
    terms: bytes
    vector: np.ndarray


@dataclass(frozen=True)
class Move:
    """What became of a narrative that no longer exists."""

    id: int
    into: int
    kind: str  # merged | rebuilt
    articles: int
    at: str


# A claim counts as matched when an analyst confirmed it, or the model decided `match` and
# no analyst rejected it (the rule of propwatch.kb.results).
COUNTED_MATCH = ("(m.verdict = 'confirmed' OR (m.decision = 'match'"
                 " AND m.verdict IS DISTINCT FROM 'rejected'))")


# a claims-layer span narratives group (one parameter: the minimum score)
_CLAIM = ("a.layer = 'claims' AND (COALESCE(a.score, 0) >= ? OR EXISTS (SELECT 1 FROM"
          " claim_matches m WHERE m.article_id = a.article_id AND m.start = a.start"
          f' AND m."end" = a."end" AND {COUNTED_MATCH}))')
_GROUPED = ("EXISTS (SELECT 1 FROM narrative_claims g WHERE g.article_id = {t}.article_id"
            ' AND g.start = {t}.start AND g."end" = {t}."end")')


class NarrativeTables:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- claims and their vectors --------------------------------------------------------

    def claim_articles(self, min_score: float, ungrouped: bool = False) -> list[str]:
        """Ids of the articles with claims to group (``ungrouped``: claims not grouped yet),
        in the order articles were first seen."""
        sql = ("SELECT t.id FROM articles t WHERE EXISTS (SELECT 1 FROM annotations a WHERE"
               f" a.article_id = t.id AND {_CLAIM}"
               + (f" AND NOT {_GROUPED.format(t='a')}" if ungrouped else "")
               + ") ORDER BY t.added_seq, t.id")
        return [str(r[0]) for r in self.conn.execute(sql, (min_score,))]

    def claims_of(self, articles: Sequence[str], min_score: float, aliases: str,
                  ungrouped: bool = False) -> list[tuple[str, int, int, str, bytes | None]]:
        """The claims of ``articles`` (scoring at least ``min_score`` or holding a counted
        known-claim match; ``ungrouped``: only those not grouped), in the order their
        articles were first seen, as (article id, start, end, text, the stored vector
        made with the alias set ``aliases`` or None)."""
        sql = (
            'SELECT a.article_id, a.start, a."end", '
            'substr(t.text, a.start + 1, a."end" - a.start), e.vector '
            "FROM annotations a JOIN articles t ON t.id = a.article_id "
            "LEFT JOIN claim_embeddings e ON e.article_id = a.article_id AND e.start = a.start"
            ' AND e."end" = a."end" AND e.aliases = ? '
            f"WHERE a.article_id IN ({', '.join('?' * len(articles))}) AND {_CLAIM}"
            + (f" AND NOT {_GROUPED.format(t='a')}" if ungrouped else "")
            + " ORDER BY t.added_seq, a.article_id, a.start"
        )
        return list(self.conn.execute(sql, (aliases, *articles, min_score)))

    def vectors(self, aliases: str, dim: int) -> dict[ClaimKey, np.ndarray]:
        """Stored vectors made with the alias set ``aliases`` (fingerprint)."""
        rows = self.conn.execute(
            'SELECT article_id, start, "end", vector FROM claim_embeddings WHERE aliases = ?',
            (aliases,))
        return {(str(a), int(s), int(e)): np.frombuffer(v, dtype=EMBED_DTYPE)
                .reshape(dim).astype(np.float32) for a, s, e, v in rows}

    def save_vectors(self, keys: Sequence[ClaimKey], vectors: np.ndarray, aliases: str) -> None:
        with self.transaction():
            self.conn.executemany(
                'INSERT INTO claim_embeddings (article_id, start, "end", aliases, vector)'
                ' VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id, start, "end") DO UPDATE'
                " SET aliases = excluded.aliases, vector = excluded.vector",
                [(*k, aliases, v.astype(EMBED_DTYPE).tobytes())
                 for k, v in zip(keys, vectors, strict=True)],
            )

    # -- groups ---------------------------------------------------------------------------

    def counts(self) -> tuple[int, int, int, int]:
        """(grouped claims, claim clusters, grouped articles, narratives)."""
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM narrative_claims), (SELECT count(*) FROM"
            " claim_clusters), (SELECT count(*) FROM narrative_articles),"
            " (SELECT count(DISTINCT narrative) FROM narrative_articles)").fetchone()
        return int(row[0]), int(row[1]), int(row[2]), int(row[3])

    def clusters(self, dim: int, narratives: Sequence[int]) -> list[tuple[int, int, np.ndarray]]:
        """(cluster id, narrative id, sum of member vectors) of the claim clusters of
        ``narratives``, by id (a cluster of one claim whose article is gone: left out)."""
        rows = self.conn.execute(
            "SELECT c.id, c.narrative, c.total, e.vector FROM claim_clusters c"
            " LEFT JOIN narrative_claims g ON length(c.total) = 0 AND g.cluster = c.id"
            " LEFT JOIN claim_embeddings e ON e.article_id = g.article_id"
            ' AND e.start = g.start AND e."end" = g."end"'
            f" WHERE c.narrative IN ({', '.join('?' * len(narratives))}) ORDER BY c.id",
            list(narratives))
        out = []
        for c, n, total, vector in rows:
            if len(total):
                out.append((int(c), int(n), np.frombuffer(total, np.float32).reshape(dim).copy()))
            elif vector is not None:
                out.append((int(c), int(n), np.frombuffer(vector, EMBED_DTYPE).reshape(dim)
                            .astype(np.float32)))
        return out

    def assignments(self) -> dict[str, int]:
        """Every grouped article's narrative."""
        return {str(a): int(n) for a, n in self.conn.execute(
            "SELECT article_id, narrative FROM narrative_articles")}

    def articles(self, dim: int) -> list[ArticleRow]:
        """Every grouped article, in the order articles were first seen."""
        rows = self.conn.execute(
            "SELECT g.article_id, g.narrative, g.terms, g.vector FROM narrative_articles g"
            " JOIN articles t ON t.id = g.article_id ORDER BY t.added_seq")
        return [ArticleRow(str(a), int(n), bytes(t), np.frombuffer(v, dtype=np.float32)
                           .reshape(dim)) for a, n, t, v in rows]

    def moves(self) -> list[Move]:
        rows = self.conn.execute(
            "SELECT id, into_id, kind, articles, at FROM narrative_moves"
            " ORDER BY at, id, articles DESC")
        return [Move(int(a), int(b), str(k), int(n), str(t)) for a, b, k, n, t in rows]

    # -- saving a grouping: inside one ``transaction()`` ---------------------------------

    def transaction(self) -> AbstractContextManager[Connection]:
        return self.conn.transaction()

    def forget(self) -> None:
        """Forget every grouping (not the vectors, not the moves, not the next free ids)."""
        self.conn.execute("DELETE FROM narrative_claims")
        self.conn.execute("DELETE FROM narrative_articles")
        self.conn.execute("DELETE FROM claim_clusters")
        self.conn.execute("DELETE FROM narratives")

    def save_narratives(self, narratives: Iterable[int],
                        moves: Iterable[tuple[int, int, str, int]]) -> None:
        """New narratives, and moves (id, into, kind, articles); the articles and claim
        clusters of a merged narrative go with it, and it is gone."""
        self.conn.executemany("INSERT INTO narratives (id) VALUES (?) ON CONFLICT DO NOTHING",
                              [(n,) for n in narratives])
        moves = list(moves)
        self.conn.executemany(
            "INSERT INTO narrative_moves (id, into_id, kind, articles, at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id, into_id, kind) DO UPDATE"
            " SET articles = excluded.articles, at = excluded.at",
            [(*move, now()) for move in moves])
        merged = [(into, n) for n, into, kind, _ in moves if kind == "merged"]
        self.conn.executemany("UPDATE narrative_articles SET narrative = ? WHERE narrative = ?",
                              merged)
        self.conn.executemany("UPDATE claim_clusters SET narrative = ? WHERE narrative = ?",
                              merged)
        self.conn.executemany("DELETE FROM narratives WHERE id = ?", [(n,) for _, n in merged])

    def save_articles(self, articles: Iterable[ArticleRow]) -> None:
        """New or re-assigned articles."""
        self.conn.executemany(
            "INSERT INTO narrative_articles (article_id, narrative, terms, vector)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE"
            " SET narrative = excluded.narrative",
            [(a.article_id, a.narrative, a.terms, a.vector.astype(np.float32).tobytes())
             for a in articles])

    def save_clusters(self, clusters: Iterable[tuple[int, int, np.ndarray | None]],
                      members: Iterable[tuple[ClaimKey, int]]) -> None:
        """New or changed clusters (id, narrative, total: None for a cluster of one claim,
        whose total is its claim's vector) and claim assignments."""
        self.conn.executemany(
            "INSERT INTO claim_clusters (id, narrative, total) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET narrative = excluded.narrative,"
            " total = excluded.total",
            [(c, n, b"" if t is None else t.astype(np.float32).tobytes())
             for c, n, t in clusters])
        self.conn.executemany(
            'INSERT INTO narrative_claims (article_id, start, "end", cluster)'
            ' VALUES (?, ?, ?, ?) ON CONFLICT (article_id, start, "end") DO UPDATE'
            " SET cluster = excluded.cluster",
            [(*key, cluster) for key, cluster in members])

    def finish(self, meta: dict[str, str]) -> None:
        """Delete narratives left without articles (their articles deleted); store the
        settings."""
        self.conn.execute(
            "DELETE FROM narratives WHERE id NOT IN"
            " (SELECT DISTINCT narrative FROM narrative_articles)")
        self.save_meta(meta)

    def members(self) -> list[MemberRow]:
        sql = (
            'SELECT c.narrative, g.cluster, g.article_id, g.start, g."end",'
            ' substr(t.text, g.start + 1, g."end" - g.start), t.published, t.outlet, t.url,'
            " t.source, t.title FROM narrative_claims g"
            " JOIN claim_clusters c ON c.id = g.cluster JOIN articles t ON t.id = g.article_id"
            " ORDER BY c.narrative, t.added_seq, g.start"
        )
        return [MemberRow(int(r[0]), int(r[1]), str(r[2]), int(r[3]), int(r[4]), str(r[5]),
                          *r[6:]) for r in self.conn.execute(sql)]

    def matches(self) -> dict[ClaimKey, list[tuple[str, str, str | None, str | None]]]:
        """Counted known-claim matches of grouped claims: key -> [(kb id, known claim text,
        url, stance)]."""
        sql = (
            'SELECT m.article_id, m.start, m."end", m.kb_id, k.text, k.url, m.stance'
            " FROM claim_matches m JOIN kb_claims k ON k.id = m.kb_id"
            " JOIN narrative_claims g ON g.article_id = m.article_id AND g.start = m.start"
            f' AND g."end" = m."end" WHERE {COUNTED_MATCH} ORDER BY m.kb_id'
        )
        out: dict[ClaimKey, list[tuple[str, str, str | None, str | None]]] = {}
        for a, s, e, kb_id, text, url, stance in self.conn.execute(sql):
            out.setdefault((str(a), int(s), int(e)), []).append((kb_id, text, url, stance))
        return out

    # -- settings -------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in
                self.conn.execute("SELECT key, value FROM narrative_meta")}

    def save_meta(self, values: dict[str, str]) -> None:
        self.conn.executemany(
            "INSERT INTO narrative_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

