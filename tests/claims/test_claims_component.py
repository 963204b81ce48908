from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from propwatch.analyse.pipeline import Pipeline, registered
from propwatch.claims.checkworthy import CheckWorthiness
from propwatch.claims.component import Claims, candidate_sentences
from propwatch.claims.encoder import model_dir
from propwatch.claims.onepass import FILE, OnePass
from propwatch.model import Article, Span

TEXT = (
    "  Unemployment fell to 3.9 percent in October.  \n\n"
    "Wow!\n\n"
    "I think this is a lovely day for everyone here. The army lost 2,000 soldiers last year."
)


class FakeModel(OnePass):
    """Scores a sentence 0.9 when it contains a digit, else 0.1."""

    def sentences(self, text: str, ranges: Sequence[tuple[int, int]]) -> np.ndarray:
        return np.array([0.9 if any(c.isdigit() for c in text[a:b]) else 0.1
                         for a, b in ranges])


def article(with_sentences: bool = True) -> Article:
    art = Article(id="a", source="t.txt", part=0, text=TEXT)
    if with_sentences:
        # sentence spans as a segmenter may write them: with surrounding whitespace
        first = TEXT.index("Unemployment")
        spans = [Span(0, first + 46, "sentence"), Span(TEXT.index("Wow"), TEXT.index("Wow") + 4,
                 "sentence")]
        third = TEXT.index("I think")
        fourth = TEXT.index("The army")
        spans += [Span(third, fourth, "sentence"), Span(fourth, len(TEXT), "sentence")]
        art.add_layer("sentences", spans)
    return art


def test_every_candidate_sentence_is_a_claim_scored_by_check_worthiness() -> None:
    spans = Claims(FakeModel()).predict(article())
    assert [(s.text_of(TEXT), s.score) for s in spans] == [
        ("Unemployment fell to 3.9 percent in October.", pytest.approx(0.9)),
        ("I think this is a lovely day for everyone here.", pytest.approx(0.1)),
        ("The army lost 2,000 soldiers last year.", pytest.approx(0.9)),
    ]
    assert all(s.label == "claim" for s in spans)


def test_a_threshold_keeps_only_check_worthy_sentences() -> None:
    spans = Claims(FakeModel(), threshold=0.5).predict(article())
    assert [s.text_of(TEXT)[:12] for s in spans] == ["Unemployment", "The army los"]


def test_short_fragments_are_not_candidates() -> None:
    texts = [s.text_of(TEXT) for s in candidate_sentences(article())]
    assert "Wow!" not in texts and len(texts) == 3


def test_segments_itself_without_a_sentences_layer() -> None:
    spans = Claims(FakeModel(), threshold=0.5).predict(article(with_sentences=False))
    assert [s.text_of(TEXT)[:12] for s in spans] == ["Unemployment", "The army los"]


def test_threshold_is_validated() -> None:
    with pytest.raises(ValueError, match=r"threshold must be in \[0.0, 1.0\]"):
        Claims(FakeModel(), threshold=1.5)


def test_registered_as_claims_component() -> None:
    import propwatch.claims.component  # noqa: F401

    assert "claims" in registered()


@pytest.mark.skipif(not (model_dir() / FILE).exists(),
                    reason="the shipped check-worthiness head is not built yet")
def test_shipped_model_scores_claims_above_chatter() -> None:
    model = CheckWorthiness()
    scores = model.score(["The army lost 2,000 soldiers in 2019, the ministry said.",
                          "Thank you all so much, it is great to be here tonight."])
    assert scores[0] > 0.5 > scores[1]
    art = Article(id="b", source="t.txt", part=0, text=TEXT)
    out = Pipeline([Claims()])(art)
    assert all(s.label == "claim" for s in out.layers["claims"])
