"""Republication on the real material in ../shared (skips when it is absent)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import propwatch.reuse as reuse
from propwatch.batch import analyze
from propwatch.model import Article, RawDocument, article_id
from propwatch.store import Store

Shared = Callable[..., Path]


def test_seeds_keep_their_declared_source(store: Store, shared: Shared) -> None:
    analyze([str(shared("samples", "seeds"))], store)
    reuse.update(store)
    by_article = reuse.reuse_by_article(store)
    declared = {v["declared_source"] for v in by_article.values()}
    assert "CounterPunch" in declared


def test_real_rewrite_in_news_unlabeled_is_found(store: Store, shared: Shared) -> None:
    folder = shared("data", "news-unlabeled")
    ids = {}
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = RawDocument(source=path.name, text=text, content_type="text")
        if store.has_document(doc.content_hash):
            continue  # byte-identical files are one document already
        aid = article_id(doc.content_hash, 1)
        store.save_articles(doc, [Article(id=aid, source=path.name, part=1, text=text)])
        ids[path.name] = aid
    reuse.update(store)
    found = reuse.clusters(store)
    pairs = {frozenset((p.a, p.b)): p for c in found for p in c.pairs}
    # The Independent's ORB poll story and a rewritten copy of part of it
    orb = pairs[frozenset((ids["article1111239155.txt"], ids["article1111239161.txt"]))]
    assert orb.relation == "contained" and orb.a == ids["article1111239155.txt"]
