"""Sentence-level technique heads on the tiny fixture model: loading, whole-sentence spans
under the readable rules, the gate on token spans, confidence floors, the profile in
every span."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import ModelError
from propwatch.techniques.evidence import SENTENCE, TOKEN, SentenceConfig, confidence_features
from propwatch.techniques.heads import HEADS_FILE, SentenceHeads, head_features, sentence_ranges
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.readable import readable
from propwatch.techniques.tagger import Tagger

TEXT = (
    "By Mike Whitney\n"
    "The corrupt gang at the harbour must be stopped, said the furious mayor on Monday. "
    "Is that really what happened? Mr. Smith said nobody knows.\n"
    "Officials said the bridge would reopen next week after repairs.\n"
)
DOUBT = TECHNIQUES.index("Doubt")


def _heads(n_features: int, bias: dict[str, float]) -> SentenceHeads:
    """Heads that ignore their inputs: technique t has probability sigmoid(bias[t])
    (-8 when not given) on every sentence."""
    t = len(TECHNIQUES)
    return SentenceHeads(
        list(TECHNIQUES),
        np.zeros(n_features, np.float32),
        np.ones(n_features, np.float32),
        np.zeros((t, n_features), np.float32),
        np.asarray([bias.get(x, -8.0) for x in TECHNIQUES], np.float32),
        np.tile(np.asarray([1.0, 0.0], np.float32), (t, 1)),
    )


def _model(tiny_model: Path, dst: Path, bias: dict[str, float], **sentence: object) -> Path:
    """The tiny model with constant sentence heads and both profiles using ``sentence``."""
    shutil.copytree(tiny_model, dst)
    tagger = Tagger(dst)
    n = head_features(TEXT, tagger.token_outputs([TEXT])[0], [(0, 5)]).shape[1]
    _heads(n, bias).save(dst / HEADS_FILE)
    conf = json.loads((dst / "config.json").read_text())
    scfg = SentenceConfig.from_json(sentence).to_json()
    conf["profiles"] = {
        name: {"decode": conf["decode"], "calibration": None, "sentence": scfg}
        for name in ("precise", "balanced")
    }
    (dst / "config.json").write_text(json.dumps(conf))
    return dst


def test_sentence_ranges_cut_at_lines_and_sentence_ends_not_abbreviations() -> None:
    pieces = [TEXT[s:e] for s, e in sentence_ranges(TEXT)]
    assert pieces == [
        "By Mike Whitney",
        "The corrupt gang at the harbour must be stopped, said the furious mayor on Monday.",
        "Is that really what happened?",
        "Mr. Smith said nobody knows.",
        "Officials said the bridge would reopen next week after repairs.",
    ]


def test_heads_round_trip_through_npz(tmp_path: Path) -> None:
    heads = _heads(7, {"Doubt": 2.0})
    heads.save(tmp_path / HEADS_FILE)
    back = SentenceHeads.load(tmp_path / HEADS_FILE)
    x = np.random.default_rng(0).normal(size=(3, 7)).astype(np.float32)
    assert back.techniques == list(TECHNIQUES)
    p = back.calibrated(back.logits(x, ["a"] * 3))
    np.testing.assert_allclose(p, heads.calibrated(heads.logits(x, ["a"] * 3)))
    assert p[0, DOUBT] == pytest.approx(1 / (1 + np.exp(-2.0)))


def test_heads_of_another_model_are_a_model_error() -> None:
    with pytest.raises(ModelError, match="refit"):
        _heads(7, {}).logits(np.zeros((1, 9), np.float32), ["a"])


def test_sentence_spans_are_whole_readable_sentences(tiny_model: Path, tmp_path: Path) -> None:
    d = _model(tiny_model, tmp_path / "m", {"Doubt": 3.0}, emit={"Doubt": 0.9})
    tagger = Tagger(d, profile="balanced")
    assert tagger.heads is not None
    doubt = [s for s in tagger.tag(TEXT) if s.label == "Doubt"]
    expected = [readable(TEXT, s, e) for s, e in sentence_ranges(TEXT)]
    assert [(s.start, s.end) for s in doubt] == [r for r in expected if r is not None]
    assert "By Mike Whitney" not in {TEXT[s.start : s.end] for s in doubt}, "byline dropped"
    for s in doubt:
        assert s.data["source"] == SENTENCE and s.data["profile"] == "balanced"
        assert s.data["head"] == pytest.approx(1 / (1 + np.exp(-3.0)), abs=1e-3)


def test_no_sentence_span_under_the_emit_threshold(tiny_model: Path, tmp_path: Path) -> None:
    d = _model(tiny_model, tmp_path / "m", {"Doubt": 3.0}, emit={"Doubt": 0.96})
    assert not [s for s in Tagger(d).tag(TEXT) if s.data["source"] == SENTENCE]


def test_gate_drops_token_spans_whose_head_disagrees(tiny_model: Path, tmp_path: Path) -> None:
    open_gate = _model(tiny_model, tmp_path / "a", {}, gate={})
    token = Tagger(open_gate).tag(TEXT)
    assert token and all(s.data["source"] == TOKEN for s in token)
    gated = _model(tiny_model, tmp_path / "b", {}, gate=dict.fromkeys(TECHNIQUES, 0.5))
    assert Tagger(gated).tag(TEXT) == []


def test_confidence_model_and_floor(tiny_model: Path, tmp_path: Path) -> None:
    weights = [0.5, 1.0, 0.25, 0.0] + [0.0] * len(TECHNIQUES) + [0.5, -0.2, 0.3]
    d = _model(tiny_model, tmp_path / "a", {}, confidence=weights)
    spans = Tagger(d, profile="precise").tag(TEXT)
    assert spans
    for s in spans:
        d = s.data
        x = confidence_features(d["raw_score"], d["head"], TOKEN, s.label, d["any"], d["words"])
        z = np.dot(weights, x)
        assert s.score == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-3)
        assert s.data["profile"] == "precise"
    floor = float(np.median([s.score or 0.0 for s in spans]))
    d2 = _model(tiny_model, tmp_path / "b", {}, confidence=weights,
                min_confidence=dict.fromkeys(TECHNIQUES, floor))
    kept = Tagger(d2, profile="precise").tag(TEXT)
    assert kept and len(kept) < len(spans)
    assert all((s.score or 0.0) >= floor for s in kept)


def test_sentence_spans_same_alone_and_embedded(tiny_model: Path, tmp_path: Path) -> None:
    d = _model(tiny_model, tmp_path / "m", {"Doubt": 3.0}, emit={"Doubt": 0.5})
    tagger = Tagger(d)
    before = "Sports news. The local team won again on Sunday evening.\n\n" * 40
    page = before + TEXT + "\n\nWeather: rain is expected on the coast.\n" * 40
    alone = {(s.label, s.start, s.end, s.data["source"]) for s in tagger.tag(TEXT)}
    embedded = {
        (s.label, s.start - len(before), s.end - len(before), s.data["source"])
        for s in tagger.tag(page)
        if len(before) <= s.start < len(before) + len(TEXT)
    }
    assert any(x[3] == SENTENCE for x in alone) and alone == embedded


def test_unknown_technique_in_sentence_config_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown techniques"):
        SentenceConfig.from_json({"emit": {"Sarcasm": 0.5}})


def test_tfidf_part_of_the_heads_reads_the_words() -> None:
    """With mix 1 the head is its TF-IDF part alone: a sentence with the word pair
    "what about" scores high on Whataboutism, one without stays at the bias."""
    heads = _heads(3, {})
    k = TECHNIQUES.index("Whataboutism,Straw_Men,Red_Herring")
    heads.words = ["what", "about", "what about"]
    heads.__post_init__()
    heads.idf = np.ones(3, np.float32)
    heads.lex_weights = np.zeros((len(TECHNIQUES), 3), np.float32)
    heads.lex_weights[k, 2] = 20.0
    heads.lex_bias = np.full(len(TECHNIQUES), -4.0, np.float32)
    heads.mix = 1.0
    p = heads.calibrated(heads.logits(np.zeros((2, 3), np.float32),
                                      ["But what about the others?", "The bridge reopened."]))
    assert p[0, k] > 0.9 and p[1, k] == pytest.approx(1 / (1 + np.exp(4.0)), abs=1e-4)
