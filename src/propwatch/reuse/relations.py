"""Turn an exact overlap into a relation: duplicate, contained (with the share) or rewrite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from propwatch.reuse.compare import Overlap

Relation = Literal["duplicate", "contained", "rewrite"]
RELATIONS: tuple[Relation, ...] = ("duplicate", "contained", "rewrite")


@dataclass(frozen=True)
class Thresholds:
    """When two texts count as copies.  Shares are of distinct word shingles."""

    min_shared: int = 10  # fewer shared 5-word shingles than this is a quote, not a copy
    min_partial: int = 25  # ... and fewer than this, unless one text is wholly in the other
    duplicate: float = 0.9  # share of each inside the other (5-word): the same article
    whole: float = 0.9  # share of the smaller text inside the larger: contained outright
    rewrite: float = 0.5  # 3-word share both ways: the same article edited ...
    edited: float = 0.03  # ... where 3-word shares exceed 5-word ones by this (words changed)
    contained: float = 0.45  # 3-word share of one inside the other: a partial copy

    def __post_init__(self) -> None:
        for name in ("duplicate", "whole", "rewrite", "edited", "contained"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0.0, 1.0], got {value}")
        if not 1 <= self.min_shared <= self.min_partial:
            raise ValueError(
                f"need 1 <= min_shared <= min_partial, got {self.min_shared}, {self.min_partial}"
            )


DEFAULT = Thresholds()


@dataclass(frozen=True)
class Verdict:
    relation: Relation
    swap: bool  # for "contained": True when B is the one inside A


def classify(ov: Overlap, th: Thresholds = DEFAULT) -> Verdict | None:
    """The relation between A and B, or None when they are not copies of each other."""
    if ov.shared < th.min_shared:
        return None
    if min(ov.a_in_b, ov.b_in_a) >= th.duplicate:
        return Verdict("duplicate", False)
    b_smaller = ov.b_in_a > ov.a_in_b
    if max(ov.a_in_b, ov.b_in_a) >= th.whole:
        return Verdict("contained", b_smaller)
    if ov.shared < th.min_partial:
        return None
    edited = max(ov.a_in_b_short - ov.a_in_b, ov.b_in_a_short - ov.b_in_a) >= th.edited
    if edited and min(ov.a_in_b_short, ov.b_in_a_short) >= th.rewrite:
        return Verdict("rewrite", False)
    if max(ov.a_in_b_short, ov.b_in_a_short, ov.a_in_b, ov.b_in_a) >= th.contained:
        return Verdict("contained", max(ov.b_in_a_short, ov.b_in_a) > max(
            ov.a_in_b_short, ov.a_in_b))
    return None
