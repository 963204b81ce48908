"""Numeric features of the units of one plain-text page, for the line labeller.

Each unit (a line, or a hard-wrapped paragraph, see ``units``) gets features of its own text
(length, words, punctuation, capitals, chrome, byline, date and caption wordings), of its
place in the page, of its repetition inside the page and across the site's pages, and of its
neighbours (windows of lengths and sentence endings around it).  ``FEATURES`` names the
columns in order; the shipped model (``labeller``) was fitted on exactly these columns, so a
change here needs a refit (bench/extract_text_fit.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from propwatch.extract import patterns as P
from propwatch.extract.dates import find_date
from propwatch.extract.recurring import normalise
from propwatch.extract.units import Unit, ends_sentence

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
    "date_prefix",
    "person_name",
    "copyright",
    "comment_wording",
]
_PLACE = ["position", "chars_before", "repeats_in_page", "share_of_longest"]
_WINDOWS = (1, 3, 10)
_NEIGHBOURS = [
    "prev_log_words",
    "next_log_words",
    "prev_terminal",
    "next_terminal",
    "prev2_log_words",
    "next2_log_words",
    *(f"mean_log_words_{w}" for w in _WINDOWS),
    *(f"mean_terminal_{w}" for w in _WINDOWS),
    *(f"mean_chrome_{w}" for w in _WINDOWS),
    "long_before",
    "long_after",
    "log_distance_to_long",
    "log_units_to_next_long",
    "log_units_since_long",
    "log_units_in_page",
    "dates_near",
    "bylines_near",
]
FEATURES = [*_OWN, *_PLACE, *_NEIGHBOURS]
LABELS = ("title", "byline", "date", "body", "caption", "chrome", "comment")  # what a unit is
LONG_WORDS = 30  # a unit this long is body-like wherever it sits

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SENTENCE = re.compile(r"[.!?…][\"'”’»)]?\s+[\"'“‘«(]?[A-ZÀ-ÖØ-ÞА-Я]")
_SEPARATOR = re.compile(r"\s[|›»•·/]\s|\s[-–—]\s")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net)\b|@\w")
_YEAR = re.compile(r"(?:19|20)\d\d")  # every date that find_date reads has a year
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d|copyright\b|all rights reserved", re.I)
_COMMENT = re.compile(
    r"\b(?:reply|replies|says:|said:|commented|antworten|répondre|responder|ответить)\b"
    r"|\b\d{1,2}:\d\d\s*(?:am|pm)?\b|\bago\b|\blikes?\b",
    re.I,
)


def _own(unit: Unit) -> list[float]:
    """Features of one unit read by patterns (the character counts come from ``_chars``)."""
    text = unit.text[:400]  # longer lines are body-like; their head says enough
    words = unit.words
    alpha = _WORD.findall(text)
    long = [w for w in alpha if len(w) > 3]
    short = words <= P.SHORT_WORDS
    tiny = words <= P.TINY_WORDS
    return [
        math.log1p(len(unit.text)),
        math.log1p(words),
        float(ends_sentence(unit.text)),
        float(text.endswith(":")),
        float(text[:1].isupper()),
        0.0,  # upper_share, from _chars
        0.0,  # digit_share, from _chars
        0.0,  # punct_per_word, from _chars
        math.log1p(len(_SENTENCE.findall(text))),
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
        float(words <= P.CAPTION_WORDS and bool(P.CAPTION.search(text))),
        float(bool(_URL.search(text))),
        float(unit.lines[0].blank_before),
        float(len(unit.lines)),
        float(words <= 20 and bool(P.DATE_PREFIX.match(text))),
        float(words <= 5 and bool(P.PERSON.match(text))),
        float(words <= 40 and bool(_COPYRIGHT.search(text))),
        float(words <= 40 and bool(_COMMENT.search(text))),
    ]


def _chars(units: list[Unit], words: np.ndarray) -> np.ndarray:
    """(units x 3): share of capitals among letters, share of digits among characters, and
    punctuation marks per word, of each unit's first 400 characters, counted on the code
    points of the whole page at once."""
    heads = [u.text[:400] for u in units]
    sizes = np.array([len(h) for h in heads])
    cp = np.frombuffer("".join(heads).encode("utf-32-le"), dtype=np.uint32)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    upper = ((cp >= 65) & (cp <= 90)) | ((cp >= 0xC0) & (cp <= 0xDE) & (cp != 0xD7))
    upper |= ((cp >= 0x391) & (cp <= 0x3A9)) | ((cp >= 0x410) & (cp <= 0x42F))
    lower = (
        ((cp >= 97) & (cp <= 122))
        | ((cp >= 0xDF) & (cp <= 0x2AF))
        | ((cp >= 0x3B1) & (cp <= 0x3C9))
    )
    lower |= (cp >= 0x430) & (cp <= 0x45F)
    other = (cp >= 0x2E80) & ~((cp >= 0x3000) & (cp <= 0x303F)) & ~((cp >= 0xFF00) & (cp <= 0xFF0F))
    digit = (cp >= 48) & (cp <= 57)
    punct = (cp == 44) | (cp == 59) | (cp == 58) | (cp == 46) | (cp == 33) | (cp == 63)

    def per_unit(mask: np.ndarray) -> np.ndarray:
        if not len(mask):
            return np.zeros(len(units))
        sums = np.add.reduceat(mask.astype(np.int64), np.minimum(starts, len(mask) - 1))
        return np.where(sizes > 0, sums, 0).astype(float)

    letters = per_unit(upper | lower | other)
    return np.column_stack(
        [
            per_unit(upper) / np.maximum(letters, 1),
            per_unit(digit) / np.maximum(sizes, 1),
            per_unit(punct) / np.maximum(words, 1),
        ]
    )


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
    return np.minimum(_units_to_next(marks), _units_to_next(marks[::-1])[::-1])[:n]


def _units_to_next(marks: np.ndarray) -> np.ndarray:
    """For each unit, how many units ahead the next marked unit is, itself included (0 when
    it is marked; the page length when none follows)."""
    n = len(marks)
    out = np.full(n, float(n))
    nxt = float(n)
    for i in range(n - 1, -1, -1):
        nxt = 0.0 if marks[i] else nxt + 1.0
        out[i] = min(nxt, float(n))
    return out


def _shift(values: np.ndarray, k: int) -> np.ndarray:
    """``values`` moved by ``k`` places (positive: the value of unit i-k), zero-filled."""
    n = len(values)
    out = np.zeros(n)
    if k > 0 and k < n:
        out[k:] = values[:-k]
    elif k < 0 and -k < n:
        out[:k] = values[-k:]
    return out


def unit_features(units: list[Unit]) -> np.ndarray:
    """A (units x ``FEATURES``) array for one page.

    Repetition across a site's pages is no feature: the real pages it is fitted on come one
    per site, so no model could learn it; the decoder applies it (``decode``)."""
    n = len(units)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    own = np.array([_own(u) for u in units], dtype=float)
    words = np.array([u.words for u in units], dtype=float)
    own[:, 5:8] = _chars(units, words)
    keys = [normalise(u.text, digits=False) for u in units]
    counts = Counter(keys)
    chars = np.array([len(u.text) for u in units], dtype=float)
    before = np.concatenate([[0.0], np.cumsum(chars)[:-1]]) / max(chars.sum(), 1.0)
    place = np.column_stack(
        [
            np.arange(n) / max(n - 1, 1),
            before,
            np.log([counts[k] for k in keys]),
            words / max(words.max(), 1.0),
        ]
    )
    logw = own[:, _OWN.index("log_words")]
    term = own[:, _OWN.index("ends_terminal")]
    chrome = np.clip(own[:, 12:17].sum(axis=1), 0, 1)
    date = own[:, _OWN.index("date")]
    byline = own[:, _OWN.index("byline")]
    long = (words >= LONG_WORDS).astype(float)
    long_before = np.concatenate([[0.0], np.cumsum(long)[:-1]])
    long_after = long.sum() - long_before - long
    neighbours = np.column_stack(
        [
            _shift(logw, 1),
            _shift(logw, -1),
            _shift(term, 1),
            _shift(term, -1),
            _shift(logw, 2),
            _shift(logw, -2),
            *(window_mean(logw, w) for w in _WINDOWS),
            *(window_mean(term, w) for w in _WINDOWS),
            *(window_mean(chrome, w) for w in _WINDOWS),
            np.log1p(long_before),
            np.log1p(long_after),
            np.log1p(_distance_to(long)),
            np.log1p(_units_to_next(_shift(long, -1))),
            np.log1p(_units_to_next(_shift(long, 1)[::-1])[::-1]),
            np.full(n, np.log(n)),
            window_mean(date, 3) * 7,
            window_mean(byline, 3) * 7,
        ]
    )
    return np.hstack([own, place, neighbours])
