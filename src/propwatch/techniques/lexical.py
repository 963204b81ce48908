"""A lexical technique classifier for given spans: TF-IDF of the span's words and character
n-grams plus a few surface features, into a multinomial logistic regression.

Many PTC techniques are carried by their words ("so-called", "our great nation", "?"), so
this small linear model is a useful second opinion next to the encoder's span head; the two
are averaged (``DecodeConfig.lex_weight``). Features are computed here with numpy only, so the
run time needs no scikit-learn; training (``propwatch.train.lexical``) fits the weights.

Feature layout: ``[word 1-2 grams | char 3-5 grams within words | SURFACE]``. Each TF-IDF
block uses sublinear term frequency and is L2-normalised on its own, as scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` does.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

_WORD = re.compile(r"(?u)\b\w\w+\b")
CHAR_NGRAMS = (3, 5)
SURFACE = (
    "log repeats in article",
    "log length",
    "ends with ?",
    "has quotes",
    "all capitals",
    "share of capitals",
)


def word_grams(span: str) -> list[str]:
    words = _WORD.findall(span.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def char_grams(span: str) -> list[str]:
    out: list[str] = []
    lo, hi = CHAR_NGRAMS
    for word in span.lower().split():
        padded = f" {word} "
        for n in range(lo, hi + 1):
            out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


def surface(article: str, start: int, end: int) -> list[float]:
    span = article[start:end]
    needle = span.strip().lower()
    repeats = article.lower().count(needle) - 1 if needle else 0
    letters = [c for c in span if c.isalpha()]
    return [
        math.log1p(max(repeats, 0)),
        math.log1p(len(span)),
        float(span.rstrip().endswith("?")),
        float('"' in span or "\u201c" in span or "\u201d" in span),
        float(bool(letters) and all(c.isupper() for c in letters)),
        sum(c.isupper() for c in letters) / max(1, len(letters)),
    ]


def tfidf(grams: list[str], vocab: dict[str, int], idf: NDArray[np.float32]) -> dict[int, float]:
    counts = Counter(vocab[g] for g in grams if g in vocab)
    vals = {i: (1.0 + math.log(c)) * float(idf[i]) for i, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vals.values()))
    return {i: v / norm for i, v in vals.items()} if norm else {}


@dataclass
class LexicalClassifier:
    words: list[str]
    word_idf: NDArray[np.float32]
    chars: list[str]
    char_idf: NDArray[np.float32]
    weights: NDArray[np.float32]  # (n_features, n_classes)
    bias: NDArray[np.float32]  # (n_classes,)

    def __post_init__(self) -> None:
        self._word_ix = {w: i for i, w in enumerate(self.words)}
        self._char_ix = {c: i for i, c in enumerate(self.chars)}

    @property
    def n_features(self) -> int:
        return len(self.words) + len(self.chars) + len(SURFACE)

    def features(self, article: str, start: int, end: int) -> dict[int, float]:
        """Sparse feature vector of one span as ``{column: value}``."""
        span = article[start:end]
        feats = tfidf(word_grams(span), self._word_ix, self.word_idf)
        off = len(self.words)
        for i, v in tfidf(char_grams(span), self._char_ix, self.char_idf).items():
            feats[off + i] = v
        off += len(self.chars)
        for i, v in enumerate(surface(article, start, end)):
            feats[off + i] = v
        return feats

    def predict_proba(self, article: str, ranges: Sequence[tuple[int, int]]) -> NDArray[np.float32]:
        """(len(ranges), n_classes) class probabilities."""
        logits = np.tile(self.bias, (len(ranges), 1)).astype(np.float64)
        for r, (start, end) in enumerate(ranges):
            feats = self.features(article, start, end)
            if feats:
                cols = np.fromiter(feats.keys(), np.int64, len(feats))
                vals = np.fromiter(feats.values(), np.float64, len(feats))
                logits[r] += vals @ self.weights[cols]
        z = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            words=np.asarray(self.words, dtype=str),
            word_idf=self.word_idf,
            chars=np.asarray(self.chars, dtype=str),
            char_idf=self.char_idf,
            weights=self.weights.astype(np.float16),
            bias=self.bias,
        )

    @classmethod
    def load(cls, path: Path) -> LexicalClassifier:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                words=[str(w) for w in z["words"]],
                word_idf=z["word_idf"].astype(np.float32),
                chars=[str(c) for c in z["chars"]],
                char_idf=z["char_idf"].astype(np.float32),
                weights=z["weights"].astype(np.float32),
                bias=z["bias"].astype(np.float32),
            )
