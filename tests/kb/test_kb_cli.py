from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from propwatch.cli import main
from propwatch.store import open_store

from .conftest import add_article


def test_kb_import_match_confirm_list(tmp_path: Path, fixtures: Path) -> None:
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    out = runner.invoke(main, ["kb", "import", "euvsdisinfo",
                               str(fixtures / "euvsdisinfo_small.csv"), "--db", db])
    assert out.exit_code == 0, out.output
    assert "5 added" in out.output and "2 skipped" in out.output
    assert "euvsdisinfo_small.csv:6" in out.output  # the malformed row, by line
    with open_store(db) as store:
        add_article(store)
    out = runner.invoke(main, ["claims", "match", "--db", db])
    assert out.exit_code == 0, out.output
    listed = json.loads(runner.invoke(main, ["claims", "--db", db, "--format", "json"]).output)
    match_id = next(c for c in listed if c["matches"])["matches"][0]["match_id"]
    out = runner.invoke(main, ["claims", "confirm", str(match_id), "--db", db])
    assert out.exit_code == 0 and "confirmed" in out.output
    table = runner.invoke(main, ["claims", "--db", db, "--matched"]).output
    assert f"#{match_id}" in table and "confirmed" in table
    assert runner.invoke(main, ["claims", "reject", "4242", "--db", db]).exit_code == 1


def test_kb_alias_add_and_list(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    out = runner.invoke(main, ["kb", "alias", "add", "--db", db, "Hay'at Tahrir al-Sham",
                               "HTS", "Tahrir al-Sham"])
    assert out.exit_code == 0, out.output
    listing = runner.invoke(main, ["kb", "alias", "list", "--db", db]).output
    assert "Hay'at Tahrir al-Sham\tHTS\tTahrir al-Sham" in listing
    assert "ISIS\tDaesh" in listing


def test_analyze_says_when_the_knowledge_base_is_empty_and_how_to_fill_it(
    tmp_path: Path,
) -> None:
    text = ("Bridge closed\n\nThe council voted on Tuesday to close the old bridge for repairs. "
            "Engineers said the steel frame had rusted far faster than expected after three "
            "wet winters. Residents will have to drive twelve kilometres around the river "
            "until the work ends in spring. The mayor said the city had no other choice and "
            "promised a shuttle bus.\n")
    out = CliRunner().invoke(main, ["analyze", "-", "--db", str(tmp_path / "a.db"), "-q"],
                             input=text)
    assert out.exit_code == 0, out.output
    assert "knowledge base is empty" in out.output
    assert "propwatch kb import euvsdisinfo" in out.output
