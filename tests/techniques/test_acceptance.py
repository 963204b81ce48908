"""The acceptance filter (would an analyst accept a shown span?): its inputs of voice,
register (over the span's own paragraph) and aptness, its fit and file, the profile floor
on it, and the same acceptance for an article alone and inside a longer page."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import ModelError
from propwatch.model import Span
from propwatch.techniques.acceptance import (
    ACCEPT_FILE,
    FEATURES_11A,
    INPUTS,
    AcceptanceFilter,
    input_rows,
    inside_quotation,
)
from propwatch.techniques.align import ANY, N_OUT, Encoding
from propwatch.techniques.infer import TokenOutput
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.prior import PRIOR_FILE, ArticlePrior
from propwatch.techniques.tagger import Tagger
from propwatch.techniques.windows import paragraph_ranges

from .test_heads import TEXT, _model

NEWS = (
    "Fires killed 23 people in a devastating season, officials said.\n"
    "“They are corrupt thugs,” the senator said of his rivals.\n"
    "I think we must fight these traitors.\n"
)


def _tokens(text: str, anyp: float = 0.25) -> TokenOutput:
    """Token outputs with one token per word and ``anyp`` as every "any technique"
    probability."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    probs = np.zeros((len(words), N_OUT), np.float32)
    probs[:, ANY] = anyp
    enc = Encoding(np.arange(len(words), dtype=np.int64), np.asarray(words, np.int64))
    return TokenOutput(enc, probs, np.zeros((len(words), 1), np.float32))


def _feature(text: str, start: int, end: int, name: str, label: str = "Loaded_Language",
             score: float = 0.4, out: TokenOutput | None = None) -> float:
    row = input_rows(text, [Span(start, end, label, score)], out or _tokens(text))[0]
    return float(row[INPUTS.index(name)])


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
    assert _feature(NEWS, s, e, "own confidence logit") == pytest.approx(np.log(0.4 / 0.6))


REVIEW = "You will love this phone. Your photos look sharp.\n"


def test_paragraphs_are_the_text_between_blank_lines() -> None:
    text = "One.\nTwo.\n\nThree.\n  \n\nFour."
    assert [text[a:b] for a, b in paragraph_ranges(text)] == ["One.\nTwo.", "Three.", "Four."]
    assert paragraph_ranges("No blank line.\n") == [(0, 15)]


def test_register_is_taken_over_the_spans_own_paragraph() -> None:
    page = NEWS + "\n" + REVIEW
    out = _tokens(page)
    s, e = _at(page, "traitors")
    assert _feature(page, s, e, "paragraph public affairs", out=out) == pytest.approx(2 / 3)
    assert _feature(page, s, e, "paragraph quotation", out=out) == pytest.approx(1 / 3)
    assert _feature(page, s, e, "paragraph second person", out=out) == 0.0
    assert _feature(page, s, e, "article public affairs", out=out) == pytest.approx(2 / 5)
    assert _feature(page, s, e, "article second person", out=out) == pytest.approx(2 / 5)
    s, e = _at(page, "sharp")
    assert _feature(page, s, e, "paragraph second person", out=out) == 1.0
    assert _feature(page, s, e, "paragraph public affairs", out=out) == 0.0


def test_tagged_is_the_mean_any_technique_probability_of_the_paragraphs_tokens() -> None:
    page = NEWS + "\n" + REVIEW
    out = _tokens(page, 0.25)
    first = len(NEWS.split())
    out.probs[first:, ANY] = 0.75  # the review's tokens
    s, e = _at(page, "sharp")
    assert _feature(page, s, e, "paragraph tagged", out=out) == pytest.approx(0.75)
    s, e = _at(page, "traitors")
    assert _feature(page, s, e, "paragraph tagged", out=out) == pytest.approx(0.25)
    assert _feature(page, s, e, "article tagged", out=out) == pytest.approx(
        (0.25 * first + 0.75 * len(REVIEW.split())) / len(page.split()))


