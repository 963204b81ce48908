"""``propwatch train ...``: fine-tune and export models (needs the ``train`` extra)."""

from __future__ import annotations

from pathlib import Path

import click

from propwatch.cli._group import main


@main.group()
def train() -> None:
    """Train models (needs: pip install 'propwatch[train]')."""


@train.command("techniques")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="PTC directory (articles/, labels-tc/).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("runs/techniques"),
    show_default=True,
    help="Where checkpoints, split.json and metrics.jsonl go.",
)
@click.option(
    "--base",
    type=click.Choice(["minilm", "mpnet"]),
    default="minilm",
    show_default=True,
    help="Pretrained encoder: minilm (the shipped size) or mpnet (a 5x slower teacher).",
)
@click.option("--epochs", type=int, default=6, show_default=True)
@click.option("--lr", type=float, default=1e-4, show_default=True, help="Encoder learning rate.")
@click.option("--batch-size", type=int, default=16, show_default=True)
@click.option(
    "--seed", type=int, default=13, show_default=True, help="Seeds training and the article split."
)
@click.option(
    "--bf16/--no-bf16",
    default=True,
    show_default=True,
    help="bfloat16 autocast (fast on CPUs with AVX512-BF16/AMX).",
)
@click.option("--threads", type=int, default=2, show_default=True)
@click.option("--resume", is_flag=True, help="Continue from OUT/last.pt.")
@click.option(
    "--teacher",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Distil from this trained checkpoint (e.g. an --base mpnet run's best.pt).",
)
@click.option(
    "--unlabelled",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of extra .txt articles the student learns from the teacher alone.",
)
@click.option(
    "--teacher-share",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Weight of the teacher's probabilities in the token targets of labelled articles.",
)
def train_techniques(
    data: Path,
    out_dir: Path,
    base: str,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    bf16: bool,
    threads: int,
    resume: bool,
    teacher: Path | None,
    unlabelled: Path | None,
    teacher_share: float,
) -> None:
    """Fine-tune the technique tagger on PTC; best checkpoint -> OUT/best.pt."""
    from propwatch.train.techniques import TrainConfig
    from propwatch.train.techniques import train as run

    cfg = TrainConfig(
        data=data,
        out_dir=out_dir,
        base=base,
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        seed=seed,
        bf16=bf16,
        threads=threads,
        resume=resume,
        teacher=teacher,
        unlabelled=unlabelled,
        teacher_share=teacher_share,
    )
    best = run(cfg, report=lambda msg: click.echo(msg, err=True))
    click.echo(str(best))


@train.command("export-techniques")
@click.option(
    "--checkpoint",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("runs/techniques/best.pt"),
    show_default=True,
)
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="PTC directory: thresholds are tuned on its validation split.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("src/propwatch/techniques/model"),
    show_default=True,
)
@click.option(
    "--quantize/--no-quantize",
    default=True,
    show_default=True,
    help="Dynamic int8 weights (smaller, faster).",
)
@click.option("--seed", type=int, default=13, show_default=True, help="Split seed.")
@click.option(
    "--figures",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write validation/test figures as JSON here.",
)
@click.option(
    "--hysteresis/--no-hysteresis",
    default=False,
    show_default=True,
    help="Tune a second, lower threshold that spans extend over (overfitted our 30 "
    "validation articles, see docs/models.md).",
)
def export_techniques(
    checkpoint: Path,
    data: Path,
    out_dir: Path,
    quantize: bool,
    seed: int,
    figures: Path | None,
    hysteresis: bool,
) -> None:
    """Export a checkpoint to ONNX, tune thresholds on validation, score the test split."""
    import json

    from propwatch.train.export import build_model_dir

    res = build_model_dir(
        checkpoint,
        data,
        out_dir,
        quantize=quantize,
        seed=seed,
        report=lambda msg: click.echo(msg, err=True),
        hysteresis=hysteresis,
    )
    if figures:
        figures.write_text(json.dumps(res, indent=1))
    click.echo(str(out_dir))
