"""``propwatch reuse``: where else each story ran, and which copy came first."""

from __future__ import annotations

import json
from pathlib import PurePath

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.reuse import refresh, to_json
from propwatch.store import open_store
from propwatch.store.reuse import ArticleMeta


@main.command("reuse")
@db_option()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="table for people; json for programs.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Table: show this many clusters, biggest first (0 = all). JSON has all.")
def reuse_command(db: str, fmt: str, limit: int) -> None:
    """Find republished articles: duplicates, copies inside longer pages, rewrites.

    Fingerprints any articles not yet indexed (only those: the index grows with the
    database), then lists clusters of articles that carry the same story, biggest first,
    with the earliest copy (by publication date when known, else first seen).

    \b
    JSON: {"clusters": [{"id", "articles", "earliest", "pairs": [{"a", "b", "relation",
    "jaccard", "a_in_b", "b_in_a"}], "provenance"}]}; relation is duplicate, contained (a is
    inside b; a_in_b is the share) or rewrite.  Ids are the ones export prints.

    \b
    Examples:
      propwatch reuse --db corpus.db --limit 10
      propwatch reuse --db corpus.db --format json > reuse.json
    """
    with open_store(db) as store:
        summary, found = refresh(store)
    if fmt == "json":
        click.echo(json.dumps(to_json(found), ensure_ascii=False, indent=1))
        return
    click.echo(
        f"{summary.fingerprinted_total} articles indexed ({summary.new_articles} new); "
        f"{len(found)} clusters"
        + (f" (the {limit} biggest below)" if 0 < limit < len(found) else ""), err=True,
    )
    for c in found[: limit or None]:
        first = next(m for m in c.articles if m.id == c.earliest)
        click.echo(f"\n{c.id}  {len(c.articles)} articles  earliest: {first.id} "
                   f"({_where(first)}, {first.published or 'first seen'})")
        for m in c.articles:
            declared = f"  declares: {m.declared_source}" if m.declared_source else ""
            click.echo(f"  {m.id}  {m.published or '----------'}  "
                       f"{_where(m)[:40]:40}  {(m.title or '')[:50]}{declared}")
        for r in c.pairs:
            detail = (f"{r.a_in_b:.0%} of {r.a} inside {r.b}" if r.relation == "contained"
                      else f"{r.a} ~ {r.b}")
            click.echo(f"    {r.relation:9}  {detail}  (jaccard {r.jaccard:.2f})")
        for d in c.provenance.disagreements:
            click.echo(f"    ! {d.article}: {d.reason}")


def _where(m: ArticleMeta) -> str:
    return m.outlet or PurePath(m.source).name
