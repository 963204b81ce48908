"""SQL for republication detection (propwatch.reuse): fingerprints, indexes, pairs.

Tables come from migrations/002_reuse.sql.  Functions take the store's connection; writes
happen inside the caller's transaction (``Store.transaction()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from propwatch.store import open as backends
from propwatch.store.connection import Connection, Read

INDEX_TABLES = ("reuse_bands", "reuse_postings")


@dataclass(frozen=True)
class DocRow:
    doc: int
    article_id: str
    version: int
    words: int
    shingles: int
    samples: int
    declared: str | None
    signature: bytes


@dataclass(frozen=True)
class PairRow:
    a: str
    b: str
    relation: str
    jaccard: float
    a_in_b: float
    b_in_a: float


@dataclass(frozen=True)
class ArticleMeta:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    canonical_url: str | None
    declared_source: str | None  # from extraction, else what reuse found in the text
    added_seq: int
    source: str
    indexed: bool = False  # fingerprinted by propwatch.reuse


def open_readonly(db: str) -> Connection:
    """A second, read-only connection to a store's database (for worker processes)."""
    return backends.connect_readonly(db)


def pending_count(conn: Connection) -> int:
    row = conn.execute(
        "SELECT COUNT(*) FROM articles a LEFT JOIN reuse_docs r ON r.article_id = a.id "
        "WHERE r.doc IS NULL"
    ).fetchone()
    return int(row[0])


def texts_by_id(
    conn: Connection, ids: Sequence[str]
) -> dict[str, tuple[str, str | None]]:
    """Article id -> (text, title)."""
    out: dict[str, tuple[str, str | None]] = {}
    for part in _chunks(list(ids), 900):
        marks = ",".join("?" * len(part))
        query = f"SELECT id, text, title FROM articles WHERE id IN ({marks})"
        for aid, text, title in conn.execute(query, part):
            out[str(aid)] = (str(text), title)
    return out


def pending_articles(
    conn: Connection, chunk: int = 1000
) -> Iterator[list[tuple[str, str, str | None]]]:
    """(article id, text, title) of every article not fingerprinted yet, first seen first."""
    cursor = conn.execute(
        "SELECT a.id, a.text, a.title FROM articles a"
        " LEFT JOIN reuse_docs r ON r.article_id = a.id"
        " WHERE r.doc IS NULL ORDER BY a.added_seq"
    )
    while True:
        rows = cursor.fetchmany(chunk)
        if not rows:
            return
        yield [(str(r[0]), str(r[1]), r[2]) for r in rows]


def stale_version_count(conn: Connection, version: int) -> int:
    row = conn.execute("SELECT COUNT(*) FROM reuse_docs WHERE version != ?", (version,)).fetchone()
    return int(row[0])


def clear(conn: Connection) -> None:
    """Forget every fingerprint, index entry and pair (used when the hashing changed)."""
    for table in ("reuse_pairs", *INDEX_TABLES, "reuse_docs"):
        conn.execute(f"DELETE FROM {table}")


def next_doc(conn: Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(doc), -1) + 1 FROM reuse_docs").fetchone()[0])


def doc_count(conn: Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM reuse_docs").fetchone()[0])


def save_docs(conn: Connection, rows: Iterable[DocRow]) -> None:
    conn.executemany(
        "INSERT INTO reuse_docs (doc, article_id, version, words, shingles, samples, declared,"
        " signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((r.doc, r.article_id, r.version, r.words, r.shingles, r.samples, r.declared,
          r.signature) for r in rows),
    )


def save_index(
    conn: Connection, table: str, keys: npt.NDArray[np.int64],
    docs: npt.NDArray[np.int64],
) -> None:
    """Add (key, doc) entries; sorted by key first so a bulk load appends to the B-tree."""
    if table not in INDEX_TABLES:
        raise ValueError(f"unknown index table {table!r}")
    order = np.lexsort((docs, keys))
    step = 1 << 20
    for i in range(0, len(order), step):
        part = order[i : i + step]
        conn.executemany(
            f"INSERT INTO {table} (key, doc) VALUES (?, ?) ON CONFLICT DO NOTHING",
            zip(keys[part].tolist(), docs[part].tolist(), strict=True),
        )


