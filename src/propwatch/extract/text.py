"""Plain text scraped from pages -> clean articles (title + whole body paragraphs).

Steps: raw lines -> units (``units``) -> kinds (``classify``) -> parts (``split``) -> for each
part its title, its body region (from the first body line to the last, cut at labels such as
"Related articles", without trailing author names and bio boxes) and its metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from propwatch.extract import patterns as P
from propwatch.extract.classify import Kind, caps_headline, classify, title_case, title_like
from propwatch.extract.meta import (
    author_of,
    bio_outlet,
    declared_source_of,
    iso_date,
    page_outlet,
    published_of,
)
from propwatch.extract.provenance import clean_title
from propwatch.extract.recurring import RecurringLines, normalise
from propwatch.extract.split import Part, split_parts
from propwatch.extract.units import TERMINAL, Line, TextBuilder, Unit, make_units, split_lines
from propwatch.model import Extracted, RawDocument

_KEEP = (Kind.BODY, Kind.SHORT)
_SITE_SUFFIX = re.compile(r"\s+[|]\s+[^|]{1,60}$")


@dataclass
class _Tail:
    author: str | None = None
    bio: str | None = None


MAX_UNITS = 10_000  # a page with more lines is kept whole (labelling costs ~0.1 ms a line)


def extract_text(doc: RawDocument, recurring: RecurringLines | None = None) -> list[Extracted]:
    """The articles of one plain-text page (an empty list when it holds no body text).

    A page of more than ``MAX_UNITS`` lines (twenty times a long article; a dump rather than a
    page) is one article of all its lines, unlabelled, so that its cost stays linear.
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
    kinds, plain = classify(units, rec)
    outlet = doc.meta.get("outlet") or page_outlet(units, kinds)
    out = []
    for n, part in enumerate(split_parts(units, kinds, plain)):
        article = _article(doc, units, kinds, part, first=n == 0, outlet=outlet)
        if article is not None:
            out.append(article)
    return out


def _whole(doc: RawDocument, units: list[Unit]) -> Extracted:
    builder = TextBuilder()
    for unit in units:
        builder.paragraph(list(unit.lines))
    text, offsets = builder.build()
    meta = doc.meta
    return Extracted(
        text=text,
        offsets=offsets,
        title=meta.get("title"),
        author=meta.get("author"),
        published=iso_date(meta.get("published")),
        outlet=meta.get("outlet"),
        url=meta.get("url"),
    )


def _first_title(units: list[Unit], kinds: list[Kind], lo: int, hi: int) -> int | None:
    """The first line of the part when it reads as a headline."""
    for i in range(lo, hi):
        if kinds[i] is Kind.CHROME and caps_headline(units[i]):
            return i
        if kinds[i] in _KEEP:
            text = units[i].text.rstrip("\"'”’)")
            ok = title_like(units[i]) and (not text.endswith(".") or title_case(text))
            return i if ok else None  # a quoted sentence ending in a full stop is body
    return None


def _title_index(
    doc: RawDocument, units: list[Unit], kinds: list[Kind], part: Part, first: bool
) -> int | None:
    own = part.title if part.title is not None else _first_title(units, kinds, part.lo, part.hi)
    meta_title = doc.meta.get("title") if first else None
    if not meta_title:
        return own
    wanted = normalise(meta_title)
    for i in range(part.lo, min(part.hi, part.lo + 12)):
        line = normalise(units[i].text)
        if line == wanted or (line.startswith(wanted) and title_like(units[i])):
            return i
    if own is not None:
        found = normalise(units[own].text)
        if found and (found in wanted or wanted in found):
            return own
    return None


def _body(units: list[Unit], kinds: list[Kind], lo: int, hi: int) -> tuple[list[int], _Tail]:
    first = next((i for i in range(lo, hi) if kinds[i] is Kind.BODY), None)
    if first is None:
        return [], _Tail()
    kept: list[int] = []
    zone: Kind | None = None  # END or SITE while inside a box that interrupts the body
    last = Kind.BODY  # the last kind seen that is not chrome
    for i in range(first, hi):
        kind = kinds[i]
        if kind is Kind.SITE and last in (Kind.BYLINE, Kind.DATE):
            continue  # site lines of a header (after a standfirst): not a box label
        if kind not in (Kind.CHROME, Kind.CAPTION, Kind.SITE):
            last = kind
        if kind in (Kind.END, Kind.SITE):
            zone = kind if zone is not Kind.END else zone
        elif zone is Kind.END and kind is Kind.BODY:
            zone = None if _body_follows(units, kinds, i, hi) else zone
        elif zone is Kind.SITE and kind in _KEEP:
            zone = None if _text_follows(units, kinds, i, hi) else zone
        if zone is None and kind in _KEEP:
            kept.append(i)
    return kept, _trim_tail(units, kinds, kept)


