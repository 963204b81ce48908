"""Why the narratives' search compares nearly every row with every narrative: how far the
exact bounds that could prune it are from the similarities they bound.

From a grouped database (e.g. one ``bench/narratives_scale.py`` left), the narratives of
all grouped articles but the last ``--queries`` are indexed as ``update`` indexes them
(``grouping.Index``, one segment), and the last articles' TF-IDF rows are the queries.
Printed, for the narrative cut (0.2 by default):

- the share of query rows whose common-word part alone could reach the cut ("heavy"
  rows, compared with every narrative) and the norms of the common parts of rows and
  narratives: a pair's common part is at most their product (Cauchy-Schwarz), so a
  heavy row could skip the narratives whose common norm is below cut / its own;
- the share of (row, narrative) pairs that such a norm bound leaves to compute, and the
  share a per-narrative prefix filter (index each narrative's words but its commonest
  ones, whose norm stays below the cut) leaves, against the pairs that reach the cut.

    PYTHONPATH=src python bench/narratives_bounds.py /tmp/13e/new10k.db
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy import sparse

from propwatch.narratives.features import DocumentFrequencies, count_matrix, unpack
from propwatch.narratives.grouping import Index, Thresholds
from propwatch.store import open_store
from propwatch.store.narratives import NarrativeTables

DIM = 384


def norms(matrix: sparse.csr_matrix) -> np.ndarray:
    return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())


def prefix_filtered(narratives: sparse.csr_matrix, cut: float) -> sparse.csr_matrix:
    """Each narrative's row without its commonest words while their norm stays below the
    cut: a pair sharing none of the words left cannot reach the cut (unit query rows)."""
    df = np.bincount(narratives.indices, minlength=narratives.shape[1])
    coo = narratives.tocoo()
    order = np.lexsort((-df[coo.col], coo.row))
    rows, cols = coo.row[order], coo.col[order]
    values = coo.data[order].astype(np.float64)
    squares = np.cumsum(values**2)
    first = np.searchsorted(rows, rows, side="left")
    within = squares - np.concatenate([[0.0], squares])[first]
    keep = np.sqrt(within) >= cut
    return sparse.csr_matrix((values[keep], (rows[keep], cols[keep])), shape=narratives.shape)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path, help="a grouped database")
    parser.add_argument("--queries", type=int, default=512)
    parser.add_argument("--cut", type=float, default=Thresholds().narrative)
    args = parser.parse_args()
    with open_store(args.db) as store:
        rows = NarrativeTables(store.conn).articles(DIM)
    counts = count_matrix([unpack(r.terms) for r in rows])
    frequencies = DocumentFrequencies()
    frequencies.add(counts)
    terms = frequencies.weighted(counts)
    known, queries = terms[: -args.queries], terms[-args.queries :]
    labels = np.array([r.narrative for r in rows[: -args.queries]], dtype=np.int64)
    index = Index.of(labels, known, np.zeros((known.shape[0], DIM), np.float32), words=1.0)
    [segment] = index.segments
    cut = args.cut
    common = np.flatnonzero(segment.common)
    row_norms = norms(queries[:, common])
    narrative_norms = norms(segment.terms[:, common])
    heavy = row_norms >= cut
    print(f"{len(segment)} narratives of {known.shape[0]} articles, {len(common)} common words "
          f"(in more than {max(50, int(0.01 * len(segment)))} narratives); "
          f"{queries.shape[0]} query rows, cut {cut}")
    print(f"heavy rows: {heavy.sum()} of {queries.shape[0]} ({heavy.mean():.1%})")
    for name, values in (("rows", row_norms), ("narratives", narrative_norms)):
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        print(f"common-part norm of the {name}: 10th/50th/90th percentile "
              f"{p10:.2f} / {p50:.2f} / {p90:.2f}")
    sims = (queries @ segment.terms.T).toarray()
    pairs = sims.size
    bound = row_norms[:, None] * narrative_norms[None, :]
    rare = sims - (queries[:, common] @ segment.terms[:, common].T).toarray()
    left = (rare + bound >= cut - 1e-4).mean()
    print(f"pairs reaching the cut: {(sims >= cut).sum()} of {pairs} "
          f"({(sims >= cut).mean():.4%}); similarity 50th/99th/99.9th percentile "
          + " / ".join(f"{v:.3f}" for v in np.percentile(sims, [50, 99, 99.9])))
    print(f"common part, 99.9th percentile: {np.percentile(sims - rare, 99.9):.3f}; "
          f"its bound (product of norms), 1st percentile: {np.percentile(bound, 1):.3f}")
    print(f"pairs left to compute by the norm bound (rare part + product of common norms "
          f">= cut): {left:.1%}")
    candidates = (queries @ prefix_filtered(segment.terms, cut).T).nnz
    print(f"pairs left by a per-narrative prefix filter: {candidates / pairs:.1%}")


if __name__ == "__main__":
    main()
