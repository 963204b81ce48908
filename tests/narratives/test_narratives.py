from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import ConfigError
from propwatch.execute.tasks import Threads
from propwatch.kb.aliases import Aliases
from propwatch.narratives import Settings, Thresholds, build, narratives, totals, update
from propwatch.narratives.build import embedding_text
from propwatch.store import Store, open_store
from propwatch.store.kb import KbTables, KnownClaim, NewMatch
from propwatch.store.narratives import NarrativeTables
from propwatch.store.snapshot import table_rows

from .conftest import AddArticle, add_article

RAQQA = "ISIS fighters seized the Syrian city of Raqqa on Monday after heavy fighting."
RAQQA_AGAIN = ("On Monday, after heavy fighting, militants of ISIS captured the Syrian city "
               "of Raqqa.")
RATES = "The central bank raised its interest rate by half a percentage point to fight inflation."
RATES_AGAIN = "To fight inflation, the central bank lifted interest rates by half a point."


def clusters_of(store: Store) -> dict[str, int]:
    return {r.text: r.cluster for r in NarrativeTables(store.conn).members()}


def narrative_of(store: Store) -> dict[str, int]:
    return {r.text: r.narrative for r in NarrativeTables(store.conn).members()}


def test_paraphrases_share_a_claim_cluster_and_another_story_does_not(
        store: Store, add: AddArticle) -> None:
    add(RAQQA)
    add(RAQQA_AGAIN)
    add(RATES)
    add(RATES_AGAIN)
    summary = update(store)
    assert summary.claims == 4 and summary.embedded == 4
    cluster = clusters_of(store)
    assert cluster[RAQQA] == cluster[RAQQA_AGAIN]
    assert cluster[RATES] == cluster[RATES_AGAIN] != cluster[RAQQA]
    found = narratives(store)
    assert len(found) == 2
    assert {c["text"] for c in found[0].claims} in ({RAQQA, RAQQA_AGAIN}, {RATES, RATES_AGAIN})


def test_adding_articles_keeps_every_earlier_id(store: Store, add: AddArticle) -> None:
    add(RAQQA)
    add(RATES)
    update(store)
    before = narrative_of(store)
    add(RAQQA_AGAIN)
    add("Volcanic ash closed every airport in Iceland for a second day.")
    summary = update(store)
    after = narrative_of(store)
    assert summary.new_claims == 2 and summary.embedded == 2 and not summary.rebuilt
    assert {t: after[t] for t in before} == before
    assert after[RAQQA_AGAIN] == before[RAQQA]  # the new article joins the known narrative


def test_a_rebuild_groups_again_with_ids_never_used_before(
        store: Store, add: AddArticle) -> None:
    add(RAQQA)
    add(RATES)
    update(store)
    old = set(narrative_of(store).values())
    summary = update(store, rebuild=True)
    assert summary.rebuilt == "asked for" and summary.embedded == 0
    assert not old & set(narrative_of(store).values())


def test_other_thresholds_need_a_rebuild(store: Store, add: AddArticle) -> None:
    add(RAQQA)
    update(store)
    with pytest.raises(ConfigError, match="--rebuild"):
        update(store, Settings(Thresholds(0.9, 0.3)))
    assert update(store, Settings(Thresholds(0.9, 0.3)), rebuild=True).rebuilt


def test_aliases_are_applied_before_embedding(store: Store, add: AddArticle) -> None:
    aliases = Aliases.load()
    assert embedding_text("Daesh and the Islamic State (IS) hold Raqqah.", aliases) == \
        "ISIS and the ISIS (ISIS) hold Raqqa."
    add("Daesh fighters seized the Syrian city of Raqqah on Monday after heavy fighting.")
    add(RAQQA)
    update(store)
    assert len(set(clusters_of(store).values())) == 1


def test_a_user_alias_changes_what_is_embedded_and_regroups(
        store: Store, add: AddArticle) -> None:
    add("Zorblax troops crossed the northern border at dawn, the ministry said.")
    add("Ruritanian troops crossed the northern border at dawn, the ministry said.")
    update(store)
    KbTables(store.conn).add_aliases("Ruritania", ["Zorblax", "Ruritanian"])
    summary = update(store)
    assert summary.rebuilt == "the alias list changed" and summary.embedded == 2
    texts = NarrativeTables(store.conn).members()
    assert len({r.cluster for r in texts}) == 1


