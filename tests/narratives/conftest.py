from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from propwatch.model import Article, OffsetMap, RawDocument, Segment, Span, article_id
from propwatch.store import Store, open_store

AddArticle = Callable[..., str]


def add_article(store: Store, sentences: list[str], published: str | None = None,
                outlet: str | None = None, url: str | None = None) -> str:
    """Store an article made of ``sentences``, each one a check-worthy claim; its id."""
    text = " ".join(sentences)
    doc = RawDocument(f"{outlet or 'x'}/{len(text)}-{hash(text)}.txt", text, "text")
    article = Article(id=article_id(doc.content_hash, 1), source=doc.where, part=1, text=text,
                      offsets=OffsetMap((Segment(0, 0, len(text)),)), published=published,
                      outlet=outlet, url=url)
    spans, start = [], 0
    for sentence in sentences:
        spans.append(Span(start, start + len(sentence), "claim", 0.99))
        start += len(sentence) + 1
    article.add_layer("claims", spans)
    store.save_articles(doc, [article])
    return article.id


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "n.db")


@pytest.fixture
def add(store: Store) -> AddArticle:
    return lambda *sentences, **meta: add_article(store, list(sentences), **meta)
