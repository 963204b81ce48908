"""Republication as the HTML report shows it: clusters, biggest first, with each copy's
outlet and date, the relations between copies and any declared-source disagreement."""

from __future__ import annotations

from typing import Any

from propwatch.reuse.api import clusters
from propwatch.store import Store

MAX_OTHERS = 12
RELATION_TEXT = {
    "duplicate": "same article",
    "rewrite": "rewritten copy",
    "contained": "inside",
}


def report_view(store: Store, limit: int = 50) -> dict[str, Any]:
    """The report's republication section: the ``limit`` biggest clusters and totals."""
    found = clusters(store)
    shown = []
    by_article: dict[str, dict[str, Any]] = {}
    listed = {c.id for c in found[:limit]}
    for c in found:
        direct: dict[str, dict[str, str]] = {}
        for r in c.pairs:
            for me, other in ((r.a, r.b), (r.b, r.a)):
                if r.relation != "contained":
                    text = RELATION_TEXT[r.relation]
                elif me == r.a:
                    text = f"{r.a_in_b:.0%} of this article is inside it"
                else:
                    text = f"{r.a_in_b:.0%} of it is inside this article"
                direct.setdefault(me, {})[other] = text
        for m in c.articles:
            others = [
                {"id": o.id, "outlet": o.outlet or o.title or o.id, "published": o.published,
                 "relation": direct.get(m.id, {}).get(o.id), "earliest": o.id == c.earliest}
                for o in c.articles if o.id != m.id
            ]
            by_article[m.id] = {
                "cluster": c.id, "listed": c.id in listed, "earliest": m.id == c.earliest,
                "others": others[:MAX_OTHERS], "more": max(0, len(others) - MAX_OTHERS),
            }
    for c in found[:limit]:
        label = {m.id: (m.outlet or m.title or m.id) for m in c.articles}
        relations = []
        for r in c.pairs:
            if r.relation == "contained":
                text = f"{r.a_in_b:.0%} of {label[r.a]} is inside {label[r.b]}"
            else:
                text = f"{label[r.a]} and {label[r.b]}: {RELATION_TEXT[r.relation]}"
            relations.append({"relation": r.relation, "text": text, "jaccard": r.jaccard})
        shown.append({
            "id": c.id,
            "size": len(c.articles),
            "earliest": c.earliest,
            "basis": c.provenance.basis,
            "copies": [
                {"id": m.id, "title": m.title, "outlet": m.outlet, "published": m.published,
                 "url": m.url, "declared_source": m.declared_source,
                 "earliest": m.id == c.earliest}
                for m in c.articles
            ],
            "relations": relations,
            "disagreements": [
                {"article": label[d.article], "reason": d.reason}
                for d in c.provenance.disagreements
            ],
        })
    return {
        "clusters": shown,
        "by_article": by_article,
        "total_clusters": len(found),
        "articles_in_clusters": sum(len(c.articles) for c in found),
    }
