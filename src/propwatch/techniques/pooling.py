"""Sentence vectors pooled from the tagger's hidden states: the mean of the per-token
hidden states (already averaged over the windows that hold each token) over the tokens
of each character range.  One encoder pass gives the token outputs; heads that work on
sentences (argument-level techniques, check-worthiness, matching embeddings) read these
vectors instead of running another network."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from propwatch.techniques.align import token_range
from propwatch.techniques.infer import TokenOutput


def sentence_vectors(out: TokenOutput, ranges: Sequence[tuple[int, int]]) -> NDArray[np.float32]:
    """(len(ranges), H) mean hidden state of the tokens overlapping each ``[start, end)``;
    a range without tokens gets a zero vector."""
    width = out.hidden.shape[1] if out.hidden.ndim == 2 and len(out.enc.ids) else 0
    vectors = np.zeros((len(ranges), width), np.float32)
    if not width:
        return vectors
    for k, (start, end) in enumerate(ranges):
        i, j = token_range(out.enc.offsets, start, end)
        if j > i:
            vectors[k] = out.hidden[i:j].mean(axis=0)
    return vectors
