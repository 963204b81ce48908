"""The worker-process path (used for large updates) and a run's mapper, however the work
is cut into jobs, give the same pairs as in-process."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

import propwatch.reuse as reuse
from propwatch.execute.tasks import Processes, Threads
from propwatch.store import Store, open_store

update_module = importlib.import_module("propwatch.reuse.update")

Add = Callable[..., str]  # the ``add`` fixture
Story = Callable[..., str]  # the ``story`` fixture


def _corpus(add: Add, story: Story) -> None:
    for i in range(6):
        text = story(100 + i)
        add(text, outlet=f"o{i}")
        add(text + "\n\nRead more", outlet=f"p{i}")
        paras = text.split("\n\n")
        add(story(200 + i, paragraphs=3) + "\n\n" + "\n\n".join(paras[:5]), outlet=f"q{i}")


def _pairs(store: Store) -> set[tuple[str, str, str]]:
    return {(p.a, p.b, p.relation) for c in reuse.clusters(store) for p in c.pairs}


def test_worker_processes_match_in_process(
    store: Store, add: Add, story: Story, tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch, make_add: Callable[[Store], Add],
    request: pytest.FixtureRequest,
) -> None:
    _corpus(add, story)
    reuse.update(store, reuse.Settings(workers=1))
    expected = _pairs(store)
    assert len(expected) == 6 * 3
    other = open_store(request.getfixturevalue("pg_server").create_database()
                       if store.backend == "postgresql"
                       else tmp_path_factory.mktemp("parallel") / "p.db")
    _corpus(make_add(other), story)
    monkeypatch.setattr(update_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(update_module, "CONFIRM_PARALLEL_FROM", 1)
    pools: list[int] = []
    real_map = Processes.map

    def spied(self: Processes, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
        pools.append(self.workers)
        return real_map(self, fn, items)

    monkeypatch.setattr(Processes, "map", spied)
    summary = reuse.update(other, reuse.Settings(workers=2))
    assert summary.new_articles == 18
    assert pools == [2, 2]  # fingerprints and exact checks both ran in worker processes
    assert _pairs(other) == expected  # same ids: same texts and sources
    other.close()



def test_a_run_s_mapper_gives_the_same_pairs_in_any_number_of_threads(
    store: Store, add: Add, story: Story, tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch, make_add: Callable[[Store], Add],
    request: pytest.FixtureRequest,
) -> None:
    """Small jobs (one article each, one pair group each) on three threads."""
    _corpus(add, story)
    reuse.update(store, mapper=Threads(1))
    other = open_store(request.getfixturevalue("pg_server").create_database()
                       if store.backend == "postgresql"
                       else tmp_path_factory.mktemp("threads") / "t.db")
    _corpus(make_add(other), story)
    monkeypatch.setattr(update_module, "CHUNK", 1)
    monkeypatch.setattr(update_module, "CONFIRM_JOB", 1)
    monkeypatch.setattr(update_module, "WINDOW", 4)
    reuse.update(other, mapper=Threads(3))
    assert _pairs(other) == _pairs(store)
    other.close()
