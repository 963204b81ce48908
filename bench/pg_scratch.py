"""A throw-away PostgreSQL server for benchmarks that need one across several commands.

    .venv/bin/python bench/pg_scratch.py --shared-buffers 1GB > /tmp/pg.url &
    .venv/bin/python bench/serve_bench.py build c100k.jsonl --db "$(cat /tmp/pg.url)"
    kill %1                                    # stops the server and removes its folder

Starts tests/pgserver.py's server (Debian's initdb + pg_ctl in a temporary folder, a free
localhost port, fsync off), creates one empty database, prints its URL and waits; on
SIGTERM or Ctrl-C it stops the server and removes the folder.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pgserver  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared-buffers", default="64MB")
    parser.add_argument("--name", default="bench")
    args = parser.parse_args()
    bin_dir = pgserver.find_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL is not installed (no initdb)")
    server = pgserver.Server(bin_dir, f"-c shared_buffers={args.shared_buffers} "
                             "-c work_mem=32MB -c maintenance_work_mem=256MB")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        print(server.create_database(args.name), flush=True)
        print(f"server folder {server.folder}", file=sys.stderr, flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
