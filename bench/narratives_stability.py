"""Narrative ids across runs: analyse half of a corpus, then the rest.

For each corpus (../shared/data/news-unlabeled plus ../shared/samples/seeds, and FNC-1
dev), an analysed database (sentences and claims layers, claim embeddings) is made once
(kept in --work).  Its articles are then copied, in the order first seen, into a fresh
database in two halves; narratives are brought up to date after each half, as two
``analyze`` runs would.  Printed: the share of first-half articles whose narrative id is
the same after the second run (target >= 0.95), how many moved by a recorded merge, and
the narratives and merges of each step.

    nice -n 10 .venv/bin/python bench/narratives_stability.py
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

from propwatch.batch import Options, analyze
from propwatch.narratives import update
from propwatch.store import open_store
from propwatch.store.narratives import NarrativeTables

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NEWS = [SHARED / "data" / "news-unlabeled", SHARED / "samples" / "seeds"]
FNC1_DB = Path("/tmp/propwatch-bench-narratives/fnc1_dev.db")  # made by narratives_fnc1.py
COPIED = ["documents", "articles", "annotations", "claim_embeddings"]


def analysed(paths: list[Path], db: Path) -> Path:
    """A database of ``paths`` with the components narratives need, made once."""
    if not db.exists():
        start = time.time()
        with open_store(db) as store:
            analyze([str(p) for p in paths], store, Options(components=("sentences", "claims")),
                    progress=lambda d, t: print(f"  analysed {d}/{t} inputs "
                                                f"({time.time() - start:.0f} s)",
                                                file=sys.stderr) if d % 50 == 0 else None)
    return db


def narrative_ids(db: Path) -> dict[str, int]:
    with open_store(db) as store:
        return {a.article_id: a.narrative for a in NarrativeTables(store.conn).articles(384)}


def copy_part(source: Path, target: Path, lo: int, hi: int) -> None:
    """Copy the articles with lo <= rank < hi (order first seen) and their rows."""
    conn = sqlite3.connect(target)
    conn.execute("ATTACH DATABASE ? AS src", (str(source),))
    ranked = ("SELECT id FROM (SELECT id, row_number() OVER (ORDER BY added_seq) - 1 AS r"
              f" FROM src.articles) WHERE r >= {lo} AND r < {hi}")
    conn.execute("INSERT OR IGNORE INTO documents SELECT * FROM src.documents WHERE"
                 " content_hash IN (SELECT document_hash FROM src.articles WHERE id IN"
                 f" ({ranked}))")
    conn.execute(f"INSERT INTO articles SELECT * FROM src.articles WHERE id IN ({ranked})")
    for table in ("annotations", "claim_embeddings"):
        conn.execute(f"INSERT INTO {table} SELECT * FROM src.{table} WHERE article_id IN"
                     f" ({ranked})")
    conn.commit()
    conn.close()


def stability(name: str, source: Path, work: Path) -> None:
    with open_store(source) as store:
        total = store.article_count()
    target = work / f"stability_{name}.db"
    target.unlink(missing_ok=True)
    open_store(target).close()
    half = total // 2
    copy_part(source, target, 0, half)
    with open_store(target) as store:
        first = update(store)
    before = narrative_ids(target)
    copy_part(source, target, half, total)
    with open_store(target) as store:
        second = update(store)
        moves = NarrativeTables(store.conn).moves()
    after = narrative_ids(target)
    kept = sum(after.get(a) == n for a, n in before.items())
    merged_away = {m.id for m in moves if m.kind == "merged"}
    by_merge = sum(1 for a, n in before.items() if after.get(a) != n and n in merged_away)
    print(f"{name}: {total} articles; first half {len(before)} grouped in "
          f"{first.narratives} narratives; after the rest {second.articles} in "
          f"{second.narratives} ({second.merges} merges); first-half articles keeping "
          f"their id: {kept}/{len(before)} = {kept / max(len(before), 1):.3f} "
          f"({by_merge} moved by a recorded merge)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/propwatch-bench-narratives"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    news = analysed(NEWS, args.work / "news_seeds.db")
    stability("news-unlabeled+seeds", news, args.work)
    if FNC1_DB.exists():
        stability("fnc1-dev", FNC1_DB, args.work)
    else:
        print(f"skipped FNC-1 dev: run bench/narratives_fnc1.py first ({FNC1_DB})")


if __name__ == "__main__":
    main()
