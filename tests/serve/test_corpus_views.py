"""Narratives, outlets and republication families in the workspace: the API gives what the
CLI's JSON gives, and the pages list and draw them with every name escaped."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient
from markupsafe import escape

from propwatch.narratives.view import narratives
from propwatch.outlets.profile import outlets
from propwatch.reuse.api import clusters
from propwatch.store import open_store


def test_narratives_api_lists_what_the_library_finds(client: TestClient,
                                                      corpus_db: Path) -> None:
    with open_store(corpus_db) as store:
        expected = [n.to_json() for n in narratives(store)]
    assert expected, "the demo corpus should have narratives"
    found = client.get("/api/narratives").json()
    assert found == {"total": len(expected), "items": expected}
    one = client.get(f"/api/narratives/{expected[0]['id']}").json()
    assert one == expected[0]
    assert client.get("/api/narratives/N999999").status_code == 404


def test_outlets_api_gives_one_profile_per_outlet(client: TestClient, corpus_db: Path) -> None:
    with open_store(corpus_db) as store:
        expected = [o.to_json() for o in outlets(store)]
    found = client.get("/api/outlets").json()
    assert found["total"] == len(expected) and found["items"] == expected
    name = expected[0]["name"]
    assert client.get(f"/api/outlets/{name}").json()["articles"] == expected[0]["articles"]
    assert client.get("/api/outlets/no-such-outlet.example").status_code == 404


def test_narratives_and_outlets_pages_list_them_escaped(client: TestClient,
                                                        corpus_db: Path) -> None:
    with open_store(corpus_db) as store:
        first = narratives(store)[0]
        names = [o.name for o in outlets(store)]
    page = client.get("/narratives").text
    assert f'id="{first.id}"' in page
    listing = client.get("/outlets").text
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in listing and "<b>Outlet</b>" not in listing
    assert all(f">{escape(n)}</a>" in listing for n in names)
    assert "<b>Outlet</b>" not in page


def test_an_outlet_page_lists_its_articles_page_by_page_with_its_profile(
        client: TestClient, corpus_db: Path) -> None:
    with open_store(corpus_db) as store:
        biggest = outlets(store)[0]
    page = client.get(f"/outlets/{quote(biggest.name)}")
    assert page.status_code == 200
    assert f"<h1>{escape(biggest.name)}</h1>" in page.text
    linked = re.findall(r'<a class="title" href="/articles/([^"]+)"', page.text)
    assert linked and set(linked) <= set(biggest.articles)
    assert len(linked) == min(20, len(biggest.articles))
    assert 'id="chart-profile"' in page.text and 'id="outlet-chart"' in page.text
    assert client.get("/outlets/no-such-outlet.example").status_code == 404


def test_an_outlet_name_with_markup_and_a_slash_has_its_page_escaped(client: TestClient) -> None:
    page = client.get("/outlets/" + quote("Evil <b>Outlet</b>", safe=""))
    assert page.status_code == 200
    assert "<h1>Evil &lt;b&gt;Outlet&lt;/b&gt;</h1>" in page.text and "<b>Outlet" not in page.text
    assert client.get("/api/outlets/" + quote("Evil <b>Outlet</b>", safe="")).status_code == 200


def test_republication_pages_list_families_and_draw_who_copied_whom(
        client: TestClient, corpus_db: Path) -> None:
    with open_store(corpus_db) as store:
        found = clusters(store)
    assert found, "the demo corpus has republished articles"
    listing = client.get("/republication").text
    assert all(f'href="/republication/{c.id}"' in listing for c in found[:20])
    biggest = found[0]
    page = client.get(f"/republication/{biggest.id}").text
    nodes = re.findall(r'class="node[^"]*" data-id="([^"]+)"', page)
    assert sorted(nodes) == sorted(m.id for m in biggest.articles)
    assert page.count('class="node earliest" data-id=') == 1
    assert f'class="node earliest" data-id="{biggest.earliest}"' in page
    assert page.count('<g class="edge') == len(biggest.pairs) + sum(
        len(d.matches) for d in biggest.provenance.declarations)
    assert client.get("/republication/c-nothing").status_code == 404


def test_reuse_api_gives_the_families_as_the_cli_json(client: TestClient,
                                                      corpus_db: Path) -> None:
    with open_store(corpus_db) as store:
        expected = [c.to_json() for c in clusters(store)]
    found = client.get("/api/reuse?limit=200").json()
    assert found == {"total": len(expected), "items": expected[:200]}
    assert client.get(f"/api/reuse/{expected[0]['id']}").json() == expected[0]
    assert client.get("/api/reuse/c-nothing").json()["error"]["status"] == 404


def test_the_republished_filter_finds_exactly_the_articles_in_a_family(
        client: TestClient, corpus_db: Path) -> None:
    with open_store(corpus_db) as store:
        copies = {m.id for c in clusters(store) for m in c.articles}
    found = client.get("/api/articles?reused=true&limit=200").json()
    assert copies and {i["id"] for i in found["items"]} == copies
    assert found["total"] == len(copies) and found["total_exact"] is True


def test_every_outlet_link_on_the_dashboard_and_family_list_opens_a_page(
        client: TestClient) -> None:
    links = set()
    for page in ("/", "/republication"):
        links |= set(re.findall(r'href="(/outlets/[^"]+)"', client.get(page).text))
    assert links
    assert all(client.get(link.replace("&amp;", "&")).status_code == 200 for link in links)
