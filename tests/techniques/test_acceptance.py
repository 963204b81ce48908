"""The acceptance filter (would an analyst accept a shown span?): its inputs of voice,
register and aptness, its fit and file, and the profile floor on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import ModelError
from propwatch.model import Span
from propwatch.techniques.acceptance import (
    ACCEPT_FILE,
    FEATURES,
    AcceptanceFilter,
    ArticleCues,
    inside_quotation,
    span_features,
)
from propwatch.techniques.heads import sentence_ranges
from propwatch.techniques.tagger import Tagger

from .test_heads import TEXT, _model

NEWS = (
    "Fires killed 23 people in a devastating season, officials said.\n"
    "“They are corrupt thugs,” the senator said of his rivals.\n"
    "I think we must fight these traitors.\n"
)


def _feature(text: str, start: int, end: int, name: str, label: str = "Loaded_Language",
             score: float = 0.4) -> float:
    sentences = sentence_ranges(text)
    row = span_features(text, Span(start, end, label, score), sentences,
                        ArticleCues.of(text, sentences))
    return row[FEATURES.index(name)]


def _at(text: str, piece: str) -> tuple[int, int]:
    i = text.index(piece)
    return i, i + len(piece)


def test_quoted_speech_is_inside_a_quotation_and_narration_is_not() -> None:
    line = _at(NEWS, "“They are corrupt thugs,”")
    assert inside_quotation(NEWS, line, *_at(NEWS, "corrupt thugs"))
    first = _at(NEWS, "Fires killed 23 people in a devastating season, officials said.")
    assert not inside_quotation(NEWS, first, *_at(NEWS, "devastating"))
    straight = 'He called it "a total disgrace" on Monday.'
    assert inside_quotation(straight, (0, len(straight)), *_at(straight, "total disgrace"))
    assert not inside_quotation(straight, (0, len(straight)), *_at(straight, "Monday"))


def test_features_see_voice_aptness_and_register() -> None:
    s, e = _at(NEWS, "devastating")
    assert _feature(NEWS, s, e, "severity word") == 1.0
    assert _feature(NEWS, s, e, "apt severity") == 1.0  # narration of deaths in fires
    assert _feature(NEWS, s, e, "inside quotation") == 0.0
    quoted = "“It was a devastating betrayal,” the senator said of the vote."
    assert _feature(quoted, *_at(quoted, "devastating"), "apt severity") == 0.0
    assert _feature(quoted, *_at(quoted, "devastating"), "inside quotation") == 1.0
    calm = "It was a devastating review of the new phone."
    assert _feature(calm, *_at(calm, "devastating"), "apt severity") == 0.0  # no event
    s, e = _at(NEWS, "traitors")
    assert _feature(NEWS, s, e, "severity word") == 0.0
    assert _feature(NEWS, s, e, "article quotation") == pytest.approx(1 / 3)
    assert _feature(NEWS, s, e, "article public affairs") == pytest.approx(2 / 3)
    review = "The camera is sharp. The battery lasts two days."
    assert _feature(review, 0, 3, "article public affairs") == 0.0
    assert _feature(NEWS, s, e, "confidence logit") == pytest.approx(np.log(0.4 / 0.6))


def _filter(weights: dict[str, float]) -> AcceptanceFilter:
    n = len(FEATURES)
    w = np.zeros(n)
    for name, v in weights.items():
        w[FEATURES.index(name)] = v
    return AcceptanceFilter(np.zeros(n), np.ones(n), w)


def test_filter_accepts_quoted_charged_words_over_apt_narration() -> None:
    f = _filter({"bias": -1.0, "inside quotation": 3.0, "apt severity": -2.0})
    quoted, apt = (Span(*_at(NEWS, "corrupt thugs"), "Name_Calling,Labeling", 0.4),
                   Span(*_at(NEWS, "devastating"), "Loaded_Language", 0.4))
    p_quoted, p_apt = f(NEWS, [quoted, apt])
    assert p_quoted == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert p_apt == pytest.approx(1 / (1 + np.exp(3.0)))
    assert f(NEWS, []) == []


def test_fit_learns_the_sign_of_a_separating_feature() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(FEATURES)))
    x[:, 0] = 1.0
    y = (x[:, FEATURES.index("inside quotation")] > 0).astype(float)
    model = AcceptanceFilter.fit(x, y, l2=1.0)
    assert model.weights[FEATURES.index("inside quotation")] > 2.0
    assert np.mean((model.probabilities(x) >= 0.5) == (y == 1)) > 0.95


def test_filter_round_trips_and_refuses_other_features(tmp_path: Path) -> None:
    f = _filter({"bias": 0.5, "inside quotation": 1.5})
    f.save(tmp_path / ACCEPT_FILE)
    again = AcceptanceFilter.load(tmp_path / ACCEPT_FILE)
    spans = [Span(*_at(NEWS, "corrupt thugs"), "Loaded_Language", 0.3)]
    assert again(NEWS, spans) == pytest.approx(f(NEWS, spans))
    np.savez(tmp_path / "other.npz", features=np.asarray(["bias"]), mean=np.zeros(1),
             scale=np.ones(1), weights=np.zeros(1))
    with pytest.raises(ValueError, match="do not match"):
        AcceptanceFilter.load(tmp_path / "other.npz")


def test_profile_floor_on_acceptance_hides_spans_and_records_it(
    tiny_model: Path, tmp_path: Path
) -> None:
    base = Tagger(_model(tiny_model, tmp_path / "base", {}), profile="precise").tag(TEXT)
    assert base
    low = _model(tiny_model, tmp_path / "low", {}, min_accept=0.5)
    _filter({"bias": -3.0}).save(low / ACCEPT_FILE)
    assert Tagger(low, profile="precise").tag(TEXT) == []
    high = _model(tiny_model, tmp_path / "high", {}, min_accept=0.5)
    _filter({"bias": 3.0}).save(high / ACCEPT_FILE)
    spans = Tagger(high, profile="precise").tag(TEXT)
    assert [(s.start, s.end, s.label) for s in spans] == [
        (s.start, s.end, s.label) for s in base]
    assert all(s.data["accept"] == pytest.approx(0.953, abs=1e-3) for s in spans)


def test_a_floor_without_the_filter_file_is_a_model_error(tiny_model: Path,
                                                          tmp_path: Path) -> None:
    model = _model(tiny_model, tmp_path / "m", {}, min_accept=0.5)
    with pytest.raises(ModelError, match="accept.npz"):
        Tagger(model, profile="precise")


def test_balanced_profile_shows_every_span_whatever_the_filter_says(
    tiny_model: Path, tmp_path: Path
) -> None:
    base = Tagger(_model(tiny_model, tmp_path / "base", {}), profile="balanced").tag(TEXT)
    model = _model(tiny_model, tmp_path / "m", {})
    _filter({"bias": -3.0}).save(model / ACCEPT_FILE)  # no floor: balanced has none
    spans = Tagger(model, profile="balanced").tag(TEXT)
    assert base and [(s.start, s.end, s.label) for s in spans] == [
        (s.start, s.end, s.label) for s in base]
    assert all(s.data["accept"] < 0.05 for s in spans)
