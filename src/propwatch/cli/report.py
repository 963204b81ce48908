"""``propwatch report``: the static HTML report, written from the database."""

from __future__ import annotations

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.errors import one_line
from propwatch.report.html import write_report
from propwatch.store import open_store
from propwatch.store.workspace import Filters


@main.command("report")
@db_option()
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="The HTML file to write (one self-contained file, no network).")
@click.option("--query", default="", help="Only articles with every word (or \"phrase\"); "
              "word* matches words starting with it.  As the workspace's search.")
@click.option("--outlet", default=None, help="Only articles of this outlet.")
@click.option("--since", default=None, help="Only articles published on or after this date "
              "(YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--until", default=None, help="Only articles published on or before this date "
              "(a month or year includes all of it).")
def report_command(db: str, output: str, query: str, outlet: str | None, since: str | None,
                   until: str | None) -> None:
    """Write the HTML report of the stored corpus as it is now.

    Reads the database, so imported knowledge bases, matches, verdicts and
    republication results since the last `analyze` are all in it.  With
    filters, only the articles they select (and the republication clusters,
    narratives and outlets those articles are in).

    \b
    Examples:
      propwatch report --db corpus.db -o report.html
      propwatch report --db corpus.db -o may.html --outlet "River Post" \\
          --since 2024-05 --until 2024-05 --query "bridge closed"
    """
    filtered = bool(query or outlet or since or until)
    selection = Filters(q=query, outlet=outlet, since=since, until=until) if filtered else None
    with open_store(db) as store:
        written = write_report(store, output, selection=selection)
    click.echo(f"report: {one_line(str(written.path))} ({written.articles} of "
               f"{written.stored} stored articles)", err=True)
