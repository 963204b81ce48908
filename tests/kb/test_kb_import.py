from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import ConfigError, InputError
from propwatch.kb import import_kb
from propwatch.kb.claimreview import read_claimreview
from propwatch.kb.euvsdisinfo import read_euvsdisinfo
from propwatch.store import Store
from propwatch.store.kb import KbTables, KnownClaim


def test_euvsdisinfo_rows_and_malformed_lines(fixtures: Path) -> None:
    items = list(read_euvsdisinfo(fixtures / "euvsdisinfo_small.csv"))
    errors = [i for i in items if isinstance(i, InputError)]
    claims = [i for i in items if isinstance(i, KnownClaim)]
    assert [e.where.rsplit(":", 1)[1] for e in errors] == ["6", "7"]
    assert "date" in errors[0].reason and "fields" in errors[1].reason
    assert len(claims) == 5
    first = claims[0]
    assert first.url == first.id and first.source == "EUvsDisinfo"
    assert first.date == "2017-11-20"
    assert first.meta["outlets"] == ["Zvezda"]  # "Show more" residue dropped


def test_import_groups_duplicate_titles_and_reports_skips(
    store: Store, fixtures: Path
) -> None:
    s = import_kb(store, "euvsdisinfo", fixtures / "euvsdisinfo_small.csv")
    assert (s.added, s.updated, len(s.skipped), s.total) == (5, 0, 2, 5)
    assert s.groups == 4  # the two "civil war in Ukraine" ids are one group
    members = KbTables(store.conn).group_members(["there is a civil war in ukraine"])
    assert len(members["there is a civil war in ukraine"]) == 2


def test_reimport_updates_in_place(store: Store, fixtures: Path, tmp_path: Path) -> None:
    import_kb(store, "euvsdisinfo", fixtures / "euvsdisinfo_small.csv")
    again = import_kb(store, "euvsdisinfo", fixtures / "euvsdisinfo_small.csv")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    changed = tmp_path / "changed.csv"
    changed.write_text(
        (fixtures / "euvsdisinfo_small.csv").read_text().replace(
            "There is a civil war in Ukraine,", "There is a civil war in eastern Ukraine,"),
        encoding="utf-8",
    )
    third = import_kb(store, "euvsdisinfo", changed)
    assert (third.added, third.updated, third.total) == (0, 1, 5)
    row = store.conn.execute(
        "SELECT text FROM kb_claims WHERE id LIKE '%civil-war-in-ukraine-1/'").fetchone()
    assert row[0] == "There is a civil war in eastern Ukraine"


def test_claimreview_jsonld_list(fixtures: Path) -> None:
    items = list(read_claimreview(fixtures / "claimreview_jsonld.json"))
    claims = [i for i in items if isinstance(i, KnownClaim)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [c.id for c in claims] == [
        "https://factcheck.example.org/2020/04/5g-covid/",
        "https://factcheck.example.org/2017/11/abu-kamal/",
    ]
    assert claims[0].date == "2020-04-02"  # the claim's date, not the review's
    assert claims[0].rating == "False" and claims[0].source == "Example Fact Check"
    assert claims[0].meta["claimant"] == "A viral post"
    assert claims[1].source == "Other Checker"
    assert len(errors) == 1 and errors[0].where.endswith(":17")
    assert "claimReviewed" in errors[0].reason


def test_fact_check_api_response(fixtures: Path) -> None:
    items = list(read_claimreview(fixtures / "factcheck_api.json"))
    claims = [i for i in items if isinstance(i, KnownClaim)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(claims) == 2  # one claim, two reviews
    assert {c.source for c in claims} == {"Checker One", "checkertwo.example"}
    assert all(c.date == "2020-05-01" for c in claims)
    assert claims[0].rating == "False"
    assert len(errors) == 1 and errors[0].where.endswith(":25")


def test_claimreview_html_and_jsonl(fixtures: Path) -> None:
    page = [i for i in read_claimreview(fixtures / "claimreview_page.html")]
    assert isinstance(page[0], KnownClaim) and page[0].text.startswith("A Ukrainian")
    lines = list(read_claimreview(fixtures / "claimreview.jsonl"))
    assert isinstance(lines[1], InputError) and lines[1].where.endswith(":2")
    assert [c.text for c in lines if isinstance(c, KnownClaim)] == ["Claim one", "Claim two"]


def test_import_claimreview_into_store(store: Store, fixtures: Path) -> None:
    s = import_kb(store, "claimreview", fixtures / "claimreview_jsonld.json")
    assert (s.added, len(s.skipped)) == (2, 1)
    s = import_kb(store, "claimreview", fixtures / "factcheck_api.json")
    assert (s.added, s.total) == (2, 4)


def test_unknown_kind_and_unreadable_file(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        import_kb(store, "snopes", tmp_path / "x.csv")
    bad = tmp_path / "bad.json"
    bad.write_text('{"claims": [', encoding="utf-8")
    with pytest.raises(InputError, match="bad.json:1"):
        import_kb(store, "claimreview", bad)
