from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from propwatch.claims.component import Claims
from propwatch.kb import claims_by_article, import_kb, match_new_claims
from propwatch.model import Article, RawDocument, article_id
from propwatch.store import Store


def test_seed_articles_meet_isis_debunks(store: Store, shared: Callable[..., Path]) -> None:
    """The seeds' claims about the US and ISIS find EUvsDisinfo debunks (KB cut to ISIS):
    "Why would the US Air Force protect Da'esh terrorists on the ground?" finds the claim
    that the US Air Force shields ISIS from Russian strikes."""
    import_kb(store, "euvsdisinfo", shared("data", "euvsdisinfo", "claims.csv"))
    # keep the ISIS-related known claims only, so the test embeds ~150 claims, not 10,892
    store.conn.execute("DELETE FROM kb_claims WHERE search_text NOT LIKE '%ISIS%'")
    seeds = sorted(shared("samples", "seeds").glob("*.txt"))
    component = Claims()
    for path in seeds:
        doc = RawDocument(source=str(path), text=path.read_text(encoding="utf-8"),
                          content_type="text")
        art = Article(id=article_id(doc.content_hash, 0), source=doc.source, part=0,
                      text=doc.text)
        art.add_layer("claims", component.predict(art))
        store.save_articles(doc, [art])
    summary = match_new_claims(store)
    assert summary.matches >= 1  # `match` needs the reranker; see docs/benchmarks.md, seeds
    by_text = {c["text"]: c["matches"] for claims in claims_by_article(store).values()
               for c in claims}
    best = by_text["Why would the US Air Force protect Da'esh terrorists on the ground?"][0]
    assert best["id"] == "https://euvsdisinfo.eu/report/us-air-force-in-syria-seeks-to-" \
        "prevent-russian-air-force-from-killing-islamic-state-terrorists/"
    assert best["decision"] in {"match", "related"}
