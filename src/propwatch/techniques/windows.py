"""Where the encoder's windows go: anchored to the text, not to its position in the page.

Fixed windows (0, 222, 444, ... tokens) move whenever text is added before an article, so
the same sentence is read with other neighbours and gets other spans.  Here a text is cut
into *units* (lines; a line longer than a window is cut at sentence ends, then into pieces
of a window), and units are packed into windows of at most ``size`` tokens.  A new window
starts at an *anchor*: a unit chosen by a hash of its own word pieces, so the same unit is
an anchor in every page that holds it; and where the next unit would overflow the window.
Every token is read in exactly one window (no overlap, no averaging), and from the first
anchor of an article to its last, windows and therefore outputs are the same whatever
comes before or after it.
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

#: Tokens between anchors on average.  64 keeps more spans identical in a page (96.7%
#: against 91.3% on 20 news articles) but scored lower on validation once re-tuned (SI
#: 0.395 / FLC 0.229 / precise SI precision 0.484 against 0.398 / 0.237 / 0.563).
ANCHOR_EVERY = 128


def units(n: int, cuts: NDArray[np.bool_], size: int) -> list[tuple[int, int]]:
    """Token ranges ``[i, j)`` cut before every token with ``cuts[t]``, each at most
    ``size`` long (longer ones are split into pieces of ``size`` from their start)."""
    starts = [0, *np.flatnonzero(cuts[1:n]).astype(int) + 1, n]
    out = []
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        for s in range(a, b, size):
            out.append((s, min(b, s + size)))
    return out


def _is_anchor(ids: NDArray[np.int64], every: int) -> bool:
    """True for about ``len(ids) / every`` of units, decided by the unit's content alone."""
    h = zlib.crc32(np.ascontiguousarray(ids, dtype=np.int64).tobytes()) / 2**32
    return h < len(ids) / every


def anchored_windows(
    ids: NDArray[np.int64],
    lines: NDArray[np.bool_],
    sentences: NDArray[np.bool_],
    size: int,
    every: int = ANCHOR_EVERY,
) -> list[tuple[int, int]]:
    """``(start, length)`` of each window over ``ids``: units are lines, and for a line
    longer than ``size``, its sentences (``lines[t]`` / ``sentences[t]``: a line break /
    sentence end lies before token ``t``)."""
    n = len(ids)
    if n == 0:
        return []
    pieces: list[tuple[int, int]] = []
    for a, b in units(n, lines, n):
        if b - a <= size:
            pieces.append((a, b))
        else:
            sub = units(b - a, sentences[a:b], size)
            pieces.extend((a + i, a + j) for i, j in sub)
    windows: list[tuple[int, int]] = []
    start, end = pieces[0]
    for a, b in pieces[1:]:
        if b - start > size or _is_anchor(ids[a:b], every):
            windows.append((start, end - start))
            start = a
        end = b
    windows.append((start, end - start))
    return windows
