"""Line labels -> articles: where each article starts, its body, title, byline and date.

The labeller (``labeller``) gives every unit label probabilities, and every gap between body
runs (``gaps``) the probability that an article ends in it.  Here a page is cut in its
likeliest gaps as long as each part keeps enough body, and each part becomes one article:
its body units (body probability over the model's threshold, minus short lines the site
repeats on its other pages), its title (the most title-like unit before the body), its
author and date (byline and date units of its header), each with the evidence it came from.
Wordings are features of the model; the steps here are structural: two body thresholds (a
line between body units that has no chrome wording, or a sentence right after one, joins at
a lower probability), a short heading between two long paragraphs (past inline ads) is a
subheading, a sentence the body states again is no title, provenance lines and a closing
author box are metadata, a heading right above the body is the title when the model names
none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from propwatch.extract import patterns as P
from propwatch.extract.dates import find_date, parse_date
from propwatch.extract.gaps import Gap
from propwatch.extract.lines import LABELS
from propwatch.extract.provenance import clean_name, clean_title, declared_provenance
from propwatch.extract.recurring import normalise
from propwatch.extract.units import TERMINAL, Line, TextBuilder, Unit, ends_sentence
from propwatch.model import OffsetMap

MIN_BODY_WORDS = 40  # a part with fewer body words is no article of its own
HEADER = 6  # byline and date lines sit at most this many units after the first body unit
MIN_TITLE = 0.2  # title probability from which the best title-like unit is the title
TITLE_FLOOR = 0.05  # ... and from which a unit is a candidate of the title network
SUBHEADING_WORDS = 12  # a subheading has at most this many words, its paragraphs 15+
MAX_RECURRING_WORDS = 20  # longer lines that recur on a site are reused text, not chrome
TITLE, BYLINE, DATE, BODY, CAPTION, COMMENT = (
    LABELS.index(k) for k in ("title", "byline", "date", "body", "caption", "comment")
)
_NOT_HEADINGS = (P.INLINE_AD, P.SHORT_CHROME, P.TINY_CHROME, P.CAPTION)
_SITE_SUFFIX = re.compile(r"\s+[|]\s+[^|]{1,60}$")
# The first lines of a rendered page: a skip link, a menu button, a script notice.
_SKIP_LINK = re.compile(
    r"\b(?:skip|jump) to\b|\bzum inhalt\b|\bspringe? zu|aller au contenu|(?:saltar|ir) al contenido"
    r"|toggle navigation|navigation (?:öffnen|schließen|wechseln)|wechseln zu: navigation"
    r"|\bjavascript\b|close this search",
    re.I,
)
_NOT_IN_NAMES = re.compile(r"[/:@\d]")  # "By COURSE/MEAL:", "By 12:30"
_PARTICLES = {"de", "la", "del", "van", "von", "der", "den", "da", "di", "du", "le", "y", "e",
              "and", "und", "et", "&", "bin", "al"}  # fmt: skip
_BY_IN_DATE = re.compile(r"\bby\s+(?P<name>[A-Z][\w.'’-]+(?:\s+(?:&\s+)?[A-Z][\w.'’-]+){0,4})")


@dataclass(frozen=True)
class Labels:
    """The labeller's reading of one page."""

    probs: np.ndarray  # (units, LABELS)
    body: np.ndarray  # (units,) bool: the unit is body text of an article
    gaps: list[Gap]  # the gaps between body runs
    joins: np.ndarray  # (gaps,) probability that an article ends in the gap
    join_threshold: float
    # (units,) a score of each unit as its article's headline (``titles``, the labeller's
    # title network); None: the title probability
    titles: np.ndarray | None = None

    @property
    def best(self) -> np.ndarray:
        return np.asarray(self.probs.argmax(axis=1))


@dataclass(frozen=True)
class Part:
    """One article of the page: units lo..hi-1, with what the decoder read in them."""

    lo: int
    hi: int
    body: list[int]
    title: int | None
    author: tuple[str, str] | None  # (name, evidence)
    published: tuple[str, str] | None  # (ISO date, evidence)
    declared_source: str | None


@dataclass(frozen=True)
class BodyRule:
    """How label probabilities become body units; the shipped model carries its own values,
    chosen on dev cross-validation by bench/extract_text_fit.py."""

    threshold: float  # body probability from which a unit is body
    between: float = 0.05  # ... a line between two body units
    after: float = 0.1  # ... a sentence right after a body unit
    # On a page with no comment thread (no thread header, reply bar or "X says:" line),
    # comment probability counts as body: a comment is a thread's, a quote is the article's.
    threadless_comments: bool = False


