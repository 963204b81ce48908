from __future__ import annotations

from collections.abc import Callable

import numpy as np

from propwatch.reuse import fingerprint as fp
from propwatch.reuse.compare import compare_texts, shared_count
from propwatch.reuse.index import Limits, shared_keys

Story = Callable[..., str]  # the ``story`` fixture


def test_same_text_same_fingerprint_across_batches(story: Story) -> None:
    a, b = story(1), story(2)
    one = fp.fingerprint([a, b])
    two = fp.fingerprint([b, "x y", a])
    assert np.array_equal(one.signatures[0], two.signatures[2])
    assert np.array_equal(one.samples[1], two.samples[0])
    assert one.shingles[0] == len(fp.shingle_set(a))


def test_case_and_punctuation_do_not_matter() -> None:
    assert np.array_equal(
        fp.shingle_set("He said: \u201cThe talks\u2019 end\u201d \u2014 today, in Kyiv."),
        fp.shingle_set("he said \"the talks' end\" - TODAY in kyiv"),
    )


def test_short_and_empty_texts(story: Story) -> None:
    prints = fp.fingerprint(["", "two words", story(3)])
    assert prints.shingles.tolist()[:2] == [0, 1]
    assert len(prints.samples[0]) == 0
    assert prints.signatures.shape == (3, fp.NUM_PERM)


def test_minhash_estimates_jaccard(story: Story) -> None:
    a = story(4, paragraphs=10)
    b = "\n\n".join(a.split("\n\n")[:6] + story(5, paragraphs=4).split("\n\n"))
    exact = compare_texts(a, b).jaccard
    prints = fp.fingerprint([a, b])
    estimate = fp.jaccard_estimate(prints.signatures[0], prints.signatures[1])
    assert abs(estimate - exact) < 0.15
    unrelated = fp.fingerprint([a, story(6, paragraphs=10)])
    assert fp.jaccard_estimate(unrelated.signatures[0], unrelated.signatures[1]) < 0.05


def test_sample_share_estimates_containment(story: Story) -> None:
    a = story(7, paragraphs=10)
    b = story(8, paragraphs=10) + "\n\n" + a + "\n\n" + story(9, paragraphs=10)
    prints = fp.fingerprint([a, b])
    assert shared_count(prints.samples[0], prints.samples[1]) / len(prints.samples[0]) > 0.95


def test_shared_keys_counts_pairs_and_caps_popular_keys() -> None:
    keys = np.array([1, 1, 1, 2, 2, 3], dtype=np.int64)
    docs = np.array([0, 1, 2, 0, 1, 5], dtype=np.int64)
    a, b, n = shared_keys(keys, docs, first_new=0)
    assert list(zip(a.tolist(), b.tolist(), n.tolist(), strict=True)) == [
        (0, 1, 2), (0, 2, 1), (1, 2, 1)
    ]
    a, b, n = shared_keys(keys, docs, first_new=2)  # only pairs with a new doc
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 2), (1, 2)]
    many = np.arange(100, dtype=np.int64)
    a, b, _ = shared_keys(np.zeros(100, dtype=np.int64), many, 0, Limits(cap=10, reps=2))
    assert set(a.tolist()) == {0, 1}  # a popular key links everyone to the first holders
    assert len(a) == 99 + 98
