"""The pages: what they show, that untrusted text stays text, paging, and verdicts
recorded where the analyst reads."""

from __future__ import annotations

import re
import sqlite3
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from .conftest import EVIL_TITLE, MakeClient, export_records

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def evil_id(db: Path) -> str:
    return next(i for i, r in export_records(db).items() if r["title"] == EVIL_TITLE)


def test_hostile_title_text_and_url_are_escaped_on_every_page(client: TestClient,
                                                              corpus_db: Path) -> None:
    article_id = evil_id(corpus_db)
    pages = [client.get(f"/articles/{article_id}").text,
             client.get("/search", params={"q": "corrupt elite"}).text,
             client.get("/search", params={"q": "<script>alert(1)</script>"}).text,
             client.get("/").text]
    for html in pages:
        assert "<script>document.title" not in html and "<script>alert" not in html
        assert "<img src=x" not in html and "<b>Outlet</b>" not in html
    article = pages[0]
    assert "Breaking &lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt; news" in article
    assert "&lt;img src=x onerror=" in article
    assert 'href="javascript:' not in article  # a javascript: URL is shown, never a link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[2]  # the query, echoed as text


def test_every_page_forbids_inline_script(client: TestClient) -> None:
    for url in ("/", "/search", "/review", "/login", "/nope"):
        policy = client.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_article_page_shows_highlights_explanations_and_confidence(
        client: TestClient, corpus_db: Path) -> None:
    article_id, record = next((i, r) for i, r in export_records(corpus_db).items()
                              if r["techniques"])
    html = client.get(f"/articles/{article_id}").text
    assert html.count("<mark ") >= 1 and 'class="t-' in html
    for span in record["techniques"]:  # type: ignore[attr-defined]
        assert f"[{span['start']}, {span['end']})" in html  # each span, with its offsets
        assert f"{span['score']:.2f}" in html  # and its confidence
    assert "what it is" in html and "Raw input offsets" in html
    assert record["source"] in html


def test_article_page_shows_claims_matches_and_republication(
        client: TestClient, corpus_db: Path) -> None:
    records = export_records(corpus_db)
    copied = next(i for i, r in records.items()
                  if (r.get("reuse") or {}).get("cluster"))  # type: ignore[attr-defined]
    assert "copies (family c-" in client.get(f"/articles/{copied}").text
    matched, record = next((i, r) for i, r in records.items() if any(
        c["matches"] for c in r["claims"]))  # type: ignore[attr-defined]
    html = client.get(f"/articles/{matched}").text
    match = next(m for c in record["claims"] for m in c["matches"])  # type: ignore[attr-defined]
    assert f'id="m-{match["match_id"]}"' in html and match["decision"] in html


def test_one_colour_per_technique_in_every_view(client: TestClient) -> None:
    css = client.get("/assets/techniques.css").text
    colours = re.findall(r"\.t-(\d+) \{ background: (#[0-9a-f]{6}); \}", css)
    assert len(colours) == 14
    stats = client.get("/api/stats").json()
    assert stats["techniques_per_month"]  # the dashboard charts use the same colours
    dashboard = client.get("/").text
    for index, colour in colours:
        if f'"colour": "{colour}"' in dashboard:
            assert f".t-{index} {{ background: {colour}; }}" in css


def test_search_pages_through_results(client: TestClient, corpus_db: Path) -> None:
    total = len(export_records(corpus_db))
    first = client.get("/search").text
    assert f"1–20 of {total}" in first if total > 20 else f"1–{total} of {total}" in first
    if total > 20:
        assert 'rel="next"' in first
        second = client.get("/search", params={"offset": 20}).text
        assert f"21–{min(40, total)} of {total}" in second and 'rel="prev"' in second


def test_search_shows_the_matching_snippet(client: TestClient) -> None:
    html = client.get("/search", params={"q": "dam"}).text
    assert re.search(r"<b>[Dd]am</b>", html)


def test_the_search_form_offers_every_outlet_and_keeps_the_chosen_one(
        client: TestClient, corpus_db: Path) -> None:
    outlets = sorted({str(r["outlet"]) for r in export_records(corpus_db).values()
                      if r["outlet"]})
    for chosen in ("", outlets[-1], outlets[0]):
        menu = re.search(r'<select name="outlet">(.*?)</select>',
                         client.get("/search", params={"outlet": chosen}).text).group(1)
        offered = [(unescape(value), selected) for value, selected
                   in re.findall(r'<option value="([^"]*)"( selected)?>', menu)]
        assert [value for value, _ in offered] == ["", *outlets]
        assert [value for value, selected in offered if selected] == ([chosen] if chosen else [])


