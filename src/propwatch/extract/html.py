"""HTML pages -> clean articles with trafilatura, mapped back to the raw HTML.

trafilatura's main text is the article body as it is: no rule on top of it won on the 990
real pages of ``../shared/data/extraction-eval`` (see docs/benchmarks.md). A page is split
into several articles only on structural evidence: two or more outermost ``<article>``
elements that each carry their own headline and a body of several paragraphs; trafilatura
then runs on each of them. trafilatura runs in its fast mode (no readability / jusText
comparison) and again with its whole cascade only when the fast text is short: on the dev
half of that set this scores as well as the whole cascade on every page at a fraction of the
time. Metadata comes from ``htmlmeta`` (not trafilatura's ``extract_metadata``, whose
extensive date search costs as much as the text extraction). Each paragraph is located in
the raw HTML run by run (text between inline tags and entities), so copied characters map
back while decoded ones map to None.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import lxml.etree
import lxml.html
import trafilatura
from lxml.html import HtmlElement

from propwatch.extract.dates import parse_date
from propwatch.extract.htmlmeta import page_meta
from propwatch.extract.patterns import byline_name
from propwatch.extract.provenance import declared_provenance
from propwatch.extract.tree import parse_html
from propwatch.extract.units import TextBuilder, count_words
from propwatch.model import Extracted, RawDocument

MIN_RUN = 3  # shorter pieces are not searched for in the raw HTML
WINDOW = 200_000  # how far after the previous paragraph the next one is looked for
MIN_ARTICLE_WORDS = 150  # body words an <article> needs to count as an article of its own
# Pages with more elements than this (5 times the largest of the 990 real pages of the
# extraction set) keep all their visible blocks but navigation, header, footer and asides:
# trafilatura needs about 0.1 ms per element, and such a page is no ordinary article page.
MAX_ELEMENTS = 50_000
MAX_CHARS = 3_000_000  # the same for pages longer than this (5 times the largest real page)
MIN_ARTICLE_PARAGRAPHS = 3  # paragraphs (10+ words) it needs: a teaser has one or two
FALLBACK_WORDS = 200  # fast main text shorter than this: run the whole cascade (chosen on dev)
_CANONICAL = [
    re.compile(r"<link\b[^<>]*\brel=[\"']?canonical[\"']?[^<>]*\bhref=[\"']([^\"'<>\s]+)", re.I),
    re.compile(r"<link\b[^<>]*\bhref=[\"']([^\"'<>\s]+)[\"'][^<>]*\brel=[\"']?canonical", re.I),
    re.compile(r"<meta\b[^<>]*\bproperty=[\"']og:url[\"'][^<>]*\bcontent=[\"']([^\"'<>\s]+)", re.I),
    re.compile(r"<meta\b[^<>]*\bcontent=[\"']([^\"'<>\s]+)[\"'][^<>]*\bproperty=[\"']og:url", re.I),
]
_DATELINE = lxml.etree.XPath(
    "boolean(.//time | .//*[@itemprop='author' or @itemprop='datePublished' or @rel='author'"
    " or contains(@class, 'author') or contains(@class, 'byline') or contains(@class, 'date')])"
)
_OUTERMOST_ARTICLES = lxml.etree.XPath("//article[not(ancestor::article)]")
_CHROME_TAGS = ("nav", "header", "footer", "aside", "form", "button")
_BODY = re.compile(r"<body\b", re.I)
_HIDDEN_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "select", "head")
_BLOCK_TAGS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "br", "title",
    "article", "section", "header", "footer", "nav", "aside", "blockquote", "pre",
)  # fmt: skip


def canonical_url(html: str) -> str | None:
    head = html[:100_000]
    for pattern in _CANONICAL:
        m = pattern.search(head)
        if m:
            return m.group(1).replace("&amp;", "&")
    return None


def visible_text(html: str) -> str:
    """All visible text of the page, one block per line (for recognising notice pages)."""
    root = parse_html(html)
    return "" if root is None else "\n".join(_blocks(root, _HIDDEN_TAGS))


def _blocks(root: HtmlElement, hidden: tuple[str, ...]) -> list[str]:
    """The text of the page's blocks (paragraphs, headings, cells...) without the ``hidden``
    elements; changes the tree."""
    for element in list(root.iter(*hidden)):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return [line for line in lines if line]


def extract_html(doc: RawDocument) -> list[Extracted]:
    """The articles of an HTML page (an empty list when it has no main text).

    trafilatura's metadata fills what ``doc.meta`` (JSONL) does not give; the page title is
    the title of a single article, each split article's title is its own headline.
    """
    root = parse_html(doc.text)
    if root is None:
        return []
    canonical = canonical_url(doc.text)
    raw = _Raw(doc.text)
    body = _body_start(doc.text)
    if len(doc.text) > MAX_CHARS or _size(root) > MAX_ELEMENTS:  # trafilatura would take minutes
        blocks = _blocks(root, _HIDDEN_TAGS + _CHROME_TAGS)
        article = _article(raw, blocks, dict(doc.meta), body, True, _sources(doc.meta, {}, {}))
        return [] if article is None else [_with_canonical(article, canonical)]
    url = doc.meta.get("url")
    articles = structural_articles(root)
    if len(articles) < 2:
        paragraphs = main_text(root, url)
        found = page_meta(root, url)
        meta = {**found.as_meta(), **doc.meta}
        sources = _sources(doc.meta, meta, found.source)
        article = _article(raw, paragraphs, meta, body, True, sources)
        return [] if article is None else [_with_canonical(article, canonical)]
    out: list[Extracted] = []
    cursor = body
    page = page_meta(root, url)  # the site's name and url are every article's
    site = {key: value for key, value in page.as_meta().items() if key in ("outlet", "url")}
    for n, (element, headline) in enumerate(articles):
        tree = _as_document(element)
        paragraphs = main_text(tree, url)
        found = page_meta(tree, url)
        own = {k: v for k, v in found.as_meta().items() if k in ("author", "published")}
        meta = {**site, **own, "title": headline}
        if n == 0:
            meta.update({k: v for k, v in doc.meta.items() if k != "title"})
        else:
            meta.update({k: v for k, v in doc.meta.items() if k in ("outlet", "url")})
        given = {k: v for k, v in doc.meta.items() if k in meta and meta[k] == v}
        sources = {**_sources(given, meta, {**page.source, **found.source}),
                   "title": "article headline"}  # fmt: skip
        article = _article(raw, paragraphs, meta, cursor, False, sources)
        if article is not None:
            out.append(_with_canonical(article, canonical))
            cursor = _end_in_raw(article, cursor)
    return out


def structural_articles(root: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """The page's outermost ``<article>`` elements, each with its headline, when two or more
    of them hold a headline, a header of their own (a ``<time>``, an author or date element)
    and a body (3+ paragraphs of 10+ words outside links, 150+ words); else [].  Sections of
    one article marked up as ``<article>`` have no header of their own; teasers and link lists
    have no such body."""
    outermost = _OUTERMOST_ARTICLES(root)
    if len(outermost) < 2:  # most pages: no Python work per element
        return []
    found = []
    for element in outermost:
        heading = next(element.iter("h1", "h2", "h3"), None)
        if heading is None or not _DATELINE(element):
            continue
        paragraphs = [n for n in map(_unlinked_words, element.iter("p")) if n >= 10]
        long = len(paragraphs) >= MIN_ARTICLE_PARAGRAPHS and sum(paragraphs) >= MIN_ARTICLE_WORDS
        if long and _unlinked_words(element) >= MIN_ARTICLE_WORDS:
            found.append((element, " ".join(heading.text_content().split())))
    headlines = {headline for _, headline in found}
    return found if len(found) >= 2 and len(headlines) == len(found) else []


_COUNT = lxml.etree.XPath("count(//*)")


def _size(root: HtmlElement) -> int:
    """How many elements the tree has."""
    return int(_COUNT(root))


def _body_start(html: str) -> int:
    """Where the page's <body> starts (0 when it has none); found without lowering the page."""
    m = _BODY.search(html)
    return m.start() if m else 0


