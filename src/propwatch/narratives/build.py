"""Bring a corpus's narratives up to date: embed new claims, assign them, store the result.

The claims grouped are the ``claims`` layer's sentences scoring at least
``Settings.min_score`` and every sentence with a counted known-claim match.  The default
keeps every sentence of the layer (score 0): on FNC-1 train, grouping only the check-worthy
ones (``LIST_THRESHOLD``, the listing cut of ``propwatch claims``) lost 0.07 BCubed F1,
since an article's story is carried by more sentences than its most check-worthy ones.
Each claim is embedded once (MiniLM, the matching encoder) after alias canonicalisation
("Daesh" and "Islamic State" both read "ISIS"), and the vector is stored, so a later run
embeds only claims it has not seen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from propwatch.claims.encoder import DIM, SentenceEncoder, default_encoder
from propwatch.errors import ConfigError
from propwatch.kb.aliases import Aliases
from propwatch.kb.importer import current_aliases
from propwatch.kb.match import clean_query
from propwatch.narratives.grouping import Grouping, Thresholds
from propwatch.store import SqliteStore
from propwatch.store.kb import EMBED_DTYPE, KbTables
from propwatch.store.narratives import ClaimKey, ClaimRow, NarrativeTables

log = logging.getLogger(__name__)

EMBED_BATCH = 256
Progress = Callable[[int, int], None]  # (claims embedded, claims to embed)


@dataclass(frozen=True)
class Settings:
    thresholds: Thresholds = Thresholds()
    min_score: float = 0.0  # LIST_THRESHOLD: check-worthy sentences only

    def to_meta(self) -> dict[str, str]:
        return {"claim_threshold": repr(self.thresholds.claim),
                "narrative_threshold": repr(self.thresholds.narrative),
                "min_score": repr(self.min_score)}

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> Settings | None:
        try:
            return cls(Thresholds(float(meta["claim_threshold"]),
                                  float(meta["narrative_threshold"])),
                       float(meta["min_score"]))
        except KeyError:
            return None


@dataclass
class UpdateSummary:
    claims: int = 0  # claims grouped in all
    new_claims: int = 0  # claims assigned by this run
    embedded: int = 0  # claims embedded by this run
    narratives: int = 0
    clusters: int = 0
    rebuilt: str = ""  # why everything was re-clustered ("" when it was not)


def update(
    store: SqliteStore, settings: Settings | None = None, rebuild: bool = False,
    encoder: SentenceEncoder | None = None, progress: Progress | None = None,
) -> UpdateSummary:
    """Assign claims not yet grouped to narratives (``rebuild``: re-cluster everything).

    ``settings`` default to the ones the corpus was grouped with (else ``Settings()``);
    other settings than those need ``rebuild``, since they would make earlier and later
    assignments disagree."""
    tables = NarrativeTables(store.conn)
    meta = tables.meta()
    stored = Settings.from_meta(meta)
    if settings is not None and stored is not None and settings != stored and not rebuild:
        raise ConfigError(
            f"the narratives of {store.path} were grouped with {_describe(stored)}; pass "
            "--rebuild to re-cluster everything with the new settings")
    settings = settings or stored or Settings()
    aliases = current_aliases(KbTables(store.conn))
    summary = UpdateSummary()
    if rebuild:
        summary.rebuilt = "asked for"
    elif stored is not None and meta.get("aliases") != aliases.fingerprint:
        summary.rebuilt = "the alias list changed"
    if summary.rebuilt:
        tables.reset()
    claims = tables.claims(settings.min_score)
    vectors, summary.embedded = _vectors(tables, claims, aliases,
                                         encoder or default_encoder(), progress)
    grouping = Grouping(DIM, settings.thresholds, int(meta.get("next_cluster", 1)),
                        int(meta.get("next_narrative", 1)))
    grouping.load(tables.clusters(DIM))
    done = tables.grouped()
    members: list[tuple[ClaimKey, int]] = []
    for claim in claims:
        if claim.key not in done:
            members.append((claim.key, grouping.assign(vectors[claim.key])))
    tables.save_groups(
        sorted(grouping.created),
        [(c, grouping.narrative_of(c), grouping.total(c)) for c in sorted(grouping.changed)],
        members,
        {**settings.to_meta(), "aliases": aliases.fingerprint,
         "next_cluster": str(grouping.next_cluster),
         "next_narrative": str(grouping.next_narrative)},
    )
    summary.claims = len(claims)
    summary.new_claims = len(members)
    summary.clusters = len(grouping.cluster_ids)
    summary.narratives = len(set(grouping.cluster_narrative))
    return summary


def embedding_text(text: str, aliases: Aliases) -> str:
    """What is embedded for a claim: the sentence without links and handles, aliases
    canonicalised."""
    return aliases.canonicalise(clean_query(text))


def _vectors(
    tables: NarrativeTables, claims: list[ClaimRow], aliases: Aliases,
    encoder: SentenceEncoder, progress: Progress | None,
) -> tuple[dict[ClaimKey, np.ndarray], int]:
    vectors = tables.vectors(aliases.fingerprint, DIM)
    todo = [c for c in claims if c.key not in vectors]
    if todo:
        log.info("embedding %d claims", len(todo))
    for i in range(0, len(todo), EMBED_BATCH):
        chunk = todo[i : i + EMBED_BATCH]
        fresh = encoder.encode([embedding_text(c.text, aliases) for c in chunk], cache=False)
        keys = [c.key for c in chunk]
        tables.save_vectors(keys, fresh, aliases.fingerprint)
        # later runs read float16 back: group with those same values now
        stored = fresh.astype(EMBED_DTYPE).astype(np.float32)
        vectors.update(zip(keys, stored, strict=True))
        if progress:
            progress(min(i + EMBED_BATCH, len(todo)), len(todo))
    return vectors, len(todo)


def _describe(settings: Settings) -> str:
    return (f"claim threshold {settings.thresholds.claim:g}, narrative threshold "
            f"{settings.thresholds.narrative:g}, min score {settings.min_score:g}")
