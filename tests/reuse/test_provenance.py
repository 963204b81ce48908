from __future__ import annotations

from collections.abc import Callable

import propwatch.reuse as reuse
from propwatch.reuse.declared import clean_name, declared_source, name_key
from propwatch.store import Store

Add = Callable[..., str]  # the ``add`` fixture
Story = Callable[..., str]  # the ``story`` fixture


def test_earliest_by_publication_date(store: Store, add: Add, story: Story) -> None:
    text = story(50)
    late = add(text + "\n\nFooter one", outlet="Late", published="2019-05-03")
    early = add(text + "\n\nFooter two", outlet="Early", published="2019-05-01")
    undated = add(text, outlet="Nodate")
    reuse.update(store)
    (cluster,) = reuse.clusters(store)
    assert cluster.earliest == early
    assert cluster.provenance.basis == "published"
    assert [m.id for m in cluster.articles] == [early, late, undated]


def test_first_seen_without_dates(store: Store, add: Add, story: Story) -> None:
    text = story(51)
    first = add(text, outlet="One")
    add(text + "\n\nMore", outlet="Two")
    reuse.update(store)
    (cluster,) = reuse.clusters(store)
    assert cluster.earliest == first and cluster.provenance.basis == "first-seen"
    assert reuse.to_json([cluster])["clusters"][0]["earliest"] == first


def test_declared_source_that_dates_contradict(store: Store, add: Add, story: Story) -> None:
    text = story(52)
    first = add(text, outlet="Early Bird", published="2018-01-01")
    named = add(text + "\n\nComments", outlet="Counter Punch", published="2018-02-01")
    copier = add(text + "\n\nThe original source of this article is CounterPunch, 2018",
                 outlet="Global", published="2018-03-01")
    honest = add(text + "\n\nOriginally published by Early Bird.", outlet="Other",
                 published="2018-04-01")
    reuse.update(store)
    (cluster,) = reuse.clusters(store)
    declared = {d.article: d for d in cluster.provenance.declarations}
    assert declared[copier].source == "CounterPunch" and declared[copier].matches == [named]
    assert declared[honest].matches == [first]
    flagged = {d.article: d.reason for d in cluster.provenance.disagreements}
    assert list(flagged) == [copier]
    assert "Early Bird ran it earlier" in flagged[copier]


def test_declared_source_patterns() -> None:
    assert declared_source("Text.\n\nThe original source of this article is CounterPunch, "
                           "CounterPunch, 2017\n\nMore") == "CounterPunch"
    assert declared_source("Body\nVia RT\n") == "RT"
    assert declared_source("Body\nThis article was originally published on Sputnik.\n") == (
        "Sputnik")
    assert declared_source("Via the new road, trucks reached the town on Monday after a long "
                           "wait at the border crossing.") is None
    assert clean_name("2017") is None
    assert name_key("https://www.counterpunch.org/2017/11/24/x") == name_key("CounterPunch")
