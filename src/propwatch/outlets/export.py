"""Outlet profiles as JSON, JSON Lines (one outlet per line) and CSV (one row per outlet)."""

from __future__ import annotations

from typing import IO, Any

from propwatch.outlets.profile import Outlet
from propwatch.report.export import write_listing

CSV_COLUMNS = [
    "name", "articles", "words", "first_seen", "last_seen", "undated", "narratives",
    "first_mover_share", "asserted_claims", "copies_from", "copied_by", "techniques",
]


def write(found: list[Outlet], fmt: str, out: IO[str]) -> None:
    write_listing("outlets", [o.to_json() for o in found], [csv_row(o) for o in found],
                  CSV_COLUMNS, fmt, out)


def csv_row(o: Outlet) -> dict[str, Any]:
    return {
        "name": o.name, "articles": len(o.articles), "words": o.words,
        "first_seen": o.first_seen, "last_seen": o.last_seen, "undated": o.undated,
        "narratives": "; ".join(f"{n['id']}:{n['articles']}" for n in o.narratives),
        "first_mover_share": o.first_mover_share,
        "asserted_claims": "; ".join(c["id"] for c in o.asserted_claims),
        "copies_from": "; ".join(f"{k}:{v}" for k, v in o.copies_from.items()),
        "copied_by": "; ".join(f"{k}:{v}" for k, v in o.copied_by.items()),
        "techniques": "; ".join(f"{t['technique']}:{t['spans']}" for t in o.techniques
                                if t["spans"]),
    }
