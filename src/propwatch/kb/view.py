"""What the HTML report shows of claims: per article, claims with results first."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from propwatch.claims.checkworthy import LIST_THRESHOLD
from propwatch.kb.results import ArticleClaims, is_match, rank_key, shown
from propwatch.model import Article
from propwatch.store import Store


def repeats(claim: dict[str, Any]) -> bool:
    """The sentence repeats a known (debunked) claim: a match whose stance is `asserts`."""
    return any(is_match(m) and m["stance"] == "asserts" for m in claim["matches"])


def report_view(store: Store, articles: Iterable[Article], max_claims: int = 12
                ) -> dict[str, Any]:
    """``{"by_article": {article_id: {"claims": [...], "more", "repeated", "matched",
    "related", "total"}}}`` for these articles (those with claims).

    Listed: claims with a `match` or `related` result, then check-worthy ones (at least
    ``LIST_THRESHOLD``); ``repeated`` counts claims whose match the article asserts.
    """
    by_article: dict[str, Any] = {}
    found = ArticleClaims(store)
    for article in articles:
        claims = found.of(article)
        if not claims:
            continue
        for claim in claims:
            for match in claim["matches"]:
                url = match["url"] or ""
                # only web links are links: a "javascript:" URL from an import must not run
                match["url"] = url if url.startswith(("https://", "http://")) else None
        listed = sorted((c for c in claims if shown(c, LIST_THRESHOLD)), key=rank_key)
        matched = [c for c in claims if any(is_match(m) for m in c["matches"])]
        by_article[article.id] = {
            "claims": listed[:max_claims],
            "more": max(0, len(listed) - max_claims),
            "repeated": sum(1 for c in matched if repeats(c)),
            "matched": len(matched),
            "related": sum(1 for c in claims if c["matches"]) - len(matched),
            "total": len(listed),
        }
    return {"by_article": by_article}
