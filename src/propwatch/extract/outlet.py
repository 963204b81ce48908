"""The outlet a plain-text page names, with the evidence it came from. In order of trust: the
page's copyright or footer line ("© 2021 Example News. All rights reserved"; not a publishing
company, a rights wording or a photo agency), a dateline "Example News, November 26, 2017"
(not a weekday), a "Support Example News" appeal, an author box ("... a contributor at the
Example website"), a " | Example News" suffix on the title line, the first line of the page
when it recurs on the site's other pages (the site header), and last the domain of the
page's URL.  Only lines the labeller did not read as body count (an article may well quote
another outlet's copyright line).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from propwatch.extract import patterns as P
from propwatch.extract.dates import find_date
from propwatch.extract.units import Unit

_YEARS = r"(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*[-–,]?\s*)?"
_COPYRIGHT = re.compile(
    rf"(?:©|\(c\)|®|copyright)\s*(?:copyright\s*)?{_YEARS}"
    r"(?:by\s+)?(?P<name>[A-Z][\w&.'’ -]{1,40}?)(?:[.,|]|\s+-\s|\s+all rights|\s+\d|$)",
    re.I,
)
# "© 2019 agrarheute.com": the site's own domain
_COPYRIGHT_DOMAIN = re.compile(
    rf"(?:©|\(c\)|®|copyright)\s*(?:copyright\s*)?{_YEARS}(?P<name>(?:[a-z\d-]+\.)+[a-z]{{2,6}})\b",
    re.I,
)
_DATELINE = re.compile(r"^(?P<name>[A-Z][\w&.' -]{1,40}),\s")
_SUPPORT = re.compile(
    r"\bsupport (?:the )?(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,3})"
    r"(?=[!.,]|\s*$|\s+(?:today|now|by|with|and)\b)"
)
_SITE_NAME = re.compile(
    r"^(?P<name>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})(?:\s+[|–—-]\s+.*)?$"
)
_IN_BIO = re.compile(
    r"\b(?:at|for|of|with) (?:the )?(?P<name>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3})"
    r" (?:website|site|magazine|portal|blog|newspaper)\b"
)
_SUFFIX = re.compile(r"\s[|]\s(?P<name>[^|]{2,60})$")
_NOT_NAMES = {"all", "the", "us", "our", "this", "photo", "image", "getty images", "reuters", "ap",
              "afp", "wikimedia", "shutterstock"}  # fmt: skip


# A copyright holder with a company form is the publisher ("Crain Communications GmbH" of
# Automobilwoche), not the site's own name; rights wordings and "by" / "of" ends are no name.
_COMPANY = re.compile(
    r"\b(?:gmbh|ag|ltd|limited|inc|llc|plc|s\.?a|s\.?p\.?a|sp|co|corp|group|holdings|verlag"
    r"|ventures|network|e)\b\.?$",
    re.I,
)
_RIGHTS = re.compile(
    r"rights reserved|rechte vorbehalten|derechos reservados|riproduzione riservata"
    r"|^(?:copyright|text|www|act|music|editora)$",
    re.I,
)
_WEEKDAY = re.compile(
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:mon|diens|donners|frei|sams|sonn)tag|mittwoch"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lunes|martes|miércoles|jueves|viernes"
    r"|sábado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|segunda|terça|quarta"
    r"|quinta|sexta",
    re.I,
)
_OPEN_END = re.compile(r"\s(?:by|of|vom|von|de|the|and|[A-Za-z])$")


def _name(raw: str) -> str | None:
    name = " ".join(raw.split()).strip(" .,-–|")
    name = re.sub(r"^(?:copyright|©)\s+", "", name, flags=re.I)
    if (
        len(name) < 2
        or name.casefold() in _NOT_NAMES
        or len(name.split()) > 6
        or not name[0].isupper()
        or _RIGHTS.search(name)
        or _COMPANY.search(name)
        or _OPEN_END.search(name)
    ):
        return None
    return name.title() if name.isupper() and len(name) > 4 else name


def page_outlet(
    units: list[Unit],
    body: list[bool],
    recurring: list[bool],
    title_line: int | None,
    url: str | None,
) -> tuple[str, str] | None:
    """(outlet, evidence) for one page, or None; evidence is one of "footer", "dateline",
    "support appeal", "author bio", "title suffix", "recurring header", "url"."""
    chrome = [i for i, b in enumerate(body) if not b]
    footer = len(units) * 2 // 3  # a copyright line higher up is usually a photo credit
    for i in reversed(chrome):
        if i < footer:
            break
        unit = units[i]
        if unit.words > 25:
            continue
        if m := _COPYRIGHT_DOMAIN.search(unit.text):
            return m["name"].casefold().removeprefix("www."), "footer"
        if (m := _COPYRIGHT.search(unit.text)) and (name := _name(m["name"])):
            return name, "footer"
    for unit in units[:40]:  # a short "Site, date" line, whatever its label
        if (
            unit.words <= 14
            and (found := find_date(unit.text))
            and not P.DATE_PREFIX.match(unit.text)
        ):
            m = _DATELINE.match(unit.text[: found[1]])
            if (
                m
                and not _WEEKDAY.match(m["name"])
                and not P.BYLINE.match(m["name"])
                and (name := _name(m["name"]))
            ):
                return name, "dateline"
    for i in chrome:
        unit = units[i]
        if unit.words <= 40 and (m := _SUPPORT.search(unit.text)) and (name := _name(m["name"])):
            return name, "support appeal"
    for unit in units[-12:]:
        m = _IN_BIO.search(unit.text) if P.BIO.match(unit.text) else None
        if m and (name := _name(m["name"])):
            return name, "author bio"
    suffix = _SUFFIX.search(units[title_line].text) if title_line is not None else None
    if suffix and len(suffix["name"].split()) <= 5 and (name := _name(suffix["name"])):
        return name, "title suffix"
    for i in range(min(3, len(units))):
        m = _SITE_NAME.match(units[i].text) if recurring[i] and units[i].words <= 6 else None
        if m and (name := _name(m["name"])):
            return name, "recurring header"
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www."), "url"
    return None
