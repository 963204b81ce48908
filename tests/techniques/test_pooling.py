"""Sentence vectors pooled from one tagger pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propwatch.techniques.align import token_range
from propwatch.techniques.pooling import sentence_vectors
from propwatch.techniques.tagger import Tagger

TEXT = "The mayor spoke on Monday. Critics called the plan a disaster."


def test_each_range_gets_the_mean_of_its_tokens(tiny_model: Path) -> None:
    out = Tagger(tiny_model).token_outputs([TEXT])[0]
    second = TEXT.index("Critics")
    vectors = sentence_vectors(out, [(0, second - 1), (second, len(TEXT))])
    i, j = token_range(out.enc.offsets, second, len(TEXT))
    assert vectors.shape == (2, out.hidden.shape[1])
    np.testing.assert_allclose(vectors[1], out.hidden[i:j].mean(axis=0), rtol=1e-6)
    assert not np.allclose(vectors[0], vectors[1])


def test_a_range_without_tokens_is_a_zero_vector(tiny_model: Path) -> None:
    out = Tagger(tiny_model).token_outputs([TEXT])[0]
    vectors = sentence_vectors(out, [(4, 4)])
    assert vectors.shape == (1, out.hidden.shape[1]) and not vectors.any()


def test_an_empty_text_gives_empty_vectors(tiny_model: Path) -> None:
    out = Tagger(tiny_model).token_outputs([""])[0]
    assert sentence_vectors(out, [(0, 0)]).shape[0] == 1
