"""Narratives and outlets in the workspace: the API gives what the CLI's JSON gives, and
the pages list them with every name escaped."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from markupsafe import escape

from propwatch.narratives.view import narratives
from propwatch.outlets.profile import outlets
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
