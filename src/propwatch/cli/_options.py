"""Options several commands share, defined once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from propwatch.cli._group import remember_db

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def db_option(must_exist: bool = True, help: str = "Database written by analyze.") -> Decorator:
    """``--db``: the SQLite database file, ``propwatch.db`` unless given."""
    return click.option("--db", default="propwatch.db", show_default=True,
                        type=click.Path(dir_okay=False, exists=must_exist), help=help,
                        callback=remember_db)


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
