"""The storage interface analysis code depends on; backends implement it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from propwatch.model import Article, RawDocument, Rejected


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


class Store(Protocol):
    def has_document(self, content_hash: str) -> bool: ...

    def save_articles(self, doc: RawDocument, articles: list[Article]) -> bool: ...

    def save_rejected(self, doc: RawDocument, rejected: Rejected) -> bool: ...

    def add_source(self, content_hash: str, where: str) -> None: ...

    def record_skip(self, skip: Skip) -> None: ...

    def clear_skip(self, where: str) -> None: ...

    def articles(self) -> Iterator[Article]: ...

    def article(self, article_id: str) -> Article | None: ...

    def article_count(self) -> int: ...

    def rejected(self) -> list[DocumentRecord]: ...

    def skips(self) -> list[Skip]: ...

    def close(self) -> None: ...
