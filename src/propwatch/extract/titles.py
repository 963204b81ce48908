"""Which line of a plain-text page is an article's headline: what the title network reads.

The labeller's title probability alone picks the most headline-like line anywhere in the
header, and a page's header holds many: the site's slogan, a menu heading, a teaser, a
caption, a tag list.  The headline is told apart by where it sits: right above the body,
usually with a byline or date line between (the article's header block), and most
headline-like among the lines near it.  Each unit gets features of its label probabilities,
of its own text and of that relation to the next body unit (``TITLE_FEATURES``), and a small
network of the labeller (``labeller.Labeller.titles``, fitted by bench/extract_text_fit.py on
the pages' HTML headlines) scores it; the decoder takes the best-scored unit of an
article's header (``decode``).
"""

from __future__ import annotations

import numpy as np

from propwatch.extract.lines import FEATURES, LABELS

_P = {k: LABELS.index(k) for k in LABELS}
_X = {k: FEATURES.index(k) for k in (
    "log_words", "ends_terminal", "title_case_share", "repeats_in_page", "upper_share",
    "url_like", "separators", "position",
)}  # fmt: skip
NEAR = 3  # units after a line that count as its header block (byline, date)

TITLE_FEATURES = [
    *(f"p_{k}" for k in LABELS),
    "log_units_to_body", "is_body", "head_after", "head_before", "title_before", "title_after",
    "share_of_region_max", "log_higher_in_region", "log_units_in_region", "log_units_from_start",
    *(f"x_{k}" for k in _X),
]  # fmt: skip


def title_features(x: np.ndarray, probs: np.ndarray, body: np.ndarray) -> np.ndarray:
    """A (units x ``TITLE_FEATURES``) array.  A unit's *region* runs from the unit after the
    previous body unit to the next body unit (both included when the unit is not body): the
    header that an article's title search reads (``decode._title``)."""
    n = len(probs)
    if n == 0:
        return np.zeros((0, len(TITLE_FEATURES)))
    title = probs[:, _P["title"]]
    head = probs[:, _P["byline"]] + probs[:, _P["date"]]
    idx = np.arange(n)
    body_at = np.flatnonzero(body)
    # the next body unit at or after each unit (n when there is none)
    nxt = np.append(body_at, n)[np.searchsorted(body_at, idx)]
    pad = np.concatenate([head, np.zeros(NEAR)])
    tpad = np.concatenate([[0.0], title, [0.0]])
    head_after = np.max([pad[idx + d] for d in range(1, NEAR + 1)], axis=0)
    head_before = np.concatenate([[0.0], head[:-1]])
    rows = np.zeros((n, len(TITLE_FEATURES)))
    rows[:, : len(LABELS)] = probs
    c = len(LABELS)
    rows[:, c] = np.log1p(np.minimum(nxt, n) - idx)
    rows[:, c + 1] = body
    rows[:, c + 2] = head_after
    rows[:, c + 3] = head_before
    rows[:, c + 4] = tpad[:-2]
    rows[:, c + 5] = tpad[2:]
    # a region ends at its next body unit (or the page's last unit); regions are contiguous
    end = np.minimum(nxt, n - 1)
    _, starts = np.unique(end, return_index=True)
    for lo, hi in zip(starts.tolist(), [*starts[1:].tolist(), n], strict=True):
        region = title[lo:hi]
        higher = len(region) - np.searchsorted(np.sort(region), region, side="right")
        rows[lo:hi, c + 6] = region / max(float(region.max()), 1e-6)
        rows[lo:hi, c + 7] = np.log1p(higher)
        rows[lo:hi, c + 8] = np.log1p(hi - lo)
        rows[lo:hi, c + 9] = np.log1p(np.arange(hi - lo))
    rows[:, c + 10 :] = x[:, list(_X.values())]
    return rows
