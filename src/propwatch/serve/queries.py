"""What pages and API read and write, over the per-thread store: search, facets, the
dashboard's figures, narratives and outlets (cached until the database changes), the
review queue, verdicts."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from markupsafe import Markup, escape

from propwatch.kb.results import claims_with_matches, match_dict, set_verdict
from propwatch.narratives.view import Narrative, narratives
from propwatch.outlets.profile import Outlet, outlets
from propwatch.report.html import technique_colour
from propwatch.reuse.api import Cluster, clusters
from propwatch.serve.database import Database
from propwatch.serve.views import label_text
from propwatch.store import Store, listings, workspace
from propwatch.store.kb import KbTables, MatchRow
from propwatch.store.workspace import Filters, Found, Hit

FAMILIES_SHOWN = 15


def search(db: Database, filters: Filters, limit: int, offset: int) -> Found:
    """One page of a search (remembered until the database changes)."""
    return db.remembered(("search", filters, limit, offset),
                         lambda store: workspace.search(store.conn, filters, limit, offset))


def facets(db: Database) -> dict[str, list[str]]:
    return db.cached("facets", lambda store: workspace.facets(store.conn))


def outlet_menu(db: Database, chosen: str | None) -> Markup:
    """The search form's outlet options, ``chosen`` selected: rendered once until the
    database changes (hundreds of outlets took 3.5 ms of each search page's rendering,
    on PostgreSQL in the one process that serves every request)."""
    options = db.cached("outlet options", lambda store: Markup("").join(
        Markup('<option value="{0}">{0}</option>').format(o) for o in facets(db)["outlets"]))
    if not chosen:
        return options
    value = escape(chosen)
    return Markup(options.replace(Markup('<option value="{0}">').format(value),
                                  Markup('<option value="{0}" selected>').format(value), 1))


def corpus_narratives(db: Database) -> list[Narrative]:
    """Every narrative, most articles first (cached until the database changes)."""
    return db.cached("narratives", narratives)


def corpus_outlets(db: Database) -> list[Outlet]:
    """Every outlet's profile, most articles first (cached until the database changes)."""
    return db.cached("outlets", outlets)


def stats(db: Database) -> dict[str, Any]:
    return db.cached("stats", lambda store: workspace.stats(store.conn))


def dashboard(db: Database) -> dict[str, Any]:
    """The corpus figures with what the charts need: technique names and colours."""
    figures = dict(stats(db))
    names = sorted({r["technique"] for r in figures["techniques_per_month"]})
    figures["technique_style"] = {n: {"name": label_text(n), "colour": technique_colour(n)}
                                  for n in names}
    return figures


def corpus_clusters(db: Database) -> list[Cluster]:
    """Every republication family, biggest first (cached until the database changes)."""
    return db.cached("clusters", clusters)


def families(db: Database, limit: int = FAMILIES_SHOWN, offset: int = 0
             ) -> list[dict[str, Any]]:
    """The biggest republication families: size, earliest copy, outlets."""
    out = []
    for c in corpus_clusters(db)[offset:offset + limit]:
        first = next(m for m in c.articles if m.id == c.earliest)
        dates = [m.published for m in c.articles if m.published]
        out.append({"id": c.id, "size": len(c.articles), "earliest": first.id,
                    "title": first.title or first.id, "outlets": c.outlets,
                    "published": first.published, "last": max(dates) if dates else None,
                    "declared": len(c.provenance.declarations),
                    "disagreements": len(c.provenance.disagreements)})
    return out


def family(db: Database, family_id: str) -> Cluster:
    found = next((c for c in corpus_clusters(db) if c.id == family_id), None)
    if found is None:
        raise HTTPException(404, f"no republication family {family_id}")
    return found


def outlet(db: Database, name: str) -> Outlet:
    found = next((o for o in corpus_outlets(db) if o.name == name), None)
    if found is None:
        raise HTTPException(404, f"no outlet {name} (/outlets lists them)")
    return found


def outlet_articles(db: Database, found: Outlet, limit: int, offset: int
                    ) -> tuple[int, list[Hit]]:
    """One page of the outlet's articles, newest first."""
    return workspace.listed(db.store().conn, found.articles, limit, offset)


def warm(db: Database) -> None:
    """Compute what the dashboard, search form, outlet and republication pages read, so
    the first analyst does not wait for it (run once at start, on a thread)."""
    for compute in (dashboard, facets, corpus_clusters, corpus_outlets, corpus_narratives):
        compute(db)


def pending_matches(db: Database, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
    """One page of the matches awaiting a verdict, each with its article and sentence."""
    conn = db.store().conn
    total, rows, members = conn.read_all(workspace.pending_matches_reads(conn, limit, offset))
    return total, [_match_view(row, members) for row in rows]


def match_view(store: Store, match_id: int) -> dict[str, Any]:
    tables = KbTables(store.conn)
    row = tables.match(match_id)
    if row is None:
        raise HTTPException(404, f"no match with id {match_id}")
    return _match_view(row, tables.group_members([row.group_key]))


def _match_view(row: MatchRow, members: dict[str, list[str]]) -> dict[str, Any]:
    return {**match_dict(row, members.get(row.group_key, [])), "article_id": row.article_id,
            "start": row.start, "end": row.end, "sentence": row.sentence}


def set_match_verdict(db: Database, match_id: int, action: str) -> dict[str, Any]:
    """Confirm, reject or clear a match (404 when there is no such match)."""
    store = db.store()
    match_view(store, match_id)
    set_verdict(store, match_id, action)
    return match_view(store, match_id)


def set_technique_verdict(db: Database, article_id: str, start: int, end: int, technique: str,
                          verdict: str) -> None:
    """Record 'wrong' or 'right' (or 'clear' it) for one stored technique span."""
    if not workspace.set_technique_verdict(db.store().conn, article_id, start, end, technique,
                                           None if verdict == "clear" else verdict):
        raise HTTPException(404, f"article {article_id} has no {technique} span at "
                                 f"[{start}, {end})")


def technique_spans(db: Database, technique: str | None, article: str | None, limit: int,
                    offset: int) -> tuple[int, list[dict[str, Any]]]:
    """One page of the stored technique spans, by article and position."""
    total, spans = listings.technique_spans(db.store().conn, technique, article, limit, offset)
    return total, [s.to_json() for s in spans]


def claims(db: Database, article: str | None, matched_only: bool, limit: int, offset: int
           ) -> tuple[int, list[dict[str, Any]]]:
    """One page of the claims, matched ones first, each with its known-claim matches."""
    store = db.store()
    total, page = listings.claim_spans(store.conn, article, matched_only, limit, offset)
    found = claims_with_matches(store, [claim for claim, _ in page])
    return total, [{**item, "matched": matched} for item, (_, matched) in zip(found, page,
                                                                               strict=True)]
