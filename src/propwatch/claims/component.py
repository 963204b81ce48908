"""The ``claims`` layer: one span per sentence that could carry a claim, scored by
check-worthiness.

Scores come from the technique tagger's pass over the article (the one the technique
layers read, ``propwatch.claims.onepass``): no other network runs here.

Every sentence with enough words is kept (``threshold`` 0): any of them may repeat a known
claim, so check-worthiness ranks and filters what is listed, it does not gate matching.
Sentences come from the article's ``sentences`` layer (written earlier in the pipeline);
an article analysed without it is segmented here the same way.
"""

from __future__ import annotations

import re

from propwatch.analyse.pipeline import register
from propwatch.claims.onepass import OnePass, default_onepass
from propwatch.model import Article, Span

MIN_WORDS = 4
MAX_CHARS = 1000
_WORD = re.compile(r"[^\W\d_]{2,}")


def _trim(text: str, span: Span) -> Span | None:
    piece = text[span.start : span.end]
    lead = len(piece) - len(piece.lstrip())
    tail = len(piece.rstrip())
    if tail <= lead:
        return None
    return Span(span.start + lead, span.start + tail, "claim")


def candidate_sentences(article: Article) -> list[Span]:
    """Trimmed sentence spans that could be claims (enough words, not a page-long blob)."""
    sentences = article.layers.get("sentences")
    if sentences is None:
        from propwatch.analyse.sentences import sentence_spans

        sentences = sentence_spans(article.text)
    out: list[Span] = []
    for span in sentences:
        if span.label != "sentence":
            continue
        trimmed = _trim(article.text, span)
        if trimmed is None:
            continue
        piece = trimmed.text_of(article.text)
        if len(_WORD.findall(piece)) < MIN_WORDS or len(piece) > MAX_CHARS:
            continue
        out.append(trimmed)
    return out


class Claims:
    name = "claims"

    def __init__(self, onepass: OnePass | None = None, threshold: float = 0.0) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError("threshold must be in [0.0, 1.0]")
        self.onepass = onepass
        self.threshold = threshold

    def predict(self, article: Article) -> list[Span]:
        spans = candidate_sentences(article)
        if not spans:
            return []
        onepass = self.onepass or default_onepass()
        scores = onepass.sentences(article.text, [(s.start, s.end) for s in spans])
        return [
            Span(s.start, s.end, "claim", round(float(p), 4))
            for s, p in zip(spans, scores, strict=True)
            if p >= self.threshold
        ]


register("claims", Claims)
