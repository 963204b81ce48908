"""Pipeline components: ``techniques`` (technique spans) and ``propaganda_sentences``
(sentence-level propaganda probability).  Both, and the claims layer
(``propwatch.claims.onepass``), share one tagger run per article text."""

from __future__ import annotations

import threading

from propwatch.analyse.pipeline import register
from propwatch.model import Article, Span
from propwatch.techniques.infer import TokenOutput
from propwatch.techniques.summary import fallback_sentences, sentence_probabilities
from propwatch.techniques.tagger import Analysis, Tagger, default_tagger

# The last pass and analysis of each thread: articles analysed side by side on two
# threads (``propwatch.batch``) each keep their own.
_local = threading.local()


def token_output(tagger: Tagger, text: str) -> TokenOutput:
    """The model's pass over ``text`` (taggers of one model directory share it, whatever
    their profile or thread count: the outputs are the same); the last one is kept."""
    key = (str(tagger.model_dir), text)
    hit: tuple[tuple[str, str], TokenOutput] | None = getattr(_local, "tokens", None)
    if hit is None or hit[0] != key:
        hit = (key, tagger.token_outputs([text])[0])
        _local.tokens = hit
    return hit[1]


def _analysis(tagger: Tagger, text: str) -> Analysis:
    """The tagger's analysis of ``text``; the last one is kept for the other components."""
    key = (id(tagger), text)
    hit: tuple[tuple[int, str], Analysis] | None = getattr(_local, "analysis", None)
    if hit is None or hit[0] != key:
        hit = (key, tagger.decode(text, token_output(tagger, text)))
        _local.analysis = hit
    return hit[1]


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
