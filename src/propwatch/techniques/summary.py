"""Sentence-level propaganda probability and an article-level summary of technique spans."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from propwatch.model import Span
from propwatch.techniques.align import ANY, token_range
from propwatch.techniques.infer import TokenOutput

_SENT_RE = re.compile(r"[^\n.!?]+(?:[.!?]+[\"'\u201d\u2019)]*|$)", re.MULTILINE)


def fallback_sentences(text: str) -> list[Span]:
    """Rough sentence split for when no ``sentences`` layer exists (lines, then . ! ?)."""
    out = []
    for m in _SENT_RE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Span(start, end, "sentence"))
    return out


def sentence_probabilities(
    out: TokenOutput, sentences: Sequence[Span], techniques: Sequence[Span]
) -> list[Span]:
    """One span per sentence, label ``propaganda``, score = the highest "any technique"
    token probability in it (0 for a sentence without tokens).  ``data["techniques"]``
    lists the techniques of spans overlapping the sentence."""
    res = []
    for sent in sentences:
        i, j = token_range(out.enc.offsets, sent.start, sent.end) if len(out.enc.ids) else (0, 0)
        p = float(np.max(out.probs[i:j, ANY])) if j > i else 0.0
        techs = sorted({t.label for t in techniques if t.start < sent.end and t.end > sent.start})
        res.append(Span(sent.start, sent.end, "propaganda", round(p, 4), {"techniques": techs}))
    return res


@dataclass(frozen=True)
class ArticleSummary:
    n_sentences: int
    n_sentences_with_technique: int
    share_sentences_with_technique: float
    counts: dict[str, int] = field(default_factory=dict)  # technique -> number of spans
    n_spans: int = 0


def summarise(sentences: Sequence[Span], techniques: Sequence[Span]) -> ArticleSummary:
    """Share of sentences overlapping at least one technique span, and counts per technique."""
    with_tech = sum(
        1 for s in sentences if any(t.start < s.end and t.end > s.start for t in techniques)
    )
    n = len(sentences)
    counts = Counter(t.label for t in techniques)
    return ArticleSummary(
        n, with_tech, with_tech / n if n else 0.0, dict(counts.most_common()), len(techniques)
    )
