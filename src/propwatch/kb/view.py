"""What the HTML report shows of claims: per article, claims by score with their matches."""

from __future__ import annotations

from typing import Any

from propwatch.kb.results import claims_by_article
from propwatch.store.sqlite import SqliteStore


def report_view(store: SqliteStore, max_claims: int = 12) -> dict[str, Any]:
    """``{"by_article": {article_id: {"claims": [...], "more": n, "matched": n}}}``.

    Claims with a match come first (confirmed ones before the rest), then by check-worthiness.
    """
    by_article: dict[str, Any] = {}
    for article_id, claims in claims_by_article(store).items():
        for claim in claims:
            for match in claim["matches"]:
                url = match["url"] or ""
                # only web links are links: a "javascript:" URL from an import must not run
                match["url"] = url if url.startswith(("https://", "http://")) else None
        ranked = sorted(claims, key=lambda c: (
            not any(m["verdict"] == "confirmed" for m in c["matches"]),
            not c["matches"], -c["score"]))
        by_article[article_id] = {
            "claims": ranked[:max_claims],
            "more": max(0, len(ranked) - max_claims),
            "matched": sum(1 for c in claims if c["matches"]),
            "total": len(claims),
        }
    return {"by_article": by_article}
