from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propwatch.analyse import Pipeline
from propwatch.analyse.language import Language
from propwatch.analyse.sentences import Sentences
from propwatch.batch import analyze
from propwatch.execute.work import build_articles
from propwatch.extract import RecurringLines, extract
from propwatch.model import Article, RawDocument, Span
from propwatch.store import open_store

PARAGRAPH = (
    "Officials in the northern province said on Monday that the flood barrier held through "
    "the night, although several villages upstream lost power for hours. Crews expect to "
    "restore the last lines by Wednesday, the regional grid operator said in a statement."
)


TOWNS = ["Arlen", "Brisk", "Corvo", "Dunmar", "Eskel", "Fallow"]


def write_articles(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        text = f"Flood barrier holds in {TOWNS[i]}\n\n{PARAGRAPH} Reported from {TOWNS[i]}.\n"
        (folder / f"{i:02d}.txt").write_text(text, encoding="utf-8")


class Interrupt:
    """A component that stops the run (like Ctrl-C) on its n-th article."""

    name = "interrupt"

    def __init__(self, after: int) -> None:
        self.left = after

    def predict(self, article: Article) -> list[Span]:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt
        return []


def test_an_interrupted_run_is_finished_by_running_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_articles(tmp_path / "in", 6)
    stopper = Pipeline([Sentences(), Interrupt(after=3)])
    monkeypatch.setattr(Pipeline, "from_names", classmethod(lambda cls, names: stopper))
    with open_store(tmp_path / "p.db") as store, pytest.raises(KeyboardInterrupt):
        analyze([str(tmp_path / "in")], store)
    monkeypatch.undo()
    with open_store(tmp_path / "p.db") as store:
        assert store.article_count() == 3
        summary = analyze([str(tmp_path / "in")], store)
        assert (summary.already_stored, summary.articles_stored) == (3, 3)
        assert sorted(a.title or "" for a in store.articles()) == [
            f"Flood barrier holds in {town}" for town in TOWNS]


lines = st.text(alphabet=st.sampled_from(list("abcde XYZ.,!?\"'é\t")), min_size=1, max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=12), st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_every_annotation_lies_inside_the_text_and_offsets_map_back(
    paragraphs: list[str], joiner: str
) -> None:
    raw = joiner.join(paragraphs)
    doc = RawDocument("x.txt", raw, "text")
    parts = extract(doc, RecurringLines())
    if not isinstance(parts, list):
        return
    for article in build_articles(doc, parts, Pipeline([Sentences(), Language()])):
        for spans in article.layers.values():
            assert all(0 <= s.start <= s.end <= len(article.text) for s in spans)
        for i, char in enumerate(article.text):
            j = article.offsets.to_raw(i)
            assert j is None or raw[j] == char