def lookup_index(
    conn: Connection, table: str, keys: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every stored (key, doc) entry whose key is one of ``keys``."""
    if table not in INDEX_TABLES:
        raise ValueError(f"unknown index table {table!r}")
    if len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    rows: list[tuple[int, int]] = []
    step = 50_000
    for i in range(0, len(keys), step):
        condition, params = conn.in_ints("i.key", keys[i : i + step].tolist())
        rows.extend(conn.execute(
            f"SELECT i.key, i.doc FROM {table} i WHERE {condition}", params).fetchall())
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    arr = np.array(rows, dtype=np.int64)
    return arr[:, 0].copy(), arr[:, 1].copy()


def doc_rows(conn: Connection, docs: Sequence[int]) -> dict[int, DocRow]:
    out: dict[int, DocRow] = {}
    for part in _chunks(list(docs), 900):
        marks = ",".join("?" * len(part))
        for row in conn.execute(
            "SELECT doc, article_id, version, words, shingles, samples, declared, signature "
            f"FROM reuse_docs WHERE doc IN ({marks})",
            part,
        ):
            out[int(row[0])] = DocRow(*row)
    return out


def doc_texts(conn: Connection, docs: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in _chunks(list(docs), 900):
        marks = ",".join("?" * len(part))
        for doc, text in conn.execute(
            "SELECT r.doc, a.text FROM reuse_docs r JOIN articles a ON a.id = r.article_id "
            f"WHERE r.doc IN ({marks})",
            part,
        ):
            out[int(doc)] = str(text)
    return out


def save_pairs(conn: Connection, pairs: Iterable[PairRow]) -> None:
    conn.executemany(
        "INSERT INTO reuse_pairs (a, b, relation, jaccard, a_in_b, b_in_a) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (a, b) DO UPDATE SET relation = excluded.relation,"
        " jaccard = excluded.jaccard, a_in_b = excluded.a_in_b, b_in_a = excluded.b_in_a",
        ((p.a, p.b, p.relation, p.jaccard, p.a_in_b, p.b_in_a) for p in pairs),
    )


def pairs(conn: Connection) -> list[PairRow]:
    rows = conn.execute(
        "SELECT a, b, relation, jaccard, a_in_b, b_in_a FROM reuse_pairs ORDER BY a, b"
    )
    return [PairRow(*row) for row in rows]


_PAIR_COLUMNS = "a, b, relation, jaccard, a_in_b, b_in_a"
# the pairs of the connected group holding an article (? twice): one recursive query,
# however far the group reaches
_GROUP = (f"WITH RECURSIVE found({_PAIR_COLUMNS}) AS ("
          f" SELECT {_PAIR_COLUMNS} FROM reuse_pairs WHERE a = ? OR b = ?"
          " UNION SELECT r.a, r.b, r.relation, r.jaccard, r.a_in_b, r.b_in_a FROM found f"
          " JOIN reuse_pairs r ON r.a IN (f.a, f.b) OR r.b IN (f.a, f.b))")
_META = (
    "SELECT a.id, a.title, a.outlet, a.published, a.url, a.canonical_url,"
    " COALESCE(a.declared_source, r.declared), a.added_seq, a.source, r.doc IS NOT NULL"
    " FROM articles a LEFT JOIN reuse_docs r ON r.article_id = a.id"
)


def group_pairs_read(article_id: str) -> Read:
    """Every pair of the group holding ``article_id`` (none when it has no copy), by a, b."""
    return Read(f"{_GROUP} SELECT {_PAIR_COLUMNS} FROM found ORDER BY a, b",
                (article_id, article_id), lambda rows: [PairRow(*row) for row in rows])


def group_metas_read(conn: Connection, article_id: str) -> Read:
    """Metadata of the article and of every article of its group (as ``article_meta``
    gives them), to be sent with ``group_pairs_read``: the page needs no second round trip."""
    among = conn.in_select("a.id", "SELECT ? UNION SELECT f.a FROM found f"
                                   " UNION SELECT f.b FROM found f")
    return Read(f"{_GROUP} {_META} WHERE {among} ORDER BY a.added_seq",
                (article_id, article_id, article_id), _metas)


def article_meta(conn: Connection, ids: Sequence[str] | None = None) -> list[ArticleMeta]:
    """Metadata of the given articles (all when ``ids`` is None), first seen first."""
    if ids is None:
        return _metas(conn.execute(_META + " ORDER BY a.added_seq").fetchall())
    rows = []
    for part in _chunks(list(ids), 900):
        marks = ",".join("?" * len(part))
        rows.extend(conn.execute(f"{_META} WHERE a.id IN ({marks})", part).fetchall())
    return _metas(sorted(rows, key=lambda r: r[7]))


def _metas(rows: list[Any]) -> list[ArticleMeta]:
    return [
        ArticleMeta(id=r[0], title=r[1], outlet=r[2], published=r[3], url=r[4],
                    canonical_url=r[5], declared_source=r[6], added_seq=r[7], source=r[8],
                    indexed=bool(r[9]))
        for r in rows
    ]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
