"""Plain text scraped from pages -> clean articles, by the learned line labeller.

    lines -> units (``units``) -> features (``lines``) -> labels (``labeller``)
          -> gaps between body runs and where articles join (``gaps``, ``labeller``)
          -> articles (``decode``) with outlet (``outlet``), title, author and date

Every article says where its metadata came from (``Extracted.meta_from``): "input" for what
the JSONL record gave, else the page line that stated it ("byline", "date line", "footer",
"url", ...).
"""

from __future__ import annotations

import numpy as np

from propwatch.extract.dates import parse_date
from propwatch.extract.decode import (
    Labels,
    Part,
    article_text,
    body_mask,
    meta_title_line,
    read_parts,
)
from propwatch.extract.gaps import find_gaps, gap_features
from propwatch.extract.labeller import load_labeller
from propwatch.extract.lines import unit_features
from propwatch.extract.outlet import page_outlet
from propwatch.extract.recurring import RecurringLines
from propwatch.extract.titles import title_features
from propwatch.extract.units import TextBuilder, Unit, make_units, split_lines
from propwatch.model import Extracted, RawDocument

MAX_UNITS = 10_000  # a page with more lines is kept whole (a dump rather than a page)


def extract_text(doc: RawDocument, recurring: RecurringLines | None = None) -> list[Extracted]:
    """The articles of one plain-text page (an empty list when it holds no body text).

    A page of more than ``MAX_UNITS`` lines (twenty times a long article) is one article of
    all its lines, unlabelled, so that its cost stays linear.
    """
    units = make_units(split_lines(doc.text))
    if not units:
        return []
    if len(units) > MAX_UNITS:
        return [_whole(doc, units)]
    rec = [False] * len(units)
    if recurring is not None:
        flags = iter(recurring.flags(doc, (ln.text for u in units for ln in u.lines)))
        rec = [all([next(flags) for _ in u.lines]) for u in units]
    model = load_labeller()
    x = unit_features(units)
    probs = model.label(x)
    body = body_mask(units, probs, model.body, rec)
    gaps = find_gaps(body, probs)
    words = np.array([u.words for u in units], dtype=float)
    joins = model.joins(gap_features(x, probs, body, words, gaps))
    titles = model.titles(title_features(x, probs, body)) if model.title is not None else None
    labels = Labels(probs, body, gaps, joins, model.join_threshold, titles)
    parts = read_parts(units, labels)
    first_title = parts[0].title if parts else None
    outlet = page_outlet(units, list(body), rec, first_title, doc.meta.get("url"))
    if doc.meta.get("outlet"):
        outlet = (doc.meta["outlet"], "input")
    out = []
    for n, part in enumerate(parts):
        if part.body:
            out.append(_article(doc, units, part, n == 0, outlet))
    return out


def _article(
    doc: RawDocument, units: list[Unit], part: Part, first: bool, outlet: tuple[str, str] | None
) -> Extracted:
    given = doc.meta if first else {}
    meta_from: dict[str, str] = {}
    title_line = part.title
    title = given.get("title")
    if title:
        title_line = meta_title_line(units, part, title)
        meta_from["title"] = "input"
    text, offsets, title = article_text(
        units, part, title, title_line, outlet[0] if outlet else None
    )
    if title and "title" not in meta_from:
        meta_from["title"] = "title line"
    author = given.get("author")
    if author:
        meta_from["author"] = "input"
    elif part.author:
        author, meta_from["author"] = part.author
    published = parse_date(given["published"]) if given.get("published") else None
    if published:
        meta_from["published"] = "input"
    elif part.published:
        published, meta_from["published"] = part.published
    if outlet:
        meta_from["outlet"] = outlet[1]
    return Extracted(
        text=text,
        offsets=offsets,
        title=title,
        author=author,
        published=published,
        outlet=outlet[0] if outlet else None,
        url=doc.meta.get("url"),
        declared_source=part.declared_source,
        meta_from=meta_from,
    )


def _whole(doc: RawDocument, units: list[Unit]) -> Extracted:
    builder = TextBuilder()
    for unit in units:
        builder.paragraph(list(unit.lines))
    text, offsets = builder.build()
    meta = doc.meta
    published = parse_date(meta["published"]) if meta.get("published") else None
    fields = {"title": meta.get("title"), "author": meta.get("author"), "published": published,
              "outlet": meta.get("outlet")}  # fmt: skip
    return Extracted(
        text=text,
        offsets=offsets,
        title=fields["title"],
        author=fields["author"],
        published=published,
        outlet=fields["outlet"],
        url=meta.get("url"),
        meta_from={k: "input" for k, v in fields.items() if v},
    )
