"""Options several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from propwatch.cli._group import remember_db
from propwatch.store.connection import is_url

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class Database(click.ParamType):
    """A SQLite file path (checked like ``click.Path``) or a ``postgresql://`` URL (kept
    as written: the server is asked when the store opens)."""

    name = "PATH|URL"

    def __init__(self, must_exist: bool) -> None:
        self.file = click.Path(dir_okay=False, exists=must_exist)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> str:
        if is_url(str(value)):
            return str(value)
        return str(self.file.convert(value, param, ctx))


def db_option(must_exist: bool = True, help: str = "Database written by analyze.") -> Decorator:
    """``--db``: a SQLite database file (``propwatch.db`` unless given) or the URL of a
    PostgreSQL database, ``postgresql://user@host/dbname``."""
    return click.option("--db", default="propwatch.db", show_default=True,
                        type=Database(must_exist), callback=remember_db,
                        help=help + " A file path (SQLite) or postgresql://user@host/dbname.")


MODEL_DIR_OPTION: Decorator = click.option(
    "--model", "model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None, help="Model directory (default: the shipped model).",
)

PROFILE_OPTION: Decorator = click.option(
    "--profile", type=click.Choice(["precise", "balanced"]), default="precise",
    show_default=True,
    help="Technique spans: precise = fewer spans, most of them right (SI precision 0.60 "
    "on validation); balanced = the best-F1 point, more spans and more wrong ones.",
)
