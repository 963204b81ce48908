"""Span boundaries a reader accepts.

Rules applied to every decoded span (after it is widened to whole words):

* **Quotes balanced**: a span holding an opening quote without its closing one (or the
  reverse) is widened to the whole quoted phrase when the other quote mark is near on the
  same line, otherwise cut at the stray quote mark (the longer side is kept).
* **Sentence ends**: a span never runs over a sentence end unless its technique is one
  that spans sentences in the training data (``cross_sentence`` in the model config,
  measured on the training split by ``bench/techniques_profiles.py``).  Decoding treats
  sentence ends like line breaks: runs of tokens are cut there (:func:`sentence_breaks`).
* **No lone function words**: a span whose words are all function words ("an", "its",
  "anti-") is dropped.
* **No bylines**: a span on a byline line ("By Mike Whitney", "Written by ...") is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

#: Opening -> closing quote marks.  ``"`` is both; ``’`` doubles as an apostrophe.
_PAIRS = {"\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb", '"': '"'}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
#: How far (characters, same line) a span may be widened to reach the other quote mark.
QUOTE_REACH = 40

# A sentence ends at . ! ? (or …), optionally followed by closing quotes/brackets, then
# whitespace, then what can start a sentence.
_SENT_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "sen",
        "rep",
        "gov",
        "gen",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "jr",
        "sr",
        "prof",
        "rev",
        "fr",
        "mt",
        "ft",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "d.c",
        "a.m",
        "p.m",
        "i.e",
        "e.g",
    ]
)

FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "its",
        "it",
        "it's",
        "his",
        "her",
        "hers",
        "their",
        "theirs",
        "our",
        "ours",
        "my",
        "mine",
        "your",
        "yours",
        "him",
        "them",
        "us",
        "we",
        "you",
        "i",
        "he",
        "she",
        "they",
        "me",
        "one",
        "some",
        "any",
        "all",
        "each",
        "every",
        "no",
        "not",
        "nor",
        "and",
        "or",
        "but",
        "if",
        "then",
        "so",
        "as",
        "of",
        "in",
        "on",
        "at",
        "to",
        "by",
        "for",
        "from",
        "with",
        "without",
        "into",
        "onto",
        "upon",
        "about",
        "above",
        "below",
        "over",
        "under",
        "after",
        "before",
        "since",
        "until",
        "than",
        "too",
        "very",
        "just",
        "also",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "done",
        "has",
        "have",
        "had",
        "having",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "will",
        "would",
        "there",
        "here",
        "where",
        "when",
        "while",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "why",
        "how",
        "s",
        "t",
        "d",
        "ll",
        "re",
        "ve",
        "m",
        "anti",
        "pro",
        "non",
        "pre",
        "post",
        "ex",
        "co",
        "un",
        "semi",
    ]
)

_NAME = r"[A-Z][\w.'\u2019-]*"
_BYLINE = re.compile(
    r"^[\s*_>#-]*(?i:by|written by|posted by|reported by|words by|authors?:?)\s+"
    r"(?:<[^>]+>|[*_]+)*" + _NAME + r"(?:\s+(?:" + _NAME + r"|de|van|von|da|al|bin))*"
    r"(?:</[^>]+>|[*_]+)*\s*(?:$|[,|\u2013\u2014-].*$)",
    re.DOTALL,
)
#: A byline line has at most this many words ("By Mike Whitney, Global Research").
BYLINE_WORDS = 10


def sentence_ends(text: str) -> list[int]:
    """Character positions where a sentence ends (the position of its first following
    whitespace-free character); abbreviations ("Mr.", "U.S.") and initials ("H.W.") do
    not end a sentence."""
    out = []
    for m in _SENT_END.finditer(text):
        word = re.search(
            r"(\S+?)[.!?\u2026]+[\"'\u201d\u2019)\]]*\s+$", text[max(0, m.start() - 12) : m.end()]
        )
        prev = word.group(1).lower().strip("\"'(\u201c\u2018") if word else ""
        if text[m.start()] == "." and (prev in _ABBREV or (len(prev) == 1 and prev.isalpha())):
            continue
        if text[m.start()] == "." and re.fullmatch(r"(?:[a-z]\.)+[a-z]", prev):
            continue  # initials: H.W. Bush
        out.append(m.end())
    return out


def sentence_breaks(text: str, offsets: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``brk[t]`` is True when a sentence ends between token ``t - 1`` and token ``t``."""
    brk = np.zeros(len(offsets), dtype=bool)
    ends = np.asarray(sentence_ends(text), dtype=np.int64)
    if len(offsets) > 1 and len(ends):
        # A sentence start s lies between tokens t-1 and t when end[t-1] <= s <= start[t].
        k = np.searchsorted(ends, offsets[1:, 0], side="right")  # ends <= start[t]
        has = k > 0
        last = ends[np.maximum(k - 1, 0)]
        brk[1:] = has & (last >= offsets[:-1, 1])
    return brk


