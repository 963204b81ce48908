from __future__ import annotations

import io
import json
from pathlib import Path

from propwatch.kb import import_kb, match_new_claims
from propwatch.report.export import export
from propwatch.report.html import render
from propwatch.store import Store

from .conftest import add_article


def test_export_and_report_show_claims_with_matches(
    store: Store, fixtures: Path, tmp_path: Path
) -> None:
    csv_text = (fixtures / "euvsdisinfo_small.csv").read_text(encoding="utf-8").replace(
        "The White Helmets stage", "<script>alert(1)</script> The White Helmets stage")
    kb = tmp_path / "kb.csv"
    kb.write_text(csv_text, encoding="utf-8")
    import_kb(store, "euvsdisinfo", kb)
    text = "The White Helmets staged the chemical attacks to frame the Syrian government."
    aid = add_article(store, text)
    match_new_claims(store)
    out = io.StringIO()
    export(store, "jsonl", out)
    record = json.loads(out.getvalue().splitlines()[0])
    assert record["id"] == aid
    (claim,) = record["claims"]
    assert {"start", "end", "text", "score", "matches"} <= set(claim)
    match = claim["matches"][0]
    assert {"id", "text", "score", "decision", "stance", "source", "date"} <= set(match)
    assert match["id"] == "https://euvsdisinfo.eu/report/white-helmets-staged-chemical-attacks/"
    html = render(store)
    assert "repeating a known debunked claim" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://euvsdisinfo.eu/report/white-helmets-staged-chemical-attacks/"' in html


def test_report_links_only_web_urls(store: Store, tmp_path: Path) -> None:
    review = tmp_path / "cr.json"
    review.write_text(json.dumps({
        "@type": "ClaimReview", "url": "javascript:alert(1)",
        "claimReviewed": "The moon landing was filmed in a studio in Nevada",
        "author": {"name": "Checker"},
    }), encoding="utf-8")
    import_kb(store, "claimreview", review)
    add_article(store, "The moon landing was secretly filmed in a Nevada studio, he claimed.")
    match_new_claims(store)
    html = render(store)
    assert "The moon landing was filmed" in html
    assert "javascript:alert" not in html
