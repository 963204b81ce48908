"""The CLI's reading commands on two copies of one corpus (SQLite and PostgreSQL).

    .venv/bin/python bench/cli_backends.py --db /tmp/s20k.db --db postgresql://... --repeat 3

Runs each command (export, claims, outlets, reuse, narratives, report --query) as users
run it (a ``propwatch`` process of its own, output to a temporary file) ``--repeat``
times per database, alternating the databases, and prints per command and database the
median wall seconds, the median CPU seconds of the propwatch process and, for a
PostgreSQL server on this machine, the median CPU seconds of the whole server during the
command (the postmaster and every process it started, including the backends that served
the command and exited: read from /proc, as the postmaster's own and its reaped children's
times plus those of its live children).  ``--only`` picks commands by a word of their name.
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

from propwatch.store.connection import is_url

PROPWATCH = str(Path(sys.executable).with_name("propwatch"))
COMMANDS = {
    "export (jsonl, every article)": ["export", "--format", "jsonl", "-o", "{out}"],
    "claims --matched (json)": ["claims", "--matched", "--format", "json"],
    "outlets (json)": ["outlets", "--format", "json"],
    "reuse (json)": ["reuse", "--format", "json"],
    "narratives (json)": ["narratives", "--format", "json"],
    "report --query government": ["report", "--query", "government", "-o", "{out}.html"],
}
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def postmaster(db: str) -> int | None:
    """The PID of the PostgreSQL server behind ``db`` when it runs on this machine."""
    if not is_url(db):
        return None
    import psycopg

    with psycopg.connect(db) as conn:
        folder = str(conn.execute("SHOW data_directory").fetchone()[0])
    try:
        return int((Path(folder) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by server ``pid`` and every process it started."""
    if pid is None:
        return 0.0
    fields = _stat(pid)  # fields[11:15]: utime, stime, cutime, cstime (after the state)
    ticks = sum(int(f) for f in fields[11:15])
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            child = _stat(int(entry.name))
        except (OSError, ValueError):
            continue  # gone meanwhile
        if int(child[1]) == pid:
            ticks += int(child[11]) + int(child[12])
    return ticks / TICK


def timed(args: list[str], server: int | None) -> tuple[float, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = server_cpu(server)
    t0 = time.perf_counter()
    subprocess.run([PROPWATCH, *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, server_cpu(server) - served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True, help="twice: path and URL")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", help="commands whose name holds this word")
    args = parser.parse_args()
    servers = {db: postmaster(db) for db in args.db}
    commands = {name: c for name, c in COMMANDS.items()
                if not args.only or any(word in name for word in args.only)}
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="cli-backends-") as tmp:
        out = str(Path(tmp) / "out")
        for name, command in commands.items():
            runs: dict[str, list[tuple[float, float, float]]] = {db: [] for db in args.db}
            for _ in range(args.repeat):
                for db in args.db:
                    runs[db].append(timed([c.format(out=out) for c in command] + ["--db", db],
                                          servers[db]))
            cells = []
            for db in args.db:
                wall, cpu, served = (statistics.median(r[i] for r in runs[db]) for i in range(3))
                cells.append(f"{wall:7.2f} s wall {cpu:6.2f} s CPU"
                             + (f" + {served:6.2f} s server" if servers[db] else ""))
            print(f"{name:30} " + " | ".join(cells)
                  + f"  (load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
