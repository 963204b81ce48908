"""Narratives as JSON, JSON Lines (one narrative per line) and CSV (one row each)."""

from __future__ import annotations

from typing import IO, Any

from propwatch.narratives.view import Narrative
from propwatch.report.export import write_listing

CSV_COLUMNS = [
    "id", "label", "central_claim", "terms", "dominant_in", "articles", "claims", "clusters",
    "first_seen", "known_claims", "asserts", "refutes", "outlets", "article_ids",
]


def write(found: list[Narrative], fmt: str, out: IO[str]) -> None:
    write_listing("narratives", [n.to_json() for n in found], [csv_row(n) for n in found],
                  CSV_COLUMNS, fmt, out)


def csv_row(n: Narrative) -> dict[str, Any]:
    return {
        "id": n.id, "label": n.label, "central_claim": n.central_claim,
        "terms": "; ".join(n.terms), "dominant_in": len(n.dominant_in),
        "articles": len(n.articles), "claims": len(n.claims), "clusters": n.clusters,
        "first_seen": n.timeline["first_seen"],
        "known_claims": "; ".join(k["id"] for k in n.known_claims),
        "asserts": sum(k["asserts"] for k in n.known_claims),
        "refutes": sum(k["refutes"] for k in n.known_claims),
        "outlets": "; ".join(f"{k}:{v['articles']}" for k, v in
                             n.timeline["per_outlet"].items()),
        "article_ids": "; ".join(n.articles),
    }
