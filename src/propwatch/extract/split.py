"""Pages that carry several articles one after another (infinite-scroll captures).

An article starts with a header: a title, maybe a standfirst or caption, then a cluster of
byline and date lines ("By X", "Published on ...", in either order around the title), then
body.  Each header cluster with a title and enough body on both sides starts a new part.
Pages without such headers are split at a line that each article repeats next to its title
(a share bar after each body, a column disclaimer under each title).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

from propwatch.extract import patterns as P
from propwatch.extract.classify import Kind, caps_headline, title_like
from propwatch.extract.units import TERMINAL, Unit

MIN_BODY_WORDS = 40
_HEADER = (Kind.BYLINE, Kind.DATE)
_SKIPPABLE = (Kind.CAPTION, Kind.CHROME)


@dataclass(frozen=True)
class Part:
    lo: int  # first unit of the part
    hi: int  # one past its last unit
    title: int | None  # index of its title unit
    header: tuple[int, ...] = ()  # its byline / date units


def _clusters(kinds: list[Kind]) -> list[list[int]]:
    clusters: list[list[int]] = []
    for i, kind in enumerate(kinds):
        if kind not in _HEADER:
            continue
        last = clusters[-1][-1] if clusters else None
        if last is not None and i - last <= 4 and Kind.BODY not in kinds[last + 1 : i]:
            clusters[-1].append(i)
        else:
            clusters.append([i])
    return clusters


def title_before(units: list[Unit], kinds: list[Kind], i: int, floor: int = 0) -> int | None:
    """The title of a header starting at unit ``i``: the nearest title-like unit before it,
    passing over captions, chrome and at most one standfirst."""
    standfirst = False
    for j in range(i - 1, max(floor, i - 6) - 1, -1):
        kind = kinds[j]
        if kind is Kind.CHROME and caps_headline(units[j]):
            return j
        if kind in _SKIPPABLE:
            continue
        if kind in (Kind.SHORT, Kind.BODY) and title_like(units[j]):
            return j
        if kind is Kind.BODY and not standfirst and units[j].words <= 150:
            standfirst = True
            continue
        return None
    return None


def _strong(units: list[Unit], kinds: list[Kind], cluster: list[int]) -> bool:
    return any(kinds[i] is Kind.BYLINE or P.DATE_PREFIX.match(units[i].text) for i in cluster)


def _prefix_words(units: list[Unit], kinds: list[Kind]) -> list[int]:
    """Running count of body words: ``p[hi] - p[lo]`` are the body words of units lo..hi-1."""
    counts = (u.words if k is Kind.BODY else 0 for u, k in zip(units, kinds, strict=True))
    return [0, *accumulate(counts)]


def split_parts(
    units: list[Unit], kinds: list[Kind], plain: list[Kind] | None = None
) -> list[Part]:
    """The articles of a page, in order; a page with one article gives one part.

    ``plain`` are the kinds without recurring lines as chrome, used to find titles.

    A part before the first header with enough body is kept as an untitled part (a capture
    that starts in the middle of an article) when that header has a byline or a "Published"
    date; a bare date line or a repeated line after body text is no article boundary.
    """
    words = _prefix_words(units, kinds)
    heads = _heads(units, kinds, plain or kinds, words)
    if len(heads) < 2:
        heads = _marker_heads(units, kinds, plain or kinds, words) or heads
    while heads and words[heads[0][0]] >= MIN_BODY_WORDS and not _strong(units, kinds, heads[0][1]):
        heads = heads[1:]
    if not heads:
        return [Part(0, len(units), None)]
    parts: list[Part] = []
    first = heads[0][0]
    if words[first] >= MIN_BODY_WORDS:
        parts.append(Part(0, first, None))
    starts = [min(title, cluster[0]) for title, cluster in heads]
    for k, (title, cluster) in enumerate(heads):
        lo = starts[k] if parts else 0
        hi = starts[k + 1] if k + 1 < len(heads) else len(units)
        parts.append(Part(lo, hi, title, tuple(cluster)))
    return parts


def _heads(
    units: list[Unit], kinds: list[Kind], plain: list[Kind], words: list[int]
) -> list[tuple[int, list[int]]]:
    """Headers (title index, byline/date cluster) that start an article with enough body."""
    found: list[tuple[int, list[int], bool]] = []
    for cluster in _clusters(kinds):
        title = title_before(units, plain, cluster[0])
        title = title if title is not None else _title_within(units, plain, cluster)
        if title is not None:
            found.append((title, cluster, _strong(units, kinds, cluster)))
    if not found:
        return []
    first_strong = found[0][2]
    heads = [(t, c) for t, c, strong in found if strong or not first_strong]

    def after(k: int) -> int:
        end = heads[k + 1][0] if k + 1 < len(heads) else len(units)
        return words[end] - words[heads[k][1][-1] + 1]

    k = 0
    while k < len(heads):
        if after(k) < MIN_BODY_WORDS:
            del heads[k]
            k = max(k - 1, 0)
        else:
            k += 1
    return heads


def _title_within(units: list[Unit], plain: list[Kind], cluster: list[int]) -> int | None:
    """A title between the byline and the date ("By X", headline, "Published on ...")."""
    for j in range(cluster[0] + 1, cluster[-1]):
        if plain[j] in (Kind.SHORT, Kind.BODY) and title_like(units[j]):
            return j
    return None


def _marker_heads(
    units: list[Unit], kinds: list[Kind], plain: list[Kind], words: list[int]
) -> list[tuple[int, list[int]]]:
    """Article starts found from a line each article of the page repeats next to its title
    (a share bar after each body, a column disclaimer under each title)."""
    seen: defaultdict[str, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        if _marker_like(unit, kinds[i]):
            seen[unit.text.casefold()].append(i)
    best: list[tuple[int, list[int]]] = []
    for marks in seen.values():
        if len(marks) < 2:
            continue
        heads = []
        for i in marks:
            title = title_before(units, plain, i)
            title = title if title is not None else _title_after(units, kinds, plain, i)
            headline = title is not None and units[title].words >= 5  # not a subheading
            if headline and title is not None and _after_article(units, kinds, title):
                heads.append((title, [i]))
        heads = sorted(dict(heads).items())
        enough = len(heads) >= max(2, len(marks) - 1) and len(heads) > len(best)
        if enough and _parts_hold_body(units, words, [t for t, _ in heads]):
            best = heads
    return best


def _marker_like(unit: Unit, kind: Kind) -> bool:
    """Chrome (not an inline ad label) or a short line that is not a sentence."""
    if unit.words > 40 or P.INLINE_AD.match(unit.text):
        return False
    return kind in (Kind.CHROME, Kind.SITE, Kind.END) or (
        kind is Kind.SHORT and not unit.text.endswith(TERMINAL)
    )


def _after_article(units: list[Unit], kinds: list[Kind], title: int) -> bool:
    """Whether only chrome, a short kicker ("Analysis") or the end of a body precede a title."""
    for j in range(title - 1, max(title - 8, -1), -1):
        kicker = kinds[j] is Kind.SHORT and units[j].words <= 3 and units[j].text[:1].isupper()
        if kinds[j] in _SKIPPABLE + (Kind.END, Kind.SITE) or kicker:
            continue
        return kinds[j] is Kind.BODY
    return True


def _title_after(units: list[Unit], kinds: list[Kind], plain: list[Kind], i: int) -> int | None:
    """A title right after unit ``i`` (past chrome), followed by body or a standfirst."""
    j = i + 1
    while j < min(i + 8, len(units)) and kinds[j] in _SKIPPABLE + (Kind.END, Kind.SITE):
        j += 1
    if j + 1 >= len(units) or plain[j] not in (Kind.SHORT, Kind.BODY) or not title_like(units[j]):
        return None
    return j if kinds[j + 1] in (Kind.BODY, Kind.BYLINE, Kind.DATE, Kind.CHROME) else None


def _parts_hold_body(units: list[Unit], words: list[int], titles: list[int]) -> bool:
    texts = {units[t].text.casefold() for t in titles}
    bounds = [*titles, len(units)]
    return len(texts) == len(titles) and all(
        words[b] - words[a + 1] >= 2 * MIN_BODY_WORDS
        for a, b in zip(bounds, bounds[1:], strict=False)
    )
