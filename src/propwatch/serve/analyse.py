"""``POST /api/analyze``: one posted text or HTML page through the same extraction and
analysis as ``propwatch analyze``; stored (with republication and known-claim matching
brought up to date) only when asked."""

from __future__ import annotations

import threading
from typing import Any

from propwatch import kb, reuse
from propwatch.analyse import Pipeline
from propwatch.components import DEFAULT_COMPONENTS
from propwatch.execute.work import build_articles
from propwatch.extract import extract
from propwatch.model import RawDocument, Rejected
from propwatch.report.export import article_export, article_record
from propwatch.store import Store


class Analyser:
    """The default pipeline, loaded on first use and run one document at a time (the
    models are CPU-bound; two at once would only share the cores)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipeline: Pipeline | None = None

    def analyse(self, doc: RawDocument, store: Store | None) -> dict[str, Any]:
        """``{"stored", "articles": [export records]}`` or ``{"stored", "rejected"}``."""
        with self._lock:
            if self._pipeline is None:
                self._pipeline = Pipeline.from_names(DEFAULT_COMPONENTS)
            result = extract(doc)
            if isinstance(result, Rejected):
                return {"stored": False, "articles": [],
                        "rejected": {"kind": result.kind, "reason": result.reason}}
            articles = build_articles(doc, result, self._pipeline)
        if store is None:
            return {"stored": False, "articles": [article_record(a, {}) for a in articles]}
        new = store.save_articles(doc, articles)
        with store.corpus_lock():
            reuse.update(store)
            kb.match_new_claims(store)
        records = [article_export(store, a.id) for a in articles]
        return {"stored": new, "articles": [r for r in records if r is not None]}
