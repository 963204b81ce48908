"""Corpus-level claim matching, the analysts' verdicts, and claims in the export shape."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from propwatch.claims.encoder import SentenceEncoder
from propwatch.errors import ConfigError
from propwatch.kb.match import MIN_SCORE, TOP_K, KbIndex
from propwatch.store.kb import ClaimSpan, KbTables, MatchRow
from propwatch.store.sqlite import SqliteStore

log = logging.getLogger(__name__)

VERDICTS = {"confirm": "confirmed", "reject": "rejected", "clear": None}


@dataclass(frozen=True)
class MatchSummary:
    claims: int  # claims run through matching
    matched: int  # of which with at least one match
    matches: int  # candidate matches stored
    known_claims: int  # size of the knowledge base
    seconds: float


def match_new_claims(
    store: SqliteStore, rematch: bool = False, encoder: SentenceEncoder | None = None,
    min_score: float = MIN_SCORE, top_k: int = TOP_K,
) -> MatchSummary:
    """Match claims that were never matched (all claims with ``rematch``).

    Importing known claims or adding aliases makes every claim "never matched" again, so
    old articles meet new debunks.  Reviewed matches (confirmed or rejected) are never
    removed or re-scored away.
    """
    t0 = time.perf_counter()
    tables = KbTables(store.conn)
    claims = tables.claim_spans(only_unmatched=not rematch)
    known = tables.count()
    if not claims or not known:
        return MatchSummary(0, 0, 0, known, time.perf_counter() - t0)
    index = KbIndex(tables, encoder)
    matched = stored = 0
    for start in range(0, len(claims), 256):
        chunk = claims[start : start + 256]
        found = index.search([c.text for c in chunk], top_k=top_k, min_score=min_score)
        tables.begin()
        try:
            for claim, candidates in zip(chunk, found, strict=True):
                tables.save_matches(claim, [(c.claim.id, c.score) for c in candidates])
                matched += bool(candidates)
                stored += len(candidates)
            tables.commit()
        except BaseException:
            tables.rollback()
            raise
    summary = MatchSummary(len(claims), matched, stored, known, time.perf_counter() - t0)
    log.info("matched %d claims against %d known claims in %.1fs", len(claims), known,
             summary.seconds)
    return summary


def set_verdict(store: SqliteStore, match_id: int, action: str) -> MatchRow:
    """Record an analyst's verdict on a match: 'confirm', 'reject' or 'clear'."""
    if action not in VERDICTS:
        raise ConfigError(f"unknown verdict {action!r}; use confirm, reject or clear")
    tables = KbTables(store.conn)
    if not tables.set_verdict(match_id, VERDICTS[action]):
        raise ConfigError(f"no match with id {match_id}; list matches with "
                          "'propwatch claims --db DB'")
    row = tables.match(match_id)
    assert row is not None
    return row


def _match_dict(row: MatchRow, also: list[str]) -> dict[str, Any]:
    return {
        "id": row.kb_id,
        "match_id": row.match_id,
        "text": row.text,
        "score": round(row.score, 4),
        "source": row.source,
        "date": row.date,
        "url": row.url,
        "rating": row.rating,
        "verdict": row.verdict,
        "also": [i for i in also if i != row.kb_id],
    }


def claims_by_article(
    store: SqliteStore, include_rejected: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Every article's claims, in text order, each with its matches (confirmed first).

    Shape: ``{article_id: [{"start", "end", "text", "score", "matches": [{"id", "text",
    "score", "source", "date", "url", "rating", "verdict", "match_id", "also"}]}]}``.
    Rejected matches are left out unless ``include_rejected``.
    """
    tables = KbTables(store.conn)
    claims = tables.claims_layer()
    rows = [r for r in tables.matches() if include_rejected or r.verdict != "rejected"]
    members = tables.group_members([r.group_key for r in rows])
    by_claim: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    for row in rows:
        by_claim.setdefault((row.article_id, row.start, row.end), []).append(
            _match_dict(row, members.get(row.group_key, []))
        )
    out: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        out.setdefault(claim.article_id, []).append(_claim_dict(
            claim, by_claim.get((claim.article_id, claim.start, claim.end), [])))
    return out


def _claim_dict(claim: ClaimSpan, matches: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "score": round(claim.score, 4),
        "matches": matches,
    }


def list_claims(
    store: SqliteStore, matched_only: bool = False, include_rejected: bool = False
) -> list[dict[str, Any]]:
    """Claims across the corpus, highest check-worthiness first, with their article id."""
    flat: list[dict[str, Any]] = []
    for article_id, claims in claims_by_article(store, include_rejected).items():
        for claim in claims:
            if matched_only and not claim["matches"]:
                continue
            flat.append({"article_id": article_id, **claim})
    flat.sort(key=lambda c: (not any(m["verdict"] == "confirmed" for m in c["matches"]),
                             not c["matches"], -c["score"]))
    return flat
