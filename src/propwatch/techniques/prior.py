"""The article prior: how much a text reads like the propaganda-style writing the tagger
learned from (PTC) rather than plain news reporting.

PTC's articles all come from outlets known for propaganda, so on plain reporting the
tagger finds "loaded language" in the reporter's apt words ("harrowing", "devastating").
The prior is a positive-unlabelled (PU) estimate: a logistic regression separating PTC
training articles (labelled positives) from unlabelled news articles (mostly plain
reporting, some partisan), rescaled by the share ``c`` of held-out PTC articles it
recognises (Elkan and Noto, 2008): ``P(propaganda style | text) = min(1, g(text) / c)``.

The precise profile shows spans only in texts whose prior reaches a floor chosen on
validation (``SentenceConfig.min_prior``); every span records the prior of its text.

The inputs are style, not topic: the relative frequencies (square-rooted,
standardised) of the words and punctuation marks common in *both* corpora (document frequency of at
least 10% in each: "said", "we", "!", "“", "must", ...), so the topics of 2017 and 2019
news are not what it learns.  Fitted by ``bench/techniques_prior.py``, shipped in
``prior.npz``; numpy only at run time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

PRIOR_FILE = "prior.npz"
_TOKEN = re.compile(r"\w+|[^\w\s]")


def style_tokens(text: str) -> list[str]:
    """Lower-cased words and single punctuation marks, in order."""
    return _TOKEN.findall(text.lower())


def style_counts(text: str, vocab: dict[str, int]) -> NDArray[np.float64]:
    """Square root of each vocabulary token's share of the text's tokens."""
    toks = style_tokens(text)
    x = np.zeros(len(vocab), np.float64)
    if not toks:
        return x
    for tok, n in Counter(toks).items():
        k = vocab.get(tok)
        if k is not None:
            x[k] = n
    return np.sqrt(x / len(toks))


def common_vocabulary(
    positives: Sequence[str], unlabelled: Sequence[str], min_share: float = 0.10
) -> list[str]:
    """Tokens in at least ``min_share`` of the documents of each corpus, sorted."""

    def df(texts: Sequence[str]) -> Counter[str]:
        c: Counter[str] = Counter()
        for t in texts:
            c.update(set(style_tokens(t)))
        return c

    dp, du = df(positives), df(unlabelled)
    return sorted(
        t for t in dp
        if dp[t] >= min_share * len(positives) and du[t] >= min_share * len(unlabelled)
    )


@dataclass
class ArticlePrior:
    """``g(text) = sigmoid(w . (x - mean) / scale + b)`` over :func:`style_counts`;
    the prior is ``min(1, g / c)``."""

    vocab: list[str]
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]
    bias: float
    c: float  # mean g over held-out labelled positives (PTC validation articles)

    def __post_init__(self) -> None:
        if not 0.0 < self.c <= 1.0:
            raise ValueError(f"article prior: c must be in (0, 1], got {self.c}")
        if not len(self.vocab) == len(self.mean) == len(self.scale) == len(self.weights):
            raise ValueError("article prior: vocabulary and weights differ in length")
        self._ix = {t: k for k, t in enumerate(self.vocab)}

    def features(self, text: str) -> NDArray[np.float64]:
        return (style_counts(text, self._ix) - self.mean) / self.scale

    def labelled_probability(self, text: str) -> float:
        """``g``: the probability that the text is one of the labelled (PTC) articles."""
        z = float(self.features(text) @ self.weights + self.bias)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))

    def __call__(self, text: str) -> float:
        """The probability that ``text`` is written in PTC's propaganda style."""
        if not style_tokens(text):
            return 0.0
        return min(1.0, self.labelled_probability(text) / self.c)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            vocab=np.asarray(self.vocab, dtype=str),
            mean=self.mean.astype(np.float32),
            scale=self.scale.astype(np.float32),
            weights=self.weights.astype(np.float32),
            bias=np.asarray(self.bias, np.float64),
            c=np.asarray(self.c, np.float64),
        )

    @classmethod
    def load(cls, path: Path) -> ArticlePrior:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                vocab=[str(t) for t in z["vocab"]],
                mean=z["mean"].astype(np.float64),
                scale=z["scale"].astype(np.float64),
                weights=z["weights"].astype(np.float64),
                bias=float(z["bias"]),
                c=float(z["c"]),
            )

