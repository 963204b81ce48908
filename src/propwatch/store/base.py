"""The store analysis code writes to and reads from, on either backend.

``Store`` holds one ``Connection`` (``propwatch.store.connection``); the SQL here and in
the other store modules is written once for both engines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from propwatch.model import Article, OffsetMap, RawDocument, Rejected, Span
from propwatch.store.connection import Connection, Read, now

T = TypeVar("T")
ARTICLE_COLUMNS = (
    "id, source, part, text, offsets, title, author, published, outlet, url, "
    "declared_source, canonical_url, meta_from"
)
PAGE = 500  # articles read together (one query for their layers)
SPANS = 'SELECT article_id, layer, start, "end", label, score, data FROM annotations'
SPANS_ORDER = ' ORDER BY article_id, layer, start, "end", label'


@dataclass(frozen=True)
class Skip:
    where: str
    kind: str
    reason: str


@dataclass(frozen=True)
class DocumentRecord:
    content_hash: str
    source: str
    status: str  # "analysed" or "rejected"
    kind: str | None
    reason: str | None


def _article(row: tuple[Any, ...]) -> Article:
    """An article from its ``ARTICLE_COLUMNS`` row (no layers yet)."""
    (aid, source, part, text, offsets, title, author, published, outlet, url, declared,
     canonical, meta_from) = row
    return Article(
        id=aid, source=source, part=part, text=text,
        offsets=OffsetMap.from_json(json.loads(offsets)), title=title, author=author,
        published=published, outlet=outlet, url=url, declared_source=declared,
        canonical_url=canonical, meta_from=json.loads(meta_from) if meta_from else {},
    )


def _add_spans(by_id: dict[str, Article], rows: Iterable[Any]) -> None:
    """Annotation rows (``SPANS``) into the layers of their articles."""
    for aid, layer, start, end, label, score, data in rows:
        span = Span(start, end, label, score, json.loads(data) if data else {})
        by_id[aid].layers.setdefault(layer, []).append(span)


def _done(fn: Callable[..., T], *args: Any) -> Future[T]:
    """``fn(*args)`` run now, as a finished future."""
    future: Future[T] = Future()
    future.set_result(fn(*args))
    return future


class Store:
    """Documents, articles with their annotation layers, and skipped inputs."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.path = conn.target  # the --db value: a file path or a postgresql:// URL

    @property
    def backend(self) -> str:
        return self.conn.backend

    def files(self) -> list[str]:
        """The files holding the database (inputs never include them); none on a server."""
        return self.conn.files()

    def corpus_lock(self) -> Any:
        """Hold while bringing corpus-level results (republication index, claim matches)
        up to date, so concurrent runs into one database take turns instead of clashing."""
        return self.conn.corpus_lock()

    def transaction(self) -> Any:
        return self.conn.transaction()

    # -- writing -----------------------------------------------------------------------

    def has_document(self, content_hash: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return row is not None

    def save_articles(self, doc: RawDocument, articles: list[Article]) -> bool:
        """Store one analysed document and its articles in one transaction; False (nothing
        written but the extra source) when another writer stored it first."""
        with self.conn.transaction() as conn:
            if self._stored_meanwhile(conn, doc):
                return False
            self._insert_document(conn, doc, "analysed", None, None)
            seq = conn.execute("SELECT COALESCE(MAX(added_seq), 0) FROM articles").fetchone()[0]
            for offset, article in enumerate(articles, start=1):
                self._insert_article(conn, doc.content_hash, article, int(seq) + offset)
            conn.execute('DELETE FROM skips WHERE "where" = ?', (doc.where,))
        return True

    def save_rejected(self, doc: RawDocument, rejected: Rejected) -> bool:
        with self.conn.transaction() as conn:
            if self._stored_meanwhile(conn, doc):
                return False
            self._insert_document(conn, doc, "rejected", rejected.kind, rejected.reason)
            conn.execute('DELETE FROM skips WHERE "where" = ?', (doc.where,))
        return True

    @staticmethod
    def _stored_meanwhile(conn: Connection, doc: RawDocument) -> bool:
        """Inside the write transaction: did a concurrent run store ``doc`` already?"""
        found = conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (doc.content_hash,)
        ).fetchone()
        if found:
            conn.execute(
                "INSERT INTO document_sources (content_hash, source) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                (doc.content_hash, doc.where),
            )
        return found is not None

    def replace_layer(self, article_id: str, layer: str, spans: list[Span]) -> None:
        """Rewrite one annotation layer of a stored article (used when re-analysing)."""
        with self.conn.transaction() as conn:
            conn.execute(
                "DELETE FROM annotations WHERE article_id = ? AND layer = ?", (article_id, layer)
            )
            self._insert_spans(conn, article_id, {layer: spans})

    def add_source(self, content_hash: str, where: str) -> None:
        """Remember that a stored input was also found at ``where``."""
        self.conn.execute(
            "INSERT INTO document_sources (content_hash, source) VALUES (?, ?)"
            " ON CONFLICT DO NOTHING",
            (content_hash, where),
        )

    def also_at(self) -> dict[str, list[str]]:
        """Article id -> the other places its input was found, for inputs found twice."""
        rows = self.conn.execute(
            "SELECT a.id, s.source FROM articles a JOIN document_sources s "
            "ON s.content_hash = a.document_hash WHERE s.source != a.source "
            "ORDER BY a.id, s.source"
        )
        found: dict[str, list[str]] = {}
        for aid, source in rows:
            found.setdefault(aid, []).append(source)
        return found

    def record_skip(self, skip: Skip) -> None:
        self.conn.execute(
            'INSERT INTO skips ("where", kind, reason, seen_at) VALUES (?, ?, ?, ?) '
            'ON CONFLICT ("where", kind) DO UPDATE SET reason = excluded.reason, '
            "seen_at = excluded.seen_at",
            (skip.where, skip.kind, skip.reason, now()),
        )

    def clear_skip(self, where: str) -> None:
        self.conn.execute('DELETE FROM skips WHERE "where" = ?', (where,))

    @staticmethod
    def _insert_document(
        conn: Connection, doc: RawDocument, status: str, kind: str | None, reason: str | None,
    ) -> None:
        conn.execute(
            "INSERT INTO documents (content_hash, source, content_type, status, kind, reason,"
            " decode) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (doc.content_hash, doc.where, doc.content_type, status, kind, reason, doc.decode),
        )
        conn.execute(
            "INSERT INTO document_sources (content_hash, source) VALUES (?, ?)",
            (doc.content_hash, doc.where),
        )

    def _insert_article(self, conn: Connection, document_hash: str, a: Article, seq: int
                        ) -> None:
        conn.execute(
            "INSERT INTO articles (id, document_hash, part, source, text, offsets, title, author,"
            " published, outlet, url, declared_source, canonical_url, language, added_seq,"
            " meta_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                a.id, document_hash, a.part, a.source, a.text, json.dumps(a.offsets.to_json()),
                a.title, a.author, a.published, a.outlet, a.url, a.declared_source,
                a.canonical_url, a.language, seq, json.dumps(a.meta_from) if a.meta_from else None,
            ),
        )
        self._insert_spans(conn, a.id, a.layers)

    @staticmethod
    def _insert_spans(conn: Connection, article_id: str, layers: dict[str, list[Span]]) -> None:
        """Every span of ``layers`` (layer -> spans) in one bulk insert."""
        conn.insert_rows(
            "annotations", ("article_id", "layer", "start", "end", "label", "score", "data"),
            [
                (article_id, layer, s.start, s.end, s.label, s.score,
                 json.dumps(dict(s.data)) if s.data else None)
                for layer, spans in layers.items() for s in spans
            ],
        )

    # -- reading -----------------------------------------------------------------------

    def articles(self) -> Iterator[Article]:
        """Every stored article, in the order first seen, with all its layers (the layers
        of ``PAGE`` articles at a time in one query, not one query per article).  The next
        page's layers are read on a thread of their own while this page's articles are
        handed over when a database server reads them (``Connection.server``: it works
        meanwhile; SQLite's reads would compete with this thread for the interpreter); the
        article rows are only read while that thread waits."""
        rows = self.conn.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY added_seq")
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="layers") as reader:
            read = reader.submit if self.conn.server else _done
            page = rows.fetchmany(PAGE)
            spans = read(self._spans_of, page)
            while page:
                found = spans.result()
                following = rows.fetchmany(PAGE)
                spans = read(self._spans_of, following)
                yield from self._with_spans(page, found)
                page = following

    def articles_by_id(self, ids: Sequence[str]) -> Iterator[Article]:
        """The articles ``ids`` that are stored, in this order, with all their layers."""
        for i in range(0, len(ids), PAGE):
            part = list(ids[i:i + PAGE])
            among, params = self.conn.in_texts("id", part)
            found = {row[0]: row for row in self.conn.execute(
                f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE {among}", params)}
            yield from self._articles([found[aid] for aid in part if aid in found])

    def article(self, article_id: str) -> Article | None:
        return self.article_from(*self.conn.read_all(self.article_reads(article_id)))

    @staticmethod
    def article_reads(article_id: str) -> list[Read]:
        """The article's row and its layers (two reads: ``article_from`` makes them one
        article), to be sent with other reads of the same article."""
        return [Read(f"SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)),
                Read(f"{SPANS} WHERE article_id = ?{SPANS_ORDER}", (article_id,))]

    @staticmethod
    def article_from(rows: list[Any], spans: list[Any]) -> Article | None:
        if not rows:
            return None
        article = _article(rows[0])
        _add_spans({article.id: article}, spans)
        return article

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def rejected(self) -> list[DocumentRecord]:
        rows = self.conn.execute(
            "SELECT content_hash, source, status, kind, reason FROM documents "
            "WHERE status = 'rejected' ORDER BY source"
        )
        return [DocumentRecord(*row) for row in rows]

    def skips(self) -> list[Skip]:
        rows = self.conn.execute('SELECT "where", kind, reason FROM skips ORDER BY "where"')
        return [Skip(*row) for row in rows]

    def _articles(self, rows: Sequence[tuple[Any, ...]]) -> list[Article]:
        """Articles from their rows, with the layers of them all read in one query."""
        return self._with_spans(rows, self._spans_of(rows))

    def _spans_of(self, rows: Sequence[tuple[Any, ...]]) -> list[Any]:
        """The annotation rows (``SPANS``) of the articles of ``rows``, in one query."""
        if not rows:
            return []
        among, params = self.conn.in_texts("article_id", [row[0] for row in rows])
        return self.conn.execute(f"{SPANS} WHERE {among}{SPANS_ORDER}", params).fetchall()

    @staticmethod
    def _with_spans(rows: Sequence[tuple[Any, ...]], spans: list[Any]) -> list[Article]:
        articles = [_article(row) for row in rows]
        _add_spans({a.id: a for a in articles}, spans)
        return articles

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
