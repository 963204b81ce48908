"""Sentence segmentation with exact character offsets, paragraph-aware.

Text is first cut at line breaks (a sentence never runs across a paragraph), then pysbd
splits each paragraph; each sentence is located in the original text, so offsets are exact
and spans carry no surrounding whitespace.

pysbd's cost grows faster than the length of what it is given, so a paragraph longer than
``MAX_PIECE`` characters is first cut into pieces of at most that length: after the last
sentence end (``. `` before a capital) in the window, else at its last space, else hard.
The work per paragraph is then linear in its length.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

from propwatch.model import Article, Span

_LINE = re.compile(r"[^\n]+")
MAX_PIECE = 3000
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]*[A-Z0-9])")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def sentence_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for line in _LINE.finditer(text):
        for start, end in pieces(text, line.start(), line.end()):
            spans.extend(_line_sentences(text, start, end))
    return spans


def pieces(text: str, start: int, end: int, limit: int = MAX_PIECE) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into ranges of at most ``limit`` characters, preferably
    just after a sentence end."""
    out = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = _last_end(_SENTENCE_END, window, limit // 2) or _last_end(_SPACE, window, 1)
        cut = cut or limit
        out.append((start, start + cut))
        start += cut
    out.append((start, end))
    return out


def _last_end(pattern: re.Pattern[str], window: str, minimum: int) -> int:
    last = 0
    for m in pattern.finditer(window, minimum):
        last = m.end()
    return last


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
