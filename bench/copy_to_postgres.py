"""Copy a SQLite propwatch database into an empty PostgreSQL one, table by table.

    .venv/bin/python bench/copy_to_postgres.py /tmp/s20k.db postgresql://.../s20k

For benchmarks that compare the backends on one corpus (serve_bench.py, cli_backends.py):
building a large bench corpus through the store takes much longer on PostgreSQL on a
loaded machine (a round trip per row group), and a copy is the same corpus row for row.
The target is migrated first (``open_store``); then every table of it is filled with
``COPY`` from the SQLite table of the same name (its columns that are not generated:
PostgreSQL computes the search ``tsvector`` itself), identity sequences are moved past
the copied ids, each word's list of articles (``search_postings``, PostgreSQL's own, kept
by triggers that are off while copying) is built from the copied articles, and the
tables are analysed.  Not a user feature: propwatch has no
backend migration command.
"""

from __future__ import annotations

import argparse
import sqlite3
import time

from propwatch.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a SQLite database")
    parser.add_argument("target", help="an empty PostgreSQL database (URL)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    open_store(args.target).close()  # migrated, empty
    import psycopg

    lite = sqlite3.connect(f"file:{args.source}?mode=ro", uri=True)
    with psycopg.connect(args.target) as pg:
        tables = [r[0] for r in pg.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            " AND table_type = 'BASE TABLE' AND table_name != 'schema_migrations'"
            " ORDER BY table_name")]
        pg.execute("SET session_replication_role = replica")  # no FK checks while copying
        in_sqlite = {r[0] for r in lite.execute("SELECT name FROM sqlite_master")}
        for table in tables:
            if table not in in_sqlite:  # PostgreSQL's own (search_postings): rebuilt below
                continue
            columns = [r[0] for r in pg.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema ="
                " 'public' AND table_name = %s AND is_generated = 'NEVER'"
                " ORDER BY ordinal_position", (table,))]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = lite.execute(f"SELECT {names} FROM {table}")
            count = 0
            with pg.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            print(f"{table}: {count} rows ({time.perf_counter() - t0:.0f} s)", flush=True)
        for table, column in pg.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE"
                " table_schema = 'public' AND is_identity = 'YES'").fetchall():
            pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                       f" COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false)")
        pg.commit()
        # the triggers that keep each word's list of articles were off while copying
        if pg.execute("SELECT to_regproc('propwatch_search_postings_rebuild')").fetchone()[0]:
            pg.execute("SELECT propwatch_search_postings_rebuild()")
            pg.commit()
            print(f"search_postings rebuilt ({time.perf_counter() - t0:.0f} s)", flush=True)
    with psycopg.connect(args.target, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    print(f"copied in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
