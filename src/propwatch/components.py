"""The components a default analysis runs, in order (importing them registers them)."""

from __future__ import annotations

import propwatch.analyse  # noqa: F401  (sentences, language)
import propwatch.claims.component  # noqa: F401  (claims)

DEFAULT_COMPONENTS: tuple[str, ...] = ("sentences", "language")
