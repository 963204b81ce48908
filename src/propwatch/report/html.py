"""The self-contained HTML report: corpus overview plus one readable page per article.

One file, no network: styles and the small script are inline.  Jinja's autoescape is on
for every template, so article text (untrusted) is always shown, never run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from propwatch.kb.view import report_view as claims_view
from propwatch.model import Article
from propwatch.narratives import narratives
from propwatch.narratives.view import narratives_by_article
from propwatch.outlets import outlets
from propwatch.report.charts import bars, share
from propwatch.report.highlight import paragraphs
from propwatch.reuse.view import report_view as reuse_view
from propwatch.store import Store
from propwatch.store.open import shown
from propwatch.store.workspace import Filters, selected_ids
from propwatch.techniques.labels import INDEX

PALETTE = [
    "#f4a3a3", "#f7c88f", "#f2e68a", "#b9e39a", "#8fd9c4", "#93c9f0", "#b6a8f0", "#e5a8e0",
    "#f0b3c8", "#cfd8a0", "#a8d8e8", "#d9c2a0", "#c8c8c8", "#e8b0b0",
]


def technique_colour(label: str) -> str:
    """The one colour of a technique in every view (report, workspace, charts)."""
    return PALETTE[INDEX.get(label, len(PALETTE) - 1) % len(PALETTE)]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("propwatch.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def explanations() -> dict[str, dict[str, str]]:
    """Technique name -> {"name", "definition", "example"} when the tagger is installed."""
    try:
        from propwatch.techniques.explanations import EXPLANATIONS
    except ImportError:
        return {}
    return {k: dict(v) for k, v in EXPLANATIONS.items()}


def _article_view(article: Article, colours: dict[str, str]) -> dict[str, Any]:
    techniques = sorted(article.layers.get("techniques", []), key=lambda s: -(s.score or 0))
    for span in techniques:
        colours.setdefault(span.label, technique_colour(span.label))
    paras = paragraphs(article.text, techniques)
    titled = bool(paras) and "".join(p.text for p in paras[0]).strip() == (article.title or "")
    return {
        "article": article,
        "heading": paras[0] if titled else None,  # the title, highlighted, when the text has it
        "paragraphs": paras[1:] if titled else paras,
        "techniques": techniques,
        "technique_counts": Counter(s.label for s in techniques).most_common(),
        "sentences": len(article.layers.get("sentences", [])),
        "words": len(article.text.split()),
    }


def _outlet_techniques(articles: list[Article]) -> list[dict[str, Any]]:
    """Per outlet: words analysed and technique span counts, most words first."""
    rows: dict[str, dict[str, Any]] = {}
    for a in articles:
        row = rows.setdefault(a.outlet or "(unknown outlet)",
                              {"outlet": a.outlet or "(unknown outlet)", "words": 0,
                               "counts": Counter()})
        row["words"] += len(a.text.split())
        row["counts"].update(s.label for s in a.layers.get("techniques", []))
    return sorted(rows.values(), key=lambda r: -r["words"])


def _timeline(articles: list[Article], max_rows: int = 40) -> tuple[str, list[tuple[str, int]]]:
    """Articles per day, or per month (then per year) when there are too many days to read."""
    counts: Counter[str] = Counter()
    for unit, width in (("date", 10), ("month", 7), ("year", 4)):
        counts = Counter((a.published or "")[:width] or "(no date)" for a in articles)
        if len(counts) <= max_rows:
            return unit, sorted(counts.items())
    return "year", sorted(counts.items())


def _selected(store: Store, selection: Filters | None) -> list[Article]:
    if selection is None:
        return list(store.articles())
    return list(store.articles_by_id(selected_ids(store.conn, selection)))


def describe(selection: Filters | None) -> str:
    """The filters a report was restricted by, as the command line would write them."""
    if selection is None:
        return ""
    names = {"q": "query"}
    return " ".join(f"--{names.get(f.name, f.name)} {getattr(selection, f.name)!r}"
                    for f in fields(selection)
                    if f.name in ("q", "outlet", "since", "until") and getattr(selection, f.name))


def report_context(store: Store, title: str = "propwatch report",
                   selection: Filters | None = None) -> dict[str, Any]:
    """Everything the template shows, computed from the store; with ``selection`` only
    the articles it selects (and the clusters, narratives and outlets they are in)."""
    articles = _selected(store, selection)
    colours: dict[str, str] = {}
    views = [_article_view(a, colours) for a in articles]
    by_outlet = Counter(a.outlet or "(unknown outlet)" for a in articles).most_common()
    date_unit, by_date = _timeline(articles)
    techniques = Counter(s.label for a in articles for s in a.layers.get("techniques", []))
    ids = None if selection is None else {a.id for a in articles}
    return {
        "title": title,
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "database": shown(store.path),
        "views": views,
        "by_outlet": by_outlet,
        "by_date": by_date,
        "date_unit": date_unit,
        "max_outlet": max((n for _, n in by_outlet), default=1),
        "max_date": max((n for _, n in by_date), default=1),
        "technique_totals": techniques.most_common(),
        "outlet_techniques": _outlet_techniques(articles),
        "colours": colours,
        "explanations": explanations(),
        "selection": describe(selection),
        "stored": store.article_count(),
        "also_at": store.also_at(),
        # inputs that gave no article are listed only in the report of the whole corpus
        "rejected": store.rejected() if selection is None else [],
        "skips": store.skips() if selection is None else [],
        "reuse": _restricted_reuse(reuse_view(store), ids),
        "claims": claims_view(store, articles),
        **_narratives_and_outlets(store, ids),
    }


def _restricted_reuse(view: dict[str, Any], ids: set[str] | None) -> dict[str, Any]:
    """The republication section keeping only clusters with a selected copy."""
    if ids is None:
        return view
    kept = [c for c in view["clusters"] if any(m["id"] in ids for m in c["copies"])]
    return {**view, "clusters": kept, "total_clusters": len(kept),
            "articles_in_clusters": sum(len(c["copies"]) for c in kept)}


REPORT_ROWS = 20


def _narratives_and_outlets(store: Store, ids: set[str] | None) -> dict[str, Any]:
    """The biggest narratives and outlets (those of the articles ``ids`` when given),
    each with its chart (inline SVG)."""
    found = narratives(store)
    profiles = outlets(store)
    if ids is not None:
        of_selected = {n for aid, ns in narratives_by_article(store).items() if aid in ids
                       for n in ns}
        found = [n for n in found if n.id in of_selected]
        profiles = [o for o in profiles if not ids.isdisjoint(o.articles)]
    return {
        "narratives": [{**vars(n), "chart": bars(list(n.timeline["per_week"].items()),
                                                 label="articles per week")}
                       for n in found[:REPORT_ROWS]],
        "narratives_total": len(found),
        "outlets": [{**vars(o), "chart": bars(list(o.per_month.items()),
                                              label="articles per month"),
                     "share_chart": share(o.first_mover_share or 0.0)}
                    for o in profiles[:REPORT_ROWS]],
        "outlets_total": len(profiles),
    }


def render(store: Store, title: str = "propwatch report",
           selection: Filters | None = None) -> str:
    return _environment().get_template("report.html").render(
        **report_context(store, title, selection))


@dataclass(frozen=True)
class Written:
    path: Path
    articles: int  # in the report
    stored: int  # in the database


def write_report(store: Store, path: str | Path, title: str = "propwatch report",
                 selection: Filters | None = None) -> Written:
    """Write the report of the stored corpus, or of the articles ``selection`` selects
    (a bad date or stance raises ConfigError before anything is written)."""
    context = report_context(store, title, selection)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_environment().get_template("report.html").render(**context),
                      encoding="utf-8")
    return Written(target, len(context["views"]), context["stored"])
