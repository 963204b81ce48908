"""``propwatch kb``: the knowledge base of known (debunked) claims."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.cli._text import terminal_safe
from propwatch.kb import add_alias, import_kb, list_aliases
from propwatch.kb.lookup import DEFAULT_TOP, search_known_claims
from propwatch.store import open_store

DB = db_option(must_exist=False, help="SQLite database file.")


@main.group("kb")
def kb_group() -> None:
    """Known claims that fact-checkers already debunked, to match article claims against.

    \b
    Examples:
      propwatch kb import euvsdisinfo claims.csv --db corpus.db
      propwatch kb import claimreview factchecks.json --db corpus.db
      propwatch kb alias add --db corpus.db "ISIS" "Daesh" "Islamic State"
      propwatch kb search --db corpus.db "The US is helping ISIS in Syria"
    """


@kb_group.command("import")
@click.argument("kind", type=click.Choice(["euvsdisinfo", "claimreview"]))
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@DB
def import_command(kind: str, path: Path, db: str) -> None:
    """Import known claims from PATH; importing again updates them in place.

    \b
    euvsdisinfo: the EUvsDisinfo CSV export (date,id,title,countries,keywords,
                 languages,outlets); the id URL is the key and the citation link.
    claimreview: schema.org ClaimReview JSON-LD (object, list, @graph, HTML page
                 with ld+json, or JSON Lines) or a Google Fact Check Tools API
                 response ({"claims": [...]}).

    Malformed rows are reported with their line and skipped.  Known claims are
    embedded for matching the first time claims are matched.
    """
    with open_store(db) as store:
        s = import_kb(store, kind, path)
    for error in s.skipped:
        click.echo(f"skipped {error}", err=True)
    click.echo(
        f"{s.kind}: {s.added} added, {s.updated} updated, {s.unchanged} unchanged, "
        f"{len(s.skipped)} skipped, {s.duplicate_ids} repeated ids in {s.seconds:.1f}s; "
        f"{s.total} known claims in {s.groups} groups in {db}"
    )


@kb_group.group("alias")
def alias_group() -> None:
    """Names that mean the same thing (Daesh = ISIS), used when matching claims."""


@alias_group.command("add")
@click.argument("canonical")
@click.argument("aliases", nargs=-1, required=True)
@DB
def alias_add(canonical: str, aliases: tuple[str, ...], db: str) -> None:
    """Make ALIASES mean CANONICAL when matching (stored in the database)."""
    with open_store(db) as store:
        added = add_alias(store, canonical, list(aliases))
    click.echo(f"{added} alias(es) added to {canonical!r}")


@alias_group.command("list")
@DB
def alias_list(db: str) -> None:
    """Every alias group: the shipped list plus those added to this database."""
    with open_store(db) as store:
        for canonical, names in list_aliases(store):
            click.echo(f"{canonical}\t" + "\t".join(names))


@kb_group.command("search")
@click.argument("text")
@db_option(help="Database holding the knowledge base.")
@click.option("--top", type=click.IntRange(min=1), default=DEFAULT_TOP, show_default=True,
              help="Known claims shown per text.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def search_command(text: str, db: str, top: int, fmt: str) -> None:
    """The known claims TEXT makes, best first (TEXT "-": one text per line on stdin).

    \b
    Each result has a score, the calibrated probability that the text makes that
    known claim, and a decision:
      match    the text makes this claim (precision >= 0.9 on CheckThat! 2020 dev)
      related  same topic, worth a look; not the same claim as far as we can tell
      none     ranked, but probably another claim
    --format json prints [{"query", "matches": [{"id", "text", "score",
    "decision", "url"}]}], one object per text, in input order.
    """
    texts = [line.strip() for line in sys.stdin if line.strip()] if text == "-" else [text]
    with open_store(db) as store:
        results = search_known_claims(store, texts, top=top)
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for result in results:
        click.echo(f"> {terminal_safe(result['query'])}")
        if not result["matches"]:
            click.echo("  no known claim found")
        for rank, m in enumerate(result["matches"], start=1):
            click.echo(f"  {rank:>2}. {m['score']:.2f} {m['decision']:<7} "
                       f"{terminal_safe(m['text'])}")
            click.echo(f"      {terminal_safe(m['url'] or m['id'])}")
