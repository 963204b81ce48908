from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import sparse

from propwatch.execute.tasks import Threads
from propwatch.narratives import grouping
from propwatch.narratives.claim_clusters import assign
from propwatch.narratives.features import (
    N_FEATURES,
    DocumentFrequencies,
    count_matrix,
    term_counts,
)
from propwatch.narratives.grouping import Index, Thresholds, group

WORDS = Thresholds(claim=0.9, narrative=0.2, words=1.0)
VOLCANO = "volcanic ash closed airports iceland eruption flights grounded"
VOLCANO_AGAIN = "eruption iceland volcanic ash grounded flights airports reopened"
BANK = "central bank raised interest rates inflation percentage point"
BANK_AGAIN = "inflation central bank interest rates raised again markets"


def weighted(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Unit TF-IDF rows of ``counts``, the IDF over these rows alone."""
    frequencies = DocumentFrequencies()
    frequencies.add(counts)
    return frequencies.weighted(counts)


def terms(*texts: str):  # type: ignore[no-untyped-def]
    return weighted(count_matrix([term_counts(t) for t in texts]))


def no_vectors(n: int) -> np.ndarray:
    return np.zeros((n, 3), dtype=np.float32)


def empty(words: float = 1.0) -> Index:
    return Index(N_FEATURES, 3, words)


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_articles_with_the_same_words_share_a_narrative_and_others_do_not() -> None:
    found = group(empty(), terms(VOLCANO, BANK, VOLCANO_AGAIN, BANK_AGAIN), no_vectors(4),
                  WORDS, next_id=1)
    a, b, c, d = found.labels
    assert a == c != b == d
    assert found.created == [1, 2] and not found.merges


def test_known_articles_keep_their_ids_and_new_ones_join_or_start_narratives() -> None:
    rows = terms(VOLCANO, BANK, VOLCANO_AGAIN, BANK_AGAIN, "goal striker football")
    index = Index.of(np.array([7, 9]), rows[:2], no_vectors(2), words=1.0)
    found = group(index, rows[2:], no_vectors(3), WORDS, next_id=10)
    assert list(found.labels) == [7, 9, 10]
    assert found.created == [10]
    assert (len(index), index.articles(7), index.articles(9), index.articles(10)) == (3, 2, 2, 1)


def test_a_narrative_that_grows_close_to_another_is_merged_into_the_older() -> None:
    # two narratives the words keep apart, then an article that bridges both
    texts = ["alpha beta gamma", "delta epsilon zeta", "alpha beta gamma delta epsilon zeta"]
    rows = terms(*texts)
    index = Index.of(np.array([3, 5]), rows[:2], no_vectors(2), words=1.0)
    found = group(index, rows[2:], no_vectors(1),
                  Thresholds(claim=0.9, narrative=0.3, words=1.0), next_id=6)
    assert found.merges == [(5, 3, 1)]  # narrative 5 and its one article went into 3
    assert list(found.labels) == [3]
    assert 5 not in index and index.articles(3) == 3


def test_the_embedding_weight_groups_by_meaning_when_words_differ() -> None:
    vectors = np.stack([unit(1, 0, 0), unit(0.9, 0.1, 0), unit(0, 0, 1)])
    texts = ["alpha", "beta", "gamma"]
    by_meaning = group(empty(0.0), terms(*texts), vectors,
                       Thresholds(claim=0.9, narrative=0.5, words=0.0), next_id=1)
    assert by_meaning.labels[0] == by_meaning.labels[1] != by_meaning.labels[2]
    by_words = group(empty(), terms(*texts), vectors, WORDS, next_id=1)
    assert len(set(by_words.labels)) == 3


def test_a_claim_joins_a_near_cluster_and_starts_one_when_none_is_near() -> None:
    vectors = np.stack([unit(1, 0, 0), unit(1, 0.1, 0), unit(1, 1, 0), unit(0, 0, 1)])
    labels, totals = assign(np.zeros((0, 3), np.float32), vectors, threshold=0.9)
    # cosine ~0.995: the same claim; ~0.7 and 0: other claims
    assert list(labels) == [0, 0, 1, 2]
    assert np.allclose(totals[0], vectors[0] + vectors[1])


def test_claims_join_stored_clusters_by_their_centroid() -> None:
    stored = np.stack([unit(1, 0, 0) + unit(0.6, 0.8, 0), unit(0, 1, 0)])
    # the centroid of the first, not one of its claims, is what a claim is compared with:
    # (0.8, 0.6, 0) is 0.8 from (1, 0, 0) but ~0.98 from the centroid of the two
    labels, totals = assign(stored, np.stack([unit(0.8, 0.6, 0), unit(0, 0, 1)]),
                            threshold=0.9)
    assert list(labels) == [0, 2] and len(totals) == 3
    assert np.allclose(totals[1], stored[1])


def test_chunked_assignment_is_the_claim_by_claim_rule() -> None:
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((20, 16))
    vectors = centres[rng.integers(0, 20, 1500)] + 0.6 * rng.standard_normal((1500, 16))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    labels, _ = assign(np.zeros((0, 16), np.float32), vectors, threshold=0.8)
    expected: list[int] = []
    totals: list[np.ndarray] = []
    for v in vectors:  # the rule written out, one claim at a time
        sims = [float(t @ v) / float(np.linalg.norm(t)) for t in totals]
        best = int(np.argmax(sims)) if sims else -1
        if best < 0 or sims[best] < 0.8:
            totals.append(v.astype(np.float64))
            expected.append(len(totals) - 1)
        else:
            totals[best] = totals[best] + v
            expected.append(best)
    assert list(labels) == expected and len(set(expected)) > 20


def test_articles_in_another_language_do_not_group_by_their_function_words() -> None:
    soldiers = ("Les soldats sont arrivés dans la ville pour une mission de trois jours et "
                "ils ont fermé les routes.")
    taxes = ("Le gouvernement veut que les impôts soient plus bas pour les familles et il "
             "le dira dans une loi.")
    found = group(empty(), terms(soldiers, taxes), no_vectors(2), WORDS, next_id=1)
    assert len(set(found.labels)) == 2


def test_the_pruned_search_finds_what_comparing_with_every_narrative_finds() -> None:
    # 400 one-article narratives sharing a few common words; 200 new articles, each a
    # narrative's words plus as many others (so the nearest is at about 0.7)
    rng = np.random.default_rng(5)
    words = sparse.random(600, 3000, density=0.03, random_state=6, format="csr")
    common = sparse.csr_matrix((rng.random((600, 40)) < 0.3) * rng.random((600, 40)),
                               shape=(600, 3000))
    counts = sparse.vstack([words[:400], words[:200] + words[400:]]) + common
    rows = weighted(sparse.csr_matrix(counts * 10, dtype=np.float32))
    index = Index.of(np.arange(400), rows[:400], no_vectors(400), words=1.0)
    [means] = index.segments
    assert means.common.sum() == 40  # the shared words are taken apart
    new = rows[400:]
    found = []
    # 0.1: the common words alone could reach it (every narrative compared); 0.3 and 0.7:
    # only pairs sharing rare words are
    for cut in (0.1, 0.3, 0.7):
        full = means.full(new, no_vectors(200))
        expected = np.where(full.max(axis=1) >= cut, full.argmax(axis=1), -1)
        nearest = index.nearest(new, no_vectors(200), cut)
        assert list(nearest) == list(expected)
        found.append(int((nearest >= 0).sum()))
        r, c, s = index.above(new, no_vectors(200), cut)
        expected_pairs = sorted(zip(*np.nonzero(full >= cut), strict=True))
        assert sorted(zip(r.tolist(), c.tolist(), strict=True)) == expected_pairs
        # with a floor below the cut: every pair reaching the floor, and those reaching
        # the cut with the very same similarities
        fr, fc, fs = index.above(new, no_vectors(200), cut, floor=cut - 0.05)
        assert sorted(zip(fr.tolist(), fc.tolist(), strict=True)) == sorted(
            zip(*np.nonzero(full >= cut - 0.05), strict=True))
        assert np.allclose(fs, full[fr, fc], atol=1e-5)
        reach = fs >= cut
        assert all(np.array_equal(a, b) for a, b in zip((fr[reach], fc[reach], fs[reach]),
                                                          (r, c, s), strict=True))
    assert found[0] == found[1] == 200 > found[2] > 0


def test_narratives_kept_in_segments_are_found_as_in_one() -> None:
    """Blocks added one after the other (new narratives, growing ones, merges) leave the
    narratives in several segments with dead rows; searching them finds what one segment
    made of the same sums finds."""
    rng = np.random.default_rng(9)
    rows = weighted(sparse.random(900, 400, density=0.04, random_state=10, format="csr",
                                  dtype=np.float32))
    labels = rng.integers(0, 300, 900)
    index = Index(400, 3, words=1.0)
    for lo in range(0, 900, 37):  # one narrative of each block merged into another
        block = labels[lo : lo + 37]
        index.add(block, rows[lo : lo + 37], no_vectors(len(block)))
        older, younger = sorted(set(block.tolist()))[-2:]
        index.merge(int(younger), int(older))
        labels[labels == younger] = older
    assert 1 < len(index.segments) < 10 and any(not s.alive.all() for s in index.segments)
    whole = Index.of(labels, rows, no_vectors(900), words=1.0)
    assert len(whole.segments) == 1 and len(whole) == len(index)
    queries = rows[:200]
    for cut in (0.05, 0.2, 0.5):
        found = index.above(queries, no_vectors(200), cut)
        expected = whole.above(queries, no_vectors(200), cut)
        assert [a.tolist() for a in found[:2]] == [a.tolist() for a in expected[:2]]
        assert np.allclose(found[2], expected[2], atol=1e-5)
        assert list(index.nearest(queries, no_vectors(200), cut)) == \
            list(whole.nearest(queries, no_vectors(200), cut))
    n = int(labels[0])
    assert index.articles(n) == int((labels == n).sum())


class Shipped:
    """Runs each job on a pickled copy of its item, as worker processes and Ray tasks do."""

    def map(self, fn, items):  # type: ignore[no-untyped-def]
        return (fn(pickle.loads(pickle.dumps(item))) for item in items)


def test_a_search_cut_into_jobs_of_some_narratives_finds_what_one_job_finds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The nearest-narrative search of a block runs as jobs of a few narratives each (on
    the run's executor); whatever the jobs, every pair and similarity is the same."""
    rng = np.random.default_rng(13)
    rows = weighted(sparse.random(700, 300, density=0.05, random_state=14, format="csr",
                                  dtype=np.float32))
    vectors = rng.standard_normal((700, 3)).astype(np.float32)
    labels = rng.integers(0, 400, 600)
    for words in (1.0, 0.7):
        whole = Index.of(labels, rows[:600], vectors[:600], words)
        monkeypatch.setattr(grouping, "PART", 23)
        cut = Index.of(labels, rows[:600], vectors[:600], words)
        cut.add(labels[:50], rows[:50], vectors[:50])  # a second segment, rows marked dead
        whole.add(labels[:50], rows[:50], vectors[:50])
        jobs = [len(s.parts()) for s in cut.segments]  # made once, when first searched
        monkeypatch.undo()
        assert jobs[0] > 10 and jobs[1] > 1 and len(jobs) == 2
        assert [len(s.parts()) for s in whole.segments] == [1, 1]
        for mapper in (Threads(3), Shipped()):
            for threshold in (0.05, 0.3):
                found = cut.above(rows[600:], vectors[600:], threshold, mapper)
                expected = whole.above(rows[600:], vectors[600:], threshold)
                assert len(expected[0]) > 0
                assert all(np.array_equal(a, b) for a, b in zip(found, expected, strict=True))
        # the block's search and the merges' first search as jobs, against one job each
        found_g = group(cut, rows[600:], vectors[600:], Thresholds(0.9, 0.3, words), 400,
                        Shipped())
        expected_g = group(whole, rows[600:], vectors[600:], Thresholds(0.9, 0.3, words), 400)
        assert list(found_g.labels) == list(expected_g.labels)
        assert found_g.merges == expected_g.merges != []
        assert found_g.created == expected_g.created


def merged_by_searching_everything(index: Index, grew: set[int], cut: float,
                                   out: grouping.Grouped, mapper: object = None) -> None:
    """The merge rule as first written: after each merge, the narrative merged into is
    compared with every narrative."""
    pairs: dict[tuple[int, int], float] = {}

    def near(narratives: list[int]) -> None:
        means = [index.mean(n) for n in narratives]
        rows, ids, sims = index.above(sparse.vstack([t for t, _ in means], format="csr"),
                                      np.concatenate([v for _, v in means]), cut)
        for row, other, sim in zip(rows.tolist(), ids.tolist(), sims.tolist(), strict=True):
            if other != narratives[row]:
                pairs[(min(narratives[row], other), max(narratives[row], other))] = sim

    near(sorted(grew))
    while pairs:
        (old, young), _ = max(pairs.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
        out.merges.append((young, old, index.articles(young)))
        out.labels[out.labels == young] = old
        index.merge(young, old)
        for pair in [p for p in pairs if old in p or young in p]:
            del pairs[pair]
        near([old])


class Counted(Shipped):
    """``Shipped`` that also keeps items (as the object store does): how often each is."""

    def __init__(self) -> None:
        self.kept: list[int] = []

    def keep(self, item):  # type: ignore[no-untyped-def]
        self.kept.append(id(item))
        return pickle.loads(pickle.dumps(item))


def test_merges_searched_among_neighbours_are_the_merges_of_searching_everything(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Topics split over several narratives each; a block whose articles make them grow
    merges them, in chains (a narrative merged into is merged again).  Searching only the
    parts of the index that hold the merged pair's neighbours gives the merges, labels
    and index of comparing with every narrative after each merge."""
    rng = np.random.default_rng(21)
    topics = [rng.choice(500, 12, replace=False) for _ in range(40)]

    def articles(n: int) -> tuple[np.ndarray, sparse.csr_matrix]:
        topic = rng.integers(0, 40, n)
        counts = sparse.lil_matrix((n, 500), dtype=np.float32)
        for i, t in enumerate(topic):
            counts[i, rng.choice(topics[t], 7, replace=False)] = 1
            counts[i, rng.choice(500, 2, replace=False)] = 1
        return topic, sparse.csr_matrix(counts)

    topic, old_counts = articles(600)
    _, new_counts = articles(300)
    rows = weighted(sparse.vstack([old_counts, new_counts]).tocsr())
    vectors = rng.standard_normal((900, 3)).astype(np.float32)
    labels = topic * 4 + rng.integers(0, 4, 600)  # each topic in four narratives
    chains = 0
    for words in (1.0, 0.8):
        found = []
        for merge in (grouping._merge, merged_by_searching_everything):
            monkeypatch.setattr(grouping, "PART", 97)  # several parts a segment
            index = Index.of(labels[:400], rows[:400], vectors[:400], words)
            index.add(labels[400:], rows[400:600], vectors[400:600])  # two segments
            monkeypatch.setattr(grouping, "_merge", merge)
            mapper = Counted()
            got = group(index, rows[600:], vectors[600:], Thresholds(0.9, 0.3, words), 200,
                        mapper)
            monkeypatch.undo()
            means = {n: index.mean(n) for n in sorted(index.where)}
            found.append((got, means, mapper.kept))
        (ours, our_means, kept), (theirs, their_means, _) = found
        assert list(ours.labels) == list(theirs.labels)
        assert ours.merges == theirs.merges and len(ours.merges) > 20
        assert ours.created == theirs.created
        assert our_means.keys() == their_means.keys()
        assert all((a[0] != b[0]).nnz == 0 and np.array_equal(a[1], b[1])
                   for a, b in zip(our_means.values(), their_means.values(), strict=True))
        into = [old for _, old, _ in ours.merges]
        chains += sum(into.count(n) > 1 for n in set(into))
        assert len(kept) == len(set(kept))  # each part kept once, for all the searches
    assert chains > 0
