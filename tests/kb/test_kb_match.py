from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import ConfigError
from propwatch.kb import claims_by_article, import_kb, list_claims, match_new_claims, set_verdict
from propwatch.kb.match import content_words, keyword_terms
from propwatch.kb.results import is_match
from propwatch.report.export import records
from propwatch.store import Store
from propwatch.store.kb import KbTables

from .conftest import ARTICLE, add_article

COALITION = "https://euvsdisinfo.eu/report/us-coalition-helps-isis-fighters-escape/"
FIVE_G = "https://factcheck.example.org/2020/04/5g-covid/"


def test_keyword_terms_are_the_content_words() -> None:
    assert keyword_terms('The "US" is helping ISIS in Syria') == ["helping", "isis", "syria"]
    assert content_words("The fighters escaped") == {"fighter", "escap"}


def test_matches_claims_to_known_claims(kb_store: Store) -> None:
    aid = add_article(kb_store)
    summary = match_new_claims(kb_store)
    assert (summary.claims, summary.known_claims) == (3, 7)
    claims = claims_by_article(kb_store)[aid]
    assert [c["text"][:10] for c in claims] == ["Daesh figh", "The weathe", "Experts sa"]
    isis, weather, five_g = claims
    assert isis["matches"][0]["id"] == COALITION
    assert isis["matches"][0]["source"] == "EUvsDisinfo"
    assert isis["matches"][0]["date"] == "2017-11-20"
    assert weather["matches"] == []
    assert five_g["matches"][0]["id"] == FIVE_G
    assert ARTICLE[isis["start"] : isis["end"]] == isis["text"]
    # nothing left to match: a second run does no work
    assert match_new_claims(kb_store).claims == 0


def test_duplicate_titles_come_back_as_one_group(kb_store: Store) -> None:
    text = "Officials insist that a civil war is going on in Ukraine."
    aid = add_article(kb_store, text)
    match_new_claims(kb_store)
    matches = claims_by_article(kb_store)[aid][0]["matches"]
    civil = [m for m in matches if "civil-war" in m["id"]]
    assert len(civil) == 1 and len(civil[0]["also"]) == 1


def test_verdicts_survive_reanalysis(kb_store: Store) -> None:
    aid = add_article(kb_store)
    match_new_claims(kb_store)
    claims = claims_by_article(kb_store)[aid]
    confirmed = claims[0]["matches"][0]
    rejected = claims[2]["matches"][0]
    set_verdict(kb_store, confirmed["match_id"], "confirm")
    set_verdict(kb_store, rejected["match_id"], "reject")
    # re-analysis rewrites the claims layer and matches everything again
    spans = kb_store.article(aid).layers["claims"]  # type: ignore[union-attr]
    kb_store.replace_layer(aid, "claims", spans)
    KbTables(kb_store.conn).conn.execute("UPDATE claim_matches SET score = 0.1 WHERE verdict "
                                         "= 'confirmed'")
    match_new_claims(kb_store, rematch=True)
    again = claims_by_article(kb_store)[aid]
    assert again[0]["matches"][0]["match_id"] == confirmed["match_id"]
    assert again[0]["matches"][0]["verdict"] == "confirmed"
    assert rejected["id"] not in [m["id"] for m in again[2]["matches"]]
    with_rejected = claims_by_article(kb_store, include_rejected=True)[aid]
    assert rejected["id"] in [m["id"] for m in with_rejected[2]["matches"]]
    listed = list_claims(kb_store)
    assert listed[0]["matches"][0]["verdict"] == "confirmed"


def test_unknown_match_id(kb_store: Store) -> None:
    with pytest.raises(ConfigError, match="no match with id 999"):
        set_verdict(kb_store, 999, "confirm")


def test_no_knowledge_base_no_work(store: Store) -> None:
    add_article(store)
    assert match_new_claims(store).matches == 0


def test_new_known_claims_are_matched_against_old_claims(
    store: Store, fixtures: Path
) -> None:
    import_kb(store, "euvsdisinfo", fixtures / "euvsdisinfo_small.csv")
    aid = add_article(store)
    match_new_claims(store)
    before = claims_by_article(store)[aid][2]["matches"]  # no 5G debunk known yet
    assert FIVE_G not in [m["id"] for m in before]
    assert all(m["decision"] != "match" for m in before)
    import_kb(store, "claimreview", fixtures / "claimreview_jsonld.json")
    assert match_new_claims(store).claims == 3
    assert claims_by_article(store)[aid][2]["matches"][0]["id"] == FIVE_G


def test_listings_by_decision_read_only_the_matched_claims(kb_store: Store) -> None:
    add_article(kb_store)
    add_article(kb_store, "The weather in the region was mild on Tuesday.")
    match_new_claims(kb_store)
    tables = KbTables(kb_store.conn)
    matched = {(m.article_id, m.start, m.end) for m in tables.matches()}
    every = tables.claims_layer()
    only = tables.matched_claim_spans()
    assert only == [c for c in every if (c.article_id, c.start, c.end) in matched]
    assert 0 < len(only) < len(every)
    listed = list_claims(kb_store, everything=True)
    assert list_claims(kb_store, decision="related") == [c for c in listed if c["matches"]]
    assert list_claims(kb_store, decision="match") == [
        {**c, "matches": [m for m in c["matches"] if is_match(m)]}
        for c in listed if any(is_match(m) for m in c["matches"])]


def test_export_gives_each_article_its_claims_with_matches(kb_store: Store) -> None:
    add_article(kb_store)
    add_article(kb_store, "The weather in the region was mild on Tuesday.")
    match_new_claims(kb_store)
    exported = {r["id"]: r["claims"] for r in records(kb_store)}
    assert exported == claims_by_article(kb_store)
