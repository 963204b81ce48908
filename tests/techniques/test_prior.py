"""The article prior (propaganda-style text vs plain reporting): its inputs, its
positive-unlabelled rescaling, the precise profile's floor on it, and the recalibration
shift of a profile's confidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propwatch.model import Span
from propwatch.techniques.evidence import TOKEN
from propwatch.techniques.prior import (
    PRIOR_FILE,
    ArticlePrior,
    common_vocabulary,
    style_counts,
    style_tokens,
)
from propwatch.techniques.profiles import choose_prior_floor, fit_shift
from propwatch.techniques.tagger import Tagger

from .test_heads import TEXT, _model


def _prior(
    vocab: list[str], weights: list[float], bias: float = 0.0, c: float = 1.0
) -> ArticlePrior:
    n = len(vocab)
    return ArticlePrior(vocab, np.zeros(n), np.ones(n), np.asarray(weights, float), bias, c)


def test_style_tokens_are_lowercased_words_and_single_punctuation_marks() -> None:
    assert style_tokens("They said: “No!”") == ["they", "said", ":", "“", "no", "!", "”"]


def test_vocabulary_holds_only_tokens_common_in_both_corpora() -> None:
    ptc = ["we must act now !", "we must resist", "they lie , we must"]
    news = ["officials said on monday", "police said we", "the mayor said"]
    vocab = common_vocabulary(ptc, news, min_share=0.3)
    assert vocab == ["we"]  # "must" only in one corpus, "said" only in the other


def test_style_counts_are_square_roots_of_token_shares() -> None:
    x = style_counts("we we said x", {"we": 0, "said": 1, "absent": 2})
    assert x == pytest.approx([np.sqrt(0.5), np.sqrt(0.25), 0.0])


def test_prior_is_rescaled_by_c_and_capped_at_one() -> None:
    prior = _prior(["!"], [2.0], bias=-1.0, c=0.5)
    calm, shouting = "A calm report.", "Act now! Now! Resist!"
    assert prior(shouting) == 1.0  # g / c above 1 is capped
    g = prior.labelled_probability(calm)
    assert g == pytest.approx(1 / (1 + np.exp(1.0)))
    assert prior(calm) == pytest.approx(g / 0.5)
    assert prior("   ") == 0.0  # no text, no style


def test_prior_round_trips_and_rejects_a_bad_c(tmp_path: Path) -> None:
    prior = _prior(["said", "!"], [-1.0, 2.0], bias=0.5, c=0.7)
    prior.save(tmp_path / PRIOR_FILE)
    again = ArticlePrior.load(tmp_path / PRIOR_FILE)
    assert again("He said no!") == pytest.approx(prior("He said no!"), abs=1e-6)
    with pytest.raises(ValueError, match="c must be"):
        _prior(["said"], [1.0], c=0.0)


def test_precise_floor_on_the_prior_hides_spans_of_plain_reporting(
    tiny_model: Path, tmp_path: Path
) -> None:
    low = _model(tiny_model, tmp_path / "low", {}, min_prior=0.5)
    _prior(["said"], [0.0], bias=-3.0).save(low / PRIOR_FILE)  # g = 0.047 on any text
    assert Tagger(low, profile="precise").tag(TEXT) == []
    high = _model(tiny_model, tmp_path / "high", {}, min_prior=0.5)
    _prior(["said"], [0.0], bias=3.0).save(high / PRIOR_FILE)  # g = 0.953
    spans = Tagger(high, profile="precise").tag(TEXT)
    assert spans and all(s.data["source"] == TOKEN for s in spans)
    assert all(s.data["article_prior"] == pytest.approx(0.953, abs=1e-3) for s in spans)


def test_without_a_prior_file_spans_carry_no_article_prior(
    tiny_model: Path, tmp_path: Path
) -> None:
    d = _model(tiny_model, tmp_path / "m", {}, min_prior=0.5)
    spans = Tagger(d).tag(TEXT)
    assert spans and all("article_prior" not in s.data for s in spans)


def test_shift_moves_confidence_to_the_share_right() -> None:
    conf = [0.3] * 100
    right = [True] * 60 + [False] * 40
    b = fit_shift(conf, right, l2=0.0)
    assert 1 / (1 + np.exp(-(np.log(0.3 / 0.7) + b))) == pytest.approx(0.6, abs=1e-6)
    assert fit_shift([], []) == 0.0
    assert abs(fit_shift(conf, right, l2=1e6)) < 0.01  # a strong pull keeps it near 0


def test_prior_floor_is_chosen_on_validation_precision(tiny_model: Path) -> None:
    tagger = Tagger(tiny_model, profile="balanced")
    texts = {"a": TEXT, "b": TEXT.replace("Monday", "Friday")}
    outs = {k: tagger.token_outputs([t])[0] for k, t in texts.items()}
    spans = {k: tagger.tag(t) for k, t in texts.items()}
    assert spans["a"] and spans["b"]
    # In "a" every decoded span is right, in "b" none is: a floor that drops "b" (its prior
    # is low) is the only way to precision 1.
    gold = {"a": [Span(s.start, s.end, s.label) for s in spans["a"]], "b": []}
    q, _, info = choose_prior_floor(texts, outs, gold, tagger.decode_cfg,
                                    {"a": 0.99, "b": 0.1}, target=0.99)
    assert 0.1 < q <= 0.99
    assert info["val_si"].precision == pytest.approx(1.0)
