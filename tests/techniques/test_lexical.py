"""The lexical span classifier: numpy features at run time, fitted with scikit-learn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propwatch.model import Span
from propwatch.techniques.infer import DecodeConfig, TokenOutput, classify
from propwatch.techniques.labels import INDEX, TECHNIQUES
from propwatch.techniques.lexical import LexicalClassifier, char_grams, surface, word_grams
from propwatch.techniques.ptc import PtcArticle, load_ptc


def test_grams_and_surface_features() -> None:
    assert word_grams("So-called experts!") == [
        "so",
        "called",
        "experts",
        "so called",
        "called experts",
    ]
    assert " so" in char_grams("So") and "so " in char_grams("So")
    text = "Why? They lie. why? WHY?"
    feats = surface(text, 0, 4)
    assert feats[0] == pytest.approx(np.log1p(2))  # "why?" appears twice more, in any case
    assert feats[2] == 1.0  # ends with "?"


def _article(text: str, spans: list[tuple[str, str]]) -> PtcArticle:
    out = []
    for fragment, label in spans:
        start = text.index(fragment)
        out.append(Span(start, start + len(fragment), label))
    return PtcArticle("1", text, out)


def test_fit_learns_words_and_round_trips(tmp_path: Path) -> None:
    from propwatch.train.lexical import fit_lexical

    arts = []
    for i in range(12):
        text = (
            f"Story {i}. The corrupt traitors lied again. Our great nation will rise. "
            f"Is this really true, {i}?"
        )
        arts.append(
            _article(
                text,
                [
                    ("corrupt traitors", "Name_Calling,Labeling"),
                    ("Our great nation will rise", "Flag-Waving"),
                    (f"Is this really true, {i}?", "Doubt"),
                ],
            )
        )
    clf = fit_lexical(arts, c=10.0)
    new = "Those corrupt traitors! Our great nation. Is it really true?"
    ranges = [(6, 22), (24, 40), (42, 60)]
    probs = clf.predict_proba(new, ranges)
    assert probs.shape == (3, len(TECHNIQUES))
    assert np.allclose(probs.sum(1), 1.0, atol=1e-5)
    assert [TECHNIQUES[k] for k in probs.argmax(1)] == [
        "Name_Calling,Labeling",
        "Flag-Waving",
        "Doubt",
    ]
    clf.save(tmp_path / "lexical.npz")
    again = LexicalClassifier.load(tmp_path / "lexical.npz")
    assert np.allclose(again.predict_proba(new, ranges), probs, atol=1e-3)  # float16 weights


def test_classify_averages_span_head_and_lexical(fixture_ptc: Path) -> None:
    art = load_ptc(fixture_ptc, ["900000001"])[0]
    n, h = 4, 3
    out = TokenOutput(
        enc=type(
            "E", (), {"ids": np.arange(n), "offsets": np.array([[0, 3], [4, 8], [9, 12], [13, 20]])}
        )(),
        probs=np.zeros((n, 15), np.float32),
        hidden=np.zeros((n, h), np.float32),
    )
    k = INDEX["Slogans"]
    lex = LexicalClassifier(
        [],
        np.zeros(0, np.float32),
        [],
        np.zeros(0, np.float32),
        np.zeros((6, 14), np.float32),
        np.eye(14, dtype=np.float32)[k] * 50,
    )
    base = DecodeConfig()
    plain = classify(art.text, out, [(0, 12)], base)  # type: ignore[arg-type]
    assert np.allclose(plain, 1 / 14)
    mixed = classify(art.text, out, [(0, 12)], DecodeConfig(lexical=lex, lex_weight=0.5))  # type: ignore[arg-type]
    assert mixed[0, k] == pytest.approx(0.5 + 0.5 / 14, abs=1e-4)
