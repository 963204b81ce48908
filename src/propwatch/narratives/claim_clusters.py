"""Claim clusters: the same claim in other words, inside one narrative.

Claims are taken in order: a claim joins the cluster of its narrative whose centroid (mean
of its claims' unit embeddings) is nearest, if the cosine reaches the claim threshold;
otherwise it starts a new cluster.  ``assign`` does this for one narrative's new claims
without recomputing centroids claim by claim: for a chunk of claims it computes, once, the
dot products of every cluster total with every claim of the chunk and of the claims with
each other, then keeps each total's dot products and squared norm up to date as claims
join (the cosine to a centroid is ``total . v / |total|``).  Ids are given by the caller
(``build``), from a counter that only grows; when narratives merge, their clusters move
with them, ids unchanged.
"""

from __future__ import annotations

import numpy as np

CHUNK = 512  # claims whose dot products are computed at once


def assign(totals: np.ndarray, vectors: np.ndarray, threshold: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """Cluster the rows of ``vectors`` (unit embeddings, in order) given clusters whose
    member sums are the rows of ``totals``.  Returns (the cluster of each vector: an index
    into the output totals, the totals: the given ones updated, then the new ones)."""
    n, dim = vectors.shape
    out = np.zeros((len(totals) + n, dim), dtype=np.float32)
    out[: len(totals)] = totals
    k = len(totals)
    labels = np.empty(n, dtype=np.int64)
    for lo in range(0, n, CHUNK):
        chunk = vectors[lo : lo + CHUNK].astype(np.float32)
        labels[lo : lo + len(chunk)], k = _assign_chunk(out, k, chunk, threshold)
        np.add.at(out, labels[lo : lo + len(chunk)], chunk)
    return labels, out[:k]


def _assign_chunk(totals: np.ndarray, k: int, chunk: np.ndarray, threshold: float
                  ) -> tuple[np.ndarray, int]:
    """Labels of the chunk's claims against the first ``k`` rows of ``totals`` (not
    updated here) and the clusters the chunk starts; the new number of clusters."""
    c = len(chunk)
    gram = chunk @ chunk.T
    dots = np.zeros((k + c, c), dtype=np.float32)  # cluster total . claim
    dots[:k] = totals[:k] @ chunk.T
    squared = np.zeros(k + c, dtype=np.float64)  # |cluster total|^2
    squared[:k] = np.einsum("ij,ij->i", totals[:k], totals[:k])
    inverse = np.zeros(k + c, dtype=np.float32)  # 1 / |cluster total|
    inverse[:k] = 1.0 / np.sqrt(np.maximum(squared[:k], 1e-24))
    labels = np.empty(c, dtype=np.int64)
    for i in range(c):
        best = -1
        if k:
            sims = dots[:k, i] * inverse[:k]
            best = int(np.argmax(sims))
            if sims[best] < threshold:
                best = -1
        if best < 0:
            best = k
            k += 1
            squared[best] = 0.0
        squared[best] += 2.0 * float(dots[best, i]) + float(gram[i, i])
        inverse[best] = 1.0 / np.sqrt(max(squared[best], 1e-24))
        dots[best, i + 1 :] += gram[i, i + 1 :]
        labels[i] = best
    return labels, k
