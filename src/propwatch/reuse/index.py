"""Candidate pairs from inverted-index entries (key, doc), vectorised.

Both candidate paths use it: the banded MinHash keys (similar as a whole) and the sampled
shingle hashes (one text largely inside another).  Keys shared by many texts (site chrome,
stock phrases, a story copied hundreds of times) would make the pair count quadratic: a key
held by more than ``cap`` texts pairs each of them only with the first ``reps`` holders
(lowest doc numbers, i.e. first seen), which still links every copy of a popular story.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Limits:
    cap: int = 32
    reps: int = 16

    def __post_init__(self) -> None:
        if self.cap < 2:
            raise ValueError(f"cap must be at least 2, got {self.cap}")
        if not 1 <= self.reps <= self.cap:
            raise ValueError(f"reps must be in [1, cap], got {self.reps}")


def shared_keys(
    keys: I64, docs: I64, first_new: int, limits: Limits = Limits()
) -> tuple[I64, I64, I64]:
    """Pairs (a < b) that share at least one key, with how many keys they share.

    Only pairs involving a doc numbered ``first_new`` or above are returned, so an update
    compares new texts with everything but never re-compares old ones.
    """
    if len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    order = np.lexsort((docs, keys))
    k, d = keys[order], docs[order]
    # drop repeated (key, doc) entries
    keep = np.ones(len(k), dtype=bool)
    keep[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    k, d = k[keep], d[keep]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, len(k)])
    # a group is useful only if it holds a new doc (docs are sorted, so check the last one)
    last = d[starts + sizes - 1]
    useful = (sizes >= 2) & (last >= first_new)
    starts, sizes = starts[useful], sizes[useful]
    a_parts: list[I64] = []
    b_parts: list[I64] = []
    for size in sorted(set(sizes.tolist())):
        group = starts[sizes == size]
        if size <= limits.cap:
            ii, jj = np.triu_indices(size, 1)
        else:
            ii_list, jj_list = [], []
            for r in range(limits.reps):
                jj_r = np.arange(r + 1, size)
                ii_list.append(np.full(len(jj_r), r))
                jj_list.append(jj_r)
            ii, jj = np.concatenate(ii_list), np.concatenate(jj_list)
        a_parts.append(d[group[:, None] + ii[None, :]].ravel())
        b_parts.append(d[group[:, None] + jj[None, :]].ravel())
    if not a_parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    a, b = np.concatenate(a_parts), np.concatenate(b_parts)
    new = b >= first_new  # b > a within a group, so b is new whenever either is
    a, b = a[new], b[new]
    code = a.astype(np.uint64) << np.uint64(32) | b.astype(np.uint64)
    code = np.sort(code)
    if len(code) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    first = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    counts = np.diff(np.r_[first, len(code)]).astype(np.int64)
    uniq = code[first]
    pa = (uniq >> np.uint64(32)).astype(np.int64)
    pb = (uniq & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return pa, pb, counts
