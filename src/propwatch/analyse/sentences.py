"""Sentence segmentation with exact character offsets, paragraph-aware.

Text is first cut at line breaks (a sentence never runs across a paragraph), then pysbd
splits each paragraph; each sentence is located in the original text, so offsets are exact
and spans carry no surrounding whitespace.

pysbd's cost grows faster than the length of what it is given, so a paragraph longer than
``MAX_PIECE`` characters is first cut into pieces of at most that length: after the last
sentence end (``. `` before a capital) in the window, else at its last space, else hard.
The work per paragraph is then linear in its length.  A piece with no sentence-ending
punctuation is one sentence without asking pysbd, and a line longer than ``MAX_PYSBD_LINE``
(no prose paragraph is; a scrape gone wrong is) is split by the sentence-end rule alone,
which is linear and fast, instead of by pysbd at some milliseconds per sentence.  So is
every line of a text longer than ``MAX_PYSBD_TEXT`` (some 30,000 words: no news article),
which bounds the cost of one text at about a second per megabyte.
"""

from __future__ import annotations

import re
import threading

import pysbd

from propwatch.model import Article, Span

_LINE = re.compile(r"[^\n]+")
MAX_PIECE = 1000
MAX_PYSBD_LINE = 20_000
MAX_PYSBD_TEXT = 200_000
_TERMINAL = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]*[A-Z0-9])")
_SPACE = re.compile(r"\s+")


_PER_THREAD = threading.local()


def _segmenter() -> pysbd.Segmenter:
    """This thread's pysbd segmenter: ``segment`` keeps the text it works on in the
    segmenter itself, so two threads sharing one would split each other's paragraphs."""
    segmenter: pysbd.Segmenter | None = getattr(_PER_THREAD, "segmenter", None)
    if segmenter is None:
        segmenter = _PER_THREAD.segmenter = pysbd.Segmenter(
            language="en", clean=False, char_span=False)
    return segmenter


def sentence_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    by_rule_only = len(text) > MAX_PYSBD_TEXT
    for line in _LINE.finditer(text):
        if by_rule_only or line.end() - line.start() > MAX_PYSBD_LINE:
            cuts = pieces(text, line.start(), line.end(), limit=MAX_PIECE, ends_only=True)
            spans.extend(span for start, end in cuts if (span := _trimmed(text, start, end)))
            continue
        for start, end in pieces(text, line.start(), line.end()):
            if _TERMINAL.search(text, start, end):
                spans.extend(_line_sentences(text, start, end))
            elif span := _trimmed(text, start, end):
                spans.append(span)
    return spans


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    lead = len(piece) - len(piece.lstrip())
    return Span(start + lead, start + lead + len(stripped), "sentence")


def pieces(
    text: str, start: int, end: int, limit: int = MAX_PIECE, ends_only: bool = False
) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into ranges of at most ``limit`` characters, preferably
    just after a sentence end; with ``ends_only``, also at every sentence end."""
    out = []
    while end - start > limit or (ends_only and start < end):
        window = text[start : min(start + limit, end)]
        if ends_only:
            m = _SENTENCE_END.search(window)
            cut = m.end() if m else 0
        else:
            cut = _last_end(_SENTENCE_END, window, limit // 2)
        cut = cut or (len(window) if len(window) < limit else 0)
        cut = cut or _last_end(_SPACE, window, 1) or limit
        out.append((start, start + cut))
        start += cut
    if start < end or not out:
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
