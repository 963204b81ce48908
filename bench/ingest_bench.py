"""Throughput of ingest + extract + analyse + store on ../shared/data/news-unlabeled.

    .venv/bin/python bench/ingest_bench.py [--components sentences,language] [DIR]

Prints articles per second for the whole job (wall clock and per CPU-second, which stays
meaningful when other work shares the machine) and the time spent in each stage.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from propwatch.analyse import Pipeline
from propwatch.batch import Options, analyze
from propwatch.components import DEFAULT_COMPONENTS
from propwatch.extract import RecurringLines, extract
from propwatch.ingest import find_inputs, read_input
from propwatch.model import Article, RawDocument, article_id
from propwatch.store import open_store

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "news-unlabeled"


def stage_times(folder: Path, components: list[str]) -> dict[str, float]:
    """Seconds per stage on the same documents (components timed call by call)."""
    times: dict[str, float] = defaultdict(float)
    t = time.perf_counter()
    inputs, _ = find_inputs([str(folder)])
    docs = [d for i in inputs for d in read_input(i) if isinstance(d, RawDocument)]
    times["read + decode"] = time.perf_counter() - t
    t = time.perf_counter()
    recurring = RecurringLines.from_documents(docs)
    extracted = [(d, extract(d, recurring)) for d in docs]
    times["extract"] = time.perf_counter() - t
    articles = [
        Article(id=article_id(d.content_hash, n), source=d.where, part=n, text=p.text)
        for d, parts in extracted
        if isinstance(parts, list)
        for n, p in enumerate(parts, 1)
    ]
    pipeline = Pipeline.from_names(components)
    for a in articles:  # article by article, as analyze runs them (components may share work)
        for component in pipeline.components:
            t = time.perf_counter()
            a.add_layer(component.name, component.predict(a))
            times[component.name] += time.perf_counter() - t
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--components", default=",".join(DEFAULT_COMPONENTS))
    args = parser.parse_args()
    components = args.components.split(",")
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.db") as store:
        start, cpu_start = time.perf_counter(), time.process_time()
        summary = analyze([str(args.folder)], store, Options(components=tuple(components)))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in args.folder.glob("*.txt"))
    print(
        f"inputs: {summary.inputs}, articles stored: {summary.articles_stored}, "
        f"not articles: {len(summary.rejected)}, skipped: {len(summary.skipped)}"
    )
    print(
        f"whole job (ingest + extract + {'+'.join(components)} + store): {elapsed:.2f} s, "
        f"{summary.articles_stored / elapsed:.1f} articles/s, {words / elapsed:,.0f} words/s"
    )
    print(
        f"CPU time of this process: {cpu:.2f} s = {summary.articles_stored / cpu:.1f} articles "
        "per CPU-second (what one core gives when the machine is not shared)"
    )
    for stage, seconds in stage_times(args.folder, components).items():
        print(f"  {stage:<14} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