def has_thread(units: list[Unit]) -> bool:
    """Whether a line of the page marks a comment thread."""
    return any(
        u.words <= 25
        and bool(P.COMMENT_HEADER.search(u.text) or P.COMMENT_AUTHOR.match(u.text)
                 or (u.words <= 6 and P.COMMENT_ACTION.match(u.text)))
        for u in units
    )  # fmt: skip


def body_mask(
    units: list[Unit], probs: np.ndarray, rule: BodyRule, recurring: list[bool]
) -> np.ndarray:
    """Units read as body (``BodyRule``), except short lines that recur on the site's other
    pages (chrome the model cannot know from one page)."""
    p = probs[:, BODY]
    if rule.threadless_comments and not has_thread(units):
        p = p + probs[:, COMMENT]
    body = p >= rule.threshold
    for i in range(1, len(units) - 1):  # a line between two body paragraphs is body
        before = _past_inline_ads(units, i, -1)
        after = _past_inline_ads(units, i, 1)
        if body[i] or before is None or after is None or not (body[before] and body[after]):
            continue
        own = p[i] >= rule.between and not chrome_wording(units[i])
        body[i] = own or _subheading(units, before, i, after)
    for i in range(1, len(units)):  # hysteresis: a sentence right after body continues it
        goes_on = body[i - 1] and p[i] >= rule.after
        body[i] = body[i] or (goes_on and ends_sentence(units[i].text))
    for i, unit in enumerate(units):
        recurs = recurring[i] and unit.words <= MAX_RECURRING_WORDS
        if (recurs and not ends_sentence(unit.text)) or _provenance(unit):
            body[i] = False
    return body


def _past_inline_ads(units: list[Unit], i: int, step: int) -> int | None:
    """The nearest unit before (step -1) or after (step 1) unit ``i`` that is no inline ad
    ("Advertisement", "Story continues below"), None at the page's edge: an ad between a
    paragraph and a subheading sits in the article, it does not end it."""
    j = i + step
    while 0 <= j < len(units) and P.INLINE_AD.match(units[j].text):
        j += step
    return j if 0 <= j < len(units) else None


def chrome_wording(unit: Unit) -> bool:
    """Whether a unit has the wording of page chrome, an inline ad, a teaser label, a
    counter or a caption (the patterns of ``patterns``, the short-line ones up to the
    lengths the labeller's features read them at): such a line between two paragraphs is
    not body by the lower "between" threshold, only by the body threshold itself."""
    text, words = unit.text, unit.words
    tiny = words <= P.TINY_WORDS and not ends_sentence(text)
    return bool(
        P.INLINE_AD.match(text) or P.LONG_CHROME.search(text) or P.COUNTER.search(text)
        or (words <= P.SHORT_WORDS and P.SHORT_CHROME.search(text))
        or (words <= P.CAPTION_WORDS and P.CAPTION.search(text))
        or (tiny and (P.TINY_CHROME.search(text) or P.END_MARKER.match(text)))
        or (words <= 4 and P.NAV_LINE.match(text))
    )  # fmt: skip


def _subheading(units: list[Unit], before: int, i: int, after: int) -> bool:
    """A short heading between two long paragraphs (units ``before`` and ``after``; no
    final stop, no chrome or caption wording): the article's own subheading, whatever the
    labeller read in it."""
    text = units[i].text
    return (
        units[i].words <= SUBHEADING_WORDS
        and min(units[before].words, units[after].words) >= SUBHEADING_WORDS + 3
        and not ends_sentence(text, (*TERMINAL, ":"))
        and not any(p.search(text) for p in _NOT_HEADINGS)
    )


def _provenance(unit: Unit) -> bool:
    """A line that says where the article came from: metadata, not body."""
    return unit.words <= 40 and declared_provenance(unit.text) is not None


def cut_points(units: list[Unit], labels: Labels) -> list[int]:
    """First units of the articles of a page (always starting with 0).

    Gaps whose join probability reaches the threshold cut, likeliest first, each only when
    both parts it makes keep at least ``MIN_BODY_WORDS`` words of body; an article starts at
    the gap's headline (``Gap.cut``)."""
    n = len(units)
    body_words = [u.words if b else 0 for u, b in zip(units, labels.body, strict=True)]
    words = np.concatenate([[0], np.cumsum(body_words)])
    cuts = [0, n]
    order = np.argsort(-labels.joins, kind="stable")
    for k in order.tolist():
        if labels.joins[k] < labels.join_threshold:
            break
        c = labels.gaps[k].cut
        at = int(np.searchsorted(cuts, c))
        if 0 < at < len(cuts) and cuts[at] != c:
            lo, hi = cuts[at - 1], cuts[at]
            if min(words[c] - words[lo], words[hi] - words[c]) >= MIN_BODY_WORDS:
                cuts.insert(at, c)
    return cuts[:-1]


