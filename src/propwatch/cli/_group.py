"""The top-level ``propwatch`` command group; each subcommand lives in its own module.

Errors end here as one line each: a PropwatchError says what to do in its message; a
database failure from any command (damaged, locked, full) is described by the store; a
file that cannot be written (disk full) names the file.  No traceback reaches the user
(``-vv`` logs it).
"""

from __future__ import annotations

import errno
import logging
from typing import Any

import click

from propwatch.errors import PropwatchError, one_line
from propwatch.store import DATABASE_ERRORS
from propwatch.store.open import database_error

log = logging.getLogger(__name__)
DB_KEY = "propwatch.db"  # ctx.meta key: the --db path of the running command


class ErrorsAsMessages(click.Group):
    """A group whose commands' expected failures become one-line ``Error:`` messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PropwatchError as exc:
            log.debug("error", exc_info=exc)
            raise click.ClickException(str(exc)) from exc
        except DATABASE_ERRORS as exc:
            log.debug("database error", exc_info=exc)
            message = str(database_error(exc, str(ctx.meta.get(DB_KEY, "(unknown)"))))
            raise click.ClickException(message) from exc
        except OSError as exc:
            if exc.errno is None or isinstance(exc, BrokenPipeError):
                raise
            log.debug("file error", exc_info=exc)
            where = f"{one_line(str(exc.filename))}: " if exc.filename else ""
            advice = "; free some space, then run again" if exc.errno == errno.ENOSPC else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}{advice}") from exc


def remember_db(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--db`` callback: keep the path so a database error can name it."""
    ctx.meta[DB_KEY] = value
    return value


@click.group(cls=ErrorsAsMessages,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
