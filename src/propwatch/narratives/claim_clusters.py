"""Claim clusters: the same claim in other words, inside one narrative.

A claim joins the cluster of its article's narrative whose centroid (mean of its claims'
unit embeddings) is nearest, if the cosine reaches the claim threshold; otherwise it
starts a new cluster.  Ids come from a counter that only grows.  When narratives merge,
their clusters move with them, ids unchanged.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np


class ClaimClusters:
    def __init__(self, dim: int, threshold: float, next_id: int = 1) -> None:
        self.dim = dim
        self.threshold = threshold
        self.next_id = next_id
        self.narrative: dict[int, int] = {}  # cluster id -> narrative id
        self.total: dict[int, np.ndarray] = {}  # cluster id -> sum of member vectors
        self._of: dict[int, list[int]] = defaultdict(list)  # narrative -> cluster ids
        self._units: dict[int, np.ndarray] = {}  # narrative -> unit centroids, rows as _of
        self.changed: set[int] = set()

    def load(self, clusters: list[tuple[int, int, np.ndarray]]) -> None:
        """Start from stored clusters (id, narrative id, sum of member vectors)."""
        for cluster, narrative, total in clusters:
            self.narrative[cluster] = narrative
            self.total[cluster] = total
            self._of[narrative].append(cluster)
            self.next_id = max(self.next_id, cluster + 1)
        self._units = {n: self._unit_rows(c) for n, c in self._of.items()}

    def move(self, narrative: int, into: int) -> None:
        """Every cluster of ``narrative`` now belongs to ``into``."""
        for cluster in self._of.pop(narrative, []):
            self.narrative[cluster] = into
            self._of[into].append(cluster)
            self.changed.add(cluster)
        self._units.pop(narrative, None)
        self._units[into] = self._unit_rows(self._of[into])

    def assign(self, narrative: int, vector: np.ndarray) -> int:
        """Add one unit vector of a claim of ``narrative``; its cluster id."""
        vector = vector.astype(np.float32)
        clusters = self._of[narrative]
        units = self._units.get(narrative)
        if clusters and units is not None:
            sims = units @ vector
            best = int(np.argmax(sims))
            if float(sims[best]) >= self.threshold:
                cluster = clusters[best]
                self.total[cluster] = self.total[cluster] + vector
                units[best] = _unit(self.total[cluster])
                self.changed.add(cluster)
                return cluster
        cluster = self.next_id
        self.next_id += 1
        self.narrative[cluster] = narrative
        self.total[cluster] = vector.copy()
        clusters.append(cluster)
        row = _unit(vector)[None, :]
        self._units[narrative] = row if units is None else np.vstack([units, row])
        self.changed.add(cluster)
        return cluster

    def _unit_rows(self, clusters: list[int]) -> np.ndarray:
        if not clusters:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([_unit(self.total[c]) for c in clusters]).astype(np.float32)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
