"""Gaps between the body runs of a plain-text page, and what the article-join model reads in
them.

A page holding several articles (an infinite-scroll capture) has, between the body of one
article and the body of the next, a run of non-body units: the first article's footer, share
bar and related list, then perhaps the next page's site header, then the next headline, its
byline and date.  A single article has gaps too (ads, figures, a subheading the labeller did
not keep).  Each gap is described by the units in it and by the body around it
(``GAP_FEATURES``); a small network of the labeller (``labeller.Labeller.gap``) gives the
probability that an article ends in it, and the decoder (``decode``) cuts at the likeliest
gaps.  A gap ends at the first unit of the next body run, which is part of the gap's window:
a headline the labeller read as body still starts the next article.  With no headline in
the window the next article starts right after the last body (the title search of
``decode`` then reads the whole gap).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from propwatch.extract.lines import FEATURES, LABELS

_P = {k: LABELS.index(k) for k in LABELS}
_X = {k: FEATURES.index(k) for k in ("copyright", "repeats_in_page", "ends_terminal", "log_words")}
TITLE_LIKE = 0.3  # title probability from which a unit in a gap counts as a headline


@dataclass(frozen=True)
class Gap:
    """Units lo..hi-1 hold no body; unit hi is the first unit of the next body run."""

    lo: int
    hi: int
    cut: int  # where the next article would start: its headline, else the gap's first unit


GAP_FEATURES = [
    "log_units", "log_chars", "log_run_before", "log_run_after", "log_body_before",
    "log_body_after", "max_title", "log_title_like", "log_units_after_title",
    "log_units_before_title", "mean_chrome", "max_chrome", "max_comment", "mean_comment",
    "max_caption", "dates_bylines_after_title", "max_date", "max_byline", "copyright",
    "max_repeats", "mean_body", "position", "log_gaps", "log_longest_words",
    "before_ends_terminal", "next_title", "next_body", "next_log_words",
]  # fmt: skip


def find_gaps(body: np.ndarray, probs: np.ndarray) -> list[Gap]:
    """The gaps between consecutive body runs (none before the first or after the last)."""
    idx = np.flatnonzero(body)
    gaps = []
    for a, b in zip(idx[:-1].tolist(), idx[1:].tolist(), strict=True):
        if b > a + 1:
            window = probs[a + 1 : b + 1, _P["title"]]
            k = int(window.argmax())
            cut = a + 1 + k if window[k] >= TITLE_LIKE else a + 1
            gaps.append(Gap(a + 1, b, cut))
    return gaps


def gap_features(
    x: np.ndarray, probs: np.ndarray, body: np.ndarray, words: np.ndarray, gaps: list[Gap]
) -> np.ndarray:
    """A (gaps x ``GAP_FEATURES``) array: the units of each gap (x: unit features, probs:
    label probabilities), the body runs on either side (words: words per unit)."""
    if not gaps:
        return np.zeros((0, len(GAP_FEATURES)))
    n = len(body)
    body_words = np.where(body, words, 0)
    cum = np.concatenate([[0], np.cumsum(body_words)])
    bounds = [0, *(g.hi for g in gaps), n]
    chars = np.expm1(x[:, FEATURES.index("log_chars")])
    rows = []
    for k, g in enumerate(gaps):
        run_before = cum[g.lo] - cum[bounds[k]]
        run_after = cum[bounds[k + 2]] - cum[g.hi]
        p = probs[g.lo : g.hi]
        window = probs[g.lo : g.hi + 1]
        title = window[:, _P["title"]]
        t = g.cut - g.lo
        after_title = window[t:]
        head = (after_title[:, _P["date"]] + after_title[:, _P["byline"]])[:4]
        rows.append(
            [
                np.log1p(g.hi - g.lo),
                np.log1p(chars[g.lo : g.hi].sum()),
                np.log1p(run_before),
                np.log1p(run_after),
                np.log1p(cum[g.lo]),
                np.log1p(cum[n] - cum[g.hi]),
                title.max(),
                np.log1p((title >= TITLE_LIKE).sum()),
                np.log1p(g.hi - g.cut),
                np.log1p(t),
                p[:, _P["chrome"]].mean(),
                p[:, _P["chrome"]].max(),
                p[:, _P["comment"]].max(),
                p[:, _P["comment"]].mean(),
                p[:, _P["caption"]].max(),
                head.sum(),
                p[:, _P["date"]].max(),
                p[:, _P["byline"]].max(),
                x[g.lo : g.hi, _X["copyright"]].max(),
                x[g.lo : g.hi, _X["repeats_in_page"]].max(),
                p[:, _P["body"]].mean(),
                g.lo / n,
                np.log(len(gaps)),
                x[g.lo : g.hi, _X["log_words"]].max(),
                x[g.lo - 1, _X["ends_terminal"]],
                probs[g.hi, _P["title"]],
                probs[g.hi, _P["body"]],
                x[g.hi, _X["log_words"]],
            ]
        )
    return np.array(rows, dtype=float)
