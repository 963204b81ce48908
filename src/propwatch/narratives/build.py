"""Bring a corpus's narratives up to date: embed new claims, group new articles into
narratives (``grouping``) and their claims into claim clusters, store the result.

The claims grouped are the ``claims`` layer's sentences scoring at least
``Settings.min_score`` and every sentence with a counted known-claim match.  The default
keeps every sentence of the layer (score 0): on FNC-1 train, grouping only the check-worthy
ones (``LIST_THRESHOLD``, the listing cut of ``propwatch claims``) lost 0.07 BCubed F1,
since an article's story is carried by more sentences than its most check-worthy ones.
Each claim is embedded once (the claims layer's sentence encoder) after alias
canonicalisation ("Daesh" and "Islamic State" both read "ISIS"), and the vector is stored,
so a later run embeds only claims it has not seen.  An article's features (the word counts
of its claims, their mean embedding) are stored when it is first grouped; an update reads
only the claims not grouped yet, plus every article's features.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from propwatch.claims.encoder import DIM, SentenceEncoder, default_encoder
from propwatch.errors import ConfigError
from propwatch.kb.aliases import Aliases
from propwatch.kb.importer import current_aliases
from propwatch.kb.match import clean_query
from propwatch.narratives.claim_clusters import ClaimClusters
from propwatch.narratives.features import (
    count_matrix,
    pack,
    term_counts,
    unit_mean,
    unpack,
    weighted,
)
from propwatch.narratives.grouping import Thresholds, group
from propwatch.store import Store
from propwatch.store.kb import EMBED_DTYPE, KbTables
from propwatch.store.narratives import ArticleRow, ClaimKey, ClaimRow, NarrativeTables
from propwatch.store.open import shown

log = logging.getLogger(__name__)

EMBED_BATCH = 256
Progress = Callable[[str, int, int], None]  # (stage, done, to do)


# what the stored grouping is (2: each text's own stop words); another one is re-clustered
METHOD = "articles-2"


@dataclass(frozen=True)
class Settings:
    thresholds: Thresholds = Thresholds()
    min_score: float = 0.0  # LIST_THRESHOLD: check-worthy sentences only

    def to_meta(self) -> dict[str, str]:
        return {"claim_threshold": repr(self.thresholds.claim),
                "narrative_threshold": repr(self.thresholds.narrative),
                "words_weight": repr(self.thresholds.words),
                "min_score": repr(self.min_score), "method": METHOD}

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> Settings | None:
        if meta.get("method") != METHOD:
            return None
        return cls(Thresholds(float(meta["claim_threshold"]),
                              float(meta["narrative_threshold"]),
                              float(meta["words_weight"])),
                   float(meta["min_score"]))


@dataclass
class UpdateSummary:
    claims: int = 0  # claims grouped in all
    new_claims: int = 0  # claims assigned by this run
    embedded: int = 0  # claims embedded by this run
    articles: int = 0  # articles grouped in all
    new_articles: int = 0  # articles grouped by this run
    narratives: int = 0
    clusters: int = 0
    merges: int = 0  # narratives merged into older ones by this run
    rebuilt: str = ""  # why everything was re-clustered ("" when it was not)


def update(
    store: Store, settings: Settings | None = None, rebuild: bool = False,
    encoder: SentenceEncoder | None = None, progress: Progress | None = None,
) -> UpdateSummary:
    """Group the articles and claims not yet grouped (``rebuild``: re-cluster everything).

    ``settings`` default to the ones the corpus was grouped with (else ``Settings()``);
    other settings than those need ``rebuild``, since they would make earlier and later
    assignments disagree."""
    tables = NarrativeTables(store.conn)
    meta = tables.meta()
    stored = Settings.from_meta(meta)
    if settings is not None and stored is not None and settings != stored and not rebuild:
        raise ConfigError(
            f"the narratives of {shown(store.path)} were grouped with {_describe(stored)}; pass "
            "--rebuild to re-cluster everything with the new settings")
    settings = settings or stored or Settings()
    aliases = current_aliases(KbTables(store.conn))
    summary = UpdateSummary()
    if rebuild:
        summary.rebuilt = "asked for"
    elif stored is None and tables.counts()[0]:
        summary.rebuilt = "the grouping method changed"
    elif stored is not None and meta.get("aliases") != aliases.fingerprint:
        summary.rebuilt = "the alias list changed"
    rebuilding = bool(summary.rebuilt)
    stored_rows = tables.articles(DIM)
    before = {a.article_id: a.narrative for a in stored_rows}
    # an article's features depend on its claims and the aliases: a rebuild asked for with
    # the same claims and aliases reuses them
    same_features = not rebuilding or (summary.rebuilt == "asked for" and stored is not None
                                       and stored.min_score == settings.min_score)
    known = {a.article_id: a for a in stored_rows} if same_features else {}
    claims = tables.claims(settings.min_score, ungrouped=not rebuilding)
    vectors, summary.embedded = _vectors(tables, claims, aliases, encoder, progress,
                                         ungrouped=not rebuilding)
    by_article: dict[str, list[ClaimRow]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    new_rows = [_features(a, cs, vectors, aliases) for a, cs in by_article.items()
                if a not in known]
    rows = list(known.values()) + new_rows
    labels = np.array([-1 if rebuilding else r.narrative for r in rows], dtype=np.int64)
    grouped = group(weighted(count_matrix([unpack(r.terms) for r in rows])),
                    np.stack([r.vector for r in rows]) if rows else np.zeros((0, DIM)),
                    labels, settings.thresholds, int(meta.get("next_narrative", 1)),
                    progress=partial(progress, "grouping articles") if progress else None)
    narrative = {r.article_id: int(n) for r, n in zip(rows, grouped.labels, strict=True)}
    clusters = ClaimClusters(DIM, settings.thresholds.claim, int(meta.get("next_cluster", 1)))
    if not rebuilding:
        clusters.load(tables.clusters(DIM))
    for young, old, _ in grouped.merges:
        clusters.move(young, old)
    members = [(c.key, clusters.assign(narrative[c.article_id], vectors[c.key]))
               for c in claims]
    changed = [ArticleRow(r.article_id, narrative[r.article_id], r.terms, r.vector)
               for r in rows if rebuilding or r.narrative != narrative[r.article_id]]
    moves = [(young, old, "merged", n) for young, old, n in grouped.merges]
    if rebuilding:
        moves += _rebuilt(before, narrative)
    tables.save_groups(
        grouped.created, changed,
        [(c, clusters.narrative[c], clusters.total[c]) for c in sorted(clusters.changed)],
        members, moves,
        {**settings.to_meta(), "aliases": aliases.fingerprint,
         "next_cluster": str(clusters.next_id),
         "next_narrative": str(max([int(meta.get("next_narrative", 1)), *[
             n + 1 for n in grouped.created]]))},
        reset=rebuilding,
    )
    summary.claims, summary.clusters, summary.articles, summary.narratives = tables.counts()
    summary.new_claims = len(members)
    summary.new_articles = len(new_rows) if not rebuilding else len(rows)
    summary.merges = len(grouped.merges)
    return summary


def _features(article: str, claims: list[ClaimRow], vectors: dict[ClaimKey, np.ndarray],
              aliases: Aliases) -> ArticleRow:
    """A new article's features: its claims' word counts and their mean embedding."""
    text = embedding_text(" ".join(c.text for c in claims), aliases)  # one pass per article
    return ArticleRow(article, -1, pack(*term_counts(text)),
                      unit_mean([vectors[c.key] for c in claims], DIM))


def _rebuilt(before: dict[str, int], after: dict[str, int]) -> list[tuple[int, int, str, int]]:
    """(old id, new id, "rebuilt", articles of the old now in the new) for every pair."""
    counts = Counter((old, after[a]) for a, old in before.items() if a in after)
    return [(old, new, "rebuilt", n) for (old, new), n in sorted(counts.items())]


def embedding_text(text: str, aliases: Aliases) -> str:
    """What is embedded for a claim: the sentence without links and handles, aliases
    canonicalised."""
    return aliases.canonicalise(clean_query(text))


def _vectors(
    tables: NarrativeTables, claims: list[ClaimRow], aliases: Aliases,
    encoder: SentenceEncoder | None, progress: Progress | None, ungrouped: bool,
) -> tuple[dict[ClaimKey, np.ndarray], int]:
    vectors = tables.vectors(aliases.fingerprint, DIM, ungrouped)
    todo = [c for c in claims if c.key not in vectors]
    if not todo:
        return vectors, 0
    log.info("embedding %d claims", len(todo))
    model = encoder or default_encoder()
    for i in range(0, len(todo), EMBED_BATCH):
        chunk = todo[i : i + EMBED_BATCH]
        fresh = model.encode([embedding_text(c.text, aliases) for c in chunk], cache=False)
        keys = [c.key for c in chunk]
        tables.save_vectors(keys, fresh, aliases.fingerprint)
        # later runs read float16 back: group with those same values now
        stored = fresh.astype(EMBED_DTYPE).astype(np.float32)
        vectors.update(zip(keys, stored, strict=True))
        if progress:
            progress("embedding claims", min(i + EMBED_BATCH, len(todo)), len(todo))
    return vectors, len(todo)


def _describe(settings: Settings) -> str:
    t = settings.thresholds
    return (f"claim threshold {t.claim:g}, narrative threshold {t.narrative:g}, words "
            f"weight {t.words:g}, min score {settings.min_score:g}")
