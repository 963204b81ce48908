"""Pipeline components: ``techniques`` (technique spans) and ``propaganda_sentences``
(sentence-level propaganda probability).  Both share one tagger run per article text."""

from __future__ import annotations

from propwatch.analyse.pipeline import register
from propwatch.model import Article, Span
from propwatch.techniques.summary import fallback_sentences, sentence_probabilities
from propwatch.techniques.tagger import Analysis, Tagger, default_tagger

_cache: dict[tuple[int, str], Analysis] = {}


def _analysis(tagger: Tagger, text: str) -> Analysis:
    """The tagger's analysis of ``text``; the last one is kept for the sentence component."""
    key = (id(tagger), text)
    hit = _cache.get(key)
    if hit is None:
        hit = tagger.analyse([text])[0]
        _cache.clear()
        _cache[key] = hit
    return hit


class TechniqueComponent:
    """Writes layer ``techniques``: label = technique (SemEval naming), score = calibrated
    confidence (the probability that the span is right),
    ``data["explanation_key"]`` = key into ``propwatch.techniques.explanations``."""

    name = "techniques"

    def __init__(self, tagger: Tagger | None = None) -> None:
        self.tagger = tagger or default_tagger()

    def predict(self, article: Article) -> list[Span]:
        return list(_analysis(self.tagger, article.text).techniques)


class PropagandaSentenceComponent:
    """Writes layer ``propaganda_sentences``: one span per sentence of the ``sentences``
    layer, label ``propaganda``, score = probability that it uses some technique."""

    name = "propaganda_sentences"

    def __init__(self, tagger: Tagger | None = None) -> None:
        self.tagger = tagger or default_tagger()

    def predict(self, article: Article) -> list[Span]:
        res = _analysis(self.tagger, article.text)
        sentences = article.layers.get("sentences") or fallback_sentences(article.text)
        return sentence_probabilities(res.tokens, sentences, res.techniques)


register("techniques", TechniqueComponent)
register("propaganda_sentences", PropagandaSentenceComponent)
