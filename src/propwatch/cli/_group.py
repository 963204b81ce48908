"""The top-level ``propwatch`` command group; each subcommand lives in its own module."""

from __future__ import annotations

import logging

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="propwatch")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """propwatch: see how news articles persuade and how their stories spread.

    \b
    Typical session:
      propwatch analyze scraped/ --db corpus.db --report report.html
      propwatch export --db corpus.db --format jsonl > articles.jsonl
      propwatch export --db corpus.db --format csv > articles.csv

    Every command takes --help.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
