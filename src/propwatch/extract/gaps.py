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

A capture of one site repeats its chrome at every join: the site's header (name, menu) above
each article, its footer (copyright, share bar) below.  So a gap is also described by how
much of it recurs elsewhere in the page *outside the body*: in another gap, above the first
body (the page's own header) or below the last (its footer), and by the longest block of
such lines; and by the wordings that end or start a rendered page (a copyright or notice
line before the headline, a skip link).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from propwatch.extract import patterns as P
from propwatch.extract.lines import FEATURES, LABELS
from propwatch.extract.recurring import normalise
from propwatch.extract.units import Unit

_P = {k: LABELS.index(k) for k in LABELS}
_X = {k: FEATURES.index(k) for k in ("copyright", "notice", "repeats_in_page", "ends_terminal",
                                      "log_words", "log_chars")}  # fmt: skip
SKIP_LINK_WORDS = 12  # a skip link or menu button is a short line
_HEAD, _FOOT = -2, -3  # (``_recurrence``) the units above the first body unit, below the last
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
    # repetition outside the body (``_recurrence``) and the wordings of a page's ends
    "recurs_in_gaps", "recurs_in_header", "recurs_in_footer", "log_recurring_block",
    "log_recurring_units", "log_gaps_sharing", "skip_link", "copyright_before_cut",
    "max_notice", "log_units_end_to_cut",
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
    units: list[Unit], x: np.ndarray, probs: np.ndarray, body: np.ndarray, gaps: list[Gap]
) -> np.ndarray:
    """A (gaps x ``GAP_FEATURES``) array: the units of each gap (x: unit features, probs:
    label probabilities), the body runs on either side, what of the gap recurs outside the
    body (``_recurrence``)."""
    if not gaps:
        return np.zeros((0, len(GAP_FEATURES)))
    n = len(body)
    words = np.array([u.words for u in units], dtype=float)
    body_words = np.where(body, words, 0)
    cum = np.concatenate([[0], np.cumsum(body_words)])
    bounds = [0, *(g.hi for g in gaps), n]
    chars = np.expm1(x[:, _X["log_chars"]])
    recurs = _recurrence(units, body, gaps)
    skip = np.array(
        [u.words <= SKIP_LINK_WORDS and bool(P.SKIP_LINK.search(u.text)) for u in units]
    )
    page_end = (x[:, _X["copyright"]] > 0) | (x[:, _X["notice"]] > 0)
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
        ends = np.flatnonzero(page_end[g.lo : g.cut])
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
                *recurs[k],
                float(skip[g.lo : g.hi + 1].any()),
                x[g.lo : g.cut, _X["copyright"]].max() if t else 0.0,
                x[g.lo : g.hi, _X["notice"]].max(),
                np.log1p(t - ends[-1]) if len(ends) else 0.0,
            ]
        )
    return np.array(rows, dtype=float)


def _recurrence(units: list[Unit], body: np.ndarray, gaps: list[Gap]) -> list[list[float]]:
    """For each gap, what of it recurs outside the body: the share of its units whose line
    (``recurring.normalise``) also stands in another gap, above the first body unit (the
    page's header) or below the last (its footer); the longest block of consecutive units
    that recur so, how many units recur, and how many other gaps share a line with it
    (a site's header or footer repeated at each join of a capture)."""
    n = len(units)
    idx = np.flatnonzero(body)
    region = np.full(n, -1)  # a gap's index, HEAD, FOOT, or -1 (body)
    region[: idx[0]] = _HEAD
    region[idx[-1] + 1 :] = _FOOT
    for k, g in enumerate(gaps):
        region[g.lo : g.hi] = k
    keys = [normalise(u.text, digits=False) if region[i] != -1 else "" for i, u in enumerate(units)]
    where: dict[str, set[int]] = {}
    for i, key in enumerate(keys):
        if key:
            where.setdefault(key, set()).add(int(region[i]))
    out = []
    for k, g in enumerate(gaps):
        seen = [where.get(keys[i], set()) if keys[i] else set() for i in range(g.lo, g.hi)]
        other = [{r for r in w if r >= 0 and r != k} for w in seen]
        in_gaps = np.array([bool(o) for o in other])
        head = np.array([_HEAD in w for w in seen])
        foot = np.array([_FOOT in w for w in seen])
        recurs = in_gaps | head | foot
        block = run = 0
        for v in recurs.tolist():
            run = run + 1 if v else 0
            block = max(block, run)
        sharing = set().union(*other)
        out.append([in_gaps.mean(), head.mean(), foot.mean(), np.log1p(block),
                    np.log1p(recurs.sum()), np.log1p(len(sharing))])  # fmt: skip
    return out