def read_parts(units: list[Unit], labels: Labels) -> list[Part]:
    cuts = cut_points(units, labels)
    bounds = [*cuts, len(units)]
    return [_part(units, labels, lo, hi) for lo, hi in zip(bounds, bounds[1:], strict=False)]


def _part(units: list[Unit], labels: Labels, lo: int, hi: int) -> Part:
    body = [i for i in range(lo, hi) if labels.body[i]]
    first = body[0] if body else hi
    title = _title(units, labels, lo, min(hi, first + 1), _restated(units, body))
    body = [i for i in body if not _repeats_title(units, title, i)]
    box = _author_box(units, body, hi)
    body = [i for i in body if i not in box]
    header = range(lo, min(hi, first + HEADER))
    best = labels.best
    author = None
    published = None
    for i in header:
        if i in body or i in box:
            continue
        text = units[i].text
        if author is None and best[i] == BYLINE and (name := _byline_name(units, i)):
            author = (name, "byline")
        if published is None and best[i] in (DATE, BYLINE) and (iso := parse_date(text)):
            published = (iso, "published line" if P.DATE_PREFIX.match(text) else "date line")
            if author is None and (m := _BY_IN_DATE.search(text)):
                author = (clean_name(m["name"]), "date line")
    if author is None:
        author = _later_byline(units, labels, body, range(first + HEADER, hi))
    if published is None:
        published = _later_date(units, labels, body, range(first + HEADER, hi))
    if author is None and box:
        m = P.BIO.match(units[box[-1]].text)
        author = (m["name"], "author bio") if m else None
    source = None
    for i in range(lo, hi):
        prov = declared_provenance(units[i].text) if units[i].words <= 40 else None
        if prov:
            source = source or prov.source
            if author is None and prov.author:
                author = (prov.author, "provenance line")
    return Part(lo, hi, body, title, author, published, source)


def _repeats_title(units: list[Unit], title: int | None, i: int) -> bool:
    """Whether unit ``i`` is the title unit or states its words again (a page often shows
    its headline twice: in a breadcrumb or kicker line and as the heading): the headline
    is the article's title, never its body."""
    if title is None:
        return False
    return i == title or (
        units[i].words == units[title].words
        and normalise(units[i].text) == normalise(units[title].text)
    )


def _name_words(name: str) -> bool:
    """Whether the words of a "By ..." / "Von ..." line can be a name: capitalised except
    particles and "and" ("Jose de la Cruz", "Roe und Doe"), no digits, slashes or colons
    ("Von Tunis nach Teheran", "By COURSE/MEAL:")."""
    words = name.split()
    return (
        not _NOT_IN_NAMES.search(name)
        and words[0][:1].isupper()
        and all(w[:1].isupper() or w in _PARTICLES for w in words)
    )


def _later_byline(
    units: list[Unit], labels: Labels, body: list[int], where: range
) -> tuple[str, str] | None:
    """The name of the first "By ..." line of the part after its header that the labeller
    reads as a byline, not body."""
    for i in where:
        if labels.best[i] == BYLINE and i not in body and P.byline_name(units[i].text):
            name = _byline_name(units, i)
            if name:
                return name, "later byline"
    return None


def _later_date(
    units: list[Unit], labels: Labels, body: list[int], where: range
) -> tuple[str, str] | None:
    """The first short line of the part after its header that the labeller reads as a date
    ("26. Januar 2022" under the teaser or at the end of the article), not body."""
    for i in where:
        if labels.best[i] == DATE and units[i].words <= 12 and i not in body:
            iso = parse_date(units[i].text)
            if iso:
                return iso, "later date line"
    return None


def may_be_title(text: str) -> bool:
    """Whether a line can be a headline: not a single word (an agency, a section: "Bloomberg",
    "Politik"), not a byline, chrome, caption, navigation or skip-link line."""
    if len(text.split()) < 2 or P.BYLINE.match(text):
        return False
    chrome = (*_NOT_HEADINGS, P.NAV_LINE, P.TINY_CHROME, _SKIP_LINK)
    return not any(p.search(text) for p in chrome)


def _restated(units: list[Unit], body: list[int]) -> set[int]:
    """The body units whose text another body unit of the part states again."""
    seen: dict[str, list[int]] = {}
    for i in body:
        seen.setdefault(normalise(units[i].text), []).append(i)
    return {i for same in seen.values() if len(same) > 1 for i in same}


