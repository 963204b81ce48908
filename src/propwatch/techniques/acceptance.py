"""The acceptance filter: would an analyst accept a shown span as evidence?

PTC labels the reporter's apt words for real events ("devastating" fires, a "gruesome"
injury) as Loaded Language, so floors learned on PTC keep them on plain reporting.  What
tells such spans apart for a reader is *who speaks* (a quoted partisan or the author's own
narration), the *register* of the article (wire-style reporting or opinion) and whether the
word is *apt* for the event its sentence reports.  The filter is a logistic regression of
"an analyst accepts this span" on :data:`FEATURES`, fitted on spans of news articles judged
by hand (``bench/techniques_news_filter.py``, ``bench/data/techniques_news_judged_*.tsv``)
and shipped in ``accept.npz``; numpy only at run time.

A profile whose sentence config sets ``min_accept`` shows only spans whose acceptance
probability reaches it; every span it shows records ``data["accept"]``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from propwatch.model import Span
from propwatch.techniques.heads import sentence_ranges

ACCEPT_FILE = "accept.npz"

#: Inputs of the filter, in order (the bias first): the tagger's confidence; voice (the
#: span is quoted speech); register (share of the article's sentences on public affairs,
#: share holding a quotation: reporting on politics quotes its actors); aptness (the span
#: holds a word rating how grave something is, and does so in the narration of a sentence
#: reporting a grave event).  A larger set (speech verbs, first person, head probability,
#: article prior, technique, length, capitals) scored lower out of fold on the judged
#: spans (too many inputs for about 200 spans).
FEATURES = (
    "bias",
    "confidence logit",
    "inside quotation",
    "article public affairs",
    "article quotation",
    "severity word",
    "apt severity",
)

_EPS = 1e-3
#: Words of grave real events: an evaluative word in such a sentence is often apt.
_EVENT = re.compile(
    r"\b(?:kill(?:ed|ing|s)?|dead|deaths?|died|dies|dying|fires?|bushfires?|wildfires?|"
    r"blaze|flames|storms?|hurricane|typhoon|floods?|flooding|earthquake|quake|drought|"
    r"shooting|shot|gunman|attack(?:s|ed)?|bomb(?:s|ing)?|explosion|victims?|injur(?:ed|y|"
    r"ies)|wounded|crash(?:ed)?|disaster|tragedy|massacre|murder(?:ed|s)?|violence|war|"
    r"casualties|destroyed|damage|collapse[d]?|evacuat\w+|outbreak|epidemic|famine)\b",
    re.IGNORECASE,
)
#: Words that rate how grave something is: apt in the reporter's voice about a grave event.
_SEVERITY = re.compile(
    r"\b(?:devastat\w*|catastroph\w*|horrif\w*|horrible|terribl[ey]|tragic\w*|deadl(?:y|iest)|"
    r"gruesome|grisly|brutal\w*|harrowing|hellish|unprecedented|disastrous|dramatic\w*|"
    r"destructive|ferocious|massive|enormous|severe|dire|grim|appalling|shocking|"
    r"staggering|heartbreaking|carnage|chaos|chaotic|fierce|violent|bloody|savage|"
    r"historic|record|worst|extreme|intense|alarming|frightening|terrifying)\b",
    re.IGNORECASE,
)
#: Public affairs: politics, government, courts, security (the tagger's domain).
_PUBLIC = re.compile(
    r"\b(?:president\w*|government\w*|minister\w*|parliament\w*|congress\w*|senat\w*|"
    r"elect\w*|vot(?:e|es|ers?|ing)|campaign\w*|part(?:y|ies)|democrat\w*|republican\w*|"
    r"conservative\w*|liberal\w*|left-wing|right-wing|polic(?:y|ies)|politic\w*|"
    r"officials?|state|law\w*|court|judge|police|military|troops|war|protest\w*|"
    r"immigra\w*|tax\w*|nation\w*|country|countries|regime|administration|Trump|Obama|"
    r"Clinton|Biden|Putin|EU|Brexit|Iran\w*|China|Chinese|Russia\w*)\b",
    re.IGNORECASE,
)
_OPEN = "\u201c\u00ab"
_CLOSE = "\u201d\u00bb"


def _logit(p: float) -> float:
    p = min(max(p, _EPS), 1 - _EPS)
    return math.log(p / (1 - p))


def quote_depth(text: str, start: int, end: int) -> int:
    """How many quotations are open at ``end`` counting from ``start`` (curly and
    guillemet marks nest; straight double quotes toggle)."""
    depth = straight = 0
    for ch in text[start:end]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight ^= 1
    return depth + straight


def inside_quotation(text: str, sentence: tuple[int, int], start: int, end: int) -> bool:
    """The span is quoted speech: it holds a quote mark, or a quotation opened earlier in
    its sentence (or paragraph line) is still open where it starts."""
    piece = text[start:end]
    if any(ch in piece for ch in _OPEN + _CLOSE + '"'):
        return True
    line = text.rfind("\n", 0, start) + 1
    return quote_depth(text, min(line, sentence[0]), start) > 0


@dataclass(frozen=True)
class ArticleCues:
    """Register of the whole article: the share of its sentences on public affairs
    (politics, government, courts, security) and the share holding a quote mark."""

    public: float
    quotation: float

    @classmethod
    def of(cls, text: str, sentences: Sequence[tuple[int, int]]) -> ArticleCues:
        n = max(1, len(sentences))
        public = sum(1 for s, e in sentences if _PUBLIC.search(text[s:e]))
        quoted = sum(1 for s, e in sentences if any(c in text[s:e] for c in _OPEN + '"'))
        return cls(public / n, quoted / n)


def _sentence_of(sentences: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    touching = [(s, e) for s, e in sentences if s < end and e > start]
    if not touching:
        return start, end
    return touching[0][0], touching[-1][1]


def span_features(
    text: str, span: Span, sentences: Sequence[tuple[int, int]], cues: ArticleCues
) -> list[float]:
    """The :data:`FEATURES` of one shown span (``score``: its confidence)."""
    sent = _sentence_of(sentences, span.start, span.end)
    piece = text[span.start : span.end]
    quoted = inside_quotation(text, sent, span.start, span.end)
    severity = bool(_SEVERITY.search(piece))
    event = bool(_EVENT.search(text[sent[0] : sent[1]]))
    return [
        1.0,
        _logit(span.score or 0.0),
        float(quoted),
        cues.public,
        cues.quotation,
        float(severity),
        float(severity and event and not quoted),
    ]


@dataclass
class AcceptanceFilter:
    """``P(accepted) = sigmoid(weights . ((x - mean) / scale))`` over :func:`span_features`
    (the bias column is left as is)."""

    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]

    def __post_init__(self) -> None:
        if not len(self.mean) == len(self.scale) == len(self.weights) == len(FEATURES):
            raise ValueError(f"acceptance filter: expected {len(FEATURES)} weights")

    def probabilities(self, rows: NDArray[np.float64]) -> NDArray[np.float64]:
        z = ((rows - self.mean) / self.scale) @ self.weights
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))), np.float64)

    def __call__(self, text: str, spans: Sequence[Span]) -> list[float]:
        """The acceptance probability of each of ``spans`` of ``text``."""
        if not spans:
            return []
        sentences = sentence_ranges(text)
        cues = ArticleCues.of(text, sentences)
        rows = np.asarray([span_features(text, s, sentences, cues) for s in spans], np.float64)
        return [float(p) for p in self.probabilities(rows)]

    @classmethod
    def fit(cls, rows: NDArray[np.float64], accepted: NDArray[np.float64],
            l2: float) -> AcceptanceFilter:
        """L2-regularised logistic regression on standardised features (bias unpenalised)."""
        from propwatch.techniques.profiles import fit_logistic

        mean = rows.mean(axis=0)
        scale = rows.std(axis=0)
        mean[0], scale[0] = 0.0, 1.0
        scale[scale < 1e-9] = 1.0
        w = fit_logistic((rows - mean) / scale, accepted, l2)
        return cls(mean, scale, np.asarray(w, np.float64))

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            features=np.asarray(FEATURES, dtype=str),
            mean=self.mean,
            scale=self.scale,
            weights=self.weights,
        )

    @classmethod
    def load(cls, path: Path) -> AcceptanceFilter:
        with np.load(path, allow_pickle=False) as z:
            names = tuple(str(t) for t in z["features"])
            if names != FEATURES:
                raise ValueError(f"{path}: features {names} do not match this propwatch version")
            return cls(
                mean=z["mean"].astype(np.float64),
                scale=z["scale"].astype(np.float64),
                weights=z["weights"].astype(np.float64),
            )
