"""Article metadata stated in the lines of a plain-text page: author, date, outlet, source."""

from __future__ import annotations

import re

from propwatch.extract import patterns as P
from propwatch.extract.classify import Kind, is_byline
from propwatch.extract.dates import find_date, parse_date
from propwatch.extract.provenance import clean_name, declared_provenance
from propwatch.extract.units import Unit

_OUTLET_IN_BIO = re.compile(
    r"\b(?:at|for|of|with) (?:the )?(?P<name>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3})"
    r" (?:website|site|magazine|portal|blog|newspaper)\b"
)
_OUTLET_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*)?"
    r"(?P<name>[A-Z][\w&.' -]{1,40}?)(?:[.,]|\s+all rights|$)",
    re.I,
)
_OUTLET_DATE = re.compile(r"^(?P<name>[A-Z][\w&.' -]{1,40}),\s")
_BY_IN_DATE = re.compile(r"\bby\s+(?P<name>[A-Z][\w.'’-]+(?:\s+(?:&\s+)?[A-Z][\w.'’-]+){0,4})")
_SITE_NAME = re.compile(
    r"^(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})(?:\s+[|–—-]\s+.*)?$"
)
_CHROME = (Kind.CHROME, Kind.END, Kind.SITE)


def iso_date(value: str | None) -> str | None:
    """``value`` as YYYY-MM-DD, or None when it holds no date."""
    return parse_date(value) if value else None


def author_of(units: list[Unit], kinds: list[Kind], region: range, head_end: int) -> str | None:
    """A byline (or "... by Name" on a date line) before ``head_end``, else "Articles by:" or
    "Authored by X via Y" anywhere in ``region``."""
    late: str | None = None
    for i in region:
        text = units[i].text
        if kinds[i] is Kind.BYLINE and i < head_end:
            return clean_name(is_byline(text) or "") or None
        if kinds[i] is Kind.DATE and i < head_end and (m := _BY_IN_DATE.search(text)):
            return clean_name(m["name"])
        m = P.ARTICLES_BY.match(text)
        prov = declared_provenance(text) if kinds[i] is Kind.PROVENANCE else None
        late = late or (clean_name(m["name"]) if m else None) or (prov.author if prov else None)
    return late


def published_of(units: list[Unit], kinds: list[Kind], region: range, head_end: int) -> str | None:
    """The first date line of the header, else the first date line of the part."""
    dates = [i for i in region if kinds[i] is Kind.DATE]
    early = [i for i in dates if i < head_end]
    for i in early or dates:
        found = parse_date(units[i].text)
        if found:
            return found
    return None


def declared_source_of(units: list[Unit], kinds: list[Kind], region: range) -> str | None:
    for i in region:
        if kinds[i] is Kind.PROVENANCE:
            prov = declared_provenance(units[i].text)
            if prov:
                return prov.source
    return None


def page_outlet(units: list[Unit], kinds: list[Kind]) -> str | None:
    """The site name a page states: "Site, November 26, 2017", a copyright line, or a name
    in the page header that the page's chrome repeats ("Become a patron of Site")."""
    for unit, kind in zip(units, kinds, strict=True):
        if kind is Kind.DATE and (found := find_date(unit.text)):
            m = _OUTLET_DATE.match(unit.text[: found[1]])
            if m and not P.DATE_PREFIX.match(unit.text) and len(m["name"].split()) <= 5:
                return m["name"].strip()
    footer = len(units) * 2 // 3  # a copyright line higher up is usually a photo credit
    for unit, kind in list(zip(units, kinds, strict=True))[footer:]:
        if kind in _CHROME and unit.words <= 15 and (m := _OUTLET_COPYRIGHT.search(unit.text)):
            return m["name"].strip()
    return _header_name(units, kinds)


def _header_name(units: list[Unit], kinds: list[Kind]) -> str | None:
    chrome = [u.text.casefold() for u, k in zip(units, kinds, strict=True) if k in _CHROME]
    for unit in units[:3]:
        m = _SITE_NAME.match(unit.text)
        if m and len(m["name"]) >= 4 and not P.INLINE_AD.match(m["name"]):
            name = m["name"].casefold()
            if sum(name in text and name != text for text in chrome) >= 2:
                return m["name"] if not m["name"].isupper() else m["name"].title()
    return None


def bio_outlet(bio: str | None) -> str | None:
    """The site named in an author box ("... at the GlobalCIR website")."""
    m = _OUTLET_IN_BIO.search(bio) if bio else None
    return m["name"] if m else None
