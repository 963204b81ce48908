"""The cross-encoder reranker: deterministic scores, and the match decision that uses it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from propwatch.claims.encoder import model_dir
from propwatch.claims.matcher import RERANK_FILE, MatchModel, default_match_model
from propwatch.claims.reranker import Reranker, default_reranker
from propwatch.kb import import_kb
from propwatch.kb.match import KbIndex
from propwatch.store import open_store
from propwatch.store.kb import KbTables

FIXTURES = Path(__file__).resolve().parents[1] / "kb" / "fixtures"
CLAIM = "The US-led coalition helps Islamic State fighters escape from Deir ez-Zor"
RESTATED = "The American-led coalition helped Daesh fighters escape from Deir Ezzor."
SAME_TOPIC = "Coalition air strikes hit ISIS positions near Deir ez-Zor on Tuesday."
PAIRS = [
    (RESTATED, CLAIM),
    (SAME_TOPIC, CLAIM),
    ("The weather in the region was mild on Tuesday, forecasters said.", CLAIM),
]


class Spy(Reranker):
    """The shipped reranker, recording every pair it reads."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.seen += list(pairs)
        return super().score(pairs)


def test_a_pair_scores_the_same_alone_and_in_any_batch() -> None:
    reranker = default_reranker()
    together = reranker.score(PAIRS)
    alone = [reranker.score([pair])[0] for pair in PAIRS]
    reversed_batch = reranker.score(PAIRS[::-1])[::-1]
    assert together.tolist() == alone == reversed_batch.tolist()


def test_shipped_match_model_has_the_reranking_stage() -> None:
    assert (model_dir() / RERANK_FILE).exists()
    model = default_match_model()
    assert model.rerank is not None and model.rerank.top >= 1
    assert 0.0 < model.rerank.match_threshold < 1.0
    assert np.all(np.diff(model.rerank.iso_y) >= 0)


def test_match_needs_the_reranker_and_it_reads_only_related_sentences(tmp_path: Path) -> None:
    with open_store(tmp_path / "kb.db") as store:
        import_kb(store, "euvsdisinfo", FIXTURES / "euvsdisinfo_small.csv")
        spy = Spy()
        index = KbIndex(KbTables(store.conn), model=MatchModel(
            model_dir() / "match_model.npz", model_dir() / RERANK_FILE, reranker=spy))
        assert index.model.rerank is not None
        restated, unrelated = index.search([RESTATED, PAIRS[2][0]], min_decision="none")
    assert restated[0].decision == "match"
    assert {q for q, _ in spy.seen} == {RESTATED}  # the weather sentence is not `related`
    assert len(spy.seen) <= index.model.rerank.top
    assert all(c.decision != "match" for c in unrelated)
    # the reranked probability is the one reported
    assert restated[0].score == pytest.approx(
        float(index.model.rerank.calibrate(index.model.rerank.raw(
            np.array([restated[0].features]), spy.score([(RESTATED, restated[0].claim.text)])
        ))[0]), abs=1e-4)
