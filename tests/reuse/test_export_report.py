from __future__ import annotations

import io
import json
from collections.abc import Callable

import propwatch.reuse as reuse
from propwatch.report.export import export
from propwatch.report.html import render
from propwatch.reuse.api import article_reuse, article_reuse_reads, cluster_of, reuse_by_article
from propwatch.store import Store
from propwatch.store.reuse import PairRow, save_pairs

Add = Callable[..., str]  # the ``add`` fixture
Story = Callable[..., str]  # the ``story`` fixture


def test_export_carries_reuse(store: Store, add: Add, story: Story) -> None:
    text = story(70)
    a = add(text, outlet="One", published="2020-01-01")
    b = add(text + "\n\nShare", outlet="Two", published="2020-01-02")
    c = add(story(71))
    d = add(story(72))
    reuse.update(store)
    add(story(73))  # stored after the update: no reuse field yet
    out = io.StringIO()
    export(store, "jsonl", out)
    rows = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert rows[a]["reuse"]["cluster"] == rows[b]["reuse"]["cluster"] is not None
    assert rows[a]["reuse"]["is_earliest"] and not rows[b]["reuse"]["is_earliest"]
    assert rows[b]["reuse"]["relations"] == [
        {"with": a, "relation": "duplicate", "share": 1.0,
         "jaccard": rows[b]["reuse"]["relations"][0]["jaccard"]}
    ]
    assert rows[c]["reuse"]["cluster"] is None and rows[d]["reuse"]["relations"] == []
    assert sum("reuse" not in r for r in rows.values()) == 1


def test_report_section_escapes(store: Store, add: Add, story: Story) -> None:
    text = story(80)
    add(text, outlet="<script>alert(1)</script>", published="2020-01-01")
    add(text + "\n\nMore", outlet="Plain", published="2020-01-03")
    reuse.update(store)
    html = render(store)
    assert 'id="republication"' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "earliest" in html
    assert html.count("Also published") == 2  # on both copies' article cards


def test_one_articles_reuse_is_its_entry_of_the_whole_corpus(store: Store, add: Add,
                                                             story: Story) -> None:
    ids = [add(story(90 + i), outlet=f"O{i}", published=f"2020-01-0{i + 1}") for i in range(6)]
    reuse.update(store)  # fingerprinted, no copies among them
    a, b, c, d, e, f = ids
    chain = [(a, b), (c, b), (c, d), (e, f)]  # d is three steps from a; e-f a group apart
    with store.transaction() as conn:
        save_pairs(conn, [PairRow(x, y, "rewrite", 0.5, 0.6, 0.7) for x, y in chain])
    whole = reuse_by_article(store)
    assert whole[a]["cluster"] == whole[d]["cluster"] != whole[e]["cluster"]
    assert whole[d]["cluster_size"] == 4 and whole[f]["cluster_size"] == 2
    for x in ids:
        assert article_reuse(x, *store.conn.read_all(article_reuse_reads(store, x))) == whole[x]
    found = cluster_of(store, d)
    assert found is not None and {m.id for m in found.articles} == {a, b, c, d}
    assert [(r.a, r.b) for r in found.pairs] == sorted(chain[:3])
