"""``propwatch outlets``: one profile per outlet (what, when, how, whose text)."""

from __future__ import annotations

import sys

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.cli._text import terminal_safe
from propwatch.errors import ConfigError
from propwatch.outlets import Outlet, outlets
from propwatch.outlets.export import write
from propwatch.store import open_store
from propwatch.store.open import database_exists


@main.group("outlets", invoke_without_command=True)
@db_option(must_exist=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True,
              help="table for people; json, jsonl (one outlet a line) or csv for programs.")
@click.option("--limit", type=click.IntRange(min=0), default=30, show_default=True,
              help="Table: show this many outlets, most articles first (0 = all).")
@click.pass_context
def outlets_command(ctx: click.Context, db: str, fmt: str, limit: int) -> None:
    """Profile every outlet of a corpus.

    The outlet of an article is the one extraction found, else its URL's domain.  Per
    outlet: articles over time, technique spans per 1,000 words against the corpus's, the
    narratives it pushes and the share of them it started (first mover: the narrative's
    earliest article is its own, among narratives at least two outlets carry), the
    debunked claims its articles repeat (known-claim matches with stance asserts), and
    republication: whose text it carries and who carries its text (reuse families).
    Narratives are as the last 'propwatch narratives' or 'analyze' run grouped them.

    \b
    Table: outlet, articles, first / last dated, narratives, first-mover share, asserted
    debunked claims, families copied from others / by others.
    JSON: {"outlets": [{"name", "articles", "words", "first_seen", "last_seen",
    "timeline": {"per_week", "per_month", "undated"}, "techniques": [{"technique",
    "spans", "per_1000_words", "corpus_per_1000_words", "ratio"}], "narratives": [{"id",
    "label", "articles", "narrative_articles", "outlets", "first_mover", "first_seen"}],
    "first_mover_share", "asserted_claims": [{"id", "text", "rating", "url", "articles"}],
    "copies_from": {OUTLET: families}, "copied_by": {OUTLET: families}}]}

    \b
    Examples:
      propwatch outlets --db corpus.db
      propwatch outlets --db corpus.db --format csv > outlets.csv
      propwatch outlets show example.org --db corpus.db
    """
    if ctx.invoked_subcommand is not None:
        return
    if not database_exists(db):
        raise ConfigError(f"no database at {db}; pass --db with the file 'propwatch analyze' "
                          "wrote")
    with open_store(db) as store:
        found = outlets(store)
    if fmt != "table":
        write(found, fmt, sys.stdout)
        return
    click.echo(f"{len(found)} outlets" +
               (f", the {limit} with most articles below" if 0 < limit < len(found) else ""),
               err=True)
    click.echo(f"{'articles':>8}  {'first':10}  {'last':10}  {'narr.':>5}  {'first%':>6}  "
               f"{'asserts':>7}  {'copies':>6}  {'copied':>6}  outlet")
    for o in found[: limit or None]:
        share = "-" if o.first_mover_share is None else f"{100 * o.first_mover_share:.0f}%"
        click.echo(f"{len(o.articles):8}  {o.first_seen or '-':10}  {o.last_seen or '-':10}  "
                   f"{len(o.narratives):5}  {share:>6}  {len(o.asserted_claims):7}  "
                   f"{sum(o.copies_from.values()):6}  {sum(o.copied_by.values()):6}  "
                   f"{terminal_safe(o.name)[:60]}")


@outlets_command.command("show")
@click.argument("name")
@db_option()
def show_command(name: str, db: str) -> None:
    """Show one outlet's profile.  NAME is as 'propwatch outlets' lists it.

    \b
    Example:
      propwatch outlets show example.org --db corpus.db
    """
    with open_store(db) as store:
        found = {o.name: o for o in outlets(store)}
    item = found.get(name) or next((o for n, o in found.items()
                                    if n.casefold() == name.casefold()), None)
    if item is None:
        raise ConfigError(f"no outlet {name!r} in {db}; 'propwatch outlets --db {db}' "
                          "lists them")
    _print(item)


def _print(o: Outlet) -> None:
    safe = terminal_safe
    click.echo(f"{safe(o.name)}: {len(o.articles)} articles, {o.words} words; dated "
               f"{o.first_seen or '-'} to {o.last_seen or '-'} ({o.undated} undated)")
    for month, count in o.per_month.items():
        click.echo(f"  {month}  {count:5}  {'#' * min(count, 60)}")
    spans = [t for t in o.techniques if t["spans"]]
    if spans:
        click.echo("techniques (spans per 1,000 words here / in the corpus):")
        for t in spans:
            ratio = "-" if t["ratio"] is None else f"x{t['ratio']:.2f}"
            click.echo(f"  {t['technique'][:40]:40}  {t['spans']:5}  "
                       f"{t['per_1000_words']:7.2f} / {t['corpus_per_1000_words']:7.2f}  {ratio}")
    share = "-" if o.first_mover_share is None else f"{100 * o.first_mover_share:.0f}%"
    click.echo(f"narratives: {len(o.narratives)} (first mover in {share} of those carried "
               "by two outlets or more)")
    for n in o.narratives[:20]:
        first = "first" if n["first_mover"] else "     "
        click.echo(f"  {n['id']:>7}  {n['articles']:4}/{n['narrative_articles']:<4} {first}  "
                   f"{safe(n['label'])[:90]}")
    if o.asserted_claims:
        click.echo("debunked claims it repeats (stance asserts):")
        for c in o.asserted_claims:
            click.echo(f"  {len(c['articles']):3} articles  {safe(c['text'])[:90]}  "
                       f"{safe(c['url'] or '')}")
    for title, counts in (("carries text first published by", o.copies_from),
                          ("its text is carried by", o.copied_by)):
        if counts:
            click.echo(f"{title}: " + ", ".join(f"{safe(k)} ({v})" for k, v in counts.items()))
