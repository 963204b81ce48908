"""Corpus-level claim matching, the analysts' verdicts, and claims in the export shape."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from propwatch.claims.checkworthy import LIST_THRESHOLD
from propwatch.claims.encoder import SentenceEncoder
from propwatch.claims.stance import STANCES, StanceModel, default_stance_model
from propwatch.errors import ConfigError
from propwatch.kb.match import TOP_K, KbIndex
from propwatch.model import Article
from propwatch.store import Store
from propwatch.store.connection import Read
from propwatch.store.kb import ClaimSpan, KbTables, MatchRow, NewMatch

log = logging.getLogger(__name__)

VERDICTS = {"confirm": "confirmed", "reject": "rejected", "clear": None}
CHUNK = 256

Progress = Callable[[int, int], None]  # (claims done, claims in all)


@dataclass(frozen=True)
class MatchSummary:
    claims: int  # sentences run through matching
    matched: int  # of which with at least one `match`-level result
    matches: int  # candidate matches stored (`match` and `related`)
    known_claims: int  # size of the knowledge base
    seconds: float
    asserted: int = 0  # sentences with a `match` whose stance is `asserts`


def _contexts(tables: KbTables, claims: list[ClaimSpan]) -> dict[tuple[str, int], str]:
    """Each claim's sentence with its neighbours in the article (its context)."""
    out: dict[tuple[str, int], str] = {}
    by_article: dict[str, list[ClaimSpan]] = {}
    for claim in tables.claims_layer():
        by_article.setdefault(claim.article_id, []).append(claim)
    for claim in claims:
        spans = by_article.get(claim.article_id, [claim])
        i = next((k for k, c in enumerate(spans) if c.start == claim.start), 0)
        lo, hi = spans[max(0, i - 1)], spans[min(len(spans) - 1, i + 1)]
        out[(claim.article_id, claim.start)] = " ".join(
            dict.fromkeys(c.text for c in (lo, claim, hi)))
    return out


def match_new_claims(
    store: Store, rematch: bool = False, encoder: SentenceEncoder | None = None,
    top_k: int = TOP_K, progress: Progress | None = None,
) -> MatchSummary:
    """Match claims that were never matched (all claims with ``rematch``).

    Every sentence of the ``claims`` layer is a candidate; `match` and `related` results are
    stored with the article's stance towards each.  Importing known claims or adding aliases
    makes every claim "never matched" again, so old articles meet new debunks.  Reviewed
    matches (confirmed or rejected) are never removed; they are re-scored.
    """
    t0 = time.perf_counter()
    tables = KbTables(store.conn)
    claims = tables.claim_spans(only_unmatched=not rematch)
    known = tables.count()
    if not claims or not known:
        return MatchSummary(0, 0, 0, known, time.perf_counter() - t0)
    index = KbIndex(tables, encoder)
    stance_model = default_stance_model()
    contexts = _contexts(tables, claims)
    matched = stored = asserted = 0
    for start in range(0, len(claims), CHUNK):
        chunk = claims[start : start + CHUNK]
        found = index.search([c.text for c in chunk], top_k=top_k)
        with tables.transaction():
            for claim, candidates in zip(chunk, found, strict=True):
                context = contexts[(claim.article_id, claim.start)]
                new = [_scored(stance_model, claim, c.claim.text, c.claim.id, c.score,
                               c.decision, context) for c in candidates]
                tables.save_matches(claim, new)
                matched += any(m.decision == "match" for m in new)
                asserted += any(m.decision == "match" and m.stance == "asserts" for m in new)
                stored += len(new)
        if progress:
            progress(min(start + CHUNK, len(claims)), len(claims))
    summary = MatchSummary(len(claims), matched, stored, known, time.perf_counter() - t0,
                           asserted)
    log.info("matched %d claims against %d known claims in %.1fs", len(claims), known,
             summary.seconds)
    return summary


def _scored(model: StanceModel, claim: ClaimSpan, known_text: str, kb_id: str, score: float,
            decision: str, context: str) -> NewMatch:
    stance, stance_score = model.stance(known_text, claim.text, context)
    return NewMatch(kb_id, score, decision, stance, stance_score)


def set_verdict(store: Store, match_id: int, action: str) -> MatchRow:
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


def match_dict(row: MatchRow, also: list[str]) -> dict[str, Any]:
    return {
        "id": row.kb_id,
        "match_id": row.match_id,
        "text": row.text,
        "score": round(row.score, 4),
        "decision": row.decision or "reviewed",
        "stance": row.stance,
        "stance_score": None if row.stance_score is None else round(row.stance_score, 4),
        "source": row.source,
        "date": row.date,
        "url": row.url,
        "rating": row.rating,
        "verdict": row.verdict,
        "also": [i for i in also if i != row.kb_id],
    }


