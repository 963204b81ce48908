"""Republication as the HTML report shows it: clusters, biggest first, with each copy's
outlet and date, the relations between copies and any declared-source disagreement."""

from __future__ import annotations

from typing import Any

from propwatch.reuse.api import clusters
from propwatch.store import SqliteStore

RELATION_TEXT = {
    "duplicate": "same article",
    "rewrite": "rewritten copy",
    "contained": "inside",
}


def report_view(store: SqliteStore, limit: int = 50) -> dict[str, Any]:
    """The report's republication section: the ``limit`` biggest clusters and totals."""
    found = clusters(store)
    shown = []
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
        "total_clusters": len(found),
        "articles_in_clusters": sum(len(c.articles) for c in found),
    }