def _filter(weights: dict[str, float], inputs: tuple[str, ...] = FEATURES_11A
            ) -> AcceptanceFilter:
    n = len(inputs)
    w = np.zeros(n)
    for name, v in weights.items():
        w[inputs.index(name)] = v
    return AcceptanceFilter(inputs, np.zeros(n), np.ones(n), w)


def test_filter_accepts_quoted_charged_words_over_apt_narration() -> None:
    f = _filter({"bias": -1.0, "inside quotation": 3.0, "apt severity": -2.0})
    quoted, apt = (Span(*_at(NEWS, "corrupt thugs"), "Name_Calling,Labeling", 0.4),
                   Span(*_at(NEWS, "devastating"), "Loaded_Language", 0.4))
    p_quoted, p_apt = f(NEWS, [quoted, apt], _tokens(NEWS))
    assert p_quoted == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert p_apt == pytest.approx(1 / (1 + np.exp(3.0)))
    assert f(NEWS, [], _tokens(NEWS)) == []


def test_fit_learns_the_sign_of_a_separating_feature() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(FEATURES_11A)))
    x[:, 0] = 1.0
    y = (x[:, FEATURES_11A.index("inside quotation")] > 0).astype(float)
    model = AcceptanceFilter.fit(FEATURES_11A, x, y, l2=1.0)
    assert model.weights[FEATURES_11A.index("inside quotation")] > 2.0
    assert np.mean((model.probabilities(x) >= 0.5) == (y == 1)) > 0.95


def test_filter_round_trips_and_refuses_unknown_inputs(tmp_path: Path) -> None:
    inputs = ("bias", "inside quotation", "paragraph second person", "paragraph tagged")
    f = _filter({"bias": 0.5, "inside quotation": 1.5, "paragraph tagged": -1.0}, inputs)
    f.save(tmp_path / ACCEPT_FILE)
    again = AcceptanceFilter.load(tmp_path / ACCEPT_FILE)
    assert again.inputs == inputs
    spans = [Span(*_at(NEWS, "corrupt thugs"), "Loaded_Language", 0.3)]
    assert again(NEWS, spans, _tokens(NEWS)) == pytest.approx(f(NEWS, spans, _tokens(NEWS)))
    np.savez(tmp_path / "other.npz", features=np.asarray(["bias", "mood"]), mean=np.zeros(2),
             scale=np.ones(2), weights=np.zeros(2))
    with pytest.raises(ValueError, match="do not match"):
        AcceptanceFilter.load(tmp_path / "other.npz")
    with pytest.raises(ValueError, match="bias first"):
        AcceptanceFilter(("inside quotation",), np.zeros(1), np.ones(1), np.zeros(1))


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


#: An article of three paragraphs: reporting, a quotation, an address to the reader.
ARTICLE = (
    TEXT
    + "\n“The bridge is a disgrace,” the minister said of the government.\n\n"
    "You will love the new harbour. Your city deserves it, the mayor said.\n"
)
#: Pages around it: a shouting promotion before (another register, another article
#: prior) and a report on politics after.
BEFORE = "Wow! You must see this! Amazing deals for you! Buy now!\n"
AFTER = "The president and the parliament passed the tax law on Monday, officials said.\n"


def _prior_on_exclamations() -> ArticlePrior:
    return ArticlePrior(["!"], np.zeros(1), np.ones(1), np.asarray([20.0]), -1.0, 1.0)


def _acceptance(tagger: Tagger, page: str, shift: int, n: int) -> dict[tuple[str, int, int],
                                                                        float]:
    return {(s.label, s.start - shift, s.end - shift): s.data["accept"]
            for s in tagger.tag(page) if s.start >= shift and s.end <= shift + n}


