"""``propwatch narratives``: which stories run through a corpus, since when, where."""

from __future__ import annotations

import sys
from datetime import date

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.cli._text import terminal_safe
from propwatch.errors import ConfigError
from propwatch.narratives import Narrative, Settings, Thresholds, narratives, parse_id, update
from propwatch.narratives.export import write
from propwatch.narratives.view import moves_of, narrative_id
from propwatch.store import open_store
from propwatch.store.open import database_exists

DEFAULTS = Thresholds()


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


@main.group("narratives", invoke_without_command=True)
@db_option(must_exist=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True,
              help="table for people; json, jsonl (one narrative a line) or csv for programs.")
@click.option("--since", callback=_iso_date, metavar="YYYY-MM-DD",
              help="Only articles published on or after this day (undated ones are left out).")
@click.option("--until", callback=_iso_date, metavar="YYYY-MM-DD",
              help="Only articles published on or before this day.")
@click.option("--limit", type=click.IntRange(min=0), default=30, show_default=True,
              help="Table: show this many narratives, biggest first (0 = all). JSON has all.")
@click.option("--rebuild", is_flag=True,
              help="Re-cluster every claim from scratch (new ids; old ids are never reused).")
@click.option("--claim-threshold", type=click.FloatRange(-1, 1), default=None,
              help=f"With --rebuild: cosine for 'the same claim' (default {DEFAULTS.claim}).")
@click.option("--narrative-threshold", type=click.FloatRange(-1, 1), default=None,
              help="With --rebuild: cosine for a claim cluster to join a narrative "
              f"(default {DEFAULTS.narrative}).")
@click.option("--words-weight", type=click.FloatRange(0, 1), default=None,
              help="With --rebuild: weight of shared words (TF-IDF) against claim embeddings "
              f"in the similarity of two articles (default {DEFAULTS.words}).")
@click.pass_context
def narratives_command(ctx: click.Context, db: str, fmt: str, since: str | None,
                       until: str | None, limit: int, rebuild: bool,
                       claim_threshold: float | None,
                       narrative_threshold: float | None, words_weight: float | None) -> None:
    """List the narratives of a corpus: the stories its articles' claims tell.

    Groups articles by their claim sentences (the claims layer; entity aliases applied:
    Daesh = ISIS): two articles are close when their claims share distinctive words
    (TF-IDF) and, with --words-weight below 1, mean (sentence embeddings).  Inside each
    narrative, claims are grouped into claim clusters (the same claim in other words).
    Articles not yet grouped are assigned first ('analyze' does this too): each joins the
    nearest narrative if close enough, the others are clustered into new narratives.
    Earlier articles never move, so ids stay valid across runs; when a narrative grows
    close to another, the younger is merged into the older and 'narratives show OLD-ID'
    says where it went.  --rebuild re-clusters everything (new ids, old ones recorded).

    \b
    Table: id, dominant-in / carrying articles, claims, first seen, label (the most
    central claim and the narrative's distinctive terms).
    JSON: {"narratives": [{"id", "label", "central_claim", "terms", "articles" (ids, those
    it dominates first), "dominant_in", "claims": [{"article", "start", "end", "text",
    "cluster"}], "clusters", "known_claims": [{"id", "text", "url", "asserts", "refutes",
    "reports", "articles"}], "timeline": {"first_seen", "per_day", "per_week", "undated",
    "per_outlet": {OUTLET: {"articles", "first_seen"}}}}]}

    \b
    Quality on FNC-1 and on real news: docs/benchmarks.md ("Narratives").

    \b
    Examples:
      propwatch narratives --db corpus.db
      propwatch narratives --db corpus.db --since 2024-01-01 --format json > n.json
      propwatch narratives show N12 --db corpus.db
      propwatch narratives --db corpus.db --rebuild --claim-threshold 0.8
    """
    if ctx.invoked_subcommand is not None:
        return
    if not database_exists(db):
        raise ConfigError(f"no database at {db}; pass --db with the file 'propwatch analyze' "
                          "wrote")
    settings = None
    if (claim_threshold, narrative_threshold, words_weight) != (None, None, None):
        if not rebuild:
            raise ConfigError("--claim-threshold, --narrative-threshold and --words-weight "
                              "change how everything is grouped: pass --rebuild with them")
        settings = Settings(Thresholds(
            DEFAULTS.claim if claim_threshold is None else claim_threshold,
            DEFAULTS.narrative if narrative_threshold is None else narrative_threshold,
            DEFAULTS.words if words_weight is None else words_weight))
    with open_store(db) as store:
        summary = update(store, settings, rebuild=rebuild, progress=_progress)
        found = narratives(store, since, until)
    if fmt != "table":
        write(found, fmt, sys.stdout)
        return
    rebuilt = f"; re-clustered ({summary.rebuilt})" if summary.rebuilt else ""
    merged = f", {summary.merges} merged" if summary.merges else ""
    click.echo(f"{summary.articles} articles in {summary.narratives} narratives, "
               f"{summary.claims} claims in {summary.clusters} claim clusters "
               f"({summary.new_articles} articles newly grouped{merged}, "
               f"{summary.embedded} claims embedded{rebuilt}); {len(found)} in range"
               + (f", the {limit} biggest below" if 0 < limit < len(found) else ""), err=True)
    if not summary.claims:
        click.echo("no claims to group: run 'propwatch analyze' with the claims component "
                   "first", err=True)
    click.echo(f"{'id':>6}  {'dominant':>8}  {'carrying':>8}  {'claims':>6}  "
               f"{'first seen':10}  label")
    for n in found[: limit or None]:
        click.echo(f"{n.id:>6}  {len(n.dominant_in):8}  {len(n.articles):8}  "
                   f"{len(n.claims):6}  {n.timeline['first_seen'] or '-':10}  "
                   f"{terminal_safe(n.label)[:100]}")


