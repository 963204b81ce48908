"""Lines that recur across pages of one site: strong evidence of page chrome.

Only 64-bit keys of normalised lines are kept (the same in every process), counted once per
page and per site group, so a batch of 10,000 pages costs a few megabytes.  Identical pages
are counted once, so a file ingested twice does not make its own body look like chrome.
Only plain-text pages are counted: HTML extraction is trafilatura's alone (no rule on top of
it won on real pages, see docs/benchmarks.md), so it has no use for recurrence.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import PurePath
from urllib.parse import urlsplit

from propwatch.model import RawDocument

_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_SITE_NAME = re.compile(
    r"<meta[^>]+(?:property|name)=[\"']og:site_name[\"'][^>]*content=[\"']([^\"']{1,80})", re.I
)
MIN_PAGES = 3


def normalise(line: str, digits: bool = True) -> str:
    """Lower case, collapsed spaces and (with ``digits``) every digit as 0, so that view
    counters and dates still match."""
    text = " ".join(line.lower().split())
    if not digits:
        return text
    return _normalised_bytes(text).decode("utf-8", "surrogatepass")


def line_key(line: str) -> int:
    """A 64-bit key of the normalised line, the same in every process (so a RecurringLines
    built once can be sent to worker processes; Python's own str hash differs per process)."""
    data = _normalised_bytes(" ".join(line.lower().split()))
    return (zlib.crc32(data) << 32) | zlib.adler32(data)


def _normalised_bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass").translate(_ZEROS)


def site_group(doc: RawDocument) -> str:
    """The site a page belongs to: outlet, url domain, HTML site name, else its folder."""
    outlet = doc.meta.get("outlet")
    if outlet:
        return "outlet:" + outlet.strip().lower()
    url = doc.meta.get("url") or (doc.source if "://" in doc.source else "")
    host = urlsplit(url).hostname if url else None
    if host:
        return "host:" + host.removeprefix("www.")
    if doc.content_type == "html":
        m = _SITE_NAME.search(doc.text[:20000])
        if m:
            return "outlet:" + m.group(1).strip().lower()
    return "dir:" + str(PurePath(doc.source).parent)


class RecurringLines:
    """Counts, per site group, on how many distinct pages each normalised line occurs."""

    def __init__(self, min_pages: int = MIN_PAGES) -> None:
        if min_pages < 2:
            raise ValueError(f"min_pages must be at least 2, got {min_pages}")
        self.min_pages = min_pages
        self._counts: defaultdict[str, Counter[int]] = defaultdict(Counter)
        self._seen: set[str] = set()

    @classmethod
    def from_documents(
        cls, docs: Iterable[RawDocument], min_pages: int = MIN_PAGES
    ) -> RecurringLines:
        recurring = cls(min_pages)
        for doc in docs:
            recurring.add(doc)
        return recurring

    def add(self, doc: RawDocument) -> None:
        """Count the lines of one plain-text page (HTML pages are not counted)."""
        if doc.content_type != "text" or doc.content_hash in self._seen:
            return
        self._seen.add(doc.content_hash)
        keys = {line_key(line) for line in doc.text.splitlines() if line.strip()}
        self._counts[site_group(doc)].update(keys)

    def pages_with(self, doc: RawDocument, line: str) -> int:
        """On how many distinct pages of ``doc``'s site group ``line`` occurs."""
        counts = self._counts.get(site_group(doc))
        return counts[line_key(line)] if counts else 0

    def is_recurring(self, doc: RawDocument, line: str) -> bool:
        return self.pages_with(doc, line) >= self.min_pages

    def flags(self, doc: RawDocument, lines: Iterable[str]) -> list[bool]:
        """``is_recurring`` for many lines of one page (its site group is looked up once)."""
        counts = self._counts.get(site_group(doc), Counter())
        return [counts[line_key(line)] >= self.min_pages for line in lines]
