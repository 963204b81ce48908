"""Calibrated match decisions, deterministic scores, and what the analyst sees of them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from propwatch.claims.encoder import default_encoder
from propwatch.claims.matcher import MatchModel, default_match_model
from propwatch.cli import main
from propwatch.kb import import_kb, list_claims, match_new_claims
from propwatch.kb.match import FEATURES, KbIndex
from propwatch.report.export import export
from propwatch.store import Store, open_store
from propwatch.store.kb import KbTables

from .conftest import add_article

COALITION = "https://euvsdisinfo.eu/report/us-coalition-helps-isis-fighters-escape/"
RESTATED = "The American-led coalition helped Daesh fighters escape from Deir Ezzor."
OTHERS = [
    "The weather in the region was mild on Tuesday, forecasters said.",
    "A very long sentence about the football league, its clubs, their managers, the fans "
    "who travel every weekend and the ticket prices that keep rising year after year.",
    "Experts say that 5G phone masts are spreading the coronavirus across Europe.",
]


def test_a_text_embeds_the_same_alone_and_in_any_batch() -> None:
    encoder = default_encoder()
    encoder.cache.clear()
    alone = encoder.encode([RESTATED], cache=False)[0]
    batched = encoder.encode([*OTHERS, RESTATED, *OTHERS], cache=False)[len(OTHERS)]
    assert np.array_equal(alone, batched)


def test_a_text_scores_the_same_alone_and_in_any_batch(kb_store: Store) -> None:
    index = KbIndex(KbTables(kb_store.conn))
    index.encoder.cache.clear()
    alone = index.search([RESTATED], min_decision="none")[0]
    index.encoder.cache.clear()
    batched = index.search([*OTHERS, RESTATED], min_decision="none")[len(OTHERS)]
    assert [(c.claim.id, c.score, c.features) for c in alone] == \
        [(c.claim.id, c.score, c.features) for c in batched]
    assert alone[0].claim.id == COALITION


def test_known_claims_are_read_once_per_index_and_score_as_when_read_fresh(
    kb_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = KbTables(kb_store.conn)
    fresh = KbIndex(tables).search([RESTATED], min_decision="none")[0]
    index = KbIndex(tables)
    index.search([*OTHERS, RESTATED], min_decision="none")
    reads: list[str] = []
    for name in ("fts_search", "claims_by_rowid"):
        real = getattr(tables, name)
        monkeypatch.setattr(tables, name, lambda *a, _n=name, _f=real: reads.append(_n) or _f(*a))
    warm = index.search([RESTATED], min_decision="none")[0]
    assert reads == []  # its keyword hits and candidate rows were kept from the first search
    assert [(c.claim, c.score, c.decision, c.features) for c in warm] == \
        [(c.claim, c.score, c.decision, c.features) for c in fresh]


def test_matches_do_not_depend_on_how_the_corpus_is_split_into_runs(
    tmp_path: Path, fixtures: Path
) -> None:
    def stored(db: Path, runs: list[list[str]]) -> list[tuple[str, str, float, str]]:
        with open_store(db) as store:
            import_kb(store, "euvsdisinfo", fixtures / "euvsdisinfo_small.csv")
            for run in runs:
                for text in run:
                    add_article(store, text)
                match_new_claims(store)
            return sorted((c["text"], m["id"], m["score"], m["decision"])
                          for c in list_claims(store, decision="related") for m in c["matches"])

    texts = [RESTATED, *OTHERS]
    one_run = stored(tmp_path / "one.db", [texts])
    assert one_run
    assert stored(tmp_path / "two.db", [texts[:1], texts[1:]]) == one_run


def test_decision_levels_follow_the_operating_points(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    n = len(FEATURES)
    coef = np.zeros(n)
    coef[FEATURES.index("cosine")] = 1.0
    np.savez(path, features=np.array(FEATURES), mean=np.zeros(n), scale=np.ones(n), coef=coef,
             intercept=np.float64(0.0), iso_x=np.array([0.0, 1.0]), iso_y=np.array([0.0, 1.0]),
             match_threshold=np.float64(0.8), related_threshold=np.float64(0.4))
    model = MatchModel(path)
    rows = np.zeros((3, n))
    rows[:, FEATURES.index("cosine")] = [0.9, 0.5, 0.1]
    probs = model.calibrate(model.raw(rows))
    assert [model.decision(p) for p in probs] == ["match", "related", "none"]
    with pytest.raises(Exception, match="expects"):
        model.raw(np.zeros((1, n - 1)))


def test_shipped_model_is_calibrated_and_ordered() -> None:
    model = default_match_model()
    assert model.features == FEATURES
    assert 0.0 < model.related_threshold <= model.match_threshold < 1.0
    assert np.all(np.diff(model.iso_y) >= 0) and model.iso_y[0] >= 0 and model.iso_y[-1] <= 1


def test_restated_claim_is_a_match_and_unrelated_text_is_not(kb_store: Store) -> None:
    index = KbIndex(KbTables(kb_store.conn))
    restated, weather = index.search([RESTATED, OTHERS[0]], min_decision="none")
    assert restated[0].claim.id == COALITION and restated[0].decision == "match"
    assert all(c.decision == "none" for c in weather)
    assert [c.score for c in restated] == sorted((c.score for c in restated), reverse=True)


def test_kb_search_json_one_object_per_input_in_order(tmp_path: Path, fixtures: Path) -> None:
    db = str(tmp_path / "k.db")
    runner = CliRunner()
    runner.invoke(main, ["kb", "import", "euvsdisinfo", str(fixtures / "euvsdisinfo_small.csv"),
                         "--db", db])
    queries = [OTHERS[0], RESTATED]
    out = runner.invoke(main, ["kb", "search", "-", "--db", db, "--format", "json", "--top",
                               "2"], input="\n".join(queries) + "\n")
    assert out.exit_code == 0, out.output
    results = json.loads(out.output)
    assert [r["query"] for r in results] == queries
    assert all(len(r["matches"]) <= 2 for r in results)
    first = results[1]["matches"][0]
    assert set(first) == {"id", "text", "score", "decision", "url"}
    assert (first["id"], first["decision"], first["url"]) == (COALITION, "match", COALITION)
    table = runner.invoke(main, ["kb", "search", RESTATED, "--db", db]).output
    assert "match" in table and COALITION in table
    # default --top 10: all four groups of the small KB (two civil-war ids are one group)
    assert len(json.loads(runner.invoke(main, ["kb", "search", RESTATED, "--db", db,
                                               "--format", "json"]).output)[0]["matches"]) == 4


def test_kb_search_on_an_empty_knowledge_base_says_how_to_fill_it(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    open_store(db).close()
    out = CliRunner().invoke(main, ["kb", "search", "anything", "--db", str(db)])
    assert out.exit_code == 1 and "kb import" in out.output


def test_csv_export_carries_known_claim_ids_decisions_stances_links(
    kb_store: Store,
) -> None:
    add_article(kb_store, RESTATED)
    match_new_claims(kb_store)
    out = io.StringIO()
    export(kb_store, "csv", out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["known_claims"].split("; ")[0] == COALITION
    assert row["known_claim_decisions"].split("; ")[0] == "match"
    assert row["known_claim_stances"].split("; ")[0] in {"asserts", "refutes", "reports"}
    assert row["known_claim_links"].split("; ")[0] == COALITION
    assert len(row["known_claim_stances"].split("; ")) == len(row["known_claims"].split("; "))


def test_jsonl_matches_carry_decision_and_stance(kb_store: Store) -> None:
    add_article(kb_store, RESTATED)
    match_new_claims(kb_store)
    out = io.StringIO()
    export(kb_store, "jsonl", out)
    match = json.loads(out.getvalue())["claims"][0]["matches"][0]
    assert match["decision"] == "match" and match["stance"] in {"asserts", "refutes", "reports"}


def test_confirm_echoes_the_sentence_and_the_known_claim(tmp_path: Path, fixtures: Path) -> None:
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    runner.invoke(main, ["kb", "import", "euvsdisinfo", str(fixtures / "euvsdisinfo_small.csv"),
                         "--db", db])
    with open_store(db) as store:
        add_article(store, RESTATED)
    out = runner.invoke(main, ["claims", "match", "--db", db])
    assert out.exit_code == 0 and "1 with a match" in out.output, out.output
    listed = json.loads(runner.invoke(main, ["claims", "--db", db, "--matched", "--format",
                                             "json"]).output)
    match_id = listed[0]["matches"][0]["match_id"]
    out = runner.invoke(main, ["claims", "confirm", str(match_id), "--db", db])
    assert out.exit_code == 0
    assert RESTATED in out.output
    assert "The US-led coalition helps Islamic State fighters escape" in out.output


def test_claims_listing_filters_by_stance(kb_store: Store) -> None:
    add_article(kb_store, RESTATED)
    match_new_claims(kb_store)
    (claim,) = list_claims(kb_store, decision="match")
    stance = claim["matches"][0]["stance"]
    assert list_claims(kb_store, stances=(stance,))
    others = tuple(s for s in ("asserts", "refutes", "reports") if s != stance)
    assert list_claims(kb_store, stances=others) == []
