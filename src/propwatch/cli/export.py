"""``propwatch export``: articles with their annotations as JSON Lines or CSV."""

from __future__ import annotations

from typing import IO

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.report.export import FORMATS, export
from propwatch.store import open_store


@main.command("export")
@db_option()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: one JSON object per article with text and all annotations "
                   "(character offsets into 'text'); csv: one flat row per article.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write here instead of standard output.")
def export_command(db: str, fmt: str, output: IO[str]) -> None:
    """Export every stored article.

    \b
    JSONL fields: id, source, part, title, author, outlet, published, url,
    declared_source, canonical_url, language, text, sentences, techniques, claims
    (and reuse once republication detection has run).  Every span is a
    [start, end) pair of character offsets into text.  CSV cells that a
    spreadsheet would run as a formula (starting with = + - @) get a leading '.

    \b
    Examples:
      propwatch export --db corpus.db > articles.jsonl
      propwatch export --db corpus.db --format csv -o articles.csv
    """
    with open_store(db) as store:
        count = export(store, fmt, output)
    click.echo(f"exported {count} articles", err=True)