def _unlinked_words(element: HtmlElement) -> int:
    """Words of an element's text outside its links (teaser and link lists are all links)."""
    links = sum(count_words(a.text_content()) for a in element.iter("a"))
    return count_words(element.text_content()) - links


def _as_document(element: HtmlElement) -> HtmlElement:
    root = lxml.html.document_fromstring("<html><body></body></html>")
    root.body.append(copy.deepcopy(element))
    return root


def main_text(root: HtmlElement, url: str | None) -> list[str]:
    """trafilatura's main text of the page as paragraphs (comments off, tables and lists
    kept): its fast mode, and its whole cascade (the readability and jusText comparison)
    only when the fast one finds fewer than ``FALLBACK_WORDS`` words."""
    paragraphs = _trafilatura(root, url, fast=True)
    if count_words(" ".join(paragraphs)) < FALLBACK_WORDS:
        full = _trafilatura(root, url, fast=False)
        if count_words(" ".join(full)) > count_words(" ".join(paragraphs)):
            return full
    return paragraphs


def _trafilatura(root: HtmlElement, url: str | None, fast: bool) -> list[str]:
    document: Any = trafilatura.bare_extraction(
        root, url=url, fast=fast, with_metadata=False, include_comments=False
    )
    text = (document.text if document is not None else None) or ""
    return [line.strip() for line in text.split("\n") if line.strip()]


