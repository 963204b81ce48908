"""Label each unit of a plain-text page: body, short line, chrome, byline, date, caption, ...

Simple features decide (word count, final punctuation, capitals, chrome wordings, whether the
line recurs on other pages of the site or repeats within the page); which of the body-like
units really belong to an article is decided later from their position (see ``text``).
"""

from __future__ import annotations

import re
from collections import Counter
from enum import Enum

from propwatch.extract import patterns as P
from propwatch.extract.dates import find_date
from propwatch.extract.provenance import declared_provenance
from propwatch.extract.recurring import normalise
from propwatch.extract.units import TERMINAL, Unit, count_words

_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_SENTENCE_BREAK = re.compile(r"(?:[!?]|[a-z]{3}\.)['\"”’]?\s+['\"“‘]?[A-Z]")  # one sentence


class Kind(Enum):
    BODY = "body"  # a sentence-like line of text
    SHORT = "short"  # a short line: heading, title, caption or a short sentence
    CHROME = "chrome"
    END = "end"  # a label such as "Related articles" after which other content follows
    SITE = "site"  # a short line the site repeats on other pages: chrome, maybe a box label
    BYLINE = "byline"
    DATE = "date"
    PROVENANCE = "provenance"
    CAPTION = "caption"


def is_byline(text: str) -> str | None:
    """The author's name when ``text`` is a byline ("By Jane Roe"), else None."""
    m = P.BYLINE.match(text)
    if not m or count_words(text) > 14:
        return None
    name = P.BYLINE.match(text.replace("<u>", "").replace("</u>", "").replace("**", ""))
    words = (name or m)["name"].split()
    capitals = sum(w[:1].isupper() for w in words)
    if not words or len(words) > 8 or capitals * 2 < len(words):
        return None
    return " ".join(words)


def is_date_line(text: str, words: int | None = None) -> bool:
    if (count_words(text) if words is None else words) > 14:
        return False
    found = find_date(text)
    if not found:
        return False
    rest = count_words(text[: found[1]] + " " + text[found[2] :])
    return bool(P.DATE_PREFIX.match(text)) or rest <= 5


def is_notice(text: str, words: int) -> bool:
    """A disclaimer, copyright notice or pitch, whatever its length."""
    if P.LONG_CHROME.search(text):
        return True
    found = {m.group().lower() for m in P.NOTICE_PHRASES.finditer(text)}
    appeals: set[str] = set()
    if words <= 60 and P.APPEAL.search(text):
        appeals = {m.group().lower()[:4] for m in P.APPEAL.finditer(text)}
    return len(found) >= 2 or (len(found) == 1 and words <= 40) or len(appeals) >= 2


def _all_caps(text: str) -> bool:
    return len(text) >= 12 and text.isupper() and sum(c.isalpha() for c in text) >= 12


def classify_unit(unit: Unit, recurring: bool, repeated: bool) -> Kind:
    text, words = unit.text, unit.words
    if len(text) > 3000:  # far longer than any chrome line: skip the patterns
        return Kind.BODY if words >= 12 else Kind.SHORT
    if declared_provenance(text):
        return Kind.PROVENANCE
    if P.TWEET.search(text):  # an embedded tweet: text of the article, its date no header
        return Kind.BODY if words >= 12 or (words >= 5 and text.endswith(TERMINAL)) else Kind.SHORT
    if words <= 14 and is_byline(text):
        return Kind.BYLINE
    if is_date_line(text, words):
        return Kind.DATE
    if words <= 6 and P.END_MARKER.match(text):
        return Kind.END
    if recurring:
        return Kind.CHROME
    if P.COUNTER.match(text) or is_notice(text, words) or P.ARTICLES_BY.match(text):
        return Kind.CHROME
    if words <= 20 and P.BREADCRUMB.search(text):
        return Kind.CHROME
    if (words <= 15 and P.SHORT_CHROME.search(text)) or P.NAV_LINE.match(text):
        return Kind.CHROME
    if words <= 6 and not text.endswith(".") and P.TINY_CHROME.search(text):
        return Kind.CHROME
    if words <= 40 and P.CAPTION.search(text):
        return Kind.CAPTION
    if (3 <= words <= 40 and _all_caps(text)) or (repeated and words <= 12):
        return Kind.CHROME
    if words >= 12 or (words >= 5 and text.endswith(TERMINAL)):
        return Kind.BODY
    return Kind.SHORT


