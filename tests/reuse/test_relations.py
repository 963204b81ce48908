from __future__ import annotations

from collections.abc import Callable

import pytest

import propwatch.reuse as reuse
from propwatch.reuse.compare import Overlap, compare_texts
from propwatch.reuse.relations import Thresholds, classify
from propwatch.store import Store

Add = Callable[..., str]  # the ``add`` fixture
Edit = Callable[[str, float, int], str]  # the ``edit`` fixture
Story = Callable[..., str]  # the ``story`` fixture


def _pairs(store: Store) -> dict[frozenset[str], tuple[str, str, str, float]]:
    out = {}
    for c in reuse.clusters(store):
        for p in c.pairs:
            out[frozenset((p.a, p.b))] = (p.a, p.b, p.relation, p.a_in_b)
    return out


def test_each_kind_of_copy(store: Store, add: Add, story: Story, edit: Edit) -> None:
    original = story(10, paragraphs=10)
    paras = original.split("\n\n")
    orig = add(original, outlet="Alpha")
    dup = add("Share this article\n\n" + original + "\n\nSubscribe to our newsletter",
              outlet="Beta")
    inside = add(story(11, paragraphs=8) + "\n\n" + "\n\n".join(paras[1:8]) + "\n\n"
                 + story(12, paragraphs=8), outlet="Gamma")
    cut = add("\n\n".join(paras[:7]), outlet="Delta")
    rewrite = add("A new headline\n\n" + edit(original, 0.06, seed=3), outlet="Epsilon")
    unrelated = add(story(13, paragraphs=10), outlet="Zeta")
    summary = reuse.update(store)
    assert summary.new_articles == 6
    pairs = _pairs(store)
    assert pairs[frozenset((orig, dup))][2] == "duplicate"
    a, b, relation, share = pairs[frozenset((orig, inside))]
    assert (a, b, relation) == (orig, inside, "contained")
    assert 0.6 <= share <= 0.75
    a, b, relation, share = pairs[frozenset((orig, cut))]
    assert (a, b, relation) == (cut, orig, "contained") and share > 0.95
    assert pairs[frozenset((orig, rewrite))][2] == "rewrite"
    assert not any(unrelated in key for key in pairs)
    found = reuse.clusters(store)
    assert len(found) == 1 and len(found[0].articles) == 5


def test_quotes_and_chrome_are_not_copies(story: Story) -> None:
    shared = story(20, paragraphs=1, words=12)
    a = story(21) + "\n\n" + shared
    b = story(22) + "\n\n" + shared
    ov = compare_texts(a, b)
    assert ov.shared > 0
    assert classify(ov) is None


def test_threshold_validation() -> None:
    with pytest.raises(ValueError, match="duplicate must be in"):
        Thresholds(duplicate=1.5)


def test_incremental_update_only_indexes_new(store: Store, add: Add, story: Story) -> None:
    base = [story(30 + i) for i in range(5)]
    ids = [add(t) for t in base]
    assert reuse.update(store).new_articles == 5
    assert reuse.update(store).new_articles == 0
    assert reuse.clusters(store) == []
    copy = add("Via Alpha\n\n" + base[2] + "\n\nRead more", outlet="Beta")
    other = add(story(40))
    summary = reuse.update(store)
    assert summary.new_articles == 2 and summary.fingerprinted_total == 7
    found = reuse.clusters(store)
    assert [sorted(m.id for m in c.articles) for c in found] == [sorted([ids[2], copy])]
    by_article = reuse.reuse_by_article(store)
    assert by_article[other]["cluster"] is None
    assert by_article[copy]["cluster"] == found[0].id
    assert by_article[copy]["declared_source"] == "Alpha"
    assert by_article[ids[2]]["relations"][0]["with"] == copy


def test_new_headline_is_still_a_duplicate(store: Store, add: Add, story: Story) -> None:
    body = story(90, paragraphs=1, words=40)
    old_title = "Minister denies the border deal that rebels say was signed in the capital"
    new_title = "Shocking truth about the talks that the media will never tell you today"
    a = add(f"{old_title}\n\n{body}", title=old_title)
    b = add(f"Share this\n{new_title}\n\n{body}", title=new_title)
    reuse.update(store)
    assert _pairs(store)[frozenset((a, b))][2] == "duplicate"


def test_fingerprints_of_another_version_are_rebuilt(store: Store, add: Add,
                                                      story: Story) -> None:
    text = story(91)
    add(text)
    add(text + "\n\nMore")
    reuse.update(store)
    store.conn.execute("UPDATE reuse_docs SET version = 0")
    summary = reuse.update(store)
    assert summary.new_articles == 2 and summary.new_pairs == 1
    assert len(reuse.clusters(store)) == 1


def test_deleted_articles_drop_out(store: Store, add: Add, story: Story) -> None:
    text = story(92)
    a = add(text)
    b = add(text + "\n\nMore")
    reuse.update(store)
    store.conn.execute("DELETE FROM articles WHERE id = ?", (a,))
    assert reuse.clusters(store) == []
    c = add(text + "\n\nAgain")
    assert reuse.update(store).new_pairs == 1
    (cluster,) = reuse.clusters(store)
    assert {m.id for m in cluster.articles} == {b, c}


@pytest.mark.parametrize(
    ("a5", "b5", "a3", "b3", "expected"),
    [
        (0.97, 0.95, 0.98, 0.97, ("duplicate", False)),  # same article, other chrome
        (1.0, 0.7, 1.0, 0.72, ("contained", False)),  # A is a cut-down B
        (0.7, 1.0, 0.72, 1.0, ("contained", True)),  # B is a cut-down A
        (0.62, 0.2, 0.63, 0.21, ("contained", False)),  # 62% of A inside a longer B
        (0.78, 0.75, 0.86, 0.84, ("rewrite", False)),  # words changed throughout
        (0.6, 0.55, 0.61, 0.56, ("contained", False)),  # verbatim overlap, no edits
        (0.3, 0.1, 0.35, 0.12, None),  # a shared passage, not a copy
    ],
)
def test_classify_rules(a5: float, b5: float, a3: float, b3: float,
                        expected: tuple[str, bool] | None) -> None:
    jaccard = 1 / (1 / a5 + 1 / b5 - 1)
    ov = Overlap(shared=100, jaccard=jaccard, a_in_b=a5, b_in_a=b5, a_in_b_short=a3,
                 b_in_a_short=b3)
    verdict = classify(ov)
    assert (None if verdict is None else (verdict.relation, verdict.swap)) == expected
    assert classify(Overlap(5, jaccard, a5, b5, a3, b3)) is None  # too little shared
    whole = max(a5, b5) >= 0.9
    assert (classify(Overlap(20, jaccard, a5, b5, a3, b3)) is not None) == (  # a short one
        expected is not None and whole)
