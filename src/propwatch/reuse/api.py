"""What export, report and the CLI read: clusters with provenance, and per-article reuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from propwatch.reuse.clusters import components
from propwatch.reuse.provenance import Provenance, order_key, provenance
from propwatch.reuse.update import UpdateSummary, update
from propwatch.store import Store
from propwatch.store import reuse as sql
from propwatch.store.connection import Read
from propwatch.store.reuse import ArticleMeta, PairRow


@dataclass(frozen=True)
class Cluster:
    id: str
    articles: list[ArticleMeta]  # dated copies first by date, then first seen
    pairs: list[PairRow]
    provenance: Provenance

    @property
    def earliest(self) -> str:
        return self.provenance.origin

    @property
    def outlets(self) -> list[str]:
        seen: dict[str, None] = {}
        for m in self.articles:
            seen.setdefault(m.outlet or "(unknown outlet)", None)
        return list(seen)

    def to_json(self) -> dict[str, Any]:
        p = self.provenance
        return {
            "id": self.id,
            "articles": [m.id for m in self.articles],
            "earliest": self.earliest,
            "pairs": [
                {"a": r.a, "b": r.b, "relation": r.relation, "jaccard": r.jaccard,
                 "a_in_b": r.a_in_b, "b_in_a": r.b_in_a}
                for r in self.pairs
            ],
            "provenance": {
                "basis": p.basis,
                "first_seen": p.first_seen,
                "copies": [
                    {"id": m.id, "outlet": m.outlet, "published": m.published, "url": m.url,
                     "title": m.title, "declared_source": m.declared_source}
                    for m in self.articles
                ],
                "declared": [
                    {"article": d.article, "source": d.source, "kind": d.kind,
                     "matches": d.matches}
                    for d in p.declarations
                ],
                "disagreements": [
                    {"article": d.article, "source": d.source, "reason": d.reason}
                    for d in p.disagreements
                ],
            },
        }


def clusters(store: Store) -> list[Cluster]:
    """Every cluster of two or more articles, biggest first (then earliest first)."""
    rows = sql.pairs(store.conn)
    return _clusters(rows, _metas(store, {x for r in rows for x in (r.a, r.b)}))


def cluster_of(store: Store, article_id: str) -> Cluster | None:
    """The cluster holding ``article_id`` (None when it has no copy), read from the pairs
    around it only: as fast on a large corpus as on a small one."""
    rows, metas = store.conn.read_all(article_reuse_reads(store, article_id))
    found_clusters = _clusters(rows, {m.id: m for m in metas})
    return found_clusters[0] if found_clusters else None


def _clusters(rows: list[PairRow], meta: dict[str, ArticleMeta]) -> list[Cluster]:
    """The clusters of these pairs; ``meta``: their articles' metadata."""
    groups = components((r.a, r.b) for r in rows)
    member_of = {x: i for i, g in enumerate(groups) for x in g}
    grouped: dict[int, list[PairRow]] = {}
    for r in rows:
        grouped.setdefault(member_of[r.a], []).append(r)
    out = []
    for i, group in enumerate(groups):
        members = sorted((meta[x] for x in group if x in meta), key=order_key)
        if len(members) < 2:
            continue
        prov = provenance(members)
        out.append(Cluster(f"c-{prov.first_seen}", members, grouped.get(i, []), prov))
    out.sort(key=lambda c: (-len(c.articles), order_key(c.articles[0]), c.id))
    return out


def refresh(store: Store) -> tuple[UpdateSummary, list[Cluster]]:
    """Index any new articles, then return the clusters (what ``propwatch reuse`` shows)."""
    summary = update(store)
    return summary, clusters(store)


def to_json(found: list[Cluster]) -> dict[str, Any]:
    return {"clusters": [c.to_json() for c in found]}


def reuse_by_article(store: Store) -> dict[str, dict[str, Any]]:
    """For every fingerprinted article: its cluster (or None), relations, declared source.

    Articles stored since the last :func:`update` are left out (nothing is known yet).

    A relation reads from the article's side: ``contained_in`` (this article is mostly
    inside the other; ``share`` is how much of it), ``contains`` (the other is inside this
    one), ``duplicate`` or ``rewrite``.
    """
    return _reuse_entries(sql.article_meta(store.conn), clusters(store))


def article_reuse_reads(store: Store, article_id: str) -> list[Read]:
    """What :func:`article_reuse` reads: the pairs of the article's group and the metadata
    of the group and the article (two reads, sent with the article's own)."""
    return [sql.group_pairs_read(article_id), sql.group_metas_read(store.conn, article_id)]


def article_reuse(article_id: str, rows: list[PairRow], metas: list[ArticleMeta]
                  ) -> dict[str, Any] | None:
    """One article's entry of :func:`reuse_by_article` (None when not fingerprinted yet),
    from what :func:`article_reuse_reads` read."""
    by_id = {m.id: m for m in metas}
    found = _clusters(rows, by_id)
    return _reuse_entries([by_id[article_id]] if article_id in by_id else [],
                          found[:1]).get(article_id)


def _metas(store: Store, ids: set[str]) -> dict[str, ArticleMeta]:
    return {m.id: m for m in sql.article_meta(store.conn, sorted(ids))}


def _reuse_entries(metas: list[ArticleMeta], found: list[Cluster]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for m in metas:
        if not m.indexed:
            continue
        out[m.id] = {"cluster": None, "cluster_size": 1, "earliest": None,
                     "is_earliest": False, "declared_source": m.declared_source,
                     "relations": []}
    for c in found:
        for m in c.articles:
            entry = out.setdefault(m.id, {"declared_source": m.declared_source, "relations": []})
            entry.update(cluster=c.id, cluster_size=len(c.articles), earliest=c.earliest,
                         is_earliest=m.id == c.earliest)
        for r in c.pairs:
            for me, other in ((r.a, r.b), (r.b, r.a)):
                if r.relation == "contained":
                    kind = "contained_in" if me == r.a else "contains"
                else:
                    kind = r.relation
                out[me]["relations"].append({
                    "with": other, "relation": kind, "share": r.a_in_b, "jaccard": r.jaccard,
                })
    return out
