"""Pages that carry several articles one after another (infinite-scroll captures).

An article starts with a header: a title, maybe a standfirst or caption, then a cluster of
byline and date lines ("By X", "Published on ..."), then body.  Each header cluster with a
title before it and enough body on both sides starts a new part.
"""

from __future__ import annotations

from dataclasses import dataclass

from propwatch.extract import patterns as P
from propwatch.extract.classify import Kind, title_like
from propwatch.extract.units import Unit

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
        if kind in _SKIPPABLE:
            continue
        if kind in (Kind.SHORT, Kind.BODY) and title_like(units[j]):
            return j
        if kind is Kind.BODY and not standfirst and units[j].words <= 60:
            standfirst = True
            continue
        return None
    return None


def _strong(units: list[Unit], kinds: list[Kind], cluster: list[int]) -> bool:
    return any(kinds[i] is Kind.BYLINE or P.DATE_PREFIX.match(units[i].text) for i in cluster)


def _body_words(units: list[Unit], kinds: list[Kind], lo: int, hi: int) -> int:
    return sum(units[i].words for i in range(lo, hi) if kinds[i] is Kind.BODY)


def split_parts(units: list[Unit], kinds: list[Kind]) -> list[Part]:
    """The articles of a page, in order; a page with one article gives one part."""
    heads: list[tuple[int, list[int], bool]] = []
    for cluster in _clusters(kinds):
        title = title_before(units, kinds, cluster[0])
        if title is not None:
            heads.append((title, cluster, _strong(units, kinds, cluster)))
    if not heads:
        return [Part(0, len(units), None)]
    first_strong = heads[0][2]
    accepted = [heads[0]]
    for head in heads[1:]:
        title, cluster, strong = head
        before = _body_words(units, kinds, accepted[-1][1][-1] + 1, title)
        if (strong or not first_strong) and before >= MIN_BODY_WORDS:
            accepted.append(head)
    while len(accepted) > 1 and _body_words(units, kinds, accepted[-1][1][-1], len(units)) < (
        MIN_BODY_WORDS
    ):
        accepted.pop()
    parts: list[Part] = []
    for k, (title, cluster, _) in enumerate(accepted):
        lo = 0 if k == 0 else title
        hi = accepted[k + 1][0] if k + 1 < len(accepted) else len(units)
        parts.append(Part(lo, hi, title, tuple(cluster)))
    return parts
