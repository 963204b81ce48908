"""GET /api/techniques and GET /api/claims: every stored span, page by page, as the
export has it; claims with a match first; untrusted text comes back as JSON text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from propwatch.kb.results import is_match

from .conftest import EVIL_TITLE, export_records


def every_page(client: TestClient, path: str, limit: int, **params: Any
               ) -> tuple[int, list[dict[str, Any]]]:
    items: list[dict[str, Any]] = []
    while True:
        page = client.get(path, params={**params, "limit": limit, "offset": len(items)})
        assert page.status_code == 200 and page.headers["content-type"] == "application/json"
        body = page.json()
        items += body["items"]
        if not body["items"]:
            return body["total"], items


def test_techniques_lists_every_stored_span_with_its_text(client: TestClient,
                                                          corpus_db: Path) -> None:
    records = export_records(corpus_db)
    expected = {(i, s["start"], s["end"], s["technique"])
                for i, r in records.items() for s in r["techniques"]}  # type: ignore[attr-defined]
    assert expected, "the demo corpus should have technique spans"
    total, items = every_page(client, "/api/techniques", 7)
    assert total == len(items) == len(expected)
    assert {(i["article_id"], i["start"], i["end"], i["technique"]) for i in items} == expected
    for item in items:
        record = records[item["article_id"]]
        assert item["text"] == str(record["text"])[item["start"]:item["end"]]
        assert 0 < item["confidence"] <= 1 and item["title"] == record["title"]
    keys = [(i["technique"], i["article_id"], i["start"]) for i in items]
    assert keys == sorted(keys)


def test_techniques_filter_by_technique_and_article(client: TestClient) -> None:
    _, items = every_page(client, "/api/techniques", 200)
    technique = items[0]["technique"]
    total, of_one = every_page(client, "/api/techniques", 200, technique=technique)
    assert total == len(of_one) == sum(i["technique"] == technique for i in items)
    article = items[-1]["article_id"]
    total, in_one = every_page(client, "/api/techniques", 200, article=article)
    assert total == len(in_one) == sum(i["article_id"] == article for i in items)
    assert client.get("/api/techniques", params={"technique": "No_Such"}).json() == {
        "total": 0, "items": []}
    bad = client.get("/api/techniques", params={"limit": 0})
    assert bad.status_code == 422 and set(bad.json()) == {"error"}


def test_claims_come_matched_first_each_with_its_known_claim_matches(
        client: TestClient, corpus_db: Path) -> None:
    records = export_records(corpus_db)
    exported = {(i, c["start"], c["end"]): c
                for i, r in records.items() for c in r["claims"]}  # type: ignore[attr-defined]
    matched = {k for k, c in exported.items() if any(is_match(m) for m in c["matches"])}
    assert matched and len(matched) < len(exported), "the demo corpus has both kinds"
    total, items = every_page(client, "/api/claims", 5)  # pages cross the boundary
    assert total == len(items) == len(exported)
    keys = [(i["article_id"], i["start"], i["end"]) for i in items]
    assert set(keys) == set(exported)
    flags = [i["matched"] for i in items]
    assert flags == sorted(flags, reverse=True)  # every matched one before the others
    assert {k for k, i in zip(keys, items, strict=True) if i["matched"]} == matched
    for key, item in zip(keys, items, strict=True):
        assert item["text"] == exported[key]["text"]
        assert item["matches"] == exported[key]["matches"]
    only, matched_items = every_page(client, "/api/claims", 200, matched="true")
    assert only == len(matched_items) == len(matched)
    article = keys[0][0]
    total, in_one = every_page(client, "/api/claims", 200, article=article)
    assert total == len(in_one) == sum(k[0] == article for k in keys)


def test_hostile_text_comes_back_as_json_text(client: TestClient, corpus_db: Path) -> None:
    evil = next(i for i, r in export_records(corpus_db).items() if r["title"] == EVIL_TITLE)
    response = client.get("/api/techniques", params={"article": evil, "limit": 200})
    assert response.headers["content-type"] == "application/json"
    items = response.json()["items"]
    assert items and all(i["title"] == EVIL_TITLE for i in items)
    claims = client.get("/api/claims", params={"article": evil, "limit": 200}).json()["items"]
    assert any("<" in c["text"] for c in claims + items)  # the text as it is, never as HTML