def classify(units: list[Unit], recurring: list[bool]) -> tuple[list[Kind], list[Kind]]:
    """Kinds of all units of one page, with and without counting recurring lines as chrome.

    ``recurring[i]`` says unit i recurs on other pages of the site.  The kinds without it
    serve to find titles, which sites also repeat in "most read" boxes on other pages.
    """
    repeated = repeated_in_page(units)
    plain = [classify_unit(u, False, r) for u, r in zip(units, repeated, strict=True)]
    trusted = trust_recurrence(units, recurring)
    kinds = [
        _recurring_kind(u, k) if r else k for u, k, r in zip(units, plain, trusted, strict=True)
    ]
    return kinds, plain


def _recurring_kind(unit: Unit, kind: Kind) -> Kind:
    """A line the site repeats on other pages: chrome; when short and not an ad label, a
    boundary like "Related articles" (site boxes after the body hold teasers, comments)."""
    if kind not in (Kind.BODY, Kind.SHORT):
        return kind
    return Kind.SITE if unit.words <= 12 and not P.INLINE_AD.match(unit.text) else Kind.CHROME


def repeated_in_page(units: list[Unit]) -> list[bool]:
    """Units whose text occurs more than once in the page, except sentences ("Why?" said
    twice in an interview) and the first occurrence of a line above the body (a headline
    that the page repeats in a box lower down)."""
    keys = [normalise(u.text, digits=False) for u in units]
    seen = Counter(keys)
    first_body = next((i for i, u in enumerate(units) if u.words >= 20), len(units))
    firsts: dict[str, int] = {}
    for i, key in enumerate(keys):
        firsts.setdefault(key, i)
    return [
        seen[k] > 1 and not (firsts[k] == i < first_body) and not units[i].text.endswith(TERMINAL)
        for i, k in enumerate(keys)
    ]


def trust_recurrence(units: list[Unit], recurring: list[bool]) -> list[bool]:
    """Recurrence flags, minus those that more likely mark reused text than chrome.

    - Three or more long recurring paragraphs are an article that the site carries on
      several pages (an infinite-scroll capture, a re-scrape): the span from the first to the
      last of them is left to the other features.
    - A long recurring paragraph between two paragraphs that do not recur is a quote or a
      passage reused inside an article.
    - A sentence of one to three words ("Why?") recurs by chance.
    """
    n = len(units)
    long = [i for i in range(n) if recurring[i] and units[i].words >= 20]
    span = range(long[0], long[-1] + 1) if len(long) >= 3 else range(0)

    def body(j: int) -> bool:
        return 0 <= j < n and units[j].words >= 12 and not recurring[j]

    def reused(i: int) -> bool:
        unit = units[i]
        if unit.words <= 3 and unit.text.endswith(TERMINAL):
            return True
        return i in span or (unit.words >= 20 and body(i - 1) and body(i + 1))

    return [r and not reused(i) for i, r in enumerate(recurring)]


def title_like(unit: Unit) -> bool:
    text = unit.text
    return (
        1 <= unit.words <= 35
        and any(c.isalpha() for c in text)
        and not _SENTENCE_BREAK.search(text)
        and len(text) <= 300
        and (not text.endswith(".") or text.endswith("...") or title_case(text))
        and not text[:1].islower()
    )


def title_case(text: str) -> bool:
    """Most longer words capitalised, as in "Assange Never Met Manafort." (a headline, even
    with a final full stop)."""
    long = [w for w in _WORDS.findall(text) if len(w) > 3]
    return len(long) >= 2 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


def caps_headline(unit: Unit) -> bool:
    """A headline in capitals (not a navigation or share line)."""
    text = unit.text
    if not (5 <= unit.words <= 35 and _all_caps(text)):
        return False
    return not (P.SHORT_CHROME.search(text) or P.NAV_LINE.match(text) or P.BREADCRUMB.search(text))
