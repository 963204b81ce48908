"""The data model every part of propwatch shares (standard library only).

Every annotation is a half-open ``[start, end)`` range of Python ``str`` indices into one
immutable article text.  Nothing downstream re-tokenises to find where something was.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A labelled character range ``[start, end)`` of an article's text."""

    start: int
    end: int
    label: str
    score: float | None = None
    data: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"span [{self.start}, {self.end}) is not a valid range")

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class Segment:
    """``length`` characters of clean text at ``clean`` are the raw characters at ``raw``."""

    clean: int
    raw: int
    length: int


@dataclass(frozen=True)
class OffsetMap:
    """Maps clean-text offsets back to the raw input, segment by segment.

    Only characters copied verbatim from the raw input are mapped; characters the extractor
    wrote itself (paragraph breaks it inserted, text decoded from HTML entities) map to None.
    """

    segments: tuple[Segment, ...] = ()

    def to_raw(self, offset: int) -> int | None:
        lo, hi = 0, len(self.segments)
        while lo < hi:
            mid = (lo + hi) // 2
            seg = self.segments[mid]
            if offset < seg.clean:
                hi = mid
            elif offset >= seg.clean + seg.length:
                lo = mid + 1
            else:
                return seg.raw + (offset - seg.clean)
        return None

    def to_json(self) -> list[list[int]]:
        return [[s.clean, s.raw, s.length] for s in self.segments]

    @classmethod
    def from_json(cls, rows: list[list[int]]) -> OffsetMap:
        return cls(tuple(Segment(*row) for row in rows))


@dataclass(frozen=True)
class RawDocument:
    """One input as read: a file, a JSONL line, or stdin, decoded to text."""

    source: str  # the input path or URL ("-" for stdin); with ``line`` for JSONL records
    text: str
    content_type: str  # "text" or "html"
    line: int | None = None  # 1-based line number inside a JSONL file
    # JSONL metadata: title, url, outlet, published, author
    meta: Mapping[str, str] = field(default_factory=dict, compare=False)
    # how the input's bytes became text: "utf-8", "windows-1252 (not UTF-8, ...)", ...
    decode: str = field(default="utf-8", compare=False)

    @property
    def content_hash(self) -> str:
        """Identity of the input: its text plus any metadata given with it (JSONL), so two
        records with the same text from different outlets are two documents."""
        if not self.meta:
            return hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        meta = json.dumps(sorted(self.meta.items()), ensure_ascii=False)
        return hashlib.sha256(f"{self.text}\0{meta}".encode()).hexdigest()

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(frozen=True)
class Extracted:
    """One clean article carved out of a raw document (a page may hold several)."""

    text: str
    offsets: OffsetMap
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date (YYYY-MM-DD) when known
    outlet: str | None = None
    url: str | None = None
    declared_source: str | None = None  # "The original source of this article is X", "Via X"
    canonical_url: str | None = None
    # where title, author, published, outlet came from: "input" (JSONL), "html metadata",
    # or the page line that stated it ("byline", "date line", "footer", "url", ...)
    meta_from: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Rejected:
    """A raw document that is not an article (captcha, error page, stub, ...)."""

    # a short machine word: captcha, cookie-wall, javascript, error-page, stub, empty
    kind: str
    reason: str  # one line a person reads


@dataclass
class Article:
    """A clean article with its metadata and annotation layers.

    ``text`` never changes once the article exists; components only add layers.
    """

    id: str
    source: str
    part: int
    text: str
    offsets: OffsetMap = field(default_factory=OffsetMap)
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    declared_source: str | None = None
    canonical_url: str | None = None
    # where title, author, published, outlet came from (see Extracted.meta_from)
    meta_from: dict[str, str] = field(default_factory=dict)
    layers: dict[str, list[Span]] = field(default_factory=dict)

    @property
    def language(self) -> str | None:
        """The label of the ``language`` layer's first span (ISO 639-1), if analysed."""
        spans = self.layers.get("language")
        return spans[0].label if spans else None

    def add_layer(self, name: str, spans: list[Span]) -> None:
        for span in spans:
            if span.end > len(self.text):
                raise ValueError(f"{name} span [{span.start}, {span.end}) lies outside the text")
        self.layers[name] = sorted(spans, key=lambda s: (s.start, s.end, s.label))


def article_id(content_hash: str, part: int) -> str:
    """A stable id: the same input and part give the same id in every database."""
    return hashlib.sha256(f"{content_hash}:{part}".encode()).hexdigest()[:16]
