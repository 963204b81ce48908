"""Numeric features of the units of one plain-text page, for the learned line labeller (bench).

Each unit (a line, or a hard-wrapped paragraph) gets features of its own text (length,
words, punctuation, capitals, chrome wordings), of its place in the page, of its repetition
inside the page and across the site's pages, and of its neighbours (windows of lengths and
sentence endings around it).  ``FEATURES`` names the columns in order.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from propwatch.extract import patterns as P
from propwatch.extract.dates import find_date
from propwatch.extract.recurring import normalise
from propwatch.extract.units import TERMINAL, Unit

_OWN = [
    "log_chars",
    "log_words",
    "ends_terminal",
    "ends_colon",
    "starts_upper",
    "upper_share",
    "digit_share",
    "punct_per_word",
    "sentences",
    "mean_word_len",
    "title_case_share",
    "separators",
    "short_chrome",
    "tiny_chrome",
    "end_marker",
    "nav_line",
    "notice",
    "byline",
    "date",
    "caption",
    "url_like",
    "blank_before",
    "lines_in_unit",
]
_PLACE = ["position", "chars_before", "repeats_in_page", "recurs_on_site", "share_of_longest"]
_WINDOWS = (1, 3, 10)
_NEIGHBOURS = [
    "prev_log_words",
    "next_log_words",
    "prev_terminal",
    "next_terminal",
    *(f"mean_log_words_{w}" for w in _WINDOWS),
    *(f"mean_terminal_{w}" for w in _WINDOWS),
    *(f"mean_chrome_{w}" for w in _WINDOWS),
    "long_before",
    "long_after",
    "log_distance_to_long",
    "log_units_in_page",
]
FEATURES = [*_OWN, *_PLACE, *_NEIGHBOURS]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE = re.compile(r"[.!?…][\"'”’»)]?\s+[\"'“‘«(]?[A-ZÀ-ÖØ-ÞА-Я]")
_SEPARATOR = re.compile(r"\s[|›»•·/]\s|\s[-–—]\s")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net)\b|@\w")
_PUNCT = re.compile(r"[,;:.!?]")
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞΑ-ΩА-Я]")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d\d")  # every date that find_date reads has a year


def _own(unit: Unit) -> list[float]:
    text = unit.text[:400]  # longer lines are body-like; their head says enough
    words = unit.words
    letters = len(_LETTER.findall(text))
    alpha = _WORD.findall(text)
    long = [w for w in alpha if len(w) > 3]
    short = words <= 15
    tiny = words <= 6
    return [
        np.log1p(len(unit.text)),
        np.log1p(words),
        float(unit.text.endswith(TERMINAL)),
        float(text.endswith(":")),
        float(text[:1].isupper()),
        len(_UPPER.findall(text)) / max(letters, 1),
        len(_DIGIT.findall(text)) / max(len(text), 1),
        len(_PUNCT.findall(unit.text)) / max(words, 1),
        np.log1p(len(_SENTENCE.findall(unit.text))),
        sum(map(len, alpha)) / max(len(alpha), 1),
        sum(w[0].isupper() for w in long) / max(len(long), 1),
        float(len(_SEPARATOR.findall(text))),
        float(short and bool(P.SHORT_CHROME.search(text))),
        float(tiny and bool(P.TINY_CHROME.search(text))),
        float(tiny and bool(P.END_MARKER.match(text))),
        float(words <= 20 and bool(P.NAV_LINE.match(text))),
        float(bool(P.LONG_CHROME.search(text)) or bool(P.NOTICE_PHRASES.search(text))),
        float(words <= 14 and bool(P.BYLINE.match(text))),
        float(words <= 14 and bool(_YEAR.search(text)) and find_date(text) is not None),
        float(words <= 40 and bool(P.CAPTION.search(text))),
        float(bool(_URL.search(text))),
        float(unit.lines[0].blank_before),
        float(len(unit.lines)),
    ]


def window_mean(values: np.ndarray, w: int) -> np.ndarray:
    """Mean of ``values`` over units i-w..i+w (clipped at the page's ends)."""
    n = len(values)
    csum = np.concatenate([[0.0], np.cumsum(values)])
    idx = np.arange(n)
    lo = np.clip(idx - w, 0, n)
    hi = np.clip(idx + w + 1, 0, n)
    return (csum[hi] - csum[lo]) / (hi - lo)


def _distance_to(marks: np.ndarray) -> np.ndarray:
    """For each unit, how many units away the nearest marked unit is (the page length when
    none is marked)."""
    n = len(marks)
    where = np.flatnonzero(marks)
    if not len(where):
        return np.full(n, float(n))
    idx = np.arange(n)
    k = np.clip(np.searchsorted(where, idx), 1, len(where) - 1) if len(where) > 1 else None
    if k is None:
        return np.abs(idx - where[0]).astype(float)
    return np.minimum(np.abs(idx - where[k - 1]), np.abs(where[k] - idx)).astype(float)


def unit_features(units: list[Unit], recurring: list[bool] | None = None) -> np.ndarray:
    """A (units x ``FEATURES``) array for one page; ``recurring[i]``: unit i recurs on other
    pages of the same site."""
    n = len(units)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    own = np.array([_own(u) for u in units], dtype=float)
    keys = [normalise(u.text, digits=False) for u in units]
    counts = Counter(keys)
    chars = np.array([len(u.text) for u in units], dtype=float)
    words = np.array([u.words for u in units], dtype=float)
    before = np.concatenate([[0.0], np.cumsum(chars)[:-1]]) / max(chars.sum(), 1.0)
    recur = np.array(recurring if recurring is not None else [False] * n, dtype=float)
    place = np.column_stack(
        [
            np.arange(n) / max(n - 1, 1),
            before,
            np.log([counts[k] for k in keys]),
            recur,
            words / max(words.max(), 1.0),
        ]
    )
    logw = own[:, 1]
    term = own[:, 2]
    chrome = np.clip(own[:, 12:17].sum(axis=1), 0, 1)
    prev_w = np.concatenate([[0.0], logw[:-1]])
    next_w = np.concatenate([logw[1:], [0.0]])
    prev_t = np.concatenate([[0.0], term[:-1]])
    next_t = np.concatenate([term[1:], [0.0]])
    long = (words >= 30).astype(float)
    long_before = np.concatenate([[0.0], np.cumsum(long)[:-1]])
    long_after = long.sum() - long_before - long
    neighbours = np.column_stack(
        [
            prev_w,
            next_w,
            prev_t,
            next_t,
            *(window_mean(logw, w) for w in _WINDOWS),
            *(window_mean(term, w) for w in _WINDOWS),
            *(window_mean(chrome, w) for w in _WINDOWS),
            np.log1p(long_before),
            np.log1p(long_after),
            np.log1p(_distance_to(long)),
            np.full(n, np.log(n)),
        ]
    )
    return np.hstack([own, place, neighbours])
