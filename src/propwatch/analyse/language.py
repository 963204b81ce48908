"""Language identification (py3langid, model shipped in the package)."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from propwatch.model import Article, Span


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability for ``text`` (its first 4,000 characters)."""
    lang, prob = _identifier().classify(text[:4000])
    return str(lang), float(prob)


class Language:
    """Writes one span over the whole text labelled with its language."""

    name = "language"

    def predict(self, article: Article) -> list[Span]:
        if not article.text.strip():
            return []
        lang, prob = identify(article.text)
        return [Span(0, len(article.text), lang, round(prob, 4))]
