from __future__ import annotations

import numpy as np

from propwatch.narratives.grouping import Grouping, Thresholds


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_a_near_vector_joins_the_cluster_and_a_far_one_starts_a_narrative() -> None:
    g = Grouping(3, Thresholds(claim=0.9, narrative=0.5))
    a = g.assign(unit(1, 0, 0))
    b = g.assign(unit(1, 0.1, 0))
    c = g.assign(unit(1, 1, 0))  # cosine ~0.7: another claim, same narrative
    d = g.assign(unit(0, 0, 1))  # unrelated: a new narrative
    assert a == b and c != a and d not in (a, c)
    assert g.narrative_of(a) == g.narrative_of(c) != g.narrative_of(d)


def test_loaded_groups_keep_their_ids_and_new_ids_continue_after_them() -> None:
    first = Grouping(3, Thresholds(claim=0.9, narrative=0.5))
    x = first.assign(unit(1, 0, 0))
    first.assign(unit(0, 0, 1))
    again = Grouping(3, Thresholds(claim=0.9, narrative=0.5))
    again.load([(c, first.narrative_of(c), first.total(c)) for c in first.cluster_ids])
    assert again.assign(unit(1, 0.05, 0)) == x
    fresh = again.assign(unit(0, 1, 0))
    assert fresh > max(first.cluster_ids)
    assert again.narrative_of(fresh) > max(first.narrative_of(c) for c in first.cluster_ids)
