"""Worst-case time per hostile input, stage by stage (issue 9's bound: at most 10 s per input
up to the size limit, on one core).

    .venv/bin/python bench/hostile_inputs.py [--timeout 120] [--random 40] [--only NAME]

Each input is written to a temporary file and run in its own process through the stages
that handle one document: read + decode (ingest, the whole file), then per document the
recurring-line pass, extraction and sentence splitting (the slowest document is shown; of a
JSONL file, the first 50 records).  A stage still running after ``--timeout`` seconds is
reported as such.
Besides the named cases of the issue, ``--random`` inputs are drawn from the same junk
alphabets the fuzz tests use (tests/test_fuzz_inputs.py), at sizes up to 2 MB; the slowest
of them is reported.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from propwatch.analyse.sentences import sentence_spans
from propwatch.extract import RecurringLines, extract
from propwatch.ingest import Input, read_input
from propwatch.model import RawDocument

PARAGRAPH = ("The minister said on Monday that the plan, which critics call reckless, would go "
             "ahead despite the protests in the capital. ")
SAMPLE_DOCS = 50
JUNK = ["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<!--", "-->", "&amp;",
        "<br/>", "text words here. ", "Reply\n", "\n", "Mr. ", "A. B. ", "{", "}", "\u2028",
        "\xff", "\t", "<html>", "<body>", "==", "[", "]"]


def named_cases() -> dict[str, tuple[str, bytes]]:
    big = "<html><body>" + "<div><p>Same line again and again.</p></div>\n" * 200_000
    return {
        "unclosed <script>, 160 KB": (
            ".html", ("<html><body><p>" + PARAGRAPH * 5 + "</p><script>"
                      + "var x = 1;\n" * 14_500).encode()),
        "unclosed <script> per line, 160 KB": (
            ".html", ("<html><body>" + "<script>var x = 1;\n" * 8_000).encode()),
        "one paragraph, 309 KB": (".txt", ("Headline\n\n" + PARAGRAPH * 2_400).encode()),
        "one line, 5 MB": (".txt", ("word " * 1_000_000).encode()),
        "repetitive HTML, 9 MB": (".html", big.encode()),
        "deep HTML nesting (5,000)": (
            ".html", ("<html><body>" + "<div>" * 5000 + PARAGRAPH * 20 + "</div>" * 5000)
            .encode()),
        "JSONL, 20 MB of records": (
            ".jsonl", "".join(json.dumps({"text": PARAGRAPH * 20, "url": f"https://e.x/{i}"})
                              + "\n" for i in range(7_000)).encode()),
        "JSONL line nested 100,000 deep": (".jsonl", ("[" * 100_000 + "]" * 100_000).encode()),
        "Latin-1 text, 2 MB": (".txt", ("Le ministre a déclaré ça. " * 80_000).encode("latin-1")),
        "UTF-16 without BOM, 2 MB": (".txt", (PARAGRAPH * 8_000).encode("utf-16-le")),
    }


def random_cases(count: int, seed: int = 9) -> dict[str, tuple[str, bytes]]:
    rng = random.Random(seed)
    cases = {}
    for number in range(count):
        size = int(2_000_000 ** rng.random())
        pieces: list[str] = []
        total = 0
        while total < size:
            piece = rng.choice(JUNK) * rng.choice([1, 1, 1, 5, 50])
            pieces.append(piece)
            total += len(piece)
        suffix = rng.choice([".txt", ".html"])
        cases[f"random #{number} ({suffix}, {total / 1e3:.0f} KB)"] = (
            suffix, "".join(pieces).encode("utf-8", "surrogatepass"))
    return cases


def _stages(path: str, out: mp.Queue) -> None:
    def timed(name: str, work: Callable[[], object]) -> object:
        t = time.perf_counter()
        result = work()
        out.put((name, time.perf_counter() - t))
        return result

    def slowest(name: str, work: Callable[[RawDocument], object], docs: list[RawDocument]
                ) -> list[object]:
        results, worst = [], 0.0
        for doc in docs:
            t = time.perf_counter()
            results.append(work(doc))
            worst = max(worst, time.perf_counter() - t)
        out.put((name, worst))
        return results

    docs = timed("read + decode", lambda: [
        d for d in read_input(Input(path)) if isinstance(d, RawDocument)])
    assert isinstance(docs, list)
    recurring = RecurringLines()
    slowest("recurring lines", recurring.add, docs)
    sample = docs[:SAMPLE_DOCS]  # JSONL: the slowest of the first records, one by one
    results = slowest("extract", lambda d: extract(d, recurring), sample)
    parts = {id(d): r for d, r in zip(sample, results, strict=True) if isinstance(r, list)}
    slowest("sentences", lambda d: [sentence_spans(p.text) for p in parts.get(id(d), [])],
            sample)
    out.put(("done", 0.0))


def run_case(path: str, timeout: float) -> dict[str, float | str]:
    queue: mp.Queue = mp.Queue()
    proc = mp.get_context("fork").Process(target=_stages, args=(path, queue))
    start = time.perf_counter()
    proc.start()
    times: dict[str, float | str] = {}
    stage_order = ["read + decode", "recurring lines", "extract", "sentences"]
    while len(times) < len(stage_order):
        left = timeout - (time.perf_counter() - start)
        try:
            name, seconds = queue.get(timeout=max(left, 0.01))
        except Exception:  # noqa: BLE001 - queue.Empty: the stage ran out of time
            running = stage_order[len(times)]
            times[running] = f">{timeout:.0f} s (stopped)"
            break
        if name == "done":
            break
        times[name] = seconds
    proc.kill()
    proc.join()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--random", type=int, default=40)
    parser.add_argument("--only", default=None, help="run the named cases containing this")
    args = parser.parse_args()
    cases = named_cases()
    if args.only:
        cases = {k: v for k, v in cases.items() if args.only in k}
    randoms = random_cases(args.random) if not args.only else {}
    worst_random: tuple[float, str, dict[str, float | str]] = (0.0, "", {})
    with tempfile.TemporaryDirectory() as tmp:
        for name, (suffix, data) in {**cases, **randoms}.items():
            path = Path(tmp) / f"case{suffix}"
            path.write_bytes(data)
            times = run_case(str(path), args.timeout)
            total = sum(t for t in times.values() if isinstance(t, float))
            if name in randoms:
                if total >= worst_random[0]:
                    worst_random = (total, name, times)
                continue
            print(f"{name:34} " + "  ".join(
                f"{stage} {t:.2f} s" if isinstance(t, float) else f"{stage} {t}"
                for stage, t in times.items()), flush=True)
    if randoms:
        total, name, times = worst_random
        print(f"slowest of {len(randoms)} random junk inputs: {name}: {total:.2f} s ("
              + ", ".join(f"{s} {t:.2f} s" if isinstance(t, float) else f"{s} {t}"
                          for s, t in times.items()) + ")")


if __name__ == "__main__":
    main()
