"""One encoder pass per article for the pipeline: the claims layer reads the technique
tagger's pass (tiny fixture model), no other network is loaded; batches analysed on two
threads give the same results as one document at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import propwatch.claims.onepass as onepass_module
import propwatch.techniques.tagger as tagger_module
from propwatch.analyse import Pipeline
from propwatch.analyse.sentences import Sentences
from propwatch.batch import Options, analyze
from propwatch.claims.component import Claims
from propwatch.claims.onepass import OnePass, PooledHead
from propwatch.model import Article, Span
from propwatch.store import open_store
from propwatch.techniques.component import PropagandaSentenceComponent, TechniqueComponent
from propwatch.techniques.pooling import sentence_vectors
from propwatch.techniques.tagger import Tagger

TINY = Path(__file__).resolve().parents[1] / "techniques" / "fixtures" / "tiny_model"
TEXT = ("The minister said on Monday that unemployment fell to 3.9 percent in October.\n\n"
        "Critics called the plan a disaster for the farmers of the region.\n\n"
        "The army lost 2,000 soldiers last year, according to the ministry.")
PARAGRAPH = (
    "Officials in the northern province said on Monday that the flood barrier held through "
    "the night, although several villages upstream lost power for hours. Crews expect to "
    "restore the last lines by Wednesday, the regional grid operator said in a statement."
)
COMPONENTS = ("sentences", "techniques", "propaganda_sentences", "claims")


def write_head(path: Path, hidden: int, seed: int = 0) -> PooledHead:
    rng = np.random.default_rng(seed)
    np.savez(path, mean=np.zeros(hidden, np.float32), scale=np.ones(hidden, np.float32),
             coef=rng.normal(size=hidden).astype(np.float32), bias=np.float32(0.0))
    return PooledHead(path)


class CountingTagger(Tagger):
    """The tiny tagger, counting its network runs."""

    runs = 0

    def _forward(self, ids, mask):  # type: ignore[no-untyped-def]
        self.runs += 1
        return super()._forward(ids, mask)


@pytest.fixture
def head(tmp_path: Path) -> PooledHead:
    hidden = Tagger(TINY).token_outputs(["x y"])[0].hidden.shape[1]
    return write_head(tmp_path / "head.npz", hidden)


def analysed(tagger: Tagger, onepass: OnePass) -> Article:
    pipeline = Pipeline([Sentences(), TechniqueComponent(tagger),
                         PropagandaSentenceComponent(tagger), Claims(onepass)])
    return pipeline(Article(id="a", source="t.txt", part=0, text=TEXT))


def test_claims_are_scored_from_the_taggers_one_pass(
    head: PooledHead, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_pass = CountingTagger(TINY)
    one_pass.token_outputs([TEXT])
    tagger = CountingTagger(TINY)
    reference = Tagger(TINY).token_outputs([TEXT])[0]
    import onnxruntime

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a second network was loaded during analysis")

    monkeypatch.setattr(onnxruntime, "InferenceSession", no_network)
    claims = analysed(tagger, OnePass(tagger, head)).layers["claims"]
    assert len(claims) == 3 and tagger.runs == one_pass.runs  # no run beyond the one pass
    pooled = sentence_vectors(reference, [(s.start, s.end) for s in claims])
    assert [s.score for s in claims] == [round(float(p), 4) for p in head(pooled)]


def test_a_sentence_scores_the_same_alone_and_among_others(head: PooledHead) -> None:
    onepass = OnePass(Tagger(TINY), head)
    ranges = [(0, 40), (41, 90), (92, 150)]
    together = onepass.sentences(TEXT, ranges)
    assert [float(onepass.sentences(TEXT, [r])[0]) for r in ranges] == \
        [float(p) for p in together]


@pytest.fixture
def tiny_shipped(head: PooledHead, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The tiny model and head in place of the shipped ones."""
    monkeypatch.setattr(tagger_module, "DEFAULT_MODEL_DIR", TINY)
    monkeypatch.setattr(onepass_module, "default_head", lambda: head)
    tagger_module._shipped.cache_clear()
    onepass_module.default_onepass.cache_clear()
    yield
    tagger_module._shipped.cache_clear()
    onepass_module.default_onepass.cache_clear()


class FailsOn:
    name = "fails"

    def predict(self, article: Article) -> list[Span]:
        if "Corvo" in article.text:
            raise ValueError("cannot read this one")
        return []


def stored_layers(db: Path, inputs: Path, workers: int,
                  components: tuple[str, ...] = COMPONENTS) -> dict[str, object]:
    with open_store(db) as store:
        summary = analyze([str(inputs)], store, Options(components=components,
                                                        workers=workers))
        assert summary.articles_stored == 5
        return {a.source: {name: [(s.start, s.end, s.label, s.score) for s in spans]
                           for name, spans in a.layers.items()}
                for a in store.articles()}


def write_inputs(folder: Path) -> None:
    """Six articles of 1-3 paragraphs, no line shared by two of them."""
    folder.mkdir()
    for i, town in enumerate(["Arlen", "Brisk", "Corvo", "Dunmar", "Eskel", "Fallow"]):
        body = "\n\n".join(f"{PARAGRAPH} {town} reported {i * 7 + k} outages in part {k}."
                           for k in range(1 + i % 3))
        (folder / f"{i}.txt").write_text(
            f"Flood barrier holds in {town}\n\n{body}\n\n{TEXT} Reported from {town}.\n",
            encoding="utf-8")


def test_two_threads_give_the_same_results_as_one_document_at_a_time(
    tmp_path: Path, tiny_shipped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import propwatch.analyse.pipeline as pipeline_module

    write_inputs(tmp_path / "in")
    monkeypatch.setitem(pipeline_module._REGISTRY, "fails", FailsOn)
    alone = stored_layers(tmp_path / "one.db", tmp_path / "in", 1, (*COMPONENTS, "fails"))
    side_by_side = stored_layers(tmp_path / "two.db", tmp_path / "in", 2,
                                 (*COMPONENTS, "fails"))
    assert side_by_side == alone
    assert all(layers["claims"] for layers in alone.values())  # type: ignore[index]
    with open_store(tmp_path / "two.db") as store:
        [skip] = [s for s in store.skips() if s.kind == "error"]
    assert skip.where.endswith("2.txt") and "cannot read this one" in skip.reason
