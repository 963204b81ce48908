"""SQL for the known-claims knowledge base, claim matches and analysts' verdicts.

``KbTables`` wraps the ``Connection`` of a ``Store`` (either backend).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from propwatch.store.connection import Connection, Read, now

EMBED_DTYPE = np.float16
CLAIM_SPANS = ('SELECT a.article_id, a.start, a."end", COALESCE(a.score, 0),'
               ' substr(t.text, a.start + 1, a."end" - a.start)')  # a: annotations, t: articles


@dataclass(frozen=True)
class KnownClaim:
    """One known (debunked) claim as an importer produces it."""

    id: str
    dataset: str
    source: str
    text: str
    date: str | None = None
    rating: str | None = None
    url: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class StoredClaim:
    rowid: int
    id: str
    source: str
    text: str
    date: str | None
    url: str | None
    rating: str | None
    group_key: str
    search_text: str


@dataclass(frozen=True)
class ClaimSpan:
    """A check-worthy sentence stored in an article's ``claims`` layer."""

    article_id: str
    start: int
    end: int
    score: float
    text: str


@dataclass(frozen=True)
class NewMatch:
    """A candidate match as matching scores it, before it is stored."""

    kb_id: str
    score: float  # calibrated P(the sentence makes the known claim)
    decision: str  # 'match' or 'related'
    stance: str  # 'asserts', 'refutes' or 'reports'
    stance_score: float


@dataclass(frozen=True)
class MatchRow:
    match_id: int
    article_id: str
    start: int
    end: int
    kb_id: str
    score: float
    verdict: str | None
    decision: str | None  # None: a reviewed match from before decisions were stored
    stance: str | None
    stance_score: float | None
    text: str
    source: str
    date: str | None
    url: str | None
    rating: str | None
    group_key: str
    sentence: str  # the article's sentence


_MATCHES = (
    'SELECT m.id, m.article_id, m.start, m."end", m.kb_id, m.score, m.verdict,'
    " m.decision, m.stance, m.stance_score,"
    " k.text, k.source, k.date, k.url, k.rating, k.group_key,"
    """ COALESCE(substr(a.text, m.start + 1, m."end" - m.start), '')"""
    " FROM claim_matches m JOIN kb_claims k ON k.id = m.kb_id"
    " LEFT JOIN articles a ON a.id = m.article_id")
_MATCHES_ORDER = (" ORDER BY m.article_id, m.start, m.verdict IS DISTINCT FROM 'confirmed',"
                  " m.score DESC")


def _members(rows: Iterable[Any]) -> dict[str, list[str]]:
    """(group_key, kb id) rows, ids in order, as group key -> its ids."""
    out: dict[str, list[str]] = {}
    for key, kb_id in rows:
        out.setdefault(key, []).append(kb_id)
    return out


@dataclass
class UpsertCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


