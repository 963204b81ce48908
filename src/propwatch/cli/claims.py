"""``propwatch claims``: check-worthy claims across the corpus and their known debunks."""

from __future__ import annotations

import json
from pathlib import Path

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.errors import PropwatchError
from propwatch.kb import list_claims, match_new_claims, set_verdict
from propwatch.store import open_store

DB = db_option()


@main.group("claims", invoke_without_command=True)
@db_option(must_exist=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--matched", is_flag=True, help="Only claims with a match to a known claim.")
@click.pass_context
def claims_group(ctx: click.Context, db: str, fmt: str, matched: bool) -> None:
    """List claims across the corpus: confirmed matches first, then by check-worthiness.

    \b
    Each match has a MATCH_ID; record your verdict with
      propwatch claims confirm MATCH_ID --db corpus.db
      propwatch claims reject MATCH_ID --db corpus.db
    Confirmed matches stay and come first; rejected ones are no longer shown.
    """
    if ctx.invoked_subcommand is not None:
        return
    if not Path(db).exists():
        raise click.ClickException(f"no database at {db}; pass --db with the file analyze wrote")
    with open_store(db) as store:
        rows = list_claims(store, matched_only=matched)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for claim in rows:
        click.echo(f"{claim['score']:.2f}  {claim['article_id']}[{claim['start']}:{claim['end']}]"
                   f"  {claim['text']}")
        for m in claim["matches"]:
            mark = {"confirmed": "confirmed", "rejected": "rejected"}.get(m["verdict"] or "", "")
            click.echo(f"      #{m['match_id']:<6} {m['score']:.2f} {mark:<9} {m['text']}")
            click.echo(f"              {m['source']}, {m['date'] or 'undated'}: "
                       f"{m['url'] or m['id']}")


@claims_group.command("match")
@DB
@click.option("--all", "rematch", is_flag=True,
              help="Match every claim again (reviewed matches are kept).")
def match_command(db: str, rematch: bool) -> None:
    """Match claims not yet matched against the knowledge base."""
    try:
        with open_store(db) as store:
            s = match_new_claims(store, rematch=rematch)
    except PropwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{s.claims} claims matched against {s.known_claims} known claims in "
               f"{s.seconds:.1f}s: {s.matched} with a match, {s.matches} matches stored")


def _verdict(action: str, match_id: int, db: str) -> None:
    try:
        with open_store(db) as store:
            row = set_verdict(store, match_id, action)
    except PropwatchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"match #{row.match_id} {row.verdict or 'unreviewed'}: {row.text} ({row.kb_id})")


@claims_group.command("confirm")
@click.argument("match_id", type=int)
@DB
def confirm_command(match_id: int, db: str) -> None:
    """Confirm that a claim restates the known claim of MATCH_ID."""
    _verdict("confirm", match_id, db)


@claims_group.command("reject")
@click.argument("match_id", type=int)
@DB
def reject_command(match_id: int, db: str) -> None:
    """Reject a match: the claim does not restate that known claim."""
    _verdict("reject", match_id, db)
