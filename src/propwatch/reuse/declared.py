"""Sources an article declares about itself: "The original source of this article is X",
"Via X", "Originally published by X" ...  Extraction may fill ``Article.declared_source``;
this finds the same statements in clean text when it did not."""

from __future__ import annotations

import re

_PATTERNS = [
    re.compile(r"^\s*the original source of this article is\s+(?P<src>.{2,120}?)\s*$", re.I | re.M),
    re.compile(
        r"^\s*(?:this (?:article|story|piece) )?(?:was )?(?:originally|first) "
        r"(?:published|appeared|posted) (?:at|on|in|by)\s+(?P<src>.{2,80}?)[.\s]*$",
        re.I | re.M,
    ),
    re.compile(r"^\s*(?:via|source|h/t)\s*[:\-]?\s+(?P<src>[^.\n]{2,60}?)\s*\.?\s*$", re.I | re.M),
]
_YEAR = re.compile(r"^\d{4}$")


def declared_source(text: str) -> str | None:
    """The source the text names as its origin, cleaned to a name, or None."""
    for pattern in _PATTERNS:
        match = pattern.search(text)
        if match:
            return clean_name(match.group("src"))
    return None


def clean_name(raw: str) -> str | None:
    """'CounterPunch, CounterPunch, 2017' -> 'CounterPunch'."""
    parts = [p.strip(" .\"'") for p in raw.split(",")]
    parts = [p for p in parts if p and not _YEAR.match(p)]
    return parts[0] if parts else None


def name_key(name: str | None) -> str:
    """A comparable form of an outlet name or URL: 'https://www.CounterPunch.org/x' and
    'CounterPunch' both give 'counterpunch'."""
    if not name:
        return ""
    s = name.strip().lower()
    s = re.sub(r"^[a-z]+://", "", s)
    s = s.split("/")[0] if "." in s.split("/")[0] else s
    s = re.sub(r"^www\.", "", s)
    s = re.sub(r"\.(com|org|net|info|ru|ca|co\.uk|uk|news|tv)$", "", s)
    return re.sub(r"[^a-z0-9]+", "", s)
