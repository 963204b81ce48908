"""CheckThat! 2020 task 2 (tweets vs Snopes-verified claims) as a propwatch knowledge base.

Shared by ``bench/claims_fit_matcher.py`` (fit on train, choose on dev) and
``bench/claims_eval.py checkthat`` (figures through ``kb search``).
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKTHAT = ROOT.parent / "shared" / "data" / "checkthat2020"
SOURCE = "Snopes (CheckThat! 2020)"


@dataclass(frozen=True)
class Tweet:
    id: str
    text: str
    gold: frozenset[str]  # ids of the verified claims it repeats


def need(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"{path} is absent: this benchmark needs ../shared beside the checkout")
    return path


def _tsv(path: Path) -> list[list[str]]:
    with need(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def verified_claims() -> list[tuple[str, str]]:
    """(vclaim_id, vclaim) for the 10,375 verified claims."""
    rows = _tsv(CHECKTHAT / "verified_claims.docs.tsv")[1:]
    return [(r[0], r[1]) for r in rows if len(r) >= 2 and r[1].strip()]


def tweets(split: str) -> list[Tweet]:
    gold: dict[str, set[str]] = {}
    for r in _tsv(CHECKTHAT / split / "tweet-vclaim-pairs.qrels"):
        gold.setdefault(r[0], set()).add(r[2])
    rows = _tsv(CHECKTHAT / split / "tweets.queries.tsv")[1:]
    return [Tweet(r[0], r[1], frozenset(gold[r[0]])) for r in rows if r[0] in gold]


def open_kb(db: Path):  # type: ignore[no-untyped-def]
    """A store holding the verified claims as known claims (built once, then reused)."""
    from propwatch.kb.aliases import group_key
    from propwatch.kb.importer import current_aliases
    from propwatch.store import open_store
    from propwatch.store.kb import KbTables, KnownClaim

    store = open_store(db)
    tables = KbTables(store.conn)
    if tables.count() == 0:
        aliases = current_aliases(tables)
        rows = [(KnownClaim(id=i, dataset="checkthat2020", source=SOURCE, text=t,
                            rating="verified"), group_key(t), aliases.canonicalise(t))
                for i, t in verified_claims()]
        tables.upsert(rows)
    return store
