"""HTML pages -> clean articles with trafilatura, mapped back to the raw HTML.

trafilatura finds the main text and metadata; its paragraphs then go through the plain-text
extractor (bylines, captions, donation boxes, declared sources and disclaimers leave the body;
a page of several articles is split), and each paragraph is located in the raw HTML run by
run (text between inline tags and entities), so copied characters map back while decoded
ones map to None.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from propwatch.extract.dates import parse_date
from propwatch.extract.recurring import RecurringLines
from propwatch.extract.text import extract_text
from propwatch.extract.units import TextBuilder
from propwatch.model import Extracted, RawDocument

MIN_RUN = 3  # shorter pieces are not searched for in the raw HTML
WINDOW = 200_000  # how far after the previous paragraph the next one is looked for
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


_BLOCK_TAGS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "article", "section",
    "header", "footer", "nav", "aside", "main", "blockquote", "figure", "figcaption", "table",
    "tr", "td", "th", "br", "hr", "dd", "dt", "pre", "form", "address", "title",
)  # fmt: skip
_HIDDEN_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "select", "head")
MIN_ARTICLE_WORDS = 80


def visible_text(html: str) -> str:
    """All text of the page (for recognising notice pages)."""
    return trafilatura.html2txt(html) or ""


def page_blocks(html: str) -> tuple[list[str], int]:
    """The visible text of a page one block (paragraph, heading, list item) per line, and
    how many ``<article>`` elements with a heading and 80+ words it holds."""
    try:
        root = lxml.html.document_fromstring(html)
    except lxml.etree.ParserError:  # no element at all (only comments or a doctype)
        return [], 0
    for element in list(root.iter(*_HIDDEN_TAGS)):
        element.drop_tree()
    articles = sum(
        1
        for a in root.iter("article")
        if next(a.iter("h1", "h2", "h3"), None) is not None
        and len(a.text_content().split()) >= MIN_ARTICLE_WORDS
    )
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return [line for line in lines if line], articles


def extract_html(doc: RawDocument, recurring: RecurringLines | None = None) -> list[Extracted]:
    """The articles of an HTML page (an empty list when it has no main text).

    trafilatura's main text goes through the plain-text extractor as one line per paragraph,
    with trafilatura's metadata as the document's metadata where the input gave none.  A page
    of several ``<article>`` elements (or one where trafilatura finds no main text) gives
    all its visible blocks instead: the text rules remove the chrome and split the articles.
    """
    found = _trafilatura(doc)
    lines = (found.get("text") or "").split("\n")
    blocks, articles = page_blocks(doc.text)
    if articles >= 2 or not any(line.strip() for line in lines):
        lines = blocks  # several articles (trafilatura keeps one), or no main text found
    meta = {key: value for key, value in _meta(found).items() if value}
    if articles >= 2:
        meta.pop("title", None)  # the page's title is no article's title
    meta.update(doc.meta)
    page = "\n\n".join(line.strip() for line in lines if line.strip())
    parts = extract_text(RawDocument(doc.source, page, "text", meta=meta), recurring, site=doc)
    canonical = canonical_url(doc.text)
    cursor = max(doc.text.lower().find("<body"), 0)
    mapped = []
    for n, part in enumerate(parts):
        article, cursor = _mapped_to_html(part, doc.text, cursor, title_anywhere=n == 0)
        mapped.append(replace(article, canonical_url=canonical))
    return mapped


def _trafilatura(doc: RawDocument) -> dict[str, Any]:
    document: Any = trafilatura.bare_extraction(
        doc.text,
        url=doc.meta.get("url"),
        with_metadata=True,
        include_comments=False,
        include_tables=False,
    )
    return dict(document.as_dict()) if document is not None else {}


def _meta(found: dict[str, Any]) -> dict[str, str | None]:
    date = found.get("date")
    return {
        "title": _title(found.get("title"), found.get("sitename")),
        "author": found.get("author"),
        "published": parse_date(date) if date else None,
        "outlet": found.get("sitename"),
        "url": found.get("url"),
    }


def _mapped_to_html(
    part: Extracted, html: str, cursor: int, title_anywhere: bool
) -> tuple[Extracted, int]:
    """The same article with its paragraphs located in the raw HTML after ``cursor`` (the
    first article's title may also be the page's <title>), and where the search ended."""
    builder = TextBuilder()
    for k, para in enumerate(part.text.split("\n\n")):
        if k:
            builder.insert("\n\n")
        if k == 0 and part.title is not None and title_anywhere:
            _aligned(builder, para, html, 0)
        else:
            cursor = _aligned(builder, para, html, cursor)
    text, offsets = builder.build()
    return replace(part, text=text, offsets=offsets), cursor


def _title(title: str | None, site: str | None) -> str | None:
    if not title:
        return None
    for sep in (" | ", " - ", " – ", " — "):
        head, _, suffix = title.rpartition(sep)
        if head and (sep == " | " or (site and suffix.strip().lower() == site.lower())):
            return head.strip()
    return title.strip()


def _aligned(builder: TextBuilder, para: str, raw: str, cursor: int) -> int:
    """Append ``para``, mapping each run of it found verbatim in ``raw`` after ``cursor``;
    returns where the search goes on.  A run starts where a piece of the paragraph is found
    within ``WINDOW`` characters and extends as long as the characters agree."""
    i = 0
    while i < len(para):
        pos, size = _anchor(para, i, raw, cursor)
        if pos < 0:
            skip = para.find(" ", i + 1)
            skip = len(para) if skip < 0 else skip
            builder.insert(para[i:skip])
            i = skip
            continue
        size += _common_prefix(para, i + size, raw, pos + size)
        builder.copy(para[i : i + size], pos)
        cursor = pos + size
        i += size
    return cursor


def _anchor(para: str, i: int, raw: str, cursor: int) -> tuple[int, int]:
    """Where the text at ``para[i:]`` starts in ``raw[cursor:cursor + WINDOW]``, trying a
    long piece first (a short one may also occur in an attribute or script before it)."""
    for size in (32, 12, MIN_RUN):
        if len(para) - i >= size:
            pos = raw.find(para[i : i + size], cursor, cursor + WINDOW)
            if pos >= 0:
                return pos, size
    return -1, 0


def _common_prefix(a: str, i: int, b: str, j: int) -> int:
    """How many characters ``a[i:]`` and ``b[j:]`` have in common at their start."""
    n = 0
    while a[i + n : i + n + 64] == b[j + n : j + n + 64] and i + n + 64 <= len(a):
        n += 64
    while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
        n += 1
    return n
