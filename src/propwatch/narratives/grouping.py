"""Two-level online grouping of unit sentence vectors: claim clusters, then narratives.

Each claim, in the order its article was first seen, joins the claim cluster whose
centroid is nearest if the cosine is at least ``claim_threshold``; otherwise it starts a
new cluster, and the new cluster joins the narrative whose centroid is nearest if that
cosine is at least ``narrative_threshold``, or starts a new narrative.  A cluster's
centroid is the mean of its claims; a narrative's is the mean of all its claims.

Because assignment is online, adding articles never moves an earlier claim: every id
stays what it was.  ``--rebuild`` runs the same pass over everything with fresh ids.
Ids come from counters that only grow, so an id once shown never names another group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Thresholds:
    # chosen by BCubed F1 on FNC-1 train (bench/narratives_fnc1.py, docs/benchmarks.md)
    claim: float = 0.8  # cosine to a claim cluster's centroid: the same claim
    narrative: float = 0.5  # cosine of a new cluster to a narrative's centroid

    def __post_init__(self) -> None:
        for value in (self.claim, self.narrative):
            if not -1.0 <= value <= 1.0:
                raise ValueError("thresholds are cosines, in [-1, 1]")


@dataclass
class Grouping:
    """Clusters and narratives in memory; ``assign`` adds one claim vector."""

    dim: int
    thresholds: Thresholds = field(default_factory=Thresholds)
    next_cluster: int = 1
    next_narrative: int = 1
    cluster_ids: list[int] = field(default_factory=list)
    cluster_narrative: list[int] = field(default_factory=list)
    narrative_ids: list[int] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)  # clusters to store
    created: set[int] = field(default_factory=set)  # narratives to store

    def __post_init__(self) -> None:
        self._clusters = _Centroids(self.dim)
        self._narratives = _Centroids(self.dim)
        self._cluster_row: dict[int, int] = {}
        self._narrative_row: dict[int, int] = {}

    def load(self, clusters: list[tuple[int, int, np.ndarray]]) -> None:
        """Start from stored clusters (id, narrative id, sum of member vectors)."""
        for cluster, narrative, total in clusters:
            if narrative not in self._narrative_row:
                self._add_narrative(narrative, np.zeros(self.dim, dtype=np.float32))
            self._add_cluster(cluster, narrative, total)
            self._add_to_narrative(narrative, total)
            self.next_cluster = max(self.next_cluster, cluster + 1)
            self.next_narrative = max(self.next_narrative, narrative + 1)
        self.changed.clear()
        self.created.clear()

    def assign(self, vector: np.ndarray) -> int:
        """Add one unit vector; returns its claim cluster's id."""
        vector = vector.astype(np.float32)
        best = self._clusters.nearest(vector, self.thresholds.claim)
        if best is not None:
            cluster = self.cluster_ids[best]
            narrative = self.cluster_narrative[best]
            self._clusters.add_to(best, vector)
        else:
            near = self._narratives.nearest(vector, self.thresholds.narrative)
            if near is not None:
                narrative = self.narrative_ids[near]
            else:
                narrative = self.next_narrative
                self.next_narrative += 1
                self._add_narrative(narrative, np.zeros(self.dim, dtype=np.float32))
                self.created.add(narrative)
            cluster = self.next_cluster
            self.next_cluster += 1
            self._add_cluster(cluster, narrative, vector)
        self._add_to_narrative(narrative, vector)
        self.changed.add(cluster)
        return cluster

    def narrative_of(self, cluster: int) -> int:
        return self.cluster_narrative[self._cluster_row[cluster]]

    def total(self, cluster: int) -> np.ndarray:
        return self._clusters.totals[self._cluster_row[cluster]]

    def _add_cluster(self, cluster: int, narrative: int, total: np.ndarray) -> None:
        self._cluster_row[cluster] = len(self.cluster_ids)
        self.cluster_ids.append(cluster)
        self.cluster_narrative.append(narrative)
        self._clusters.append(total)

    def _add_narrative(self, narrative: int, total: np.ndarray) -> None:
        self._narrative_row[narrative] = len(self.narrative_ids)
        self.narrative_ids.append(narrative)
        self._narratives.append(total)

    def _add_to_narrative(self, narrative: int, vector: np.ndarray) -> None:
        self._narratives.add_to(self._narrative_row[narrative], vector)


class _Centroids:
    """Rows of summed vectors and their unit-length centroids, growing by doubling."""

    def __init__(self, dim: int) -> None:
        self.size = 0
        self._totals = np.zeros((16, dim), dtype=np.float32)
        self._units = np.zeros((16, dim), dtype=np.float32)

    @property
    def totals(self) -> np.ndarray:
        return self._totals[: self.size]

    def append(self, total: np.ndarray) -> None:
        if self.size == len(self._totals):
            self._totals = np.vstack([self._totals, np.zeros_like(self._totals)])
            self._units = np.vstack([self._units, np.zeros_like(self._units)])
        self._totals[self.size] = total
        self._units[self.size] = _unit(total)
        self.size += 1

    def add_to(self, row: int, vector: np.ndarray) -> None:
        self._totals[row] += vector
        self._units[row] = _unit(self._totals[row])

    def nearest(self, vector: np.ndarray, threshold: float) -> int | None:
        """The row whose centroid is nearest ``vector``, if its cosine reaches ``threshold``."""
        if not self.size:
            return None
        sims = self._units[: self.size] @ vector
        best = int(np.argmax(sims))
        return best if float(sims[best]) >= threshold else None


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
