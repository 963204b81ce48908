from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from propwatch.cli import main
from propwatch.store import open_store

from .conftest import add_article

RAQQA = "ISIS fighters seized the Syrian city of Raqqa on Monday after heavy fighting."
RAQQA_AGAIN = "On Monday, after heavy fighting, Daesh militants captured the Syrian city of Raqqa."
HOSTILE = "The \x1b[31mcentral bank\x1b[0m raised its interest rate by half a point, it said."


def corpus(tmp_path: Path) -> str:
    path = str(tmp_path / "c.db")
    with open_store(path) as store:
        add_article(store, [RAQQA], published="2024-03-04", outlet="Daily")
        add_article(store, [RAQQA_AGAIN], published="2024-03-05")
        add_article(store, [HOSTILE])
    return path


def test_json_lists_each_narrative_with_the_documented_fields(tmp_path: Path) -> None:
    db = corpus(tmp_path)
    result = CliRunner().invoke(main, ["narratives", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["narratives"]
    assert len(found) == 2
    raqqa = found[0]
    assert {"id", "label", "articles", "claims", "known_claims", "timeline"} <= set(raqqa)
    assert len(raqqa["articles"]) == 2 and raqqa["timeline"]["first_seen"] == "2024-03-04"
    since = CliRunner().invoke(main, ["narratives", "--db", db, "--format", "json",
                                      "--since", "2024-03-05"])
    assert [len(n["articles"]) for n in json.loads(since.stdout)["narratives"]] == [1]


def test_table_and_show_print_escaped_text(tmp_path: Path) -> None:
    db = corpus(tmp_path)
    table = CliRunner().invoke(main, ["narratives", "--db", db])
    assert table.exit_code == 0, table.output
    assert "\x1b" not in table.stdout and "central bank" in table.stdout
    first = table.stdout.splitlines()[1].split()[0]
    shown = CliRunner().invoke(main, ["narratives", "show", first, "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "Raqqa" in shown.stdout and "Daily" in shown.stdout


def test_unknown_ids_and_lone_thresholds_are_errors_that_say_what_to_do(
        tmp_path: Path) -> None:
    db = corpus(tmp_path)
    missing = CliRunner().invoke(main, ["narratives", "show", "N999", "--db", db])
    assert missing.exit_code == 1 and "propwatch narratives --db" in missing.output
    bad = CliRunner().invoke(main, ["narratives", "show", "twelve", "--db", db])
    assert bad.exit_code == 1 and "N12" in bad.output
    lone = CliRunner().invoke(main, ["narratives", "--db", db, "--claim-threshold", "0.9"])
    assert lone.exit_code == 1 and "--rebuild" in lone.output
    date = CliRunner().invoke(main, ["narratives", "--db", db, "--since", "March"])
    assert date.exit_code == 2 and "YYYY-MM-DD" in date.output


def test_the_article_export_names_each_articles_narratives(tmp_path: Path) -> None:
    db = corpus(tmp_path)
    before = CliRunner().invoke(main, ["export", "--db", db, "--format", "jsonl"])
    assert all(json.loads(line)["narratives"] == [] for line in before.stdout.splitlines())
    CliRunner().invoke(main, ["narratives", "--db", db])
    after = [json.loads(line) for line in
             CliRunner().invoke(main, ["export", "--db", db, "--format", "jsonl"])
             .stdout.splitlines()]
    ids = [r["narratives"] for r in after]
    assert all(len(i) == 1 for i in ids) and len({i[0] for i in ids}) == 2
    table = CliRunner().invoke(main, ["export", "--db", db, "--format", "csv"])
    assert "narratives" in table.stdout.splitlines()[0]
