"""HTML pages -> one clean article with trafilatura, mapped back to the raw HTML.

trafilatura finds the main text and metadata; its paragraphs are then screened like plain
text lines (bylines, declared sources and disclaimers leave the body and become metadata),
and each paragraph is located in the raw HTML run by run (text between inline tags and
entities), so copied characters map back while decoded ones map to None.
"""

from __future__ import annotations

import re
from typing import Any

import trafilatura

from propwatch.extract import patterns as P
from propwatch.extract.classify import is_byline, is_notice
from propwatch.extract.dates import parse_date
from propwatch.extract.provenance import clean_name, declared_provenance
from propwatch.extract.recurring import normalise
from propwatch.extract.units import TextBuilder, count_words
from propwatch.model import Extracted, RawDocument

MIN_RUN = 3  # shorter pieces are not searched for in the raw HTML
_CANONICAL = [
    re.compile(r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*\bhref=[\"']([^\"'>\s]+)", re.I),
    re.compile(r"<link\b[^>]*\bhref=[\"']([^\"'>\s]+)[\"'][^>]*\brel=[\"']?canonical", re.I),
    re.compile(r"<meta\b[^>]*\bproperty=[\"']og:url[\"'][^>]*\bcontent=[\"']([^\"'>\s]+)", re.I),
    re.compile(r"<meta\b[^>]*\bcontent=[\"']([^\"'>\s]+)[\"'][^>]*\bproperty=[\"']og:url", re.I),
]


def canonical_url(html: str) -> str | None:
    head = html[:100_000]
    for pattern in _CANONICAL:
        m = pattern.search(head)
        if m:
            return m.group(1).replace("&amp;", "&")
    return None


def visible_text(html: str) -> str:
    """All text of the page (for recognising notice pages)."""
    return trafilatura.html2txt(html) or ""


def extract_html(doc: RawDocument) -> list[Extracted]:
    """The main article of an HTML page (an empty list when it has no main text)."""
    document: Any = trafilatura.bare_extraction(
        doc.text,
        url=doc.meta.get("url"),
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    result = document.as_dict() if document is not None else None
    if not result or not (result.get("text") or "").strip():
        return []
    meta = doc.meta
    title = meta.get("title") or _title(result.get("title"), result.get("sitename"))
    paras, found = _screen(result["text"].split("\n"), title)
    if not paras:
        return []
    builder = TextBuilder()
    cursor = max(doc.text.lower().find("<body"), 0)
    if title:
        _aligned(builder, title, doc.text, 0)
    for para in paras:
        if len(builder):
            builder.insert("\n\n")
        cursor = _aligned(builder, para, doc.text, cursor)
    text, offsets = builder.build()
    date = meta.get("published") or result.get("date")
    return [
        Extracted(
            text=text,
            offsets=offsets,
            title=title,
            author=meta.get("author") or found.get("author") or result.get("author"),
            published=(parse_date(date) or date) if date else None,
            outlet=meta.get("outlet") or result.get("sitename"),
            url=meta.get("url") or result.get("url"),
            declared_source=found.get("source"),
            canonical_url=canonical_url(doc.text),
        )
    ]


def _title(title: str | None, site: str | None) -> str | None:
    if not title:
        return None
    for sep in (" | ", " - ", " – ", " — "):
        head, _, suffix = title.rpartition(sep)
        if head and (sep == " | " or (site and suffix.strip().lower() == site.lower())):
            return head.strip()
    return title.strip()


def _screen(lines: list[str], title: str | None) -> tuple[list[str], dict[str, str]]:
    """Body paragraphs, and the author / declared source found among the lines."""
    found: dict[str, str] = {}
    paras: list[str] = []
    wanted = normalise(title) if title else None
    for raw_line in lines:
        line = raw_line.strip()
        if not line or (not paras and wanted and normalise(line) == wanted):
            continue
        prov = declared_provenance(line)
        byline = is_byline(line) if count_words(line) <= 14 else None
        if prov:
            found.setdefault("source", prov.source)
            if prov.author:
                found.setdefault("author", prov.author)
        elif byline:
            found.setdefault("author", clean_name(byline))
        elif not (is_notice(line, count_words(line)) or P.COUNTER.match(line)):
            paras.append(line)
    return paras, found


def _aligned(builder: TextBuilder, para: str, raw: str, cursor: int) -> int:
    """Append ``para``, mapping each run of it found verbatim in ``raw`` after ``cursor``."""
    i = 0
    while i < len(para):
        pos = raw.find(para[i : i + MIN_RUN], cursor) if len(para) - i >= MIN_RUN else -1
        if pos < 0:
            builder.insert(para[i])
            i += 1
            continue
        lo, hi = MIN_RUN, len(para) - i  # the longest run found after cursor has length in [lo, hi]
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if raw.find(para[i : i + mid], cursor) >= 0:
                lo = mid
            else:
                hi = mid - 1
        pos = raw.find(para[i : i + lo], cursor)
        builder.copy(para[i : i + lo], pos)
        cursor = pos + lo
        i += lo
    return cursor
