"""``propwatch claims``: claims across the corpus and the known claims they make."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from propwatch.claims.stance import STANCES
from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.cli._text import terminal_safe
from propwatch.kb import list_claims, match_new_claims, set_verdict
from propwatch.store import open_store
from propwatch.store.open import database_exists

DB = db_option()


@main.group("claims", invoke_without_command=True)
@db_option(must_exist=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--matched", is_flag=True,
              help="Only claims with a `match` (or a confirmed match) to a known claim.")
@click.option("--related", is_flag=True, help="Only claims with a `match` or `related` result.")
@click.option("--stance", "stances", type=click.Choice(STANCES), multiple=True,
              help="Only matches with this stance (repeatable); implies --matched.")
@click.option("--all", "everything", is_flag=True,
              help="Every sentence, not only those with a result or check-worthy ones.")
@click.pass_context
def claims_group(ctx: click.Context, db: str, fmt: str, matched: bool, related: bool,
                 stances: tuple[str, ...], everything: bool) -> None:
    """List claims: confirmed matches first, then `match`, `related`, then check-worthy.

    \b
    Each line: check-worthiness, article[start:end], the sentence; under it
    each known claim it matched: MATCH_ID, score (probability that the
    sentence makes that claim), decision (match / related), the article's
    stance towards the claim (asserts: spreads it; refutes: denies or debunks
    it; reports: mentions it without taking a side).
    Record your verdict on a match with
      propwatch claims confirm MATCH_ID --db corpus.db
      propwatch claims reject MATCH_ID --db corpus.db
    Confirmed matches stay and come first; rejected ones are no longer shown.
    """
    if ctx.invoked_subcommand is not None:
        return
    if not database_exists(db):
        raise click.ClickException(f"no database at {db}; pass --db with the file analyze wrote")
    decision = "match" if matched else "related" if related else None
    with open_store(db) as store:
        rows = list_claims(store, decision=decision, stances=stances,
                           everything=everything)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for claim in rows:
        click.echo(f"{claim['score']:.2f}  {claim['article_id']}[{claim['start']}:{claim['end']}]"
                   f"  {terminal_safe(claim['text'])}")
        for m in claim["matches"]:
            mark = m["verdict"] or ""
            click.echo(f"      #{m['match_id']:<6} {m['score']:.2f} {m['decision']:<7} "
                       f"{m['stance'] or '':<7} {mark:<9} {terminal_safe(m['text'])}")
            click.echo(f"              {terminal_safe(m['source'])}, {m['date'] or 'undated'}: "
                       f"{terminal_safe(m['url'] or m['id'])}")


@claims_group.command("match")
@DB
@click.option("--all", "rematch", is_flag=True,
              help="Match every claim again (reviewed matches are kept).")
def match_command(db: str, rematch: bool) -> None:
    """Match claims not yet matched against the knowledge base."""
    console = Console(stderr=True)
    columns = (TextColumn("matching claims"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with open_store(db) as store, Progress(*columns, console=console, transient=True,
                                           disable=not console.is_terminal) as bar:
        task = bar.add_task("claims", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        s = match_new_claims(store, rematch=rematch, progress=progress)
    if not s.known_claims:
        click.echo("the knowledge base is empty: import known claims first, e.g. "
                   f"propwatch kb import euvsdisinfo claims.csv --db {db}")
        return
    click.echo(f"{s.claims} claims matched against {s.known_claims} known claims in "
               f"{s.seconds:.1f}s: {s.matched} with a match ({s.asserted} asserting it), "
               f"{s.matches} results stored")


def _verdict(action: str, match_id: int, db: str) -> None:
    with open_store(db) as store:
        row = set_verdict(store, match_id, action)
    click.echo(f"match #{row.match_id} {row.verdict or 'unreviewed'}")
    click.echo(f"  sentence ({row.article_id}[{row.start}:{row.end}]): "
               f"{terminal_safe(row.sentence)}")
    click.echo(f"  known claim ({terminal_safe(row.url or row.kb_id)}): {terminal_safe(row.text)}")


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