def test_timeline_counts_articles_per_day_week_and_outlet(
        store: Store, add: AddArticle) -> None:
    add(RAQQA, published="2024-03-04", outlet="Daily")
    add(RAQQA_AGAIN, published="2024-03-12", url="https://www.example.org/a")
    add("ISIS militants took Raqqa in Syria on Monday after fierce battles.")
    update(store)
    [n] = narratives(store)
    assert n.timeline["first_seen"] == "2024-03-04"
    assert n.timeline["per_day"] == {"2024-03-04": 1, "2024-03-12": 1}
    assert n.timeline["per_week"] == {"2024-W10": 1, "2024-W11": 1}
    assert n.timeline["undated"] == 1
    assert n.timeline["per_outlet"]["example.org"] == {"articles": 1, "first_seen": "2024-03-12"}
    [late] = narratives(store, since="2024-03-10")
    assert len(late.articles) == 1
    assert narratives(store, until="2024-03-01") == []


def test_the_label_is_a_claim_of_the_narrative_with_its_terms(
        store: Store, add: AddArticle) -> None:
    add(RAQQA)
    add(RAQQA_AGAIN)
    add(RATES)
    update(store)
    [n] = [n for n in narratives(store) if len(n.claims) == 2]
    assert n.central_claim in (RAQQA, RAQQA_AGAIN)
    assert n.label.startswith(n.central_claim)
    shared = {"isis", "city", "syrian", "raqqa", "monday", "heavy", "fighting"}
    assert n.terms and set(n.terms) <= shared  # in both claims, not in the other story


def test_known_claims_count_asserts_apart_from_refutes(
        store: Store, add: AddArticle) -> None:
    tables = KbTables(store.conn)
    known = KnownClaim("https://debunk.example/1", "test", "Checkers", "ISIS took Raqqa.")
    tables.upsert([(known, "isis took raqqa", "ISIS took Raqqa.")])
    first, second = add(RAQQA), add(RAQQA_AGAIN)
    rejected = add("Reports that ISIS took the Syrian city of Raqqa on Monday are false.")
    for article, stance, verdict in ((first, "asserts", None), (second, "refutes", None),
                                     (rejected, "asserts", "rejected")):
        [claim] = [c for c in tables.claims_layer() if c.article_id == article]
        tables.save_matches(claim, [NewMatch(known.id, 0.9, "match", stance, 0.8)])
        if verdict:
            [row] = tables.matches(article)
            tables.set_verdict(row.match_id, verdict)
    update(store)
    [n] = [n for n in narratives(store) if n.known_claims]
    [entry] = n.known_claims
    assert (entry["asserts"], entry["refutes"], entry["reports"]) == (1, 1, 0)
    assert sorted(entry["articles"]) == sorted([first, second])


VOLCANO = "Volcanic ash from the Icelandic eruption closed airports and grounded flights."
BANK = "The central bank raised interest rates again to curb stubborn inflation."
BRIDGE = ("Volcanic ash from the Icelandic eruption closed airports and grounded flights, "
          "and the central bank raised interest rates again to curb stubborn inflation.")
WORDS_ONLY = Settings(Thresholds(claim=0.8, narrative=0.3, words=1.0))


def test_a_merge_is_recorded_and_the_old_id_says_where_it_went(
        store: Store, add: AddArticle) -> None:
    from click.testing import CliRunner

    from propwatch.cli import main

    volcano, bank = add(VOLCANO), add(BANK)
    update(store, WORDS_ONLY)
    old = {a.article_id: a.narrative for a in NarrativeTables(store.conn).articles(384)}
    assert old[volcano] != old[bank]
    add(BRIDGE)
    summary = update(store)
    after = {a.article_id: a.narrative for a in NarrativeTables(store.conn).articles(384)}
    assert summary.merges == 1 and len(set(after.values())) == 1
    survivor, gone = min(old.values()), max(old.values())
    assert set(after.values()) == {survivor}
    [move] = NarrativeTables(store.conn).moves()
    assert (move.id, move.into, move.kind) == (gone, survivor, "merged")
    db = str(store.path)
    store.close()
    shown = CliRunner().invoke(main, ["narratives", "show", f"N{gone}", "--db", db])
    assert shown.exit_code == 0
    assert f"N{gone} was merged" in shown.output and f"now in N{survivor}" in shown.output
    assert shown.output.count(f"N{survivor}:") == 1  # and the narrative it went into is shown


def test_a_rebuild_records_where_each_old_narrative_went(
        store: Store, add: AddArticle) -> None:
    add(RAQQA)
    add(RAQQA_AGAIN)
    update(store)
    [old] = {a.narrative for a in NarrativeTables(store.conn).articles(384)}
    update(store, rebuild=True)
    [new] = {a.narrative for a in NarrativeTables(store.conn).articles(384)}
    assert [(m.id, m.into, m.kind, m.articles) for m in NarrativeTables(store.conn).moves()] \
        == [(old, new, "rebuilt", 2)]