def _title(units: list[Unit], labels: Labels, lo: int, hi: int, restated: set[int]) -> int | None:
    """The title before the first body unit (or that unit itself): when some unit that may
    be a headline (``may_be_title``) has title probability ``MIN_TITLE``, the best-scored
    of the candidates (title probability ``TITLE_FLOOR``) by the title network (else the
    most title-like unit); when the model finds none, a heading line right above the body
    (short, no final full stop, not a byline, date or chrome line) is the title.  A body
    line that the body states again (``restated``) is never the title: the article repeats
    a sentence, not its headline."""
    if hi <= lo:
        return None
    p = labels.probs[lo:hi, TITLE]
    scores = p if labels.titles is None else labels.titles[lo:hi]
    may: dict[int, bool] = {}  # may_be_title of the few units looked at (by p, then by score)

    def may_be(i: int) -> bool:
        if i not in may:
            may[i] = lo + i not in restated and may_be_title(units[lo + i].text)
        return may[i]

    by_p = np.argsort(-p, kind="stable").tolist()
    if any(may_be(i) for i in by_p if p[i] >= MIN_TITLE):
        for i in np.argsort(-scores, kind="stable").tolist():
            if p[i] >= TITLE_FLOOR and may_be(i):
                return lo + i
    for j in range(hi - 1, max(lo, hi - 3) - 1, -1):
        unit, best = units[j], int(labels.best[j])
        if best in (BYLINE, DATE) or _provenance(unit) or j in restated:
            continue
        heading = 1 <= unit.words <= 25 and not unit.text.endswith((".", ":", ";", ","))
        return j if heading and best in (TITLE, BODY, CAPTION) else None
    return None


def _author_box(units: list[Unit], body: list[int], hi: int) -> list[int]:
    """The units that close the article with an author box: an optional name line, then a
    bio ("Jane Roe is a writer ...").  The bio is the last body unit or, when the labeller
    did not keep it, the unit right after the last body unit (after the name line, if the
    box has one); units before ``hi`` (the end of the part).  [] when there is none."""
    if not body:
        return []
    last = body[-1]
    bio = next(
        (i for i in (last, last + 1, last + 2)[: hi - last] if P.BIO.match(units[i].text)), None
    )
    if bio is None or (bio == last + 2 and not P.PERSON.match(units[last + 1].text)):
        return []
    name = bio - 1
    if name >= 0 and (name in body or name > last) and P.PERSON.match(units[name].text):
        return [name, bio]
    return [bio]


def _byline_name(units: list[Unit], i: int) -> str | None:
    """The name in byline unit ``i``: "By Jane Roe, Reuters", or a bare "Jane Roe" next to
    a date line (a bare pair of capitalised words alone is as often a menu entry or a
    section heading: "Social Media", "Hot Deals")."""
    text = units[i].text
    name = P.byline_name(text)
    if name:
        name = clean_name(name)
        return name if name and _name_words(name) else None
    chrome = any(p.search(text) for p in (*_NOT_HEADINGS, P.NAV_LINE))
    if not (P.PERSON.match(text) and len(text.split()) <= 5) or chrome:
        return None
    near = [units[j].text for j in (i - 1, i + 1) if 0 <= j < len(units) and units[j].words <= 14]
    return text if any(find_date(t) for t in near) else None


def title_span(text: str, outlet: str | None) -> tuple[int, int]:
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


def meta_title_line(units: list[Unit], part: Part, title: str) -> int | None:
    """The unit near the start of ``part`` that states ``title`` (given with the input)."""
    wanted = normalise(title)
    for i in range(part.lo, min(part.hi, part.lo + 12)):
        line = normalise(units[i].text)
        if line == wanted or (line.startswith(wanted) and units[i].words <= 35):
            return i
    return None


def paragraphs(units: list[Unit], kept: list[int]) -> list[list[Line]]:
    """Kept units as paragraphs; a sentence broken over two units is joined again."""
    paras: list[list[Line]] = []
    for i in kept:
        unit = units[i]
        prev = paras[-1][-1].text if paras else ""
        broken = prev and not ends_sentence(prev, (*TERMINAL, ":", ";")) and unit.text[:1].islower()
        if broken:
            paras[-1].extend(unit.lines)
        else:
            paras.append(list(unit.lines))
    return paras


def article_text(
    units: list[Unit], part: Part, title: str | None, title_line: int | None, outlet: str | None
) -> tuple[str, OffsetMap, str | None]:
    """The article's text (title paragraph, then body paragraphs), its offset map and its
    title (``title`` when given, else the title line's headline)."""
    builder = TextBuilder()
    if title_line is not None:
        line = units[title_line].lines[0]
        start, end = title_span(line.text, outlet)
        own = line.text[start:end]
        title = title or clean_title(own) or None
        builder.copy(own, line.start + start)
    elif title:
        builder.insert(title)
    for para in paragraphs(units, part.body):
        builder.paragraph(para)
    text, offsets = builder.build()
    return text, offsets, title
