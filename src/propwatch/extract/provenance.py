"""Declared provenance: lines in which a page says where an article came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = r"(?P<source>[^\n]{2,80}?)"
_END = r"[\s.,;:]*$"

_PATTERNS = [
    re.compile(rf"^the original source of this article is\s+{_NAME}(?:,.*)?{_END}", re.I),
    re.compile(
        rf"^(?:this (?:article|story|piece) )?(?:was )?(?:originally|first) (?:published|appeared|"
        rf"posted)(?: (?:on|at|in|by))?\s+{_NAME}(?:\s+on\s+.*)?{_END}",
        re.I,
    ),
    re.compile(
        rf"^(?:republished|reprinted|cross-posted) (?:from|with permission (?:from|of))\s+"
        rf"{_NAME}{_END}",
        re.I,
    ),
    re.compile(rf"^(?:source|via)(?: url)?\s*:?\s+{_NAME}{_END}", re.I),
]
_AUTHORED = re.compile(
    r"^(?:authored|written|submitted) by\s+(?P<author>.{2,60}?)\s+via\s+(?P<source>.{2,80}?)"
    + _END,
    re.I,
)
_SOURCE_AUTHOR = re.compile(
    r"^(?:source|via)\s*:\s*(?P<source>\S.{0,78}?)\s+(?:author|by)\s*:?\s+(?P<author>\S.{1,59}?)"
    + _END,
    re.I,
)
_MARKUP = re.compile(r"</?\w+[^>]*>|\*\*|__")


@dataclass(frozen=True)
class Provenance:
    source: str
    author: str | None = None


def clean_name(text: str) -> str:
    """A name without markup, stray quotes or trailing punctuation."""
    text = _MARKUP.sub("", text)
    return text.strip().strip("\"'“”‘’").rstrip(".,;:").strip()


def clean_title(text: str) -> str:
    """A headline without markup (quotes stay: they are part of many headlines)."""
    return _MARKUP.sub("", text).strip()


def declared_provenance(line: str) -> Provenance | None:
    """The declared source (and author) of a short line, or None if it declares none.

    >>> declared_provenance("The original source of this article is CounterPunch, 2017")
    Provenance(source='CounterPunch', author=None)
    >>> declared_provenance("Authored by Jane Roe via The Example Review,")
    Provenance(source='The Example Review', author='Jane Roe')
    >>> declared_provenance("| Source: benchlife Author: Mark Campbell")
    Provenance(source='benchlife', author='Mark Campbell')
    """
    text = line.strip().lstrip("|•·").strip()
    if len(text) > 200:
        return None
    m = _AUTHORED.match(text) or _SOURCE_AUTHOR.match(text)
    if m:
        return Provenance(clean_name(m["source"]), clean_name(m["author"]))
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if m and len(m["source"].split()) <= 8:
            source = clean_name(m["source"])
            if source:
                return Provenance(source)
    return None
