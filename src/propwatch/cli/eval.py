"""``propwatch eval ...``: score shipped models on labelled data."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from propwatch.cli._group import main
from propwatch.cli._options import MODEL_DIR_OPTION, PROFILE_OPTION


@main.group("eval")
def eval_() -> None:
    """Evaluate models on labelled data."""


@eval_.command("ptc")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--split",
    type=click.Choice(["all", "test", "val", "train"]),
    default="all",
    show_default=True,
    help="Score only one part of the seeded split used in training (seed 13).",
)
@MODEL_DIR_OPTION
@PROFILE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_ptc(directory: Path, split: str, model_dir: Path | None, as_json: bool,
             profile: str) -> None:
    """Technique tagger on a PTC directory: SI, TC (on gold spans) and FLC P/R/F1,
    overall and per technique."""
    from propwatch.techniques.run import evaluate_ptc, format_eval, split_of
    from propwatch.techniques.tagger import Tagger

    tagger = Tagger(model_dir, profile=profile)
    res = evaluate_ptc(directory, tagger, split_of(directory, split))
    click.echo(json.dumps(asdict(res), indent=1) if as_json else format_eval(res))