def test_an_article_alone_and_inside_a_page_gets_the_same_acceptance_per_span(
    tiny_model: Path, tmp_path: Path
) -> None:
    # A confidence model on the raw score and the article prior (which does change with
    # the page), so that the shown confidence moves while the own confidence does not.
    weights = [0.0] * (4 + len(TECHNIQUES) + 3)
    weights[1], weights[-1] = 1.0, 1.0
    model = _model(tiny_model, tmp_path / "m", {}, confidence=weights)
    _prior_on_exclamations().save(model / PRIOR_FILE)
    paragraph = tuple(n for n in INPUTS if not n.startswith(("article", "confidence")))
    _filter({n: 0.2 for n in paragraph}, paragraph).save(model / ACCEPT_FILE)
    tagger = Tagger(model, profile="precise")
    page = BEFORE + "\n\n" + ARTICLE + "\n\n" + AFTER
    shift = len(BEFORE) + 2
    alone = _acceptance(tagger, ARTICLE, 0, len(ARTICLE))
    inside = _acceptance(tagger, page, shift, len(ARTICLE))
    assert len(alone) > 20 and alone.keys() == inside.keys()
    assert all(inside[k] == pytest.approx(p, abs=1e-9) for k, p in alone.items())
    assert len({round(p, 6) for p in alone.values()}) > 5  # the inputs do vary by span
    # The same filter over the whole text, with the confidence that takes in the prior,
    # changes with the page (what the paragraph inputs are for).
    whole = tuple(n.replace("paragraph", "article").replace("own confidence", "confidence")
                  for n in paragraph)
    _filter({n: 0.2 for n in whole}, whole).save(model / ACCEPT_FILE)
    tagger = Tagger(model, profile="precise")
    alone = _acceptance(tagger, ARTICLE, 0, len(ARTICLE))
    inside = _acceptance(tagger, page, shift, len(ARTICLE))
    assert alone.keys() == inside.keys()
    assert all(abs(inside[k] - p) > 1e-3 for k, p in alone.items())


def test_paragraph_prior_is_the_logit_of_the_prior_of_the_spans_own_paragraph() -> None:
    prior = _prior_on_exclamations()
    shout = "Wow! These thugs! Amazing!"
    page = NEWS + "\n" + shout + "\n"
    out = _tokens(page)
    rows = input_rows(page, [Span(*_at(page, "traitors"), "Loaded_Language", 0.4),
                             Span(*_at(page, "thugs!"), "Loaded_Language", 0.4)], out,
                      prior=prior)
    col = INPUTS.index("paragraph prior")

    def logit(p: float) -> float:
        p = min(max(p, 1e-3), 1 - 1e-3)
        return float(np.log(p / (1 - p)))

    assert rows[0, col] == pytest.approx(logit(prior(NEWS.rstrip("\n"))))
    assert rows[1, col] == pytest.approx(logit(prior(shout)))
    assert rows[1, col] > rows[0, col] + 5  # the shouting paragraph reads like PTC
    assert rows[0, INPUTS.index("article prior")] == pytest.approx(logit(prior(page)))
    without = input_rows(page, [Span(*_at(page, "traitors"), "Loaded_Language", 0.4)], out)
    assert without[0, col] == 0.0


def test_a_filter_that_reads_the_prior_needs_one(tiny_model: Path, tmp_path: Path) -> None:
    inputs = ("bias", "paragraph prior")
    f = _filter({"bias": 0.0, "paragraph prior": 1.0}, inputs)
    assert f.needs_prior and not _filter({"bias": 1.0}).needs_prior
    spans = [Span(*_at(NEWS, "corrupt thugs"), "Loaded_Language", 0.3)]
    with pytest.raises(ValueError, match="article prior"):
        f(NEWS, spans, _tokens(NEWS))
    model = _model(tiny_model, tmp_path / "m", {}, min_accept=0.5)
    f.save(model / ACCEPT_FILE)
    (model / PRIOR_FILE).unlink(missing_ok=True)
    with pytest.raises(ModelError, match="prior"):
        Tagger(model, profile="precise")
    _prior_on_exclamations().save(model / PRIOR_FILE)
    tagger = Tagger(model, profile="precise")
    assert tagger.accept is not None and tagger.accept.prior is tagger.prior
