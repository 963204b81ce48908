from __future__ import annotations

import numpy as np

from propwatch.narratives.claim_clusters import ClaimClusters
from propwatch.narratives.features import count_matrix, term_counts, weighted
from propwatch.narratives.grouping import Thresholds, group

WORDS = Thresholds(claim=0.9, narrative=0.2, words=1.0)
VOLCANO = "volcanic ash closed airports iceland eruption flights grounded"
VOLCANO_AGAIN = "eruption iceland volcanic ash grounded flights airports reopened"
BANK = "central bank raised interest rates inflation percentage point"
BANK_AGAIN = "inflation central bank interest rates raised again markets"


def terms(*texts: str):  # type: ignore[no-untyped-def]
    return weighted(count_matrix([term_counts(t) for t in texts]))


def no_vectors(n: int) -> np.ndarray:
    return np.zeros((n, 3), dtype=np.float32)


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_articles_with_the_same_words_share_a_narrative_and_others_do_not() -> None:
    found = group(terms(VOLCANO, BANK, VOLCANO_AGAIN, BANK_AGAIN), no_vectors(4),
                  np.full(4, -1), WORDS, next_id=1)
    a, b, c, d = found.labels
    assert a == c != b == d
    assert found.created == [1, 2] and not found.merges


def test_known_articles_keep_their_ids_and_new_ones_join_or_start_narratives() -> None:
    known = np.array([7, 9, -1, -1, -1])
    found = group(terms(VOLCANO, BANK, VOLCANO_AGAIN, BANK_AGAIN, "goal striker football"),
                  no_vectors(5), known, WORDS, next_id=10)
    assert list(found.labels) == [7, 9, 7, 9, 10]
    assert found.created == [10]


def test_a_narrative_that_grows_close_to_another_is_merged_into_the_older() -> None:
    # two narratives the words keep apart, then an article that bridges both
    texts = ["alpha beta gamma", "delta epsilon zeta", "alpha beta gamma delta epsilon zeta"]
    found = group(terms(*texts), no_vectors(3), np.array([3, 5, -1]),
                  Thresholds(claim=0.9, narrative=0.3, words=1.0), next_id=6)
    assert found.merges == [(5, 3, 1)]  # narrative 5 and its one article went into 3
    assert list(found.labels) == [3, 3, 3]


def test_the_embedding_weight_groups_by_meaning_when_words_differ() -> None:
    vectors = np.stack([unit(1, 0, 0), unit(0.9, 0.1, 0), unit(0, 0, 1)])
    texts = ["alpha", "beta", "gamma"]
    by_meaning = group(terms(*texts), vectors, np.full(3, -1),
                       Thresholds(claim=0.9, narrative=0.5, words=0.0), next_id=1)
    assert by_meaning.labels[0] == by_meaning.labels[1] != by_meaning.labels[2]
    by_words = group(terms(*texts), vectors, np.full(3, -1), WORDS, next_id=1)
    assert len(set(by_words.labels)) == 3


def test_a_claim_joins_a_near_cluster_of_its_own_narrative_only() -> None:
    clusters = ClaimClusters(3, threshold=0.9)
    a = clusters.assign(1, unit(1, 0, 0))
    b = clusters.assign(1, unit(1, 0.1, 0))  # cosine ~0.995: the same claim
    c = clusters.assign(1, unit(1, 1, 0))  # ~0.7: another claim
    d = clusters.assign(2, unit(1, 0, 0))  # the same words, another narrative
    assert a == b and len({a, c, d}) == 3
    clusters.move(2, 1)
    assert clusters.narrative[d] == 1 and clusters.assign(1, unit(1, 0, 0)) in (a, d)


def test_loaded_clusters_keep_their_ids_and_new_ids_continue_after_them() -> None:
    first = ClaimClusters(3, threshold=0.9)
    old = first.assign(4, unit(1, 0, 0))
    again = ClaimClusters(3, threshold=0.9)
    again.load([(c, first.narrative[c], first.total[c]) for c in first.narrative])
    assert again.assign(4, unit(1, 0.05, 0)) == old
    assert again.assign(4, unit(0, 1, 0)) > old


def test_articles_in_another_language_do_not_group_by_their_function_words() -> None:
    soldiers = ("Les soldats sont arrivés dans la ville pour une mission de trois jours et "
                "ils ont fermé les routes.")
    taxes = ("Le gouvernement veut que les impôts soient plus bas pour les familles et il "
             "le dira dans une loi.")
    found = group(terms(soldiers, taxes), no_vectors(2), np.full(2, -1), WORDS, next_id=1)
    assert len(set(found.labels)) == 2
