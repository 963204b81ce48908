"""SQL for the API's span listings (``GET /api/techniques``, ``GET /api/claims``): one page
at a time, each walking an index of ``annotations`` or ``claim_matches``
(migrations 001, 003, 008), never the whole layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from propwatch.store.connection import Connection
from propwatch.store.kb import ClaimSpan
from propwatch.store.narratives import COUNTED_MATCH

SPAN_TEXT = 'substr(a.text, n.start + 1, n."end" - n.start)'  # offsets count characters


@dataclass(frozen=True)
class TechniqueSpan:
    article_id: str
    title: str | None
    start: int
    end: int
    technique: str
    confidence: float | None
    text: str
    verdict: str | None  # an analyst's "wrong" or "right", if any

    def to_json(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "title": self.title, "start": self.start,
                "end": self.end, "technique": self.technique,
                "confidence": None if self.confidence is None else round(self.confidence, 4),
                "text": self.text, "verdict": self.verdict}


def technique_spans(conn: Connection, technique: str | None, article: str | None, limit: int,
                    offset: int) -> tuple[int, list[TechniqueSpan]]:
    """(how many spans the filters select, one page of them by technique, article and
    position: the order of the index on (layer, label, article_id), so a page reads only
    the rows before its end, never sorts the layer)."""
    where, params = ["n.layer = 'techniques'"], []
    if technique:
        where.append("n.label = ?")
        params.append(technique)
    if article:
        where.append("n.article_id = ?")
        params.append(article)
    clause = " WHERE " + " AND ".join(where)
    total = int(conn.execute(f"SELECT COUNT(*) FROM annotations n{clause}", params)
                .fetchone()[0])
    rows = conn.execute(
        'SELECT n.article_id, a.title, n.start, n."end", n.label, n.score,'
        f" {SPAN_TEXT}, v.verdict FROM annotations n JOIN articles a ON a.id = n.article_id"
        " LEFT JOIN technique_verdicts v ON v.article_id = n.article_id"
        ' AND v.start = n.start AND v."end" = n."end" AND v.label = n.label'
        f'{clause} ORDER BY n.label, n.article_id, n.start, n."end" LIMIT ? OFFSET ?',
        [*params, limit, offset])
    return total, [TechniqueSpan(*r) for r in rows]


# walks claim_matches (far fewer rows than annotations), in the order of its index
_MATCHED = ('SELECT DISTINCT m.article_id, m.start, m."end" FROM claim_matches m'
            f" WHERE {COUNTED_MATCH} AND EXISTS (SELECT 1 FROM annotations n"
            " WHERE n.article_id = m.article_id AND n.layer = 'claims'"
            ' AND n.start = m.start AND n."end" = m."end")')
_UNMATCHED = (f"NOT EXISTS (SELECT 1 FROM claim_matches m WHERE m.article_id = n.article_id"
              f' AND m.start = n.start AND m."end" = n."end" AND {COUNTED_MATCH})')


def claim_spans(conn: Connection, article: str | None, matched_only: bool, limit: int,
                offset: int) -> tuple[int, list[tuple[ClaimSpan, bool]]]:
    """(how many claims, one page of (claim, matched)): claims with a `match` result or a
    confirmed one first, then the others, each part by article and position."""
    on_article = " AND n.article_id = ?" if article else ""
    params = [article] if article else []
    matched = _MATCHED + (" AND m.article_id = ?" if article else "")
    matched_total = int(conn.execute(
        f"SELECT COUNT(*) FROM ({matched}) AS matched", params).fetchone()[0])
    keys = [(str(r[0]), int(r[1]), int(r[2])) for r in conn.execute(
        f"{matched} ORDER BY 1, 2, 3 LIMIT ? OFFSET ?", [*params, limit, offset])]
    page = [(claim, True) for claim in _claims_at(conn, keys)]
    if matched_only:
        return matched_total, page
    total = int(conn.execute(f"SELECT COUNT(*) FROM annotations n WHERE n.layer = 'claims'"
                             f"{on_article}", params).fetchone()[0])
    if len(page) < limit:
        rows = conn.execute(
            f'SELECT n.article_id, n.start, n."end", COALESCE(n.score, 0), {SPAN_TEXT}'
            " FROM annotations n JOIN articles a ON a.id = n.article_id"
            f" WHERE n.layer = 'claims'{on_article} AND {_UNMATCHED}"
            ' ORDER BY n.label, n.article_id, n.start, n."end" LIMIT ? OFFSET ?',  # index order
            [*params, limit - len(page), max(0, offset - matched_total)])
        page += [(ClaimSpan(*r), False) for r in rows]
    return total, page


def _claims_at(conn: Connection, keys: list[tuple[str, int, int]]) -> list[ClaimSpan]:
    """The claims at these (article, start, end), in this order."""
    if not keys:
        return []
    articles = sorted({k[0] for k in keys})
    rows = conn.execute(
        f'SELECT n.article_id, n.start, n."end", COALESCE(n.score, 0), {SPAN_TEXT}'
        " FROM annotations n JOIN articles a ON a.id = n.article_id WHERE n.layer = 'claims'"
        f" AND n.article_id IN ({','.join('?' * len(articles))})", articles)
    found = {(str(r[0]), int(r[1]), int(r[2])): ClaimSpan(*r) for r in rows}
    return [found[k] for k in keys if k in found]
