"""Raw text as lines and units, and the builder that writes clean text with its offset map.

A *line* is one non-blank raw line with its outer whitespace stripped; it remembers where it
sits in the raw input.  A *unit* is what the classifier labels: usually one line, or the lines
of a hard-wrapped paragraph (joined with a space that maps to no raw character).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from propwatch.model import OffsetMap, Segment

_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
# Scripts written without spaces between words: Han (Chinese, Japanese kanji), kana.  Hangul is
# written with spaces and counts as other scripts do.
_UNSPACED = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+"
)
CHARS_PER_WORD = 1.5  # a Chinese or Japanese word is 1.5-2 characters long on average
TERMINAL = tuple('.!?…"”’»)')


def ends_sentence(text: str, marks: tuple[str, ...] = TERMINAL) -> bool:
    """Whether a line ends with one of ``marks`` (as a sentence does), read past the
    replacement characters that decoding left for invalid bytes (damage to the input, not a
    word of the page)."""
    return text.rstrip("\ufffd \t").endswith(marks)


@dataclass(frozen=True)
class Line:
    start: int  # raw offset of the first non-space character
    end: int  # raw offset just after the last non-space character
    text: str  # raw[start:end], verbatim
    blank_before: bool  # a blank line (or the start of input) precedes it


@dataclass(frozen=True)
class Unit:
    lines: tuple[Line, ...]

    @cached_property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def start(self) -> int:
        return self.lines[0].start

    @cached_property
    def words(self) -> int:
        return count_words(self.text)


def count_words(text: str) -> int:
    """Words of ``text`` in any script: runs of word characters, except in Chinese and
    Japanese, where every ``CHARS_PER_WORD`` characters count as one word."""
    unspaced = 0
    for m in _UNSPACED.finditer(text):
        unspaced += len(m.group())
    if not unspaced:
        return len(_WORD.findall(text))
    spaced = _UNSPACED.sub(" ", text)
    return len(_WORD.findall(spaced)) + round(unspaced / CHARS_PER_WORD)


def split_lines(raw: str) -> list[Line]:
    """Every non-blank line of ``raw`` with its raw position (outer whitespace stripped)."""
    out: list[Line] = []
    pos = 0
    blank = True
    for chunk in raw.splitlines(keepends=True):
        body = chunk.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        stripped = body.strip()
        if stripped:
            start = pos + (len(body) - len(body.lstrip()))
            out.append(Line(start, start + len(stripped), stripped, blank))
            blank = False
        else:
            blank = True
        pos += len(chunk)
    return out


def _is_wrapped(block: list[Line]) -> bool:
    """Whether a block of adjacent lines is one paragraph hard-wrapped at a fixed width."""
    if len(block) < 2 or (len(block) == 2 and not block[1].text[:1].islower()):
        return False  # two lines are one wrapped paragraph only if the second continues it
    heads = [len(line.text) for line in block[:-1]]
    if min(heads) < 35 or max(heads) > 110 or max(heads) - min(heads) > 30:
        return False
    ends = sum(ends_sentence(line.text) for line in block[:-1])
    return ends * 2 < len(block) - 1 or len(block) >= 4


def make_units(lines: list[Line]) -> list[Unit]:
    """Group lines into units: hard-wrapped blocks become one unit, other lines stay single."""
    blocks: list[list[Line]] = []
    for line in lines:
        if line.blank_before or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    units: list[Unit] = []
    for block in blocks:
        if _is_wrapped(block):
            units.append(Unit(tuple(block)))
        else:
            units.extend(Unit((line,)) for line in block)
    return units


class TextBuilder:
    """Appends verbatim raw slices and inserted separators, tracking the offset map."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._segments: list[Segment] = []
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def copy(self, text: str, raw_start: int | None) -> None:
        """Append ``text``; when ``raw_start`` is given, it is the raw offset of ``text``."""
        if not text:
            return
        if raw_start is not None:
            last = self._segments[-1] if self._segments else None
            if (
                last
                and last.clean + last.length == self._length
                and (last.raw + last.length == raw_start)
            ):
                self._segments[-1] = Segment(last.clean, last.raw, last.length + len(text))
            else:
                self._segments.append(Segment(self._length, raw_start, len(text)))
        self._parts.append(text)
        self._length += len(text)

    def insert(self, text: str) -> None:
        """Append text the extractor wrote itself (maps to no raw character)."""
        self.copy(text, None)

    def paragraph(self, pieces: list[Line]) -> None:
        """Append one paragraph made of raw lines joined by single spaces."""
        if self._length:
            self.insert("\n\n")
        for i, piece in enumerate(pieces):
            if i:
                self.insert(" ")
            self.copy(piece.text, piece.start)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self._parts), OffsetMap(tuple(self._segments))
