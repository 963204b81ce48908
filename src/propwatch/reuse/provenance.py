"""Provenance of a cluster: which copy came first, what the copies say about their source,
and where the two disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from propwatch.reuse.declared import name_key
from propwatch.store.reuse import ArticleMeta


@dataclass(frozen=True)
class Declaration:
    """An article names a source (a declared outlet or a canonical URL)."""

    article: str
    source: str
    kind: str  # "declared" ("The original source of this article is X", "Via X") or "canonical"
    matches: list[str]  # cluster members that the named source points to


@dataclass(frozen=True)
class Disagreement:
    article: str
    source: str
    reason: str


@dataclass(frozen=True)
class Provenance:
    earliest: str | None  # earliest copy by publication date; None when no copy is dated
    first_seen: str  # first copy propwatch stored
    basis: str  # "published" or "first-seen": what ``origin`` rests on
    declarations: list[Declaration]
    disagreements: list[Disagreement]

    @property
    def origin(self) -> str:
        return self.earliest or self.first_seen


def order_key(m: ArticleMeta) -> tuple[int, str, int]:
    """Dated copies first, by date; then first seen."""
    return (0 if m.published else 1, m.published or "", m.added_seq)


def provenance(members: Sequence[ArticleMeta]) -> Provenance:
    if not members:
        raise ValueError("a cluster has at least one article")
    dated = sorted((m for m in members if m.published), key=order_key)
    first_seen = min(members, key=lambda m: m.added_seq).id
    earliest = dated[0].id if dated else None
    declarations: list[Declaration] = []
    disagreements: list[Disagreement] = []
    by_id = {m.id: m for m in members}
    for m in members:
        named: list[tuple[str, str]] = []
        if m.declared_source:
            named.append((m.declared_source, "declared"))
        if m.canonical_url and m.canonical_url != m.url:
            named.append((m.canonical_url, "canonical"))
        for source, kind in named:
            matches = _matches(source, kind, m, members)
            declarations.append(Declaration(m.id, source, kind, matches))
            disagreements.extend(_check(m, source, matches, by_id, earliest))
    return Provenance(earliest, first_seen, "published" if earliest else "first-seen",
                      declarations, disagreements)


def _matches(source: str, kind: str, who: ArticleMeta, members: Sequence[ArticleMeta]) -> list[str]:
    out = []
    key = name_key(source)
    for other in members:
        if other.id == who.id:
            continue
        if kind == "canonical":
            if other.url and other.url.rstrip("/") == source.rstrip("/"):
                out.append(other.id)
            continue
        names = {name_key(other.outlet), name_key(other.url), name_key(other.source)}
        if key and key in names:
            out.append(other.id)
    return out


def _check(
    m: ArticleMeta, source: str, matches: list[str], by_id: dict[str, ArticleMeta],
    earliest: str | None,
) -> list[Disagreement]:
    if not matches or earliest is None:
        return []
    claimed = min((by_id[x] for x in matches), key=order_key)
    out = []
    if m.published and claimed.published and m.published < claimed.published:
        out.append(Disagreement(
            m.id, source,
            f"dated {m.published}, before its declared source's copy ({claimed.published})",
        ))
    first = by_id[earliest]
    if claimed.id != earliest and claimed.published and first.published and (
        first.published < claimed.published
    ):
        out.append(Disagreement(
            m.id, source,
            f"names {source} as the source, but {first.outlet or first.id} ran it earlier "
            f"({first.published} vs {claimed.published})",
        ))
    return out