def test_analyze_groups_new_articles_into_narratives(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from propwatch.batch import Options, analyze
    from propwatch.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    for name, title, body in (("a", "Raqqa falls", f"{RAQQA} {RAQQA_AGAIN}"),
                              ("b", "Rates up", f"{RATES} {RATES_AGAIN}")):
        text = f"{title}\n\n{body} {body}\n\n{body} Reported by our correspondent.\n"
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    stages: list[str] = []
    with open_store(tmp_path / "c.db") as store:
        summary = analyze([str(folder)], store, Options(components=("sentences", "claims")),
                          stage_progress=lambda stage, done, total: stages.append(stage))
        assert summary.narratives is not None and summary.narratives.new_articles == 2
        assert "grouping articles" in stages
        assert len(narratives(store)) == 2


STORIES = [(RAQQA, RATES), (RAQQA_AGAIN,), (RATES_AGAIN, RAQQA), (VOLCANO,), (BANK, RATES),
           ("Volcanic ash closed every airport in Iceland for a second day.",), (BRIDGE,)]


def grouped_tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    rows = table_rows(db)
    out = {t: rows[t] for t in ("claim_clusters", "narratives", "narrative_claims",
                                "narrative_articles")}
    with sqlite3.connect(db) as conn:
        out["moves"] = conn.execute("SELECT id, into_id, kind, articles FROM narrative_moves"
                                    " ORDER BY 1, 2").fetchall()
        out["meta"] = conn.execute("SELECT * FROM narrative_meta ORDER BY 1").fetchall()
    return out


def test_a_first_build_groups_each_block_against_the_narratives_of_the_blocks_before(
        store: Store, add: AddArticle, monkeypatch: pytest.MonkeyPatch) -> None:
    """One article a block: each is stored before the next is grouped, a later block's
    article joins an earlier block's narrative, and the bridging article merges two."""
    monkeypatch.setattr(build, "ARTICLE_BLOCK", 1)
    seen: list[tuple[int, int]] = []
    for sentences in (VOLCANO, BANK, RAQQA, RAQQA_AGAIN, BRIDGE):
        add(sentences)
    summary = update(store, WORDS_ONLY, progress=lambda stage, done, total: seen.append(
        (done, len(NarrativeTables(store.conn).assignments()))))
    assert seen == [(k, k) for k in range(1, 6)]  # block k stored when it is reported
    assert (summary.new_articles, summary.merges, summary.narratives) == (5, 1, 2)
    after = narrative_of(store)
    assert after[RAQQA_AGAIN] == after[RAQQA] != after[VOLCANO]
    assert after[VOLCANO] == after[BANK] == after[BRIDGE] == min(after.values())


def test_a_build_stopped_after_a_block_resumes_where_it_stopped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stored first block is not grouped again, and since it was grouped with the IDF
    of its own articles, which is what the resumed update weights it with, the result is
    the uninterrupted build's."""
    monkeypatch.setattr(build, "ARTICLE_BLOCK", 3)
    dbs = {"whole": tmp_path / "whole.db", "stopped": tmp_path / "stopped.db"}
    for db in dbs.values():
        with open_store(db) as store:
            for sentences in STORIES:
                add_article(store, list(sentences))
    with open_store(dbs["whole"]) as store:
        update(store)
    real = build._add_block
    calls: list[int] = []

    def stop_at_the_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    with open_store(dbs["stopped"]) as store:
        monkeypatch.setattr(build, "_add_block", stop_at_the_second)
        with pytest.raises(KeyboardInterrupt):
            update(store)
        assert len(NarrativeTables(store.conn).assignments()) == 3  # the first block stored
        monkeypatch.setattr(build, "_add_block", real)
        assert update(store).new_articles == 4
    assert grouped_tables(dbs["whole"]) == grouped_tables(dbs["stopped"])


def test_the_per_article_work_gives_the_same_narratives_however_it_is_cut_into_jobs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One claim per job on three threads (as a cluster's tasks would finish in any
    order) stores what one job on one thread stores: vectors, clusters, narratives.  The
    claim clusters' jobs are then one narrative each."""
    stories = STORIES
    dbs = {"one": tmp_path / "one.db", "many": tmp_path / "many.db"}
    for name, db in dbs.items():
        with open_store(db) as store:
            for sentences in stories:
                add_article(store, list(sentences))
            if name == "many":
                monkeypatch.setattr(build, "JOB_CLAIMS", 1)
            update(store, mapper=Threads(3 if name == "many" else 1))
    one, many = table_rows(dbs["one"]), table_rows(dbs["many"])
    for table in ("claim_clusters", "narratives", "narrative_claims", "narrative_articles"):
        assert one[table] == many[table], table
    assert len(one["narrative_articles"]) == 7 and len(one["narratives"]) >= 2
    vectors = "SELECT article_id, start, vector FROM claim_embeddings ORDER BY 1, 2"
    with sqlite3.connect(dbs["one"]) as a, sqlite3.connect(dbs["many"]) as b:
        assert a.execute(vectors).fetchall() == b.execute(vectors).fetchall() != []


def test_a_cluster_of_one_claim_stores_no_total_and_is_read_back_from_its_claims_vector(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-claim cluster's total is its claim's stored vector: grouped one article a
    block, a paraphrase in a later block joins the stored one-claim cluster as it does in
    a build of one block, and the cluster of two then stores the sum of both vectors."""
    dbs = {"one block": tmp_path / "one.db", "a block each": tmp_path / "each.db"}
    for name, db in dbs.items():
        with open_store(db) as store:
            for sentences in ((RAQQA,), (RATES,), (RAQQA_AGAIN,)):
                add_article(store, list(sentences))
            monkeypatch.setattr(build, "ARTICLE_BLOCK", 1 if name == "a block each" else 2000)
            update(store, WORDS_ONLY)
    with sqlite3.connect(dbs["a block each"]) as conn:
        totals = dict(conn.execute("SELECT c.id, c.total FROM claim_clusters c"))
        members = conn.execute("SELECT g.cluster, e.vector FROM narrative_claims g JOIN"
                               " claim_embeddings e USING (article_id, start, \"end\")"
                               ).fetchall()
    by_cluster: dict[int, list[np.ndarray]] = {}
    for cluster, vector in members:
        by_cluster.setdefault(cluster, []).append(np.frombuffer(vector, np.float16))
    assert sorted(len(v) for v in by_cluster.values()) == [1, 2]
    for cluster, vectors in by_cluster.items():
        if len(vectors) == 1:
            assert totals[cluster] == b""
        else:
            expected = (vectors[0].astype(np.float32) + vectors[1].astype(np.float32))
            assert np.array_equal(np.frombuffer(totals[cluster], np.float32), expected)
    one, each = (table_rows(db) for db in dbs.values())
    assert one["narrative_claims"] == each["narrative_claims"]


def test_blocks_grouped_with_kept_cluster_totals_store_what_reading_them_back_stores(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One article a block, with later articles joining, and merging, narratives of
    earlier blocks: the claim clusters kept in memory from block to block (all of them,
    or a budget of two clusters' totals, so that narratives are dropped and read again)
    give the tables of a build that reads every narrative's clusters from the store, and
    the kept ones are not read again."""
    monkeypatch.setattr(build, "ARTICLE_BLOCK", 1)
    real = NarrativeTables.clusters
    budgets = {"none kept": 0, "two clusters": 2 * 384 * 4, "all kept": None}
    read: dict[str, list[int]] = {}
    for name, budget in budgets.items():
        read[name] = []

        def spy(self, dim, narratives, _seen=read[name]):  # type: ignore[no-untyped-def]
            _seen.extend(narratives)
            return real(self, dim, narratives)

        monkeypatch.setattr(NarrativeTables, "clusters", spy)
        monkeypatch.setattr(totals, "BUDGET", 1 << 30 if budget is None else budget)
        with open_store(tmp_path / f"{budget}.db") as store:
            for sentences in ((VOLCANO,), (BANK,), (RAQQA,), (RAQQA_AGAIN,), (BRIDGE,),
                              (RATES, RATES_AGAIN), (BANK, VOLCANO), (RAQQA_AGAIN, RAQQA)):
                add_article(store, list(sentences))
            summary = update(store, WORDS_ONLY)
        assert summary.merges >= 1
    tables = {name: grouped_tables(tmp_path / f"{budget}.db") for name, budget in budgets.items()}
    assert tables["none kept"] == tables["two clusters"] == tables["all kept"]
    assert len(read["all kept"]) < len(read["two clusters"]) < len(read["none kept"])
    assert len(set(read["all kept"])) == len(read["all kept"])  # none read twice


def test_the_kept_totals_drop_the_least_recently_used_narratives_past_their_budget() -> None:
    kept = totals.Totals(budget=3 * 4 * 384)
    for n in (1, 2, 3):
        kept.put(n, [n], np.full((1, 384), n, np.float32))
    assert kept.get(1) is not None  # 2 is now the least recently used
    kept.put(4, [4, 5], np.zeros((2, 384), np.float32))
    assert (1 in kept, 2 in kept, 3 in kept, 4 in kept) == (True, False, False, True)
    assert kept.size == 3 * 4 * 384 and kept.get(2) is None
