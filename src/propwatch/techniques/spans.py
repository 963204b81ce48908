"""Token decisions -> clean character spans.

A span is a run of consecutive tokens whose probability reaches the technique's threshold.
Optionally (``low``, hysteresis) the run may extend over neighbours that reach only a lower
threshold, as long as one token reaches the high one: a confident token seeds the span and
its less certain neighbours extend it. Runs may bridge a short dip (``max_gap`` tokens) but
never a line break; the span is then widened to whole words and trimmed of surrounding
whitespace, so it never starts or ends inside a word.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from propwatch.model import Span
from propwatch.techniques.readable import readable


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_JOINERS = "-'\u2019"  # hyphen and apostrophes: join word characters into one word


def _joined(text: str, i: int) -> bool:
    """True when position ``i`` lies inside a word: between two word characters, or at a
    hyphen or apostrophe between word characters ("so-called", "nation's")."""
    if not 0 < i < len(text):
        return False
    left, right = text[i - 1], text[i]
    if _is_word(left) and _is_word(right):
        return True
    if left in _JOINERS:
        return i >= 2 and _is_word(text[i - 2]) and _is_word(right)
    if right in _JOINERS:
        return i + 1 < len(text) and _is_word(left) and _is_word(text[i + 1])
    return False


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so no word is cut (hyphenated words count as one), then trim
    whitespace at both ends."""
    while start < len(text) and _joined(text, start):
        start -= 1
    while _joined(text, end):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def line_breaks(text: str, offsets: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``brk[t]`` is True when a newline lies between token ``t - 1`` and token ``t``."""
    brk = np.zeros(len(offsets), dtype=bool)
    if len(offsets) > 1:
        chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        cum = np.concatenate([[0], np.cumsum(chars == 10)])
        brk[1:] = cum[offsets[1:, 0]] - cum[offsets[:-1, 1]] > 0
    return brk


def runs(
    text: str,
    offsets: NDArray[np.int64],
    probs: NDArray[np.floating],
    threshold: float,
    max_gap: int = 1,
    breaks: NDArray[np.bool_] | None = None,
    low: float | None = None,
) -> list[tuple[int, int]]:
    """Token runs ``[i, j)`` with ``probs >= low`` holding a token with ``probs >= threshold``,
    bridging gaps of <= max_gap tokens whose probability is at least half of ``low``, but never
    across a newline.  ``low`` defaults to ``threshold`` (plain thresholding)."""
    low = threshold if low is None else min(low, threshold)
    on = probs >= low
    if not (probs >= threshold).any():
        return []
    brk = line_breaks(text, offsets) if breaks is None else breaks
    prev = np.concatenate([[False], on[:-1]])
    nxt = np.concatenate([on[1:], [False]])
    nxt_brk = np.concatenate([brk[1:], [False]])
    starts = np.flatnonzero(on & (~prev | brk))
    ends = np.flatnonzero(on & (~nxt | nxt_brk)) + 1
    half = probs >= low / 2
    out: list[tuple[int, int]] = []
    i, j = int(starts[0]), int(ends[0])
    for s, e in zip(starts[1:].tolist(), ends[1:].tolist(), strict=True):
        if s - j <= max_gap and half[j:s].all() and not brk[j : s + 1].any():
            j = e
        else:
            out.append((i, j))
            i, j = s, e
    out.append((i, j))
    return [(i, j) for i, j in out if probs[i:j].max() >= threshold]


def decode(
    text: str,
    offsets: NDArray[np.int64],
    probs: NDArray[np.floating],
    threshold: float,
    label: str,
    max_gap: int = 1,
    min_chars: int = 2,
    breaks: NDArray[np.bool_] | None = None,
    low: float | None = None,
) -> list[Span]:
    """Spans of one label from per-token probabilities (score = mean probability of the run);
    ``low`` is the hysteresis threshold of :func:`runs`.  Each span is widened to whole
    words, then made readable (:func:`propwatch.techniques.readable.readable`: quotes
    balanced; lone function words and bylines dropped)."""
    out: list[Span] = []
    for i, j in runs(text, offsets, probs, threshold, max_gap, breaks, low):
        start, end = snap_to_words(text, int(offsets[i, 0]), int(offsets[j - 1, 1]))
        fixed = readable(text, start, end)
        if fixed is None or fixed[1] - fixed[0] < min_chars:
            continue
        start, end = fixed
        if not any(_is_word(c) for c in text[start:end]):
            continue
        out.append(Span(start, end, label, float(np.mean(probs[i:j]))))
    # Snapping can make neighbouring runs touch or overlap: merge them.
    merged: list[Span] = []
    out.sort(key=lambda s: (s.start, s.end))
    for span in out:
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            score = max(last.score or 0.0, span.score or 0.0)
            merged[-1] = Span(last.start, max(last.end, span.end), label, score)
        else:
            merged.append(span)
    return merged
