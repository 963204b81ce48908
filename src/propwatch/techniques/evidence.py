"""What the tagger shows: decoded token spans confirmed by the sentence heads, whole-sentence
spans of the argument-level techniques, and one confidence per span.

Per profile (``config.json``, ``profiles.<name>.sentence``):

* ``gate``: technique -> the head probability the sentence of a token span must reach
  for the span to be shown (the head of its technique "agrees");
* ``emit``: technique -> the head probability at which a whole sentence becomes a span of
  that technique (readable rules applied; it replaces the token spans of the same
  technique inside it);
* ``confidence``: a logistic regression, fitted on validation spans, of the span's
  rightness on its raw score, its head probability and its technique; spans whose
  confidence is under ``min_confidence`` (per technique) are not shown;
* ``min_accept``: the acceptance probability (:mod:`propwatch.techniques.acceptance`:
  would an analyst accept the span, given who speaks, the register of its paragraph and the
  event its sentence reports?) a span must reach to be shown (0: no filter);
* ``min_prior``: the article prior (:mod:`propwatch.techniques.prior`: does the text
  read like PTC's propaganda-style articles or like plain news reporting?) a text must
  reach for its spans to be shown (the precise profile; 0: no floor).

Without heads (a model without ``heads.npz``) the decoded token spans are shown as they
are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from propwatch.model import Span
from propwatch.techniques.acceptance import AcceptanceFilter
from propwatch.techniques.align import ANY, token_range
from propwatch.techniques.heads import SentenceHeads, sentence_ranges
from propwatch.techniques.infer import (
    DecodeConfig,
    TokenOutput,
    merged,
    si_spans,
    technique_spans,
)
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.prior import ArticlePrior
from propwatch.techniques.readable import readable

#: Sources of a shown span (``Span.data["source"]``).
TOKEN, SENTENCE = "token", "sentence"
_EPS = 1e-4


def _logit(p: float) -> float:
    p = min(max(p, _EPS), 1 - _EPS)
    return float(np.log(p / (1 - p)))


def confidence_features(
    raw: float, head: float, source: str, technique: str, anyp: float, words: int,
    article: float = 0.5,
) -> list[float]:
    """Inputs of the confidence model: bias, logit of the raw score (token spans), logit of
    the head probability, whether the span is a whole sentence, technique one-hot, logit
    of the mean "any technique" token probability over the span, log of its word count,
    logit of the article prior of its text (0.5, no information, without a prior)."""
    sent = float(source == SENTENCE)
    onehot = [float(technique == t) for t in TECHNIQUES]
    return [1.0, (1 - sent) * _logit(raw), _logit(head), sent, *onehot, _logit(anyp),
            float(np.log1p(words)), _logit(article)]


@dataclass
class SentenceConfig:
    """The sentence-head part of a profile."""

    gate: dict[str, float] = field(default_factory=dict)
    emit: dict[str, float] = field(default_factory=dict)
    confidence: list[float] | None = None  # weights over confidence_features
    min_confidence: dict[str, float] = field(default_factory=dict)
    #: SI spans are the shown spans merged (else the "any technique" column, decoded).
    si_from_spans: bool = False
    #: The whole-sentence spans join the decoded "any technique" column in the SI spans.
    si_adds_sentences: bool = False
    #: The lowest article prior whose spans are shown (0: all; needs the model's prior).
    min_prior: float = 0.0
    #: Added to the confidence model's logit: the profile's own recalibration, fitted on
    #: the spans it shows on validation (the model is fitted on all validation spans).
    shift: float = 0.0
    #: The lowest acceptance probability whose spans are shown (0: no filter; needs the
    #: model's accept.npz).
    min_accept: float = 0.0

    def score(self, c: Candidate) -> float:
        """The span's confidence (its raw score when there is no confidence model)."""
        if self.confidence is None:
            return c.raw
        z = float(np.dot(self.confidence, c.features())) + self.shift
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))

    def to_json(self) -> dict[str, Any]:
        return {
            "gate": self.gate,
            "emit": self.emit,
            "confidence": None
            if self.confidence is None
            else [round(w, 6) for w in self.confidence],
            "min_confidence": self.min_confidence,
            "si_from_spans": self.si_from_spans,
            "si_adds_sentences": self.si_adds_sentences,
            "min_prior": self.min_prior,
            "shift": round(self.shift, 6),
            "min_accept": self.min_accept,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SentenceConfig:
        unknown = (set(d.get("gate", {})) | set(d.get("emit", {}))) - set(TECHNIQUES)
        if unknown:
            raise ValueError(f"unknown techniques in the sentence config: {sorted(unknown)}")
        conf = d.get("confidence")
        return cls(
            gate={str(k): float(v) for k, v in d.get("gate", {}).items()},
            emit={str(k): float(v) for k, v in d.get("emit", {}).items()},
            confidence=None if conf is None else [float(w) for w in conf],
            min_confidence={str(k): float(v) for k, v in d.get("min_confidence", {}).items()},
            si_from_spans=bool(d.get("si_from_spans", False)),
            si_adds_sentences=bool(d.get("si_adds_sentences", False)),
            min_prior=float(d.get("min_prior", 0.0)),
            shift=float(d.get("shift", 0.0)),
            min_accept=float(d.get("min_accept", 0.0)),
        )


@dataclass
class Candidate:
    """A span before the profile's confidence floor: raw score, head probability, source."""

    start: int
    end: int
    technique: str
    raw: float
    head: float
    source: str
    anyp: float = 0.0  # mean "any technique" token probability over the span
    words: int = 0
    article: float = 0.5  # article prior of the text (0.5: none)

    def features(self) -> list[float]:
        return confidence_features(
            self.raw, self.head, self.source, self.technique, self.anyp, self.words,
            self.article,
        )


def candidates(
    text: str,
    out: TokenOutput,
    cfg: DecodeConfig,
    heads: SentenceHeads,
    scfg: SentenceConfig,
    probs: NDArray[np.float32] | None = None,
    decoded: Sequence[Span] | None = None,
    article: float = 0.5,
) -> list[Candidate]:
    """Token spans whose sentence head agrees (``scfg.gate``) and whole-sentence spans
    (``scfg.emit``), each with its head probability.  ``probs``: the heads' probabilities
    for :func:`sentence_ranges` of ``text``, ``decoded``: its decoded token spans, when
    already computed; ``article``: the text's article prior."""
    ranges = sentence_ranges(text)
    if probs is None:
        probs = heads.predict(text, out, ranges)
    col = {t: heads.techniques.index(t) for t in heads.techniques}
    starts = np.asarray([s for s, _ in ranges], np.int64)
    ends = np.asarray([e for _, e in ranges], np.int64)

    def head_of(start: int, end: int, tech: str) -> float:
        if tech not in col or not len(ranges):
            return 0.0
        sel = (starts < end) & (ends > start)
        return float(probs[sel, col[tech]].max()) if sel.any() else 0.0

    sentence: list[Candidate] = []
    for r, (s, e) in enumerate(ranges):
        for tech, th in scfg.emit.items():
            p = float(probs[r, col[tech]]) if tech in col else 0.0
            fixed = readable(text, s, e) if p >= th else None
            if fixed is not None:
                sentence.append(Candidate(fixed[0], fixed[1], tech, p, p, SENTENCE))
    out_spans = list(sentence)
    for span in technique_spans(text, out, cfg) if decoded is None else decoded:
        tech = span.label
        head = head_of(span.start, span.end, tech)
        if head < scfg.gate.get(tech, 0.0):
            continue
        if any(
            c.technique == tech and c.start <= span.start and span.end <= c.end for c in sentence
        ):
            continue  # the whole sentence is shown for this technique
        out_spans.append(Candidate(span.start, span.end, tech, span.score or 0.0, head, TOKEN))
    for c in out_spans:
        i, j = token_range(out.enc.offsets, c.start, c.end) if len(out.enc.ids) else (0, 0)
        c.anyp = float(out.probs[i:j, ANY].mean()) if j > i else 0.0
        c.words = len(text[c.start : c.end].split())
        c.article = article
    out_spans.sort(key=lambda c: (c.start, c.end, c.technique))
    return out_spans


def shown_spans(
    text: str,
    out: TokenOutput,
    cfg: DecodeConfig,
    heads: SentenceHeads | None,
    scfg: SentenceConfig | None,
    prior: ArticlePrior | None = None,
    accept: AcceptanceFilter | None = None,
) -> list[Span]:
    """The technique spans a profile shows, score = confidence (before the profile's
    isotonic calibration, if any), ``data``: source, head probability, raw score,
    ``own_confidence`` (the confidence with the article prior left out, 0.5: it does not
    change with the page around the span's paragraph), with
    an article prior ``article_prior`` (the text's) and, with an acceptance filter,
    ``accept`` (the span's acceptance probability; spans under ``scfg.min_accept`` are
    not shown)."""
    article = 0.5 if prior is None else prior(text)
    if scfg is not None and article < scfg.min_prior:
        return []
    if heads is None or scfg is None:
        res = [
            Span(s.start, s.end, s.label, s.score,
                 {"source": TOKEN, "raw_score": s.score, "own_confidence": s.score})
            for s in technique_spans(text, out, cfg)
        ]
    else:
        res = []
        for c in candidates(text, out, cfg, heads, scfg, article=article):
            conf = scfg.score(c)
            if conf < scfg.min_confidence.get(c.technique, 0.0):
                continue
            data = {"source": c.source, "head": c.head, "raw_score": c.raw, "any": c.anyp,
                    "words": c.words, "own_confidence": scfg.score(replace(c, article=0.5))}
            res.append(Span(c.start, c.end, c.technique, conf, data))
    if prior is not None:
        res = [Span(s.start, s.end, s.label, s.score, {**s.data, "article_prior": article})
               for s in res]
    if accept is None:
        return res
    floor = 0.0 if scfg is None else scfg.min_accept
    return [Span(s.start, s.end, s.label, s.score, {**s.data, "accept": p})
            for s, p in zip(res, accept(text, res, out), strict=True) if p >= floor]


def analyse_text(
    text: str,
    out: TokenOutput,
    cfg: DecodeConfig,
    heads: SentenceHeads | None,
    scfg: SentenceConfig | None,
    prior: ArticlePrior | None = None,
    accept: AcceptanceFilter | None = None,
) -> tuple[list[Span], list[Span]]:
    """(technique spans, SI spans) of one text under one profile."""
    techs = shown_spans(text, out, cfg, heads, scfg, prior, accept)
    if scfg is not None and scfg.si_from_spans:
        return techs, merged(techs)
    column = si_spans(text, out, cfg)
    if scfg is not None and scfg.si_adds_sentences:
        return techs, merged([*column, *(s for s in techs if s.data.get("source") == SENTENCE)])
    return techs, column
