"""The acceptance filter: would an analyst accept a shown span as evidence?

PTC labels the reporter's apt words for real events ("devastating" fires, a "gruesome"
injury) as Loaded Language, so floors learned on PTC keep them on plain reporting.  What
tells such spans apart for a reader is *who speaks* (a quoted partisan or the author's own
narration), the *register* of the text around it (wire-style reporting, opinion, a review
or a guide) and whether the word is *apt* for the event its sentence reports.  The filter
is a logistic regression of "an analyst accepts this span" on some of :data:`INPUTS`,
fitted on spans of news articles judged by hand (``bench/techniques_news_filter.py``,
``bench/data/techniques_news_judged.tsv``) and shipped in ``accept.npz``, which names the
inputs it uses; numpy only at run time.  The register is taken over the span's own
paragraph (``paragraph`` inputs), so the same paragraph gets the same acceptance for its
spans whatever page holds it; the filter of task 11a took it over the whole text
(``article`` inputs) and took the confidence with the article prior of the whole text.
The register includes how much the paragraph reads like PTC's propaganda-style articles
rather than plain reporting (the article prior, :mod:`propwatch.techniques.prior`, of the
paragraph's text): the filter then needs the model's ``prior.npz`` (``AcceptanceFilter.prior``).

A profile whose sentence config sets ``min_accept`` shows only spans whose acceptance
probability reaches it; every span it shows records ``data["accept"]``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from propwatch.model import Span
from propwatch.techniques.align import ANY, token_range
from propwatch.techniques.heads import sentence_ranges
from propwatch.techniques.infer import TokenOutput
from propwatch.techniques.prior import ArticlePrior
from propwatch.techniques.windows import paragraph_ranges

ACCEPT_FILE = "accept.npz"

#: Inputs of one span in its sentence: the tagger's confidence (``confidence logit``, the
#: span's score, whose confidence model takes in the article prior of the whole text; ``own
#: confidence logit``, the same confidence with the prior left out, 0.5, so that it does
#: not change with the page: ``data["own_confidence"]``); voice (the span is quoted
#: speech); aptness (the span holds a word rating how grave something is, and does so in
#: the narration of a sentence reporting a grave event).
SPAN_INPUTS = ("confidence logit", "own confidence logit", "inside quotation",
               "severity word", "apt severity")
#: Register cues, each a share over a unit of text (:class:`Register`): sentences on
#: public affairs, sentences holding a quotation (reporting on politics quotes its
#: actors), sentences addressing the reader ("you": reviews, guides, promotions) and the
#: mean "any technique" token probability; and ``prior``, the logit of the article prior
#: of the unit's text (how much it reads like PTC's propaganda-style articles; task 11h).
CUES = ("public affairs", "quotation", "second person", "tagged", "prior")
#: The unit a register cue is taken over: ``paragraph``, the span's own paragraph (text
#: between blank lines, which the paragraph windows read apart from the rest of the page,
#: so a span's acceptance does not change with the page around its paragraph), or
#: ``article``, the whole text (the filter of task 11a; not context-stable).
UNITS = ("paragraph", "article")
#: Every input a filter can use; ``accept.npz`` names those it uses, in order, the bias
#: first.  A larger set (speech verbs, first person, head probability, article prior,
#: technique, length, capitals) scored lower out of fold on the judged spans.
INPUTS = ("bias", *SPAN_INPUTS, *(f"{u} {c}" for u in UNITS for c in CUES))
#: The inputs of the filter of task 11a.
FEATURES_11A = ("bias", "confidence logit", "inside quotation", "article public affairs",
                "article quotation", "severity word", "apt severity")

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


_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Register:
    """The register cues (:data:`CUES`) of one unit of text ``[start, end)``: shares of its
    sentences on public affairs (politics, government, courts, security), holding a quote
    mark and in the second person, its mean "any technique" token probability and the
    logit of its article prior (0, no information, without a ``prior``)."""

    public: float
    quotation: float
    second_person: float
    tagged: float
    prior: float = 0.0

    @classmethod
    def of(cls, text: str, start: int, end: int, out: TokenOutput,
           prior: ArticlePrior | None = None) -> Register:
        piece = text[start:end]
        sentences = [piece[s:e] for s, e in sentence_ranges(piece)]
        n = max(1, len(sentences))
        i, j = token_range(out.enc.offsets, start, end) if len(out.enc.ids) else (0, 0)
        return cls(
            public=sum(1 for t in sentences if _PUBLIC.search(t)) / n,
            quotation=sum(1 for t in sentences if any(c in t for c in _OPEN + '"')) / n,
            second_person=sum(1 for t in sentences if _SECOND_PERSON.search(t)) / n,
            tagged=float(out.probs[i:j, ANY].mean()) if j > i else 0.0,
            prior=0.0 if prior is None else _logit(prior(piece)),
        )

    def values(self) -> tuple[float, float, float, float, float]:
        """In the order of :data:`CUES`."""
        return self.public, self.quotation, self.second_person, self.tagged, self.prior


def _sentence_of(sentences: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    touching = [(s, e) for s, e in sentences if s < end and e > start]
    if not touching:
        return start, end
    return touching[0][0], touching[-1][1]


def span_inputs(text: str, span: Span, sentences: Sequence[tuple[int, int]]) -> list[float]:
    """The :data:`SPAN_INPUTS` of one shown span (``score``: its confidence) among the
    ``sentences`` of its paragraph."""
    sent = _sentence_of(sentences, span.start, span.end)
    piece = text[span.start : span.end]
    quoted = inside_quotation(text, sent, span.start, span.end)
    severity = bool(_SEVERITY.search(piece))
    event = bool(_EVENT.search(text[sent[0] : sent[1]]))
    own = span.data.get("own_confidence", span.score)
    return [
        _logit(span.score or 0.0),
        _logit(float(own or 0.0)),
        float(quoted),
        float(severity),
        float(severity and event and not quoted),
    ]


def input_rows(text: str, spans: Sequence[Span], out: TokenOutput,
               article: bool = True, prior: ArticlePrior | None = None) -> NDArray[np.float64]:
    """(len(spans), len(:data:`INPUTS`)): every input of each span of ``text`` (``out``: its
    token outputs; ``prior``: the article prior, for the ``prior`` cues, else left 0).  A
    span's paragraph inputs read only its paragraph's text and tokens; without ``article``
    the whole text's cues are not computed (left 0)."""
    rows = np.zeros((len(spans), len(INPUTS)), np.float64)
    if not spans:
        return rows
    paragraphs = paragraph_ranges(text)
    starts = [a for a, _ in paragraphs]
    whole = (Register.of(text, 0, len(text), out, prior).values() if article
             else (0.0,) * len(CUES))
    local: dict[int, tuple[list[tuple[int, int]], tuple[float, ...]]] = {}
    for r, span in enumerate(spans):
        k = max(0, bisect.bisect_right(starts, span.start) - 1)
        if k not in local:
            a, b = paragraphs[k]
            sentences = [(a + s, a + e) for s, e in sentence_ranges(text[a:b])]
            local[k] = sentences, Register.of(text, a, b, out, prior).values()
        sentences, paragraph = local[k]
        rows[r] = [1.0, *span_inputs(text, span, sentences), *paragraph, *whole]
    return rows


