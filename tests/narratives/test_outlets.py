from __future__ import annotations

import json

from click.testing import CliRunner

from propwatch import reuse
from propwatch.cli import main
from propwatch.narratives import update
from propwatch.outlets import outlets
from propwatch.store import Store
from propwatch.store.kb import KbTables, KnownClaim, NewMatch

from .conftest import AddArticle

RAQQA = ("ISIS fighters seized the Syrian city of Raqqa on Monday after heavy fighting with "
         "government troops, residents said, and raised their black flag over the main square.")
RAQQA_AGAIN = ("On Monday, after heavy fighting, ISIS militants captured the Syrian city of "
               "Raqqa and raised their flag over its main square, residents said.")
RATES = ("The central bank raised its interest rate by half a percentage point to fight "
         "inflation, its governor told reporters in the capital on Thursday.")
STORY = ("Flood waters rose across the river delta overnight as rescue teams moved hundreds "
         "of families from low villages to schools on higher ground, local officials said, "
         "warning that more rain was expected before the weekend and that roads to the "
         "coast were already closed to all traffic except emergency vehicles and buses.")


def test_profiles_count_articles_narratives_first_movers_and_asserted_claims(
        store: Store, add: AddArticle) -> None:
    first = add(RAQQA, published="2024-03-04", outlet="Daily Herald")
    add(RAQQA_AGAIN, published="2024-03-06", url="https://www.example.org/raqqa")
    add(RATES, published="2024-03-07", url="https://example.org/rates")
    tables = KbTables(store.conn)
    known = KnownClaim("https://debunk.example/1", "test", "Checkers", "ISIS took Raqqa.")
    tables.upsert([(known, "isis took raqqa", "ISIS took Raqqa.")])
    [claim] = [c for c in tables.claims_layer() if c.article_id == first]
    tables.save_matches(claim, [NewMatch(known.id, 0.9, "match", "asserts", 0.8)])
    update(store)
    found = {o.name: o for o in outlets(store)}
    assert list(found) == ["example.org", "Daily Herald"]  # the URL's domain without www.
    herald, example = found["Daily Herald"], found["example.org"]
    assert len(example.articles) == 2 and example.per_month == {"2024-03": 2}
    [raqqa] = herald.narratives
    assert raqqa["first_mover"] and raqqa["outlets"] == 2 and herald.first_mover_share == 1.0
    assert example.first_mover_share == 0.0  # it joined the Raqqa story second
    assert [c["id"] for c in herald.asserted_claims] == [known.id]
    assert example.asserted_claims == []


def test_technique_rates_compare_the_outlet_with_the_corpus(
        store: Store, add: AddArticle) -> None:
    loud = add(RAQQA, outlet="Loud")
    add(RATES, outlet="Calm")
    from propwatch.model import Span

    store.replace_layer(loud, "techniques", [Span(0, 4, "Loaded_Language", 0.9)])
    found = {o.name: o for o in outlets(store)}
    [loud_rate] = found["Loud"].techniques
    words = len(RAQQA.split())
    assert loud_rate["spans"] == 1
    assert loud_rate["per_1000_words"] == round(1000 / words, 3)
    assert loud_rate["ratio"] > 1 > 0 == found["Calm"].techniques[0]["spans"]


def test_republication_families_say_who_copies_whom(
        store: Store, add: AddArticle) -> None:
    add(STORY, published="2024-05-01", outlet="Origin News")
    add(STORY + " Schools stay shut.", published="2024-05-02", outlet="Copy Daily")
    reuse.update(store)
    found = {o.name: o for o in outlets(store)}
    assert found["Copy Daily"].copies_from == {"Origin News": 1}
    assert found["Origin News"].copied_by == {"Copy Daily": 1}


def test_cli_lists_shows_and_exports_outlets(tmp_path, store: Store,  # type: ignore[no-untyped-def]
                                             add: AddArticle) -> None:
    add(RAQQA, outlet="=cmd|' /C calc'!A0")
    add(RATES, outlet="Plain \x1b[31mNews")
    db = str(store.path)
    store.close()
    table = CliRunner().invoke(main, ["outlets", "--db", db])
    assert table.exit_code == 0 and "\x1b" not in table.output
    as_json = CliRunner().invoke(main, ["outlets", "--db", db, "--format", "json"])
    assert {o["name"] for o in json.loads(as_json.stdout)["outlets"]} == {
        "=cmd|' /C calc'!A0", "Plain \x1b[31mNews"}
    lines = CliRunner().invoke(main, ["outlets", "--db", db, "--format", "jsonl"])
    assert len(lines.stdout.splitlines()) == 2
    rows = CliRunner().invoke(main, ["outlets", "--db", db, "--format", "csv"])
    assert "'=cmd" in rows.stdout  # a formula-looking cell is defused
    shown = CliRunner().invoke(main, ["outlets", "show", "plain \x1b[31mnews", "--db", db])
    assert shown.exit_code == 0 and "1 articles" in shown.output
    missing = CliRunner().invoke(main, ["outlets", "show", "Nobody", "--db", db])
    assert missing.exit_code == 1 and "propwatch outlets --db" in missing.output
