"""The components a default analysis runs, in order (importing them registers them)."""

from __future__ import annotations

import propwatch.analyse  # noqa: F401  (sentences, language)
import propwatch.claims.component  # noqa: F401  (claims)
import propwatch.techniques.component  # noqa: F401  (techniques, propaganda_sentences)

DEFAULT_COMPONENTS: tuple[str, ...] = (
    "sentences", "language", "techniques", "propaganda_sentences", "claims",
)