_FIELDS = ("title", "author", "published", "outlet")


def _sources(
    given: Mapping[str, str], meta: Mapping[str, str], found: Mapping[str, str]
) -> dict[str, str]:
    """Where each metadata field came from: "input" (JSONL), else what ``page_meta`` says."""
    return {key: "input" if key in given else found.get(key, "html metadata")
            for key in _FIELDS if meta.get(key)}  # fmt: skip


def _article(
    raw: _Raw,
    paragraphs: list[str],
    meta: dict[str, str],
    cursor: int,
    title_anywhere: bool,
    sources: dict[str, str],
) -> Extracted | None:
    """One article: its title, then its paragraphs, each located in ``raw`` after ``cursor``
    (the title of a page's only article may be found anywhere, e.g. in its <title>);
    ``sources`` says where each field of ``meta`` came from."""
    if not paragraphs:
        return None
    builder = TextBuilder()
    title = meta.get("title")
    start = cursor
    if title and _same(paragraphs[0], title):  # trafilatura kept the headline: it is the title
        start = _aligned(builder, paragraphs.pop(0), raw, start)
    elif title:
        _aligned(builder, title, raw, 0 if title_anywhere else start)
    for para in paragraphs:
        if len(builder):
            builder.insert("\n\n")
        start = _aligned(builder, para, raw, start)
    text, offsets = builder.build()
    source = next((s for s in map(declared_provenance, paragraphs) if s), None)
    sources = dict(sources)
    author = meta.get("author")
    if not author:
        sources.pop("author", None)
        if author := _byline(paragraphs):
            sources["author"] = "byline"
        elif source and source.author:
            author, sources["author"] = source.author, "provenance line"
    return Extracted(
        text=text,
        offsets=offsets,
        title=title,
        author=author,
        published=parse_date(meta["published"]) if meta.get("published") else None,
        outlet=meta.get("outlet"),
        url=meta.get("url"),
        declared_source=source.source if source else None,
        meta_from=sources,
    )


def _byline(paragraphs: list[str]) -> str | None:
    """The author named in a "By ..." line among the first paragraphs."""
    return next((name for name in map(byline_name, paragraphs[:4]) if name), None)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _with_canonical(article: Extracted, canonical: str | None) -> Extracted:
    return replace(article, canonical_url=canonical)


def _end_in_raw(article: Extracted, cursor: int) -> int:
    """Just after the last raw character the article maps to (or ``cursor``)."""
    ends = (s.raw + s.length for s in article.offsets.segments)
    return max(ends, default=cursor)


class _Raw:
    """The raw HTML being searched, with a budget of characters that failed searches may
    scan (text decoded from entities is not in the raw HTML; without a budget a page full
    of them would cost its length times the number of its words)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.budget = 20 * len(text) + 1_000_000

    def find(self, piece: str, cursor: int) -> int:
        if self.budget <= 0:
            return -1
        pos = self.text.find(piece, cursor, cursor + WINDOW)
        self.budget -= WINDOW if pos < 0 else pos - cursor
        return pos


def _aligned(builder: TextBuilder, para: str, raw: _Raw, cursor: int) -> int:
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
        size += _common_prefix(para, i + size, raw.text, pos + size)
        builder.copy(para[i : i + size], pos)
        cursor = pos + size
        i += size
    return cursor


def _anchor(para: str, i: int, raw: _Raw, cursor: int) -> tuple[int, int]:
    """Where the text at ``para[i:]`` starts in ``raw`` within ``WINDOW`` after ``cursor``,
    trying a long piece first (a short one may also occur in an attribute or script)."""
    for size in (32, 12, MIN_RUN):
        if len(para) - i >= size:
            pos = raw.find(para[i : i + size], cursor)
            if pos >= 0:
                return pos, size
    return -1, 0


def _common_prefix(a: str, i: int, b: str, j: int) -> int:
    """How many characters ``a[i:]`` and ``b[j:]`` have in common at their start (compared in
    blocks of 64, then in halving steps, never one character at a time)."""
    n = 0
    while i + n + 64 <= len(a) and a[i + n : i + n + 64] == b[j + n : j + n + 64]:
        n += 64
    for step in (32, 16, 8, 4, 2, 1):
        if i + n + step <= len(a) and a[i + n : i + n + step] == b[j + n : j + n + step]:
            n += step
    return n
