"""Small fixtures for republication tests: random-word articles and copies of them."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

import pytest

from propwatch.model import Article, RawDocument, article_id
from propwatch.store import Store, open_store

WORDS = [
    "the", "minister", "said", "army", "border", "talks", "oil", "city", "report", "forces",
    "government", "official", "week", "attack", "peace", "deal", "vote", "party", "media",
    "state", "region", "aid", "court", "police", "crowd", "leader", "plan", "price", "market",
    "bank", "election", "trade", "war", "law", "energy", "gas", "water", "school", "health",
    "camp", "town", "river", "bridge", "airport", "strike", "talks", "rebels", "troops",
    "convoy", "village", "protest", "campaign", "union", "ministry", "agency", "source",
    "claim", "denied", "confirmed", "warned", "promised", "accused", "rejected", "between",
    "against", "during", "after", "before", "under", "about", "across", "toward", "within",
    "without",
]


def story(seed: int, paragraphs: int = 6, words: int = 60) -> str:
    """A random 'article' of ``paragraphs`` paragraphs; different seeds share no runs."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        paras.append(" ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + ".")
    return "\n\n".join(paras)


def edit(text: str, share: float, seed: int) -> str:
    """Replace about ``share`` of the words with other words."""
    rng = random.Random(seed)
    out = [rng.choice(WORDS) if rng.random() < share else w for w in text.split(" ")]
    return " ".join(out)


Add = Callable[..., str]
Story = Callable[..., str]
Edit = Callable[[str, float, int], str]


@pytest.fixture(name="story")
def story_fixture() -> Story:
    return story


@pytest.fixture(name="edit")
def edit_fixture() -> Edit:
    return edit


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A new store, on each backend in turn."""
    with open_store(db_url) as opened:
        yield opened


@pytest.fixture
def add(store: Store) -> Add:
    """add(text, outlet=..., published=..., ...) stores an article and returns its id."""
    return adder(store)


@pytest.fixture
def make_add() -> Callable[[Store], Add]:
    """make_add(store): an ``add`` for another store."""
    return adder


def adder(store: Store) -> Add:
    count = [0]

    def _add(text: str, **meta: str | None) -> str:
        count[0] += 1
        doc = RawDocument(source=f"doc{count[0]}.txt", text=text, content_type="text")
        aid = article_id(doc.content_hash, 1)
        store.save_articles(doc, [Article(id=aid, source=doc.source, part=1, text=text, **meta)])
        return aid

    return _add
