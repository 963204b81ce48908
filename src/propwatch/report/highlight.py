"""Cut an article's text into paragraphs of segments, each covered by a set of spans.

Overlapping and nested spans are normal: the text is cut at every span boundary, and each
piece lists every span that covers it.  The template escapes the pieces; nothing here
builds HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from propwatch.model import Span

_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Piece:
    text: str
    spans: tuple[int, ...]  # indexes into the span list given to ``paragraphs``


def paragraphs(text: str, spans: list[Span]) -> list[list[Piece]]:
    """Paragraphs (non-empty lines) of ``text`` as pieces annotated with covering spans."""
    result = []
    for match in _PARAGRAPH.finditer(text):
        start, end = match.start(), match.end()
        inside = [i for i, s in enumerate(spans) if s.start < end and s.end > start]
        cuts = {start, end}
        for i in inside:
            cuts.update(c for c in (spans[i].start, spans[i].end) if start < c < end)
        ordered = sorted(cuts)
        pieces = []
        for left, right in zip(ordered, ordered[1:], strict=False):
            covering = tuple(i for i in inside if spans[i].start <= left and spans[i].end >= right)
            pieces.append(Piece(text[left:right], covering))
        result.append(pieces)
    return result
