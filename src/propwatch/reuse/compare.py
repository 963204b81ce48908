"""Exact comparison of two articles' shingle sets: the check every candidate must pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from propwatch.reuse.fingerprint import SHINGLE, U64, shingle_sets

SHORT = 3  # shorter shingles tolerate edits: a changed word breaks 3 of them, not 5


@dataclass(frozen=True)
class Shingles:
    """One text's distinct 5-word and 3-word shingle hashes (sorted)."""

    long: U64
    short: U64


@dataclass(frozen=True)
class Overlap:
    """Exact overlap of texts A and B: Jaccard and containment on 5-word shingles, and
    containment on 3-word shingles (used to tell edited copies from unrelated texts)."""

    shared: int
    jaccard: float
    a_in_b: float
    b_in_a: float
    a_in_b_short: float
    b_in_a_short: float

    def swapped(self) -> Overlap:
        return Overlap(self.shared, self.jaccard, self.b_in_a, self.a_in_b,
                       self.b_in_a_short, self.a_in_b_short)


def shingles_of(texts: Sequence[str]) -> list[Shingles]:
    longs = shingle_sets(texts, SHINGLE)
    shorts = shingle_sets(texts, SHORT)
    return [Shingles(lg, sh) for lg, sh in zip(longs, shorts, strict=True)]


def shared_count(a: U64, b: U64) -> int:
    """How many values two sorted distinct arrays have in common."""
    if len(a) == 0 or len(b) == 0:
        return 0
    if len(a) > len(b):
        a, b = b, a
    idx = np.searchsorted(b, a)
    idx[idx == len(b)] = len(b) - 1
    return int(np.count_nonzero(b[idx] == a))


def overlap(a: Shingles, b: Shingles) -> Overlap:
    shared = shared_count(a.long, b.long)
    union = len(a.long) + len(b.long) - shared
    shared_short = shared_count(a.short, b.short)
    return Overlap(
        shared=shared,
        jaccard=shared / union if union else 0.0,
        a_in_b=shared / len(a.long) if len(a.long) else 0.0,
        b_in_a=shared / len(b.long) if len(b.long) else 0.0,
        a_in_b_short=shared_short / len(a.short) if len(a.short) else 0.0,
        b_in_a_short=shared_short / len(b.short) if len(b.short) else 0.0,
    )


def compare_texts(a: str, b: str) -> Overlap:
    sa, sb = shingles_of([a, b])
    return overlap(sa, sb)
