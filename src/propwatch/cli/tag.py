"""``propwatch tag``: technique spans of text files, as they are (no cleaning)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from propwatch.cli._group import main
from propwatch.cli._options import MODEL_DIR_OPTION, PROFILE_OPTION


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["semeval", "jsonl"]),
    default="semeval",
    show_default=True,
    help="semeval: ID<TAB>TECHNIQUE<TAB>START<TAB>END per span; jsonl: one object "
    "per file with spans and scores.",
)
@MODEL_DIR_OPTION
@PROFILE_OPTION
def tag(paths: tuple[Path, ...], fmt: str, model_dir: Path | None, profile: str) -> None:
    """Tag propaganda techniques in FILE_OR_DIR... (directories: their *.txt files).

    Offsets index each file's text exactly as stored; ID is the digits of an
    articleNNN.txt name, the file stem otherwise.
    """
    from propwatch.techniques.run import jsonl_record, semeval_lines, tag_files
    from propwatch.techniques.tagger import Tagger

    tagger = Tagger(model_dir, profile=profile)
    for tf in tag_files(list(paths), tagger):
        if fmt == "semeval":
            for line in semeval_lines(tf):
                click.echo(line)
        else:
            click.echo(json.dumps(jsonl_record(tf), ensure_ascii=False))
