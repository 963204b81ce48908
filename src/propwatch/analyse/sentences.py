"""Sentence segmentation with exact character offsets, paragraph-aware.

Text is first cut at line breaks (a sentence never runs across a paragraph), then pysbd
splits each paragraph; each sentence is located in the original text, so offsets are exact
and spans carry no surrounding whitespace.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

from propwatch.model import Article, Span

_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def sentence_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        spans.extend(_line_sentences(text, line.start(), line.end()))
    return spans


def _line_sentences(text: str, start: int, end: int) -> list[Span]:
    paragraph = text[start:end]
    if not paragraph.strip():
        return []
    spans, cursor = [], 0
    for piece in _segmenter().segment(paragraph):
        piece = piece.strip()
        if not piece:
            continue
        found = paragraph.find(piece, cursor)
        if found < 0:  # the segmenter altered the text: keep the rest as one sentence
            break
        spans.append(Span(start + found, start + found + len(piece), "sentence"))
        cursor = found + len(piece)
    rest = paragraph[cursor:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append(Span(start + cursor + lead, start + len(paragraph.rstrip()), "sentence"))
    return spans


class Sentences:
    name = "sentences"

    def predict(self, article: Article) -> list[Span]:
        return sentence_spans(article.text)
