"""``propwatch analyze`` against ``propwatch tag`` on the same news articles, same run.

    nice -n 10 .venv/bin/python bench/analyze_speed.py                   # 100 articles
    nice -n 10 .venv/bin/python bench/analyze_speed.py --kb-db runs/claims/euvs_kb.db

Runs both commands as child processes over the first ``--articles`` files of
../shared/data/news-unlabeled (passed by path, nothing copied), ``--rounds`` times in
turn (tag, analyze, tag, analyze, ...), and prints for each run the wall time, CPU time
and peak memory (max RSS of the child), then the ratio analyze / tag of the summed wall
times (target <= 1.3) and of the summed CPU times, the peak memory (target < 1.5 GB) and
the size of the model files shipped in the package (target < 60 MB).  ``--kb-db``: a
database with known claims already imported and embedded (copied to a temporary file for
each analyze run), so that the analyze runs include known-claim matching.
``--baseline-src DIR``: each round also runs ``analyze`` with ``PYTHONPATH=DIR`` (another
code's ``src``, e.g. ``git archive COMMIT src | tar -x -C runs/old``), right after this
code's, and prints both codes' CPU against the same ``tag`` runs (one load for both).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news-unlabeled"
PACKAGE = ROOT / "src" / "propwatch"
MODEL_SUFFIXES = (".onnx", ".npz", ".json", ".tsv")


def model_files() -> list[Path]:
    """Every weights/tokenizer file under a ``model`` folder of the package, and the
    word-piece table the graphs share (``weights/``, ``propwatch.sharedtable``)."""
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file()
                  and ("model" in p.parent.name or p.parent.name == "weights")
                  and p.suffix in MODEL_SUFFIXES)


def run(cmd: list[str], src: Path | None = None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one child process (``src``: its PYTHONPATH)."""
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd[:3])} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--kb-db", type=Path, help="database with known claims, embedded")
    ap.add_argument("--baseline-src", type=Path, help="also time analyze with this src")
    args = ap.parse_args()
    if not NEWS.is_dir():
        sys.exit(f"{NEWS} is absent: this benchmark needs ../shared beside the checkout")
    files = [str(p) for p in sorted(NEWS.glob("*.txt"))[: args.articles]]
    exe = str(Path(sys.executable).parent / "propwatch")
    totals = {"tag": 0.0, "analyze": 0.0, "baseline": 0.0}
    cpus = {"tag": 0.0, "analyze": 0.0, "baseline": 0.0}
    peak = 0.0
    print(f"{len(files)} articles of {NEWS}; load average {os.getloadavg()[0]:.1f}")
    analyze = [exe, "analyze", *files, "-q", "--db"]
    runs: list[tuple[str, list[str], Path | None]] = [
        ("tag", [exe, "tag", *files, "--format", "jsonl"], None), ("analyze", analyze, None)]
    if args.baseline_src:
        runs.append(("baseline", analyze, args.baseline_src.resolve()))
    for r in range(args.rounds):
        for name, cmd, src in runs:
            with tempfile.TemporaryDirectory() as tmp:
                db = Path(tmp) / "bench.db"
                if args.kb_db:
                    shutil.copy(args.kb_db, db)
                wall, cpu, rss = run(cmd + [str(db)] if cmd is analyze else cmd, src)
            totals[name] += wall
            cpus[name] += cpu
            peak = max(peak, rss)
            print(f"round {r + 1} {name:<8} wall {wall:7.1f} s  CPU {cpu:7.1f} s  "
                  f"peak RSS {rss:6.0f} MB  (load {os.getloadavg()[0]:.1f})", flush=True)
    ratio = totals["analyze"] / totals["tag"]
    size = sum(p.stat().st_size for p in model_files()) / 1e6
    print(f"analyze / tag wall time: {ratio:.2f} (target <= 1.3)")
    print(f"analyze / tag CPU time: {cpus['analyze'] / cpus['tag']:.2f} (the figure on a "
          "shared machine)")
    if args.baseline_src:
        print(f"baseline ({args.baseline_src}) analyze / tag: wall "
              f"{totals['baseline'] / totals['tag']:.2f}, CPU {cpus['baseline'] / cpus['tag']:.2f}")
    print(f"peak memory: {peak:.0f} MB (target < 1500)")
    print(f"shipped model files: {size:.1f} MB (target < 60)")
    for p in model_files():
        print(f"  {p.relative_to(ROOT)}  {p.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
