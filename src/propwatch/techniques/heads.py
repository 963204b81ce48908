"""Sentence-level technique heads: per technique, two logistic regressions on a sentence,
averaged in logit space: one on the pooled tagger hidden states
(:func:`propwatch.techniques.pooling.sentence_vectors`, the same encoder pass as the token
spans) plus the sentence's mean and highest token probabilities and a few surface cues;
one on the TF-IDF of its words and word pairs (the encoder was fine-tuned on the training
split, so its states over-fit there; the words do not).

They serve two purposes:

* spans for the *argument-level* techniques (Doubt, Whataboutism, Causal
  Oversimplification, Black-and-White, ...), which cover whole clauses and which the token
  decoder almost never finds: a sentence whose head probability reaches the technique's
  ``emit`` threshold becomes a span (whole sentence, readable rules applied);
* evidence for every other span: a token span is kept only when the head of its technique
  agrees on its sentence (``gate`` threshold), and the head probability is one input of the
  span confidence.

Weights are fitted with scikit-learn (``bench/techniques_sentence_heads.py``) and shipped in
``heads.npz``; the run time is numpy only.  Probabilities are Platt-scaled on validation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from propwatch.errors import ModelError
from propwatch.techniques.align import N_OUT, token_range
from propwatch.techniques.infer import TokenOutput, sigmoid
from propwatch.techniques.lexical import tfidf, word_grams
from propwatch.techniques.pooling import sentence_vectors
from propwatch.techniques.readable import sentence_ends

HEADS_FILE = "heads.npz"
SURFACE = ("log tokens", "question mark", "exclamation mark", "quote marks", "first person")
_FIRST_PERSON = re.compile(r"\b(?:I|we|our|us|my)\b", re.IGNORECASE)


def sentence_ranges(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence: text cut at line breaks and sentence ends
    (:func:`propwatch.techniques.readable.sentence_ends`), surrounding spaces left out."""
    cuts = sorted({0, len(text), *sentence_ends(text), *(m.end() for m in re.finditer("\n", text))})
    out = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def head_features(
    text: str, out: TokenOutput, ranges: Sequence[tuple[int, int]]
) -> NDArray[np.float32]:
    """(len(ranges), H + 2 * N_OUT + len(SURFACE)) inputs of the heads: pooled hidden
    state, mean and highest token probabilities, surface cues."""
    vecs = sentence_vectors(out, ranges)
    stats = np.zeros((len(ranges), 2 * N_OUT + len(SURFACE)), np.float32)
    for k, (start, end) in enumerate(ranges):
        i, j = token_range(out.enc.offsets, start, end) if len(out.enc.ids) else (0, 0)
        if j > i:
            stats[k, :N_OUT] = out.probs[i:j].mean(axis=0)
            stats[k, N_OUT : 2 * N_OUT] = out.probs[i:j].max(axis=0)
        piece = text[start:end]
        stats[k, 2 * N_OUT :] = (
            np.log1p(max(j - i, 0)),
            "?" in piece,
            "!" in piece,
            any(q in piece for q in '"\u201c\u201d'),
            bool(_FIRST_PERSON.search(piece)),
        )
    if vecs.shape[1] == 0:  # no tokens: no hidden state to pool
        return stats
    return np.concatenate([vecs, stats], axis=1).astype(np.float32)


@dataclass
class SentenceHeads:
    """Per technique ``t``: ``P(t in sentence) = sigmoid(a_t * l_t + c_t)`` with
    ``l_t = (1 - mix) * (w_t . z + b_t) + mix * (u_t . v + d_t)``, ``z`` the standardised
    dense features, ``v`` the sentence's TF-IDF over ``words`` and ``(a_t, c_t)`` the Platt
    scaling fitted on validation."""

    techniques: list[str]
    mean: NDArray[np.float32]  # (D,)
    scale: NDArray[np.float32]  # (D,)
    weights: NDArray[np.float32]  # (T, D)
    bias: NDArray[np.float32]  # (T,)
    platt: NDArray[np.float32]  # (T, 2): slope, intercept
    words: list[str] = field(default_factory=list)  # TF-IDF vocabulary (words, word pairs)
    idf: NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))
    lex_weights: NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    lex_bias: NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))
    mix: float = 0.0  # share of the TF-IDF logit

    def __post_init__(self) -> None:
        self._word_ix = {w: i for i, w in enumerate(self.words)}

    def dense_logits(self, x: NDArray[np.float32]) -> NDArray[np.float32]:
        """(n, T) logits of the dense part for feature rows ``x``."""
        if x.shape[1] != self.mean.shape[0]:
            raise ModelError(
                f"sentence heads expect {self.mean.shape[0]} features, got {x.shape[1]}: "
                "heads.npz does not belong to this model; refit it with "
                "bench/techniques_sentence_heads.py"
            )
        z = (x - self.mean) / self.scale
        return (z @ self.weights.T + self.bias).astype(np.float32)

    def lexical_logits(self, pieces: Sequence[str]) -> NDArray[np.float32]:
        """(n, T) logits of the TF-IDF part for sentence texts."""
        out = np.tile(self.lex_bias, (len(pieces), 1)).astype(np.float32)
        if not self.words:
            return out
        for r, piece in enumerate(pieces):
            feats = tfidf(word_grams(piece), self._word_ix, self.idf)
            if feats:
                cols = np.fromiter(feats.keys(), np.int64, len(feats))
                vals = np.fromiter(feats.values(), np.float32, len(feats))
                out[r] += vals @ self.lex_weights[:, cols].T
        return out

    def logits(self, x: NDArray[np.float32], pieces: Sequence[str]) -> NDArray[np.float32]:
        """(n, T) mixed logits before Platt scaling."""
        dense = self.dense_logits(x)
        if self.mix <= 0:
            return dense
        return ((1 - self.mix) * dense + self.mix * self.lexical_logits(pieces)).astype(np.float32)

    def calibrated(self, logits: NDArray[np.float32]) -> NDArray[np.float32]:
        return sigmoid(logits * self.platt[:, 0] + self.platt[:, 1])

    def predict(
        self, text: str, out: TokenOutput, ranges: Sequence[tuple[int, int]]
    ) -> NDArray[np.float32]:
        """(len(ranges), T) calibrated probability that each range uses each technique."""
        if not ranges:
            return np.zeros((0, len(self.techniques)), np.float32)
        x = head_features(text, out, ranges)
        return self.calibrated(self.logits(x, [text[s:e] for s, e in ranges]))

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            techniques=np.asarray(self.techniques, dtype=str),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            platt=self.platt.astype(np.float32),
            words=np.asarray(self.words, dtype=str),
            idf=self.idf.astype(np.float32),
            lex_weights=self.lex_weights.astype(np.float16),
            lex_bias=self.lex_bias.astype(np.float32),
            mix=np.asarray(self.mix, np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> SentenceHeads:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                techniques=[str(t) for t in z["techniques"]],
                mean=z["mean"].astype(np.float32),
                scale=z["scale"].astype(np.float32),
                weights=z["weights"].astype(np.float32),
                bias=z["bias"].astype(np.float32),
                platt=z["platt"].astype(np.float32),
                words=[str(w) for w in z["words"]],
                idf=z["idf"].astype(np.float32),
                lex_weights=z["lex_weights"].astype(np.float32),
                lex_bias=z["lex_bias"].astype(np.float32),
                mix=float(z["mix"]),
            )
