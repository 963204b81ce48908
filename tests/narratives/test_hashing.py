"""The narratives' words and average linkage without scikit-learn give what scikit-learn
gives, bit for bit, and grouping a corpus no longer imports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from propwatch.narratives import features, grouping
from propwatch.narratives.hashing import (
    WordHasher,
    english_stop_words,
    feature_index,
    murmurhash3_32,
)

TEXTS = [
    "The central bank raised its interest rate by half a percentage point.",
    "Le gouvernement a annoncé une nouvelle loi sur les retraites, dit-il.",
    "Die Regierung hat ein neues Gesetz über die Renten angekündigt.",
    "ISIS fighters seized Raqqa; ISIS fighters held Raqqa. Raqqa!",
    "Ünïcödé wörds, 日本語のテキスト, числа 2024 и 10 000 человек, émoji 🙂 ok",
    "",
    "a an the of",
    "x" * 300 + " " + "straße STRASSE İstanbul ǅungla",
]


def test_murmurhash_is_scikit_learns_on_every_length_and_script() -> None:
    from sklearn.utils import murmurhash3_32 as reference

    words = ["", "a", "ab", "abc", "abcd", "abcde", "raqqa", "日本語", "🙂🙂", "straße",
             *(f"token{i}" * (i % 7 + 1) for i in range(2000))]
    for word in words:
        assert murmurhash3_32(word.encode("utf-8")) == reference(word.encode("utf-8"))
        assert murmurhash3_32(word.encode("utf-8"), 42) == reference(word.encode("utf-8"), 42)


def test_the_one_hash_abs_cannot_take_goes_where_scikit_learn_puts_it() -> None:
    assert feature_index(-(2**31), 2**20) == (2**31 - 1 - (2**20 - 1)) % 2**20
    assert feature_index(-5, 2**20) == feature_index(5, 2**20) == 5


def test_the_english_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert english_stop_words() == ENGLISH_STOP_WORDS


@pytest.mark.parametrize("language", ["en", "fr", "de", "ru"])
def test_hashed_words_are_scikit_learns_hashing_vectorizer(language: str) -> None:
    from sklearn.feature_extraction.text import HashingVectorizer

    mine = features._hasher(language)
    theirs = HashingVectorizer(n_features=features.N_FEATURES, alternate_sign=False,
                               norm=None, stop_words=sorted(mine.stop_words),
                               token_pattern=features._TOKEN.pattern, dtype=np.float32)
    got, want = mine.transform(TEXTS), sparse.csr_matrix(theirs.transform(TEXTS))
    assert got.dtype == want.dtype == np.float32
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)
    assert got.nnz > 40


def test_a_word_repeated_is_hashed_once_and_counted_twice() -> None:
    hasher = WordHasher(2**20, ["the"], r"(?u)\b\w\w+\b")
    counts = hasher.transform(["Raqqa: the raqqa falls"])
    assert hasher.index.cache_info().hits == 1  # "raqqa" the second time
    raqqa = feature_index(murmurhash3_32(b"raqqa"), 2**20)
    assert dict(zip(counts.indices.tolist(), counts.data.tolist(), strict=True)) == {
        raqqa: 2.0, feature_index(murmurhash3_32(b"falls"), 2**20): 1.0}


@pytest.mark.parametrize("seed", range(6))
def test_average_linkage_groups_as_scikit_learns_agglomerative_clustering(seed: int) -> None:
    from sklearn.cluster import AgglomerativeClustering

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    # a few stories: rows near one of some centres, sparse word rows; ties from repeats
    centres = rng.normal(size=(int(rng.integers(1, 6)), 40))
    dense = centres[rng.integers(0, len(centres), n)] + rng.normal(scale=1.2, size=(n, 40))
    dense[rng.random(n) < 0.2] = dense[0]
    dense = np.where(dense > 0.8, dense, 0.0)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    terms = sparse.csr_matrix((dense / np.where(norms == 0, 1, norms)).astype(np.float32))
    vectors = np.zeros((n, 4), np.float32)
    rows = np.arange(n)
    for cut in (0.1, 0.2, 0.3, 0.5):
        sims = grouping._cross(terms, vectors, terms, vectors, 1.0)
        distance = np.clip(1.0 - sims, 0.0, None).astype(np.float64)
        np.fill_diagonal(distance, 0.0)
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average",
            distance_threshold=1.0 - cut + 1e-9).fit_predict(distance)
        want: dict[int, list[int]] = {}
        for row, label in zip(rows, labels, strict=True):
            want.setdefault(int(label), []).append(int(row))
        got = grouping._average_linkage(terms, vectors, rows, 1.0, cut)
        assert [g.tolist() for g in got] == list(want.values()), cut


def test_grouping_a_corpus_does_not_import_scikit_learn(tmp_path: Path) -> None:
    """Importing it cost `analyze` 2-3 CPU seconds; only the narratives step did."""
    script = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent.parent.parent / "tests")!r})
from narratives.conftest import add_article
from propwatch.narratives import update
from propwatch.store import open_store
with open_store({str(tmp_path / "n.db")!r}) as store:
    for text in ("ISIS fighters seized the Syrian city of Raqqa on Monday.",
                 "ISIS militants captured the Syrian city of Raqqa on Monday.",
                 "The central bank raised interest rates to fight inflation.",
                 "Volcanic ash closed every airport in Iceland for a second day."):
        add_article(store, [text])
    summary = update(store)
assert summary.articles == 4 and summary.narratives == 3, summary
print(sorted(m for m in sys.modules if m.split(".")[0] == "sklearn"))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