class KbTables:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- known claims --------------------------------------------------------------------

    def upsert(self, rows: Sequence[tuple[KnownClaim, str, str]]) -> UpsertCounts:
        """Insert or update (claim, group_key, search_text) rows in one transaction.

        A changed text drops the stored embedding so the next match re-embeds it.
        """
        counts = UpsertCounts()
        with self.conn.transaction() as conn:
            for i in range(0, len(rows), 500):
                chunk = rows[i : i + 500]
                marks = ",".join("?" * len(chunk))
                old = {
                    r[0]: tuple(r[1:])
                    for r in conn.execute(
                        "SELECT id, dataset, source, text, date, rating, url, group_key,"
                        f" search_text, meta FROM kb_claims WHERE id IN ({marks})",
                        [c.id for c, _, _ in chunk],
                    )
                }
                inserts, updates = [], []
                for claim, group_key, search_text in chunk:
                    meta = json.dumps(claim.meta, ensure_ascii=False, sort_keys=True)
                    new = (claim.dataset, claim.source, claim.text, claim.date, claim.rating,
                           claim.url, group_key, search_text, meta)
                    before = old.get(claim.id)
                    if before is None:
                        inserts.append((*new, claim.id, now()))
                    elif before == new:
                        counts.unchanged += 1
                    else:
                        updates.append((*new, search_text, now(), claim.id))
                conn.executemany(
                    "INSERT INTO kb_claims (dataset, source, text, date, rating, url,"
                    " group_key, search_text, meta, id, updated_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    inserts,
                )
                conn.executemany(
                    "UPDATE kb_claims SET dataset=?, source=?, text=?, date=?, rating=?,"
                    " url=?, group_key=?, search_text=?, meta=?,"
                    " embedding = CASE WHEN search_text = ? THEN embedding END,"
                    " updated_at = ? WHERE id = ?",
                    updates,
                )
                counts.added += len(inserts)
                counts.updated += len(updates)
        return counts

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM kb_claims").fetchone()[0])

    def group_count(self) -> int:
        row = self.conn.execute("SELECT COUNT(DISTINCT group_key) FROM kb_claims").fetchone()
        return int(row[0])

    def claims_by_rowid(self, rowids: Sequence[int]) -> dict[int, StoredClaim]:
        out: dict[int, StoredClaim] = {}
        ids = list(rowids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                "SELECT rowid, id, source, text, date, url, rating, group_key, search_text"
                f" FROM kb_claims WHERE rowid IN ({marks})",
                chunk,
            ):
                out[int(row[0])] = StoredClaim(*row)
        return out

    def group_members(self, group_keys: Sequence[str]) -> dict[str, list[str]]:
        """Every KB id of each group (identical claims filed under several ids)."""
        keys = list(set(group_keys))
        rows: list[Any] = []
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows += self.conn.execute(
                f"SELECT group_key, id FROM kb_claims WHERE group_key IN ({marks}) ORDER BY id",
                chunk).fetchall()
        return _members(rows)

    def all_search_texts(self) -> Iterator[tuple[int, str]]:
        yield from self.conn.execute("SELECT rowid, text FROM kb_claims ORDER BY rowid")

    def search_texts(self) -> Iterator[tuple[int, str]]:
        yield from self.conn.execute("SELECT rowid, search_text FROM kb_claims")

    def set_search_texts(self, rows: Iterable[tuple[int, str]]) -> int:
        """Re-canonicalised texts (after an alias change); returns how many changed."""
        changed = 0
        with self.conn.transaction() as conn:
            for rowid, search_text in rows:
                cur = conn.execute(
                    "UPDATE kb_claims SET search_text = ?, embedding = NULL"
                    " WHERE rowid = ? AND search_text != ?",
                    (search_text, rowid, search_text),
                )
                changed += cur.rowcount
        return changed

    def fts_search(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Known claims holding any of ``words`` (stemmed): (rowid, score), best first
        (SQLite: BM25; PostgreSQL: ts_rank)."""
        if not words:
            return []
        return self.conn.kb_search(words, limit)

    # -- embeddings ----------------------------------------------------------------------

    def unembedded(self, limit: int) -> list[tuple[int, str]]:
        return [
            (int(r), str(t))
            for r, t in self.conn.execute(
                "SELECT rowid, search_text FROM kb_claims WHERE embedding IS NULL LIMIT ?",
                (limit,),
            )
        ]

    def count_unembedded(self) -> int:
        row = self.conn.execute("SELECT COUNT(*) FROM kb_claims WHERE embedding IS NULL")
        return int(row.fetchone()[0])

    def save_embeddings(self, rowids: Sequence[int], vectors: np.ndarray) -> None:
        blobs = [v.astype(EMBED_DTYPE).tobytes() for v in vectors]
        with self.conn.transaction() as conn:
            conn.executemany(
                "UPDATE kb_claims SET embedding = ? WHERE rowid = ?",
                list(zip(blobs, [int(r) for r in rowids], strict=True)),
            )

    def embeddings(self, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """(rowids int64[n], vectors float32[n, dim]) of every embedded known claim."""
        rows = self.conn.execute(
            "SELECT rowid, embedding FROM kb_claims WHERE embedding IS NOT NULL ORDER BY rowid"
        ).fetchall()
        rowids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        if not rows:
            return rowids, np.zeros((0, dim), dtype=np.float32)
        raw = b"".join(r[1] for r in rows)
        vectors = np.frombuffer(raw, dtype=EMBED_DTYPE).reshape(len(rows), dim)
        return rowids, vectors.astype(np.float32)

    def data_version(self) -> str:
        """Changes whenever known claims are added, updated or (re-)embedded."""
        row = self.conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(updated_at), ''), COUNT(embedding),"
            " COALESCE(MAX(rowid), 0) FROM kb_claims"
        ).fetchone()
        return "/".join(str(x) for x in row)

    # -- aliases and meta ----------------------------------------------------------------

    def aliases(self) -> list[tuple[str, str]]:
        return [(str(c), str(a)) for c, a in self.conn.execute(
            "SELECT canonical, alias FROM kb_aliases ORDER BY canonical, alias")]

    def add_aliases(self, canonical: str, aliases: Sequence[str]) -> int:
        cur = self.conn.executemany(
            "INSERT INTO kb_aliases (canonical, alias) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(canonical, a) for a in aliases],
        )
        return cur.rowcount

    def remove_alias(self, alias: str) -> int:
        return self.conn.execute("DELETE FROM kb_aliases WHERE alias = ?", (alias,)).rowcount

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM kb_meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO kb_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- article claims and matches ------------------------------------------------------

    def claim_spans(self, only_unmatched: bool = True) -> list[ClaimSpan]:
        """Claims (``claims`` layer spans) with their text; optionally only those never matched."""
        sql = (f"{CLAIM_SPANS} FROM annotations a JOIN articles t ON t.id = a.article_id"
               " WHERE a.layer = 'claims'")
        if only_unmatched:
            sql += (
                " AND NOT EXISTS (SELECT 1 FROM claim_match_runs r WHERE r.article_id ="
                ' a.article_id AND r.start = a.start AND r."end" = a."end")'
            )
        return self._claim_spans(sql + " ORDER BY t.added_seq, a.start")

    def matched_claim_spans(self) -> list[ClaimSpan]:
        """The claims with at least one stored match (of any decision or verdict), in the
        order of :meth:`claim_spans`: found from the matches, so a corpus whose every
        sentence is a claim is not read whole."""
        return self._claim_spans(
            f'{CLAIM_SPANS} FROM (SELECT DISTINCT article_id, start, "end" FROM claim_matches) m'
            " JOIN annotations a ON a.article_id = m.article_id AND a.layer = 'claims'"
            ' AND a.start = m.start AND a."end" = m."end"'
            " JOIN articles t ON t.id = a.article_id ORDER BY t.added_seq, a.start")

    def _claim_spans(self, sql: str) -> list[ClaimSpan]:
        return [ClaimSpan(str(r[0]), int(r[1]), int(r[2]), float(r[3]), str(r[4]))
                for r in self.conn.execute(sql)]

    def save_matches(self, claim: ClaimSpan, matches: Sequence[NewMatch]) -> None:
        """Store the candidates of one claim; reviewed matches keep their verdict and are
        re-scored, unreviewed ones not found again are removed."""
        key = (claim.article_id, claim.start, claim.end)
        self.conn.execute(
            'DELETE FROM claim_matches WHERE article_id = ? AND start = ? AND "end" = ?'
            " AND verdict IS NULL",
            key,
        )
        self.conn.executemany(
            'INSERT INTO claim_matches (article_id, start, "end", kb_id, score, decision,'
            " stance, stance_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ' ON CONFLICT (article_id, start, "end", kb_id) DO UPDATE SET'
            " score = excluded.score, decision = excluded.decision,"
            " stance = excluded.stance, stance_score = excluded.stance_score",
            [(*key, m.kb_id, float(m.score), m.decision, m.stance, float(m.stance_score))
             for m in matches],
        )
        self.conn.execute(
            'INSERT INTO claim_match_runs (article_id, start, "end", matched_at)'
            ' VALUES (?, ?, ?, ?) ON CONFLICT (article_id, start, "end") DO UPDATE SET'
            " matched_at = excluded.matched_at",
            (*key, now()),
        )

    def forget_match_runs(self) -> int:
        """Mark every claim as not yet matched (after the knowledge base changed)."""
        return self.conn.execute("DELETE FROM claim_match_runs").rowcount

    def transaction(self) -> AbstractContextManager[Connection]:
        return self.conn.transaction()

    def set_verdict(self, match_id: int, verdict: str | None) -> bool:
        cur = self.conn.execute(
            "UPDATE claim_matches SET verdict = ?, reviewed_at = ? WHERE id = ?",
            (verdict, None if verdict is None else now(), match_id),
        )
        return cur.rowcount > 0

    def match(self, match_id: int) -> MatchRow | None:
        rows = self._matches("WHERE m.id = ?", (match_id,))
        return rows[0] if rows else None

    def matches(self, article_id: str | None = None) -> list[MatchRow]:
        if article_id is None:
            return self._matches("", ())
        return list(self.conn.read_all([self.matches_read(article_id)])[0])

    def _matches(self, where: str, params: tuple[Any, ...]) -> list[MatchRow]:
        return [MatchRow(*r) for r in self.conn.execute(f"{_MATCHES} {where}{_MATCHES_ORDER}",
                                                         params)]

    @staticmethod
    def matches_read(article_id: str) -> Read:
        """The article's matches (``matches(article_id)``), to be sent with other reads."""
        return Read(f"{_MATCHES} WHERE m.article_id = ?{_MATCHES_ORDER}", (article_id,),
                    lambda rows: [MatchRow(*r) for r in rows])

    def matches_among_read(self, select: str, params: Sequence[Any], order: str) -> Read:
        """The matches whose ids ``select`` gives (a few: its ``?`` taking ``params``),
        ordered by ``order`` (of ``m``), to be sent with other reads."""
        among = self.conn.in_select("m.id", select)
        return Read(f"{_MATCHES} WHERE {among} ORDER BY {order}", params,
                    lambda rows: [MatchRow(*r) for r in rows])

    def group_members_among_read(self, select: str, params: Sequence[Any]) -> Read:
        """``group_members`` of the groups of the matches whose ids ``select`` gives."""
        among = self.conn.in_select("m.id", select)
        return Read("SELECT g.group_key, g.id FROM kb_claims g WHERE g.group_key IN"
                    " (SELECT k.group_key FROM claim_matches m JOIN kb_claims k"
                    f" ON k.id = m.kb_id WHERE {among}) ORDER BY g.id", params, _members)

    @staticmethod
    def group_members_read(article_id: str) -> Read:
        """``group_members`` of the groups of the article's matches."""
        return Read("SELECT g.group_key, g.id FROM kb_claims g WHERE g.group_key IN"
                    " (SELECT k.group_key FROM claim_matches m JOIN kb_claims k"
                    " ON k.id = m.kb_id WHERE m.article_id = ?) ORDER BY g.id",
                    (article_id,), _members)

    def claims_layer(self) -> list[ClaimSpan]:
        return self.claim_spans(only_unmatched=False)
