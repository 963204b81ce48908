"""An HTML page's title, author, date and outlet, from the cheap evidence first.

trafilatura's ``extract_metadata`` costs about as much as its text extraction, mostly in
htmldate's extensive date search (a scan of the whole text for date-like strings) and in
an author search by regular-expression XPaths over a pruned copy of the tree.  Here the
page's declared metadata comes first: ``<meta>`` tags (OpenGraph, Twitter, Dublin Core) and
JSON-LD, read by trafilatura's own readers; then the headline markup for the title; the date
from htmldate without its extensive search (meta tags, JSON-LD, ``<time>``, the URL); the
author from the elements a page marks as its author; the outlet from the site name, else the
``<title>``'s site part.  Each field says where it came from (``PageMeta.source``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import htmldate
import lxml.etree
from lxml.html import HtmlElement
from trafilatura.metadata import (
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
    normalize_authors,
)
from trafilatura.utils import line_processing

from propwatch.extract.dates import parse_date

MAX_AUTHOR_CHARS = 120
_NO_NAME = {"null", "none", "undefined", "admin"}
_DOMAIN = re.compile(r"https?://(?:www\.)?([^/:?#]+)")
# Elements a page marks as its author (attribute tests only: trafilatura's regular
# expressions over every element cost more than the rest of the metadata together).
_AUTHOR = lxml.etree.XPath(
    "//*[@rel='author' or @itemprop='author' or @class='author' or @class='byline'"
    " or contains(@class, 'author-name') or contains(@class, 'authorName')"
    " or contains(@class, 'byline__name')][not(ancestor::*[contains(@class, 'comment')"
    " or contains(@id, 'comment')])]"
)


@dataclass
class PageMeta:
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date
    outlet: str | None = None
    url: str | None = None
    source: dict[str, str] = field(default_factory=dict)  # field -> where it was found

    def as_meta(self) -> dict[str, str]:
        """The fields found, as ``RawDocument.meta`` writes them."""
        found = {"title": self.title, "author": self.author, "published": self.published,
                 "outlet": self.outlet, "url": self.url}  # fmt: skip
        return {key: value for key, value in found.items() if value}


def page_meta(root: HtmlElement, url: str | None) -> PageMeta:
    """The metadata of the page (or of one ``<article>`` of it) rooted at ``root``."""
    declared: Any = extract_meta_json(root, examine_meta(root))
    meta = PageMeta(url=extract_url(root, url) or url)
    site = _clean(declared.sitename or extract_sitename(root))
    if site:
        meta.outlet, meta.source["outlet"] = _outlet(site), "html metadata"
    elif meta.url and (domain := _DOMAIN.match(meta.url)):
        meta.outlet, meta.source["outlet"] = domain[1], "url"
    title = _clean(declared.title or extract_title(root))
    if title:
        meta.title = clean_title(title, meta.outlet)
        meta.source["title"] = "html metadata"
    author = _clean(declared.author)
    author = "; ".join(a for a in (author or "").split("; ") if a.lower() not in _NO_NAME)
    if " " in author:
        meta.author, meta.source["author"] = author, "html metadata"
    elif author := _marked_author(root):
        meta.author, meta.source["author"] = author, "author element"
    published = _date(root, meta.url, extensive=False) or _date(root, meta.url, extensive=True)
    if published:
        meta.published, meta.source["published"] = published, "html metadata"
    return meta


def _outlet(site: str) -> str:
    site = site.lstrip("@")
    if site and "." not in site and not site[0].isupper():
        site = site.title()
    return site


def clean_title(title: str, site: str | None) -> str:
    """The headline without a " | Site" or " - Site" suffix."""
    title = " ".join(title.split())
    for sep in (" | ", " - ", " – ", " — "):
        head, _, suffix = title.rpartition(sep)
        if head and (sep == " | " or (site and suffix.strip().lower() == site.lower())):
            return head.strip()
    return title


def _marked_author(root: HtmlElement) -> str | None:
    """The first name-like text of an element marked as the author, normalised by
    trafilatura ("Veröffentlicht von Chris Jung" -> "Chris Jung")."""
    for element in _AUTHOR(root):
        text = " ".join(" ".join(element.itertext()).split())  # "von<a>Name</a>": a space
        if not text or len(text) > MAX_AUTHOR_CHARS:
            continue
        name = normalize_authors(None, text) or ""
        words = name.replace(";", " ").split()
        if 2 <= len(words) <= 8 and 2 * sum(w[:1].isupper() for w in words) >= len(words):
            return name
    return None


def _clean(value: str | None) -> str | None:
    """Entities decoded, soft hyphens, zero-width and control characters gone, spaces
    collapsed (trafilatura's own cleaning of its metadata)."""
    return line_processing(html.unescape(value)) or None if value else None


def _date(root: HtmlElement, url: str | None, extensive: bool) -> str | None:
    """htmldate's date as an ISO date: its fast search reads meta tags, JSON-LD, ``<time>``
    and the URL; the extensive one also scans the text (ten times slower)."""
    found = htmldate.find_date(
        root, url=url, original_date=True, extensive_search=extensive,
        max_date=date.today().isoformat(),
    )  # fmt: skip
    return parse_date(found) if isinstance(found, str) else None