Weights = tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]


def fit_standardised(x: NDArray[np.float64], accepted: NDArray[np.float64],
                     l2: float) -> Weights:
    """(mean, scale, weights): an L2-regularised logistic regression on the columns of
    ``x`` standardised (column 0, the bias, left as is and not penalised)."""
    from propwatch.techniques.profiles import fit_logistic

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0
    scale[scale < 1e-9] = 1.0
    w = fit_logistic((x - mean) / scale, accepted, l2)
    return mean, scale, np.asarray(w, np.float64)


def logistic(x: NDArray[np.float64], mean: NDArray[np.float64], scale: NDArray[np.float64],
             weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """``sigmoid(weights . ((x - mean) / scale))`` for each row of ``x``."""
    z = ((x - mean) / scale) @ weights
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))), np.float64)


@dataclass
class AcceptanceFilter:
    """``P(accepted) = sigmoid(weights . ((x - mean) / scale))`` over the filter's
    ``inputs`` (names of :data:`INPUTS`, the bias first and left as is).  ``prior``: the
    article prior the ``prior`` cues read (the tagger sets the model's; a filter that uses
    them refuses to run without it)."""

    inputs: tuple[str, ...]
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]
    weights: NDArray[np.float64]
    prior: ArticlePrior | None = None

    def __post_init__(self) -> None:
        unknown = [n for n in self.inputs if n not in INPUTS]
        if unknown or not self.inputs or self.inputs[0] != "bias":
            raise ValueError(f"acceptance filter: inputs {self.inputs} are not bias first and "
                             f"then names of {INPUTS} (unknown: {unknown})")
        if not len(self.mean) == len(self.scale) == len(self.weights) == len(self.inputs):
            raise ValueError(f"acceptance filter: expected {len(self.inputs)} weights")
        self._columns = [INPUTS.index(n) for n in self.inputs]
        self._article = any(n.startswith("article ") for n in self.inputs)
        #: The filter reads the article prior of a paragraph or of the whole text.
        self.needs_prior = any(n.endswith(" prior") for n in self.inputs)

    def columns(self, rows: NDArray[np.float64]) -> NDArray[np.float64]:
        """The filter's own inputs out of rows of every input (:func:`input_rows`)."""
        return rows[:, self._columns]

    def probabilities(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """``x``: rows of the filter's own inputs."""
        return logistic(x, self.mean, self.scale, self.weights)

    def __call__(self, text: str, spans: Sequence[Span], out: TokenOutput) -> list[float]:
        """The acceptance probability of each of ``spans`` of ``text`` (``out``: its token
        outputs)."""
        if not spans:
            return []
        if self.needs_prior and self.prior is None:
            raise ValueError(f"acceptance filter: inputs {self.inputs} need the article prior")
        # The prior cues are computed only for a filter that reads them.
        x = self.columns(input_rows(text, spans, out, article=self._article,
                                    prior=self.prior if self.needs_prior else None))
        return [float(p) for p in self.probabilities(x)]

    @classmethod
    def fit(cls, inputs: Sequence[str], x: NDArray[np.float64], accepted: NDArray[np.float64],
            l2: float) -> AcceptanceFilter:
        """:func:`fit_standardised` on ``x``, rows of ``inputs``."""
        return cls(tuple(inputs), *fit_standardised(x, accepted, l2))

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            features=np.asarray(self.inputs, dtype=str),
            mean=self.mean,
            scale=self.scale,
            weights=self.weights,
        )

    @classmethod
    def load(cls, path: Path) -> AcceptanceFilter:
        with np.load(path, allow_pickle=False) as z:
            names = tuple(str(t) for t in z["features"])
            if any(n not in INPUTS for n in names):
                raise ValueError(f"{path}: features {names} do not match this propwatch version")
            return cls(
                inputs=names,
                mean=z["mean"].astype(np.float64),
                scale=z["scale"].astype(np.float64),
                weights=z["weights"].astype(np.float64),
            )
