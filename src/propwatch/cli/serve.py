"""``propwatch serve``: the analyst's workspace, a web app and a REST API over a corpus."""

from __future__ import annotations

import click

from propwatch.cli._group import main
from propwatch.cli._options import db_option
from propwatch.serve.run import ServeOptions, serve


@main.command("serve")
@db_option()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs an access token.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--token", envvar="PROPWATCH_TOKEN", default=None,
              help="Access token every request must carry (Authorization: Bearer TOKEN, or "
                   "log in at /login). Generated and printed when --host is not loopback "
                   "and none is given. Also read from $PROPWATCH_TOKEN.")
@click.option("--read-only", is_flag=True,
              help="Open the database read-only and refuse every change (verdicts).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (more answer more requests at once on more cores).")
def serve_command(db: str, host: str, port: int, token: str | None, read_only: bool,
                  workers: int) -> None:
    """Search, read and review the corpus in a browser; the same over a REST API.

    \b
    Pages: / (dashboard), /search?q=..., /articles/ID, /review (matches
    awaiting a verdict).  API under /api/, described at /api/openapi.json:
      GET  /api/articles?q=&outlet=&since=&until=&technique=&limit=&offset=
      GET  /api/articles/ID            the article as `export` writes it
      GET  /api/techniques?technique=&article=&limit=&offset=   technique spans
      GET  /api/claims?article=&matched=&limit=&offset=   claims, matched first
      GET  /api/matches                matches awaiting a verdict
      POST /api/matches/ID/verdict     {"verdict": "confirm" | "reject" | "clear"}
      GET  /api/stats                  corpus statistics

    \b
    Examples:
      propwatch serve --db corpus.db
      propwatch serve --db corpus.db --host 0.0.0.0 --port 8080 --read-only
      curl -H "Authorization: Bearer $TOKEN" 'http://host:8080/api/articles?q=nato'
    """
    options = ServeOptions(db=db, host=host, port=port, token=token,
                           read_only=read_only, workers=workers)
    serve(options, lambda line: click.echo(line, err=True))
