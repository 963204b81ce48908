from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from propwatch.kb import import_kb
from propwatch.model import Article, RawDocument, Span, article_id
from propwatch.store import Store, open_store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "kb.db") as s:
        yield s


@pytest.fixture
def kb_store(store: Store, fixtures: Path) -> Store:
    """A store with the small EUvsDisinfo and ClaimReview fixtures imported."""
    import_kb(store, "euvsdisinfo", fixtures / "euvsdisinfo_small.csv")
    import_kb(store, "claimreview", fixtures / "claimreview_jsonld.json")
    return store


ARTICLE = (
    "Daesh fighters left Deir Ezzor under the protection of the American-led coalition.\n\n"
    "The weather in the region was mild on Tuesday.\n\n"
    "Experts say that 5G phone masts are spreading the coronavirus across Europe."
)


def add_article(store: Store, text: str = ARTICLE, claims: list[str] | None = None) -> str:
    """Store an article whose ``claims`` layer holds the given sentences (all by default)."""
    doc = RawDocument(source="test.txt", text=text, content_type="text")
    aid = article_id(doc.content_hash, 0)
    wanted = claims if claims is not None else [p for p in text.split("\n\n") if p]
    spans = []
    for sentence in wanted:
        start = text.index(sentence)
        spans.append(Span(start, start + len(sentence), "claim", 0.9))
    article = Article(id=aid, source="test.txt", part=0, text=text)
    article.add_layer("claims", spans)
    store.save_articles(doc, [article])
    return aid
