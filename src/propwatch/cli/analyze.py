"""``propwatch analyze``: the main job."""

from __future__ import annotations

import sys

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from propwatch.batch import DEFAULT_TIME_LIMIT, DEFAULT_WORKERS, Options, RunSummary, analyze
from propwatch.cli._group import main
from propwatch.cli._options import PROFILE_OPTION, db_option
from propwatch.errors import one_line
from propwatch.report.html import write_report
from propwatch.store import Store, open_store
from propwatch.store.open import shown
from propwatch.techniques.tagger import use_profile

DB_OPTION = db_option(
    must_exist=False, help="SQLite database file; created if missing, added to if present."
)


def parse_size(value: str) -> int:
    units = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "k": 10**3, "m": 10**6, "g": 10**9}
    text = value.strip().lower()
    for unit, factor in units.items():
        if text.endswith(unit) and text[: -len(unit)].strip().replace(".", "", 1).isdigit():
            return int(float(text[: -len(unit)]) * factor)
    if text.isdigit():
        return int(text)
    raise click.BadParameter(f"'{value}' is not a size; write e.g. 20MB, 500KB or 1048576")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@click.option("--report", type=click.Path(dir_okay=False), help="Also write an HTML report here.")
@click.option("--max-size", default="20MB", show_default=True,
              help="Skip input files, and lines of .jsonl files, larger than this "
                   "(e.g. 500KB, 50MB).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar; only the summary.")
@click.option("--strict", is_flag=True,
              help="Stop at the first document that fails (exit status 1) instead of "
                   "recording it as an error and going on.")
@click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT,
              show_default=True,
              help="Seconds one document may take to extract and analyse before it is "
                   "recorded as an error (0 = no limit).")
@click.option("--workers", type=click.IntRange(min=1), default=DEFAULT_WORKERS,
              show_default=True,
              help="Documents analysed side by side: threads here, or Ray actors with --ray.")
@click.option("--ray", "ray", metavar="ADDRESS",
              help="Analyse on a Ray cluster (the 'ray' extra): 'auto' (the cluster running "
                   "here), 'local' (a fresh one on this machine) or an address "
                   "('ray://head:10001'). The results stored are the same as without it.")
@PROFILE_OPTION
def analyze_command(paths: tuple[str, ...], db: str, report: str | None, max_size: str,
                    quiet: bool, strict: bool, time_limit: float, workers: int,
                    ray: str | None, profile: str) -> None:
    """Read articles, clean and analyse them, store them in the database.

    PATHS are files, folders (read recursively), glob patterns ('scrapes/**/*.html')
    or - for standard input.  Accepted: .txt (scraped text), .html/.htm (saved pages)
    and .jsonl (one JSON object per line with "text" or "html", and optional "title",
    "url", "outlet", "published", "author") or .parquet (one such record a row).

    \b
    A page holding several articles becomes several articles; captcha pages,
    error pages and stubs are reported, not analysed.  Unreadable inputs are
    skipped with a reason and never stop the rest.  Running again on the same
    inputs stores nothing twice, so an interrupted run is finished by re-running.

    \b
    Examples:
      propwatch analyze scrapes/ --db corpus.db --report report.html
      propwatch analyze 'dumps/*.jsonl' --db corpus.db
      cat page.html | propwatch analyze - --db corpus.db
      propwatch analyze shards/ --db corpus.db --ray auto --workers 8

    
    A document that makes any stage fail is recorded as an error (one line naming
    the file and line) and the run goes on; --strict stops at the first one.
    Special files (FIFOs, sockets, devices) are skipped without being opened.
    --max-size applies to each file, and to each line of a .jsonl file.
    Standard input is read as JSONL only when every line is a JSON object.

    Exit status is 1 only when nothing at all could be analysed (or, with
    --strict, when a document failed).
    """
    console = Console(stderr=True, soft_wrap=True)
    options = Options(max_bytes=parse_size(max_size), strict=strict,
                      time_limit=time_limit or None, workers=workers, ray=ray)
    use_profile(profile)
    with open_store(db) as store:
        summary = _run(paths, store, options, quiet, console)
        if report:
            written = write_report(store, report)
            console.print(f"report: {one_line(str(written.path))}", markup=False, highlight=False)
    _print_summary(summary, db, console)
    if summary.nothing_analysed:
        sys.exit(1)


analyze_command.name = "analyze"


def _run(paths: tuple[str, ...], store: Store, options: Options, quiet: bool,
         console: Console) -> RunSummary:
    if quiet or not console.is_terminal:
        return analyze(paths, store, options)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("analysing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def stage_progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        return analyze(paths, store, options, progress, stage_progress)


def _print_summary(s: RunSummary, db: str, console: Console) -> None:
    console.print(
        f"{s.inputs} inputs, {s.documents} documents: {s.articles_stored} articles stored, "
        f"{s.already_stored} already stored, {len(s.rejected)} not articles, "
        f"{len(s.skipped)} skipped, {len(s.errors)} errors. "
        f"{s.articles_in_store} articles in {one_line(shown(db))}.",
        markup=False, highlight=False,
    )
    if s.narratives is not None and s.narratives.new_articles:
        n = s.narratives
        console.print(f"narratives: {n.new_articles} articles newly grouped, {n.articles} in "
                      f"{n.narratives} narratives (see `propwatch narratives`)")
    if s.reuse is not None and s.reuse.new_pairs:
        console.print(f"republication: {s.reuse.new_pairs} new pairs of copied articles "
                      "(see `propwatch reuse`)")
    if s.claim_matches is not None and not s.claim_matches.known_claims:
        console.print("claims: the knowledge base is empty, so no claim was matched to a "
                      "known debunk; import one with `propwatch kb import euvsdisinfo "
                      f"claims.csv --db {db}` (or `kb import claimreview ...`), then run "
                      "`propwatch claims match`", markup=False, highlight=False)
    elif s.claim_matches is not None and s.claim_matches.claims:
        m = s.claim_matches
        console.print(f"claims: {m.claims} sentences matched against {m.known_claims} known "
                      f"claims: {m.matched} with a `match` ({m.asserted} asserting it) "
                      "(see `propwatch claims --matched`)")
    for where, kind, reason in s.rejected:
        console.print(f"  not an article: {one_line(where)} ({kind}): {one_line(reason)}",
                      markup=False, highlight=False)
    for label, errors in (("skipped", s.skipped), ("error", s.errors)):
        for error in errors:
            console.print(f"  {label}: {one_line(error.where)} ({error.kind}): "
                          f"{one_line(error.reason)}", markup=False, highlight=False)
    if s.nothing_analysed:
        console.print("nothing could be analysed: check the paths and the reasons above.")
