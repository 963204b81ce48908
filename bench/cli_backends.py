"""The CLI's reading commands on two copies of one corpus (SQLite and PostgreSQL).

    .venv/bin/python bench/cli_backends.py --db /tmp/s20k.db --db postgresql://... --repeat 3

Runs each command (export, claims, outlets, reuse, narratives, report --query) as users
run it (a ``propwatch`` process of its own, output to a temporary file) ``--repeat``
times per database, alternating the databases, and prints per command and database the
median wall seconds and the median CPU seconds of the propwatch process (a PostgreSQL
server's own CPU is not in it; the server runs on the same cores).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROPWATCH = str(Path(sys.executable).with_name("propwatch"))
COMMANDS = {
    "export (jsonl, every article)": ["export", "--format", "jsonl", "-o", "{out}"],
    "claims --matched (json)": ["claims", "--matched", "--format", "json"],
    "outlets (json)": ["outlets", "--format", "json"],
    "reuse (json)": ["reuse", "--format", "json"],
    "narratives (json)": ["narratives", "--format", "json"],
    "report --query government": ["report", "--query", "government", "-o", "{out}.html"],
}


def timed(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([PROPWATCH, *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True, help="twice: path and URL")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="cli-backends-") as tmp:
        out = str(Path(tmp) / "out")
        for name, command in COMMANDS.items():
            runs: dict[str, list[tuple[float, float]]] = {db: [] for db in args.db}
            for _ in range(args.repeat):
                for db in args.db:
                    runs[db].append(timed([c.format(out=out) for c in command] + ["--db", db]))
            cells = []
            for db in args.db:
                wall = statistics.median(w for w, _ in runs[db])
                cpu = statistics.median(c for _, c in runs[db])
                cells.append(f"{wall:7.2f} s wall {cpu:6.2f} s CPU")
            print(f"{name:30} " + " | ".join(cells), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
