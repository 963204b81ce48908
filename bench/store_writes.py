"""What storing analysed documents costs the process that writes them, on both backends.

    .venv/bin/python bench/pg_scratch.py > /tmp/pg.url &            # a throw-away server
    .venv/bin/python bench/store_writes.py --from demo.db --db /tmp/w.db --documents 2000
    .venv/bin/python bench/store_writes.py --from demo.db --db "$(cat /tmp/pg.url)" ...

Takes the analysed articles of an existing database (``--from``: every layer the analysis
stored) and stores ``--documents`` new documents made of them (each an article of
``--from`` under a new content hash: same text, layers and metadata) into the empty
``--db``, first one transaction per document (``Store.save_articles``, what ``analyze``'s
driver does with each outcome), then ``--batch`` documents per transaction.  Prints per
document the wall milliseconds, the writing process's CPU milliseconds and (PostgreSQL on
this machine) the CPU milliseconds of the server process serving the connection, and the
database's growth per 1,000 articles.  This is the figure that says how many analysing
actors one driver can keep up with: an actor analyses an article in about 90 ms of CPU.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

from propwatch.model import Article, RawDocument, article_id
from propwatch.store import Store, open_store
from propwatch.store.connection import is_url


def size_bytes(store: Store) -> int:
    if is_url(store.path):
        return int(store.conn.execute("SELECT pg_database_size(current_database())")
                   .fetchone()[0])
    return sum(Path(f).stat().st_size for f in (store.path, f"{store.path}-wal")
               if Path(f).exists())


def server_cpu(store: Store) -> float:
    """CPU seconds the PostgreSQL backend process serving this connection used so far (0
    on SQLite, which runs in this process)."""
    if not is_url(store.path):
        return 0.0
    pid = int(store.conn.execute("SELECT pg_backend_pid()").fetchone()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copies(articles: list[Article], start: int, count: int) -> list[tuple[RawDocument, Article]]:
    out = []
    for n in range(start, start + count):
        base = articles[n % len(articles)]
        doc = RawDocument("bench-writes.jsonl", base.text, "text", n + 1, meta={"copy": str(n)})
        out.append((doc, dataclasses.replace(base, id=article_id(doc.content_hash, 1),
                                             source=doc.where, part=1)))
    return out


def timed(store: Store, docs: list[tuple[RawDocument, Article]], batch: int) -> dict[str, float]:
    wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu(store)
    if batch <= 1:
        for doc, article in docs:
            store.save_articles(doc, [article])
    else:
        seq = int(store.conn.execute(
            "SELECT COALESCE(MAX(added_seq), 0) FROM articles").fetchone()[0])
        for i in range(0, len(docs), batch):
            with store.transaction() as conn:
                for doc, article in docs[i:i + batch]:
                    store._insert_document(conn, doc, "analysed", None, None)
                    seq += 1
                    store._insert_article(conn, doc.content_hash, article, seq)
    n = len(docs)
    return {"wall_ms_per_doc": round(1000 * (time.perf_counter() - wall) / n, 2),
            "cpu_ms_per_doc": round(1000 * (time.process_time() - cpu) / n, 2),
            "server_cpu_ms_per_doc": round(1000 * (server_cpu(store) - server) / n, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", required=True, help="analysed database")
    parser.add_argument("--db", required=True, help="an empty database (path or URL)")
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--sources", type=int, default=200,
                        help="read at most this many articles of --from")
    args = parser.parse_args()
    with open_store(args.source) as source:
        articles = [a for _, a in zip(range(args.sources), source.articles(), strict=False)]
    spans = sum(len(s) for a in articles for s in a.layers.values()) / len(articles)
    chars = sum(len(a.text) for a in articles) / len(articles)
    with open_store(args.db) as store:
        empty = size_bytes(store)
        one = timed(store, copies(articles, 0, args.documents), 1)
        grown = size_bytes(store) - empty
        batched = timed(store, copies(articles, args.documents, args.documents), args.batch)
    print(json.dumps({
        "backend": "postgresql" if is_url(args.db) else "sqlite", "documents": args.documents,
        "source_articles": len(articles), "chars_per_article": round(chars),
        "spans_per_article": round(spans), "one_per_transaction": one,
        f"{args.batch}_per_transaction": batched,
        "mb_per_1000_articles": round(grown / args.documents / 1000, 1),
        "load": [round(x, 1) for x in os.getloadavg()]}, indent=2))


if __name__ == "__main__":
    main()