def claims_by_article(
    store: Store, include_rejected: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """Every article's claims, in text order, each with its matches (confirmed first).

    Shape: ``{article_id: [{"start", "end", "text", "score", "matches": [{"id", "text",
    "score", "source", "date", "url", "rating", "verdict", "match_id", "also"}]}]}``.
    Rejected matches are left out unless ``include_rejected``.
    """
    tables = KbTables(store.conn)
    return _with_matches(tables, tables.claims_layer(), tables.matches(), include_rejected)


def article_claims_reads(article_id: str) -> list[Read]:
    """What :func:`article_claims` needs besides the article: its matches and their groups."""
    return [KbTables.matches_read(article_id), KbTables.group_members_read(article_id)]


def article_claims(article: Article, matches: list[MatchRow], members: dict[str, list[str]]
                   ) -> list[dict[str, Any]]:
    """One article's entry of :func:`claims_by_article` (rejected matches left out), from
    what :func:`article_claims_reads` read."""
    by_claim = _matches_by_claim(matches, False, members)
    return [_claim_dict(c, by_claim.get((c.article_id, c.start, c.end), []))
            for c in layer_claims(article)]


class ArticleClaims:
    """The claims of articles already read (their ``claims`` layer), each with its matches,
    as :func:`claims_by_article` gives them: every match is read once, at the start, so
    going through a corpus costs no query per article and reads no claim text again."""

    def __init__(self, store: Store, include_rejected: bool = False) -> None:
        tables = KbTables(store.conn)
        self._by_claim = _read_by_claim(tables, tables.matches(), include_rejected)

    def of(self, article: Article) -> list[dict[str, Any]]:
        return [_claim_dict(c, self._by_claim.get((c.article_id, c.start, c.end), []))
                for c in layer_claims(article)]


def layer_claims(article: Article) -> list[ClaimSpan]:
    """The article's claims layer as claims with their text, in text order."""
    return [ClaimSpan(article.id, s.start, s.end, s.score or 0.0, s.text_of(article.text))
            for s in sorted(article.layers.get("claims", []), key=lambda s: s.start)]


def claims_with_matches(store: Store, claims: list[ClaimSpan]) -> list[dict[str, Any]]:
    """These claims (a page of them), in this order, each as :func:`claims_by_article`
    gives it plus its ``article_id``; only the claims' articles' matches are read."""
    tables = KbTables(store.conn)
    by_claim = _read_by_claim(tables, [r for aid in dict.fromkeys(c.article_id for c in claims)
                                       for r in tables.matches(aid)], False)
    return [{"article_id": c.article_id,
             **_claim_dict(c, by_claim.get((c.article_id, c.start, c.end), []))}
            for c in claims]


def _with_matches(tables: KbTables, claims: list[ClaimSpan], matches: list[MatchRow],
                  include_rejected: bool) -> dict[str, list[dict[str, Any]]]:
    by_claim = _read_by_claim(tables, matches, include_rejected)
    out: dict[str, list[dict[str, Any]]] = {}
    for claim in claims:
        out.setdefault(claim.article_id, []).append(_claim_dict(
            claim, by_claim.get((claim.article_id, claim.start, claim.end), [])))
    return out


def _read_by_claim(tables: KbTables, matches: list[MatchRow], include_rejected: bool
                   ) -> dict[tuple[str, int, int], list[dict[str, Any]]]:
    """:func:`_matches_by_claim`, reading the matches' groups."""
    return _matches_by_claim(matches, include_rejected,
                             tables.group_members([r.group_key for r in matches]))


def _matches_by_claim(matches: list[MatchRow], include_rejected: bool,
                      members: dict[str, list[str]]
                      ) -> dict[tuple[str, int, int], list[dict[str, Any]]]:
    """Matches by claim, each with the KB ids of its group (``members``)."""
    rows = [r for r in matches if include_rejected or r.verdict != "rejected"]
    by_claim: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    for row in rows:
        by_claim.setdefault((row.article_id, row.start, row.end), []).append(
            match_dict(row, members.get(row.group_key, []))
        )
    return by_claim


def _claim_dict(claim: ClaimSpan, matches: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "start": claim.start,
        "end": claim.end,
        "text": claim.text,
        "score": round(claim.score, 4),
        "matches": matches,
    }


def shown(claim: dict[str, Any], threshold: float) -> bool:
    """Whether a claim is listed by default: it has a stored result or is check-worthy."""
    return bool(claim["matches"]) or claim["score"] >= threshold


def is_match(m: dict[str, Any]) -> bool:
    """A `match`-level result, or one an analyst confirmed."""
    return bool(m["verdict"] == "confirmed" or (m["decision"] == "match" and
                                                m["verdict"] != "rejected"))


def rank_key(claim: dict[str, Any]) -> tuple[bool, bool, bool, float]:
    """Confirmed matches first, then `match`, then `related`, then by check-worthiness."""
    matches = claim["matches"]
    return (not any(m["verdict"] == "confirmed" for m in matches),
            not any(is_match(m) for m in matches), not matches, -claim["score"])


def list_claims(
    store: Store, decision: str | None = None, stances: tuple[str, ...] = (),
    include_rejected: bool = False, everything: bool = False,
) -> list[dict[str, Any]]:
    """Claims across the corpus, best evidence first, with their article id.

    ``decision="match"`` keeps claims with a `match` (or confirmed) result, ``"related"``
    those with any stored result; ``stances`` keeps only results with those stances (and
    implies ``decision="match"`` when no decision is given).  By default only claims with
    a result or a check-worthiness of at least ``LIST_THRESHOLD`` are listed; ``everything``
    lists every sentence.
    """
    bad = [s for s in stances if s not in STANCES]
    if bad or decision not in (None, "match", "related"):
        raise ConfigError(f"unknown filter {bad or decision!r}; decisions: match, related; "
                          f"stances: {', '.join(STANCES)}")
    if stances and decision is None:
        decision = "match"
    tables = KbTables(store.conn)
    # a decision keeps only claims with a stored result: read only those (not every sentence)
    spans = tables.matched_claim_spans() if decision else tables.claims_layer()
    flat: list[dict[str, Any]] = []
    for article_id, claims in _with_matches(tables, spans, tables.matches(),
                                            include_rejected).items():
        for claim in claims:
            matches = claim["matches"]
            if decision == "match":
                matches = [m for m in matches if is_match(m)]
            if stances:
                matches = [m for m in matches if m["stance"] in stances]
            if decision is not None and not matches:
                continue
            if decision is None and not everything and not shown(claim, LIST_THRESHOLD):
                continue
            flat.append({"article_id": article_id, **claim, "matches": matches})
    flat.sort(key=rank_key)
    return flat
