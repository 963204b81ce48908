"""Check-worthiness: how likely a sentence is a factual claim worth fact-checking.

A logistic regression on the technique tagger's hidden states pooled over the sentence
(``propwatch.claims.onepass``, fit on ClaimBuster by ``bench/claims_fit_onepass.py``).
In ``analyze`` the claims layer reads it from the article's own tagger pass; this module
scores sentences on their own (benchmarks, typed text).

Figures and the commands that build them are in docs/benchmarks.md ("Claims").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from propwatch.claims.onepass import OnePass, default_onepass

# What `propwatch claims` and the report list without a known-claim result: the cut tuned
# on our labelled news sentences (docs/benchmarks.md); on news most sentences score above
# 0.5.  It filters the listing only, never what is matched.
LIST_THRESHOLD = 0.85


class CheckWorthiness:
    def __init__(self, onepass: OnePass | None = None) -> None:
        self.onepass = onepass or default_onepass()

    def score(self, sentences: Sequence[str]) -> np.ndarray:
        """P(check-worthy) for each sentence on its own, in input order."""
        return self.onepass.alone(sentences)