@narratives_command.command("show")
@click.argument("narrative")
@db_option()
def show_command(narrative: str, db: str) -> None:
    """Show one narrative: label, known claims, timeline, articles with their sentences.

    NARRATIVE is an id from 'propwatch narratives' (N12 or 12).  Reads what the last
    'propwatch narratives' run grouped; run that first after adding articles.

    \b
    Example:
      propwatch narratives show N12 --db corpus.db
    """
    number = parse_id(narrative)
    with open_store(db) as store:
        found = {n.id: n for n in narratives(store)}
        moves = moves_of(store, number)
    item = found.get(narrative_id(number))
    if item is None and moves:
        for move in moves:
            click.echo(f"{narrative_id(number)} was {move.kind} on {move.at}: "
                       f"{move.articles} of its articles are now in {narrative_id(move.into)}",
                       err=True)
        if all(m.kind == "merged" for m in moves):  # follow the merges to where it is now
            item = found.get(narrative_id(moves[-1].into))
        if item is None:
            return
    if item is None:
        raise ConfigError(f"no narrative {narrative_id(number)} in {db}; 'propwatch "
                          f"narratives --db {db}' lists the ids")
    _print(item)


def _print(n: Narrative) -> None:
    safe = terminal_safe
    click.echo(f"{n.id}: {safe(n.central_claim)}")
    click.echo(f"terms: {', '.join(safe(t) for t in n.terms) or '-'}")
    click.echo(f"{len(n.articles)} articles ({len(n.dominant_in)} dominated), "
               f"{len(n.claims)} claims in {n.clusters} claim clusters")
    t = n.timeline
    click.echo(f"first seen: {t['first_seen'] or '-'}; undated articles: {t['undated']}")
    for week, count in t["per_week"].items():
        click.echo(f"  {week}  {count:5}  {'#' * min(count, 60)}")
    click.echo("outlets:")
    for outlet, info in t["per_outlet"].items():
        click.echo(f"  {safe(outlet)[:40]:40}  {info['articles']:5} articles  "
                   f"first seen {info['first_seen'] or '-'}")
    if n.known_claims:
        click.echo("known claims (asserts / refutes / reports):")
        for k in n.known_claims:
            click.echo(f"  {k['asserts']:3} / {k['refutes']:3} / {k['reports']:3}  "
                       f"{safe(k['text'])[:90]}  {safe(k['url'] or '')}")
    click.echo("articles:")
    by_article: dict[str, list[str]] = {}
    for c in n.claims:
        by_article.setdefault(c["article"], []).append(c["text"])
    for article in n.articles:
        mark = "*" if article in n.dominant_in else " "
        click.echo(f" {mark}{article}")
        for text in by_article[article]:
            click.echo(f"     - {safe(text)[:160]}")


def _progress(stage: str, done: int, total: int) -> None:
    click.echo(f"{stage}: {done}/{total}", err=True)
