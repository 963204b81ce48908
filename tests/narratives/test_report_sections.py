from __future__ import annotations

from propwatch.narratives import update
from propwatch.report.html import render
from propwatch.store import Store

from .conftest import AddArticle
from .test_narratives import RAQQA, RAQQA_AGAIN, RATES


def test_the_report_shows_narratives_and_outlets_with_charts_and_escaped_text(
        store: Store, add: AddArticle) -> None:
    add(RAQQA, published="2024-03-04", outlet="<script>alert(1)</script>")
    add(RAQQA_AGAIN, published="2024-03-12", outlet="Second <b>Daily</b>")
    add(RATES, published="2024-03-13", outlet="Second <b>Daily</b>")
    update(store)
    page = render(store)
    assert 'id="narratives"' in page and 'id="outlets"' in page
    assert page.count("<svg") >= 4  # per-week bars per narrative, per-month bars per outlet
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Second &lt;b&gt;Daily&lt;/b&gt;" in page


def test_narratives_export_as_jsonl_and_csv(store: Store, add: AddArticle) -> None:
    import csv
    import io
    import json

    from propwatch.narratives import narratives
    from propwatch.narratives.export import write

    add(RAQQA)
    add(RAQQA_AGAIN)
    add("=HYPERLINK(\"http://x\") The central bank raised rates by half a point again.")
    update(store)
    found = narratives(store)
    lines = io.StringIO()
    write(found, "jsonl", lines)
    records = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [r["id"] for r in records] == [n.id for n in found]
    assert {"id", "label", "articles", "claims", "known_claims", "timeline"} <= set(records[0])
    table = io.StringIO()
    write(found, "csv", table)
    rows = list(csv.DictReader(io.StringIO(table.getvalue())))
    assert [r["id"] for r in rows] == [n.id for n in found]
    assert all(not r["label"].startswith("=") for r in rows)