def test_confirm_in_the_review_queue_stores_the_verdict(db_copy: Path,
                                                       make_client: MakeClient) -> None:
    client = make_client(db_copy)
    page = client.get("/review").text
    token = CSRF.search(page).group(1)  # type: ignore[union-attr]
    match_id = int(re.search(r'action="/matches/(\d+)/verdict"', page).group(1))  # type: ignore[union-attr]
    done = client.post(f"/matches/{match_id}/verdict", follow_redirects=False,
                       data={"csrf_token": token, "action": "confirm", "next": "/review"})
    assert done.status_code == 303 and done.headers["location"] == "/review"
    assert client.get(f"/api/matches/{match_id}").json()["verdict"] == "confirmed"
    assert f'action="/matches/{match_id}/verdict"' not in client.get("/review").text


def test_a_write_without_the_csrf_token_is_refused(db_copy: Path,
                                                   make_client: MakeClient) -> None:
    client = make_client(db_copy)
    client.get("/review")  # the browser now holds the session's CSRF cookie
    match_id = client.get("/api/matches").json()["items"][0]["match_id"]
    for data, headers in (({"action": "confirm"}, {}),
                          ({"action": "confirm", "csrf_token": "forged" * 5}, {}),
                          ({"action": "confirm", "csrf_token": client.cookies["propwatch_csrf"]},
                           {"origin": "https://evil.example"})):
        refused = client.post(f"/matches/{match_id}/verdict", data=data, headers=headers,
                              follow_redirects=False)
        assert refused.status_code == 403
    assert client.get(f"/api/matches/{match_id}").json()["verdict"] is None


def test_a_redirect_after_a_verdict_never_leaves_the_site(db_copy: Path,
                                                          make_client: MakeClient) -> None:
    client = make_client(db_copy)
    token = CSRF.search(client.get("/review").text).group(1)  # type: ignore[union-attr]
    match_id = client.get("/api/matches").json()["items"][0]["match_id"]
    done = client.post(f"/matches/{match_id}/verdict", follow_redirects=False,
                       data={"csrf_token": token, "action": "reject",
                             "next": "//evil.example/"})
    assert done.headers["location"] == "/review"


def test_marking_a_span_wrong_on_the_article_page(db_copy: Path,
                                                  make_client: MakeClient) -> None:
    client = make_client(db_copy)
    article_id, record = next((i, r) for i, r in export_records(db_copy).items()
                              if r["techniques"])
    page = client.get(f"/articles/{article_id}").text
    span = record["techniques"][0]  # type: ignore[index]
    client.post(f"/articles/{article_id}/techniques/verdict", follow_redirects=False, data={
        "csrf_token": CSRF.search(page).group(1), "start": span["start"],  # type: ignore[union-attr]
        "end": span["end"], "technique": span["technique"], "verdict": "wrong"})
    assert "marked wrong" in client.get(f"/articles/{article_id}").text
    exported = export_records(db_copy)[article_id]["technique_verdicts"]
    assert exported[0]["verdict"] == "wrong"  # type: ignore[index]


def test_dashboard_draws_its_charts_from_the_corpus(client: TestClient,
                                                    corpus_db: Path) -> None:
    html = client.get("/").text
    assert html.count("<canvas") == 5 and '/static/chart.umd.min.js' in html
    assert f"<b>{len(export_records(corpus_db))}</b>articles" in html
    assert client.get("/static/chart.umd.min.js").status_code == 200


def test_a_hostile_known_claim_is_shown_as_text_and_never_linked(
        db_copy: Path, make_client: MakeClient) -> None:
    with sqlite3.connect(db_copy) as conn:
        conn.execute(
            "INSERT INTO kb_claims (id, dataset, source, text, url, group_key, search_text)"
            " VALUES ('kb-evil', 'test', '<b>Src</b>', '<script>alert(1)</script> claim',"
            " 'javascript:alert(1)', 'evil', 'evil')")
        article, start, end = conn.execute(
            "SELECT article_id, start, \"end\" FROM annotations WHERE layer = 'claims'"
            " LIMIT 1").fetchone()
        conn.execute(
            'INSERT INTO claim_matches (article_id, start, "end", kb_id, score, decision,'
            " stance, stance_score) VALUES (?, ?, ?, 'kb-evil', 0.99, 'match', 'asserts', 0.9)",
            (article, start, end))
    client = make_client(db_copy)
    for html in (client.get("/review").text, client.get(f"/articles/{article}").text,
                 client.get("/").text):
        assert "&lt;script&gt;alert(1)&lt;/script&gt; claim" in html
        assert "<script>alert" not in html and "<b>Src</b>" not in html
        assert 'href="javascript:' not in html