def _body_follows(units: list[Unit], kinds: list[Kind], i: int, hi: int) -> bool:
    """Whether the article resumes at unit ``i`` after a "Related" label: two body paragraphs
    in a row, 40+ words (teasers, comments and boxes alternate with short lines)."""
    for j in range(i + 1, hi):
        if kinds[j] is Kind.CAPTION:
            continue
        return kinds[j] is Kind.BODY and units[i].words + units[j].words >= 40
    return False


def _text_follows(units: list[Unit], kinds: list[Kind], i: int, hi: int) -> bool:
    """Whether the article resumes at unit ``i`` after a line the site repeats (an inline
    box or a box label): the next four units are text, two or more of them body, 40+ words."""
    window = [j for j in range(i, min(i + 4, hi)) if kinds[j] is not Kind.CAPTION]
    if any(kinds[j] not in _KEEP for j in window):
        return False
    body = [j for j in window if kinds[j] is Kind.BODY]
    return len(body) >= 2 and sum(units[j].words for j in body) >= 40


def _trim_tail(units: list[Unit], kinds: list[Kind], kept: list[int]) -> _Tail:
    """Drop the author name line and bio box that close many articles (in place)."""
    tail = _Tail()
    while kept:
        unit, kind = units[kept[-1]], kinds[kept[-1]]
        person = P.PERSON.match(unit.text)
        bio = P.BIO.match(unit.text) if kind is Kind.BODY and tail.bio is None else None
        if kind is Kind.SHORT and (person or not unit.text.endswith(TERMINAL)):
            if person and tail.author and unit.text in tail.author:
                tail.author = unit.text  # the name line above its bio box
        elif bio:
            tail.bio = unit.text
            tail.author = bio["name"]
        else:
            break
        kept.pop()
    return tail


def _paragraphs(units: list[Unit], kept: list[int]) -> list[list[Line]]:
    """Kept units as paragraphs; a sentence broken over two units is joined again."""
    paras: list[list[Line]] = []
    for i in kept:
        unit = units[i]
        prev = paras[-1][-1].text if paras else ""
        broken = prev and not prev.endswith((*TERMINAL, ":", ";")) and unit.text[:1].islower()
        if broken:
            paras[-1].extend(unit.lines)
        else:
            paras.append(list(unit.lines))
    return paras


def _title_span(text: str, outlet: str | None) -> tuple[int, int]:
    """Where the headline sits in a title line: without a markdown "# " in front and a
    " | Site" (or " - Outlet") after it."""
    start = len(text) - len(text.lstrip("#").lstrip()) if text.startswith("#") else 0
    m = _SITE_SUFFIX.search(text, start)
    if m and len(m.group().split()) <= 7:
        return start, m.start()
    for sep in (" - ", " – ", " — "):
        head, _, suffix = text.rpartition(sep)
        if len(head) > start and outlet and suffix.strip().lower() == outlet.lower():
            return start, len(head)
    return start, len(text)


def _article(
    doc: RawDocument,
    units: list[Unit],
    kinds: list[Kind],
    part: Part,
    first: bool,
    outlet: str | None,
) -> Extracted | None:
    title_idx = _title_index(doc, units, kinds, part, first)
    body_lo = part.lo if title_idx is None else title_idx + 1
    kept, tail = _body(units, kinds, body_lo, part.hi)
    if not kept:
        return None
    builder = TextBuilder()
    title = doc.meta.get("title") if first else None
    if title_idx is not None:
        line = units[title_idx].lines[0]
        start, end = _title_span(line.text, outlet)
        own = line.text[start:end]
        title = title or clean_title(own) or None
        builder.copy(own, line.start + start)
    elif title:
        builder.insert(title)
    for para in _paragraphs(units, kept):
        builder.paragraph(para)
    text, offsets = builder.build()
    meta = doc.meta if first else {}
    head_end = kept[min(2, len(kept) - 1)]  # the header may follow a standfirst
    region = range(part.lo, part.hi)
    return Extracted(
        text=text,
        offsets=offsets,
        title=title,
        author=meta.get("author") or author_of(units, kinds, region, head_end) or tail.author,
        published=iso_date(meta.get("published")) or published_of(units, kinds, region, head_end),
        outlet=outlet or bio_outlet(tail.bio),
        url=doc.meta.get("url"),
        declared_source=declared_source_of(units, kinds, region),
    )