def _quote_marks(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """(position, kind) of the quote marks in ``text[start:end]``; kind is ``open``,
    ``close`` or ``close?`` (a word-final ``’``: a closing quote after an open ``‘``, an
    apostrophe otherwise, as in "the Smiths’").  Apostrophes inside words ("nation’s") and
    straight single quotes are not quote marks."""
    marks = []
    for i in range(start, end):
        ch = text[i]
        if ch == "'" or (ch not in _PAIRS and ch not in _CLOSERS):
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch == "\u2019" and before.isalnum():
            if after.isalnum():
                continue  # nation’s, don’t
            marks.append((i, "close?"))
        elif ch == '"':
            opening = before.isspace() or before in "([{\u2014-"
            marks.append((i, "open" if opening else "close"))
        else:
            marks.append((i, "open" if ch in _PAIRS else "close"))
    return marks


def _strays(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Positions of opening marks never closed and of closing marks never opened."""
    stack: list[int] = []
    stray_close: list[int] = []
    for pos, kind in _quote_marks(text, start, end):
        if kind == "open":
            stack.append(pos)
        elif stack and _PAIRS[text[stack[-1]]] == text[pos]:
            stack.pop()
        elif kind == "close":
            stray_close.append(pos)
    return stack, stray_close


def _line_end(text: str, i: int) -> int:
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def _line_start(text: str, i: int) -> int:
    return text.rfind("\n", 0, i) + 1


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip spaces and punctuation other than quote marks from both ends."""
    while start < end and not text[start].isalnum() and text[start] not in _PAIRS:
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in _CLOSERS):
        end -= 1
    return start, end


def _widened(text: str, start: int, end: int, reach: int) -> tuple[int, int] | None:
    """The span widened over its stray quote marks to their partners (same line, at most
    ``reach`` characters away each), if that balances it."""
    for _ in range(3):
        opens, closes = _strays(text, start, end)
        if not opens and not closes:
            return start, end
        if opens:
            closer = _PAIRS[text[opens[0]]]
            j = text.find(closer, end, min(_line_end(text, end), end + reach))
            if j < 0:
                return None
            end = j + 1
        else:
            opener = _CLOSERS[text[closes[-1]]]
            i = text.rfind(opener, max(_line_start(text, start), start - reach), start)
            if i < 0:
                return None
            start = i
    return (start, end) if _strays(text, start, end) == ([], []) else None


def balance_quotes(text: str, start: int, end: int, reach: int = QUOTE_REACH) -> tuple[int, int]:
    """``[start, end)`` with balanced quote marks: widened to the whole quoted phrases when
    the partners of its stray quote marks are near, else cut at each stray mark (keeping
    the longer side)."""
    wide = _widened(text, start, end, reach)
    if wide is not None:
        return wide
    while True:
        opens, closes = _strays(text, start, end)
        if not opens and not closes:
            return start, end
        q = opens[0] if opens else closes[-1]
        start, end = (start, q) if q - start >= end - q - 1 else (q + 1, end)
        start, end = _trim(text, start, end)


def only_function_words(piece: str) -> bool:
    """True when ``piece`` has no word outside :data:`FUNCTION_WORDS` (or no word)."""
    words = re.findall(r"[^\W_]+(?:'[^\W_]+)?", piece.lower().replace("\u2019", "'"))
    return all(w in FUNCTION_WORDS for w in words)


def in_byline(text: str, start: int, end: int) -> bool:
    """True when ``[start, end)`` lies on a byline line ("By Mike Whitney")."""
    line = text[_line_start(text, start) : _line_end(text, end)]
    return bool(_BYLINE.match(line)) and len(line.split()) <= BYLINE_WORDS


def readable(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span as a reader accepts it (quotes balanced), or None when it must go
    (a lone function word, a byline, nothing left)."""
    start, end = balance_quotes(text, start, end)
    if end - start < 2 or only_function_words(text[start:end]) or in_byline(text, start, end):
        return None
    return start, end


#: Share of a technique's training spans that must run over a sentence end before its
#: decoded spans may do so.
CROSS_SHARE = 0.10


def crossing_shares(pieces: Iterable[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """Per technique, (spans running over a sentence end, spans), from (technique, span
    text) pairs of gold spans."""
    counts: dict[str, tuple[int, int]] = {}
    for tech, piece in pieces:
        crossing, total = counts.get(tech, (0, 0))
        counts[tech] = (crossing + bool(sentence_ends(piece.strip())), total + 1)
    return counts


def cross_sentence_techniques(pieces: Iterable[tuple[str, str]]) -> list[str]:
    """Techniques at least :data:`CROSS_SHARE` of whose gold spans run over a sentence end."""
    shares = crossing_shares(pieces)
    return sorted(t for t, (c, n) in shares.items() if n and c / n >= CROSS_SHARE)
