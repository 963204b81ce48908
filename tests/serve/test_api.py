"""The REST API: search with filters and pages, articles as the export writes them,
matches with verdicts, statistics, one error shape, and an OpenAPI that covers it all."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from propwatch.serve import api

from .conftest import MakeClient, export_records


def test_articles_lists_every_article_newest_first_in_pages(client: TestClient,
                                                            corpus_db: Path) -> None:
    records = export_records(corpus_db)
    first = client.get("/api/articles", params={"limit": 3}).json()
    second = client.get("/api/articles", params={"limit": 3, "offset": 3}).json()
    assert first["total"] == second["total"] == len(records)
    assert set(first["items"][0]) == {"id", "title", "outlet", "published", "snippet"}
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 6 and set(ids) <= set(records)
    dates = [i["published"] for i in first["items"] + second["items"] if i["published"]]
    assert dates == sorted(dates, reverse=True)


def test_full_text_search_finds_exactly_the_articles_with_the_word(
        client: TestClient, corpus_db: Path) -> None:
    records = export_records(corpus_db)
    word = "dam"
    expected = {i for i, r in records.items()
                if re.search(rf"\b{word}\b", f"{r['title']} {r['text']}", re.IGNORECASE)}
    assert expected, "the demo corpus should mention the word"
    found = client.get("/api/articles", params={"q": word, "limit": 200}).json()
    assert found["total"] == len(expected)
    assert {i["id"] for i in found["items"]} == expected
    assert all(word in i["snippet"].lower() for i in found["items"])


def test_filters_keep_only_articles_that_fit(client: TestClient, corpus_db: Path) -> None:
    records = export_records(corpus_db)
    outlet = next(str(r["outlet"]) for r in records.values() if r["outlet"])
    by_outlet = client.get("/api/articles", params={"outlet": outlet, "limit": 200}).json()
    assert by_outlet["total"] == sum(r["outlet"] == outlet for r in records.values())
    technique = "Loaded_Language"
    tagged = client.get("/api/articles", params={"technique": technique, "limit": 200}).json()
    want = {i for i, r in records.items()
            if any(t["technique"] == technique for t in r["techniques"])}  # type: ignore[attr-defined]
    assert {i["id"] for i in tagged["items"]} == want
    dated = client.get("/api/articles", params={"since": "2024-01", "until": "2024-12-31",
                                                "limit": 200}).json()
    assert all("2024-01" <= i["published"] <= "2024-12-31~" for i in dated["items"])
    assert dated["total"] == sum(bool(r["published"]) and "2024-01" <= str(r["published"])
                                 < "2025" for r in records.values())


def test_has_match_keeps_articles_with_a_match_to_a_known_claim(
        client: TestClient, corpus_db: Path) -> None:
    records = export_records(corpus_db)
    want = {i for i, r in records.items() if any(
        m["decision"] == "match" for c in r["claims"] for m in c["matches"])}  # type: ignore[attr-defined]
    assert want
    found = client.get("/api/articles", params={"has_match": "true", "limit": 200}).json()
    assert {i["id"] for i in found["items"]} == want


def test_an_article_is_served_exactly_as_the_jsonl_export_writes_it(
        client: TestClient, corpus_db: Path) -> None:
    for article_id, record in export_records(corpus_db).items():
        assert client.get(f"/api/articles/{article_id}").json() == record


def test_every_error_has_one_json_shape(client: TestClient) -> None:
    for url, status in (("/api/articles/nope", 404), ("/api/articles?since=soon", 400),
                        ("/api/articles?limit=0", 422), ("/api/matches/999999", 404),
                        ("/api/no-such-thing", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        body = response.json()
        assert set(body) == {"error"} and body["error"]["status"] == status
        assert body["error"]["message"]


def test_hostile_search_syntax_is_searched_for_never_an_error(client: TestClient) -> None:
    for q in ['"unclosed', "NEAR(", "a OR", "col:umn", "*", "(((", "'; DROP TABLE articles"]:
        response = client.get("/api/articles", params={"q": q})
        assert response.status_code == 200, q


def test_a_verdict_written_over_the_api_is_stored_and_exported(
        db_copy: Path, make_client: MakeClient) -> None:
    client = make_client(db_copy)
    queue = client.get("/api/matches").json()
    assert queue["total"] > 0
    match = queue["items"][0]
    done = client.post(f"/api/matches/{match['match_id']}/verdict", json={"verdict": "reject"})
    assert done.status_code == 200 and done.json()["verdict"] == "rejected"
    after = client.get("/api/matches", params={"limit": 200}).json()
    assert after["total"] == queue["total"] - 1
    assert match["match_id"] not in {m["match_id"] for m in after["items"]}
    record = export_records(db_copy)[match["article_id"]]
    exported = [m for c in record["claims"] for m in c["matches"]]  # type: ignore[attr-defined]
    assert match["match_id"] not in {m["match_id"] for m in exported}  # rejected: left out
    confirmed = client.post(f"/api/matches/{match['match_id']}/verdict",
                            json={"verdict": "confirm"}).json()
    assert confirmed["verdict"] == "confirmed"
    record = export_records(db_copy)[match["article_id"]]
    assert any(m["match_id"] == match["match_id"] and m["verdict"] == "confirmed"
               for c in record["claims"] for m in c["matches"])  # type: ignore[attr-defined]


def test_a_technique_span_marked_wrong_is_exported(db_copy: Path,
                                                   make_client: MakeClient) -> None:
    client = make_client(db_copy)
    article_id, record = next((i, r) for i, r in export_records(db_copy).items()
                              if r["techniques"])
    span = record["techniques"][0]  # type: ignore[index]
    body = {"start": span["start"], "end": span["end"], "technique": span["technique"],
            "verdict": "wrong"}
    assert client.post(f"/api/articles/{article_id}/techniques/verdict",
                       json=body).status_code == 200
    exported = export_records(db_copy)[article_id]["technique_verdicts"]
    assert [(v["start"], v["technique"], v["verdict"]) for v in exported] == [  # type: ignore[attr-defined]
        (span["start"], span["technique"], "wrong")]
    missing = client.post(f"/api/articles/{article_id}/techniques/verdict",
                          json={**body, "start": span["start"] + 100000})
    assert missing.status_code == 404


def test_stats_count_the_corpus(client: TestClient, corpus_db: Path) -> None:
    records = export_records(corpus_db)
    stats = client.get("/api/stats").json()
    assert stats["articles"] == len(records)
    assert stats["technique_spans"] == sum(len(r["techniques"]) for r in records.values())  # type: ignore[arg-type]
    assert sum(m["articles"] for m in stats["articles_per_month"]) == sum(
        bool(r["published"]) for r in records.values())
    assert stats["families"] and stats["families"][0]["size"] >= 2


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    app_routes = {(m.lower(), r.path_format) for r in api.router.routes
                  if isinstance(r, APIRoute) for m in r.methods}
    described = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert described == app_routes
    assert ("get", "/api/articles") in described
    assert ("post", "/api/matches/{match_id}/verdict") in described
    assert not any(p.startswith(("/search", "/articles")) for p in spec["paths"])  # pages


def test_every_listing_answers_in_the_shape_its_description_gives(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    checked = 0
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path or path == "/api/openapi.json":
            continue
        response = client.get(path)
        assert response.status_code == 200, path
        described = get["responses"]["200"]["content"]["application/json"]["schema"]
        if "$ref" in described:
            model = schemas[described["$ref"].rsplit("/", 1)[1]]
            body = response.json()
            assert set(model.get("required", [])) <= set(body) <= set(model["properties"]), path
            checked += 1
    assert checked >= 4  # articles, matches, narratives, outlets, reuse
    error = schemas["Error"]["properties"]["error"]["$ref"].rsplit("/", 1)[1]
    missing = client.get("/api/articles/no-such-article").json()
    assert set(missing) == {"error"} and set(missing["error"]) == set(
        schemas[error]["properties"])


PAGE = ("Minister defends the dam plan\n\nThe minister said on Monday that the new dam would "
        "be finished by spring. Critics called the plan a disgraceful waste of money and "
        "said the corrupt officials behind it had lied to voters for years. Engineers warned "
        "that the river could flood the valley if the work was rushed.")


def test_analyze_returns_the_layers_and_stores_nothing_unless_asked(
        db_copy: Path, make_client: MakeClient) -> None:
    client = make_client(db_copy)
    before = client.get("/api/articles").json()["total"]
    done = client.post("/api/analyze", json={"text": PAGE, "outlet": "Test Post"}).json()
    assert done["stored"] is False and len(done["articles"]) == 1
    article = done["articles"][0]
    assert article["outlet"] == "Test Post" and article["sentences"] and article["claims"]
    assert all(article["text"][s["start"]:s["end"]] for s in article["techniques"])
    assert client.get("/api/articles").json()["total"] == before
    stored = client.post("/api/analyze?store=true", json={"text": PAGE}).json()
    assert stored["stored"] is True
    assert client.get("/api/articles").json()["total"] == before + 1
    assert client.get(f"/api/articles/{stored['articles'][0]['id']}").status_code == 200
    assert client.post("/api/analyze", json={}).status_code == 400


def test_analyze_in_a_read_only_workspace_may_not_store(db_copy: Path,
                                                        make_client: MakeClient) -> None:
    client = make_client(db_copy, read_only=True)
    assert client.post("/api/analyze?store=true", json={"text": PAGE}).status_code == 403
    assert client.post("/api/analyze", json={"text": PAGE}).status_code == 200


def test_a_page_of_the_queue_shows_each_match_as_its_own_page_does(client: TestClient) -> None:
    page = client.get("/api/matches", params={"limit": 200}).json()["items"]
    assert len(page) > 1
    assert page == [client.get(f"/api/matches/{m['match_id']}").json() for m in page]
