"""Word shingles and MinHash fingerprints, vectorised with numpy over whole batches.

The headline line is left out when it matches the title (see ``body``).  Text is
normalised (lower case, typographic quotes and dashes folded), split into words (runs of
ASCII letters and digits or any non-ASCII character), each word hashed with a polynomial
hash mod 2**64, and every run of ``k`` consecutive words combined into one 64-bit shingle
hash.  The hashes depend only on the text, so stored fingerprints stay valid across runs
and machines (``VERSION`` changes whenever the hashing does; older ones are rebuilt).

From the 5-word shingles of an article come:

* ``signature``: a one-permutation MinHash (Li, Owen & Zhang 2012) of ``NUM_PERM`` 32-bit
  values with rotation densification for short texts; equal positions estimate Jaccard;
* ``sample``: every distinct shingle hash whose low bits are zero (1 in ``SAMPLE_MOD``),
  a content-defined sample that is the same wherever the same words occur, so the share
  of A's sample found in B's estimates how much of A is contained in B.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

VERSION = 2
SHINGLE = 5
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SAMPLE_MOD = 8
HASH_BITS = 44  # shingle hashes are kept to 44 bits (text index in the upper bits when sorting)

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]

# typographic punctuation that would otherwise count as a (non-ASCII) word character
_FOLD = ("\u2019", "\u2018", "\u201c", "\u201d", "\u2014", "\u2013", "\u00a0", "\u2026",
         "\u00ab", "\u00bb", "\u2022", "\u00b7")
_P = np.uint64(0x100000001B3)  # odd, so invertible mod 2**64
_P_INV = np.uint64(pow(int(_P), -1, 2**64))
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)
_EMPTY_BIN = np.uint32(0xFFFFFFFF)
_pow_cache: dict[str, U64] = {}


def _powers(n: int) -> tuple[U64, U64]:
    """P**i and P**-i mod 2**64 for i < n (grown on demand, shared by all calls)."""
    have = _pow_cache.get("pow")
    if have is None or len(have) < n:
        size = max(n, 1 << 20, 2 * (0 if have is None else len(have)))
        with np.errstate(over="ignore"):
            pw = np.empty(size, dtype=np.uint64)
            inv = np.empty(size, dtype=np.uint64)
            pw[0] = inv[0] = 1
            pw[1:] = _P
            inv[1:] = _P_INV
            pw = np.cumprod(pw, dtype=np.uint64)
            inv = np.cumprod(inv, dtype=np.uint64)
        _pow_cache["pow"], _pow_cache["inv"] = pw, inv
    return _pow_cache["pow"][:n], _pow_cache["inv"][:n]


def _splitmix(x: U64) -> U64:
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def body(text: str, title: str | None) -> str:
    """The text without its headline line (when it holds the title near the top): a copy
    under a new headline is still the same article."""
    if title and title.strip():
        t = title.strip()
        at = text.find(t, 0, len(t) + 300)
        if at >= 0 and (at == 0 or text[at - 1] == "\n"):
            return text[:at] + text[at + len(t) :]
    return text


def normalise(text: str) -> str:
    text = text.lower()
    for char in _FOLD:
        if char in text:
            text = text.replace(char, " ")
    return text.replace("\u00ad", "")


@dataclass(frozen=True)
class Words:
    """The word hashes of a batch of texts, in order; ``doc[i]`` is word i's text index."""

    hashes: U64
    doc: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]  # words per text


def words(texts: Sequence[str]) -> Words:
    """Hash every word of every text in one vectorised pass."""
    encoded = [normalise(t).encode("utf-8") for t in texts]
    raw = np.frombuffer(b"\n".join(encoded), dtype=np.uint8)
    n = len(raw)
    # byte offset where each text starts (+1 for the separator)
    lengths = np.array([len(e) + 1 for e in encoded], dtype=np.int64)
    starts_of_text = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    isword = (
        ((raw >= 97) & (raw <= 122)) | ((raw >= 48) & (raw <= 57)) | (raw >= 128)
    )
    if n == 0 or not isword.any():
        empty = np.zeros(0, dtype=np.uint64)
        return Words(empty, np.zeros(0, dtype=np.int64), np.zeros(len(texts), dtype=np.int64))
    edge = np.diff(isword.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    begin = np.flatnonzero(edge == 1)
    end = np.flatnonzero(edge == -1)  # exclusive
    pw, inv = _powers(n + 1)
    with np.errstate(over="ignore"):
        prefix = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum((raw.astype(np.uint64) + np.uint64(1)) * pw[:n], dtype=np.uint64,
                  out=prefix[1:])
        h = (prefix[end] - prefix[begin]) * inv[begin]
    hashes = _splitmix(h ^ (end - begin).astype(np.uint64))
    doc = np.searchsorted(starts_of_text, begin, side="right") - 1
    count = np.bincount(doc, minlength=len(texts)).astype(np.int64)
    return Words(hashes, doc.astype(np.int64), count)


def shingles(w: Words, k: int) -> tuple[U64, npt.NDArray[np.int64]]:
    """Hashes of every run of ``k`` words inside one text, and the text each belongs to.

    A text with fewer than ``k`` words (but at least one) gets one shingle of all its words.
    """
    n = len(w.hashes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    m = max(n - k + 1, 0)
    with np.errstate(over="ignore"):
        acc = np.zeros(m, dtype=np.uint64)
        for j in range(k):
            acc += w.hashes[j : j + m] * _MIX[j]
    keep = w.doc[:m] == w.doc[k - 1 : k - 1 + m] if m else np.zeros(0, dtype=bool)
    sh = _splitmix(acc[keep])
    doc = w.doc[:m][keep]
    short = np.flatnonzero((w.count > 0) & (w.count < k))
    if len(short):
        first = np.concatenate(([0], np.cumsum(w.count)[:-1]))
        extra = np.empty(len(short), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for i, t in enumerate(short):
                part = w.hashes[first[t] : first[t] + w.count[t]]
                extra[i] = np.sum(part * _MIX[: len(part)], dtype=np.uint64)
        sh = np.concatenate((sh, _splitmix(extra)))
        doc = np.concatenate((doc, short.astype(np.int64)))
    return sh, doc


def shingle_set(text: str, k: int = SHINGLE) -> U64:
    """The sorted distinct ``k``-word shingle hashes (44-bit) of one text."""
    sh, _ = shingles(words([text]), k)
    return sorted_unique(sh >> np.uint64(64 - HASH_BITS))


def sorted_unique(x: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Sorted distinct values (np.unique hashes in numpy 2.x, which is much slower here)."""
    x = np.sort(x)
    if len(x) < 2:
        return x
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


@dataclass(frozen=True)
class Fingerprints:
    """Fingerprints of a batch of texts: row i of ``signatures`` is text i."""

    signatures: U32  # (n, NUM_PERM)
    samples: list[U64]  # sorted distinct sampled shingle hashes per text
    words: npt.NDArray[np.int64]
    shingles: npt.NDArray[np.int64]  # distinct 5-word shingles per text


def fingerprint(texts: Sequence[str]) -> Fingerprints:
    """MinHash signatures and containment samples for many texts at once."""
    n = len(texts)
    w = words(texts)
    sh, doc = shingles(w, SHINGLE)
    # distinct shingles per text: one sort of (text index << 44 | 44-bit hash)
    key = (doc.astype(np.uint64) << np.uint64(HASH_BITS)) | (sh >> np.uint64(64 - HASH_BITS))
    key = sorted_unique(key)
    doc = (key >> np.uint64(HASH_BITS)).astype(np.int64)
    sh = key & np.uint64((1 << HASH_BITS) - 1)
    distinct = np.bincount(doc, minlength=n).astype(np.int64)
    # one-permutation MinHash: top 7 bits choose the bin, the next 32 bits are the value
    sig = np.full(n * NUM_PERM, _EMPTY_BIN, dtype=np.uint32)
    bins = (sh >> np.uint64(HASH_BITS - 7)).astype(np.int64)
    vals = ((sh >> np.uint64(HASH_BITS - 39)) & np.uint64(0xFFFFFFFE)).astype(np.uint32)
    np.minimum.at(sig, doc * NUM_PERM + bins, vals)
    signatures = _densify(sig.reshape(n, NUM_PERM))
    sampled = (sh & np.uint64(SAMPLE_MOD - 1)) == 0
    s_hash, s_doc = sh[sampled], doc[sampled]
    bounds = np.searchsorted(s_doc, np.arange(n + 1))
    samples = [s_hash[bounds[i] : bounds[i + 1]].copy() for i in range(n)]
    return Fingerprints(signatures, samples, w.count, distinct)


def _densify(sig: U32) -> U32:
    """Fill empty bins from the next non-empty bin to the right (circular), re-hashed by
    distance, so texts with few shingles still get comparable signatures."""
    empty = sig == _EMPTY_BIN
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    for r in rows:
        full = np.flatnonzero(~empty[r])
        holes = np.flatnonzero(empty[r])
        pos = np.searchsorted(full, holes)
        wrap = pos == len(full)
        src = full[np.where(wrap, 0, pos)]
        dist = (src - holes) % NUM_PERM
        seed = sig[r, src].astype(np.uint64) * np.uint64(NUM_PERM) + dist.astype(np.uint64)
        mixed = _splitmix(seed)
        sig[r, holes] = (mixed >> np.uint64(32)).astype(np.uint32) & np.uint32(0xFFFFFFFE)
    return sig


def band_keys(signatures: U32) -> npt.NDArray[np.int64]:
    """(n, BANDS) LSH keys: each band of ROWS signature values hashed to a signed int64."""
    n = len(signatures)
    s = signatures.astype(np.uint64).reshape(n, BANDS, ROWS)
    with np.errstate(over="ignore"):
        acc = np.zeros((n, BANDS), dtype=np.uint64)
        for j in range(ROWS):
            acc += s[:, :, j] * _MIX[j]
        acc += np.arange(BANDS, dtype=np.uint64) * _MIX[ROWS]
    return _splitmix(acc).view(np.int64)


def jaccard_estimate(a: U32, b: U32) -> float:
    return float(np.mean(a == b))


def shingle_sets(texts: Sequence[str], k: int) -> list[U64]:
    """The sorted distinct ``k``-word shingle hashes (44-bit) of each text, batched."""
    n = len(texts)
    sh, doc = shingles(words(texts), k)
    key = (doc.astype(np.uint64) << np.uint64(HASH_BITS)) | (sh >> np.uint64(64 - HASH_BITS))
    key = sorted_unique(key)
    doc = (key >> np.uint64(HASH_BITS)).astype(np.int64)
    values = key & np.uint64((1 << HASH_BITS) - 1)
    bounds = np.searchsorted(doc, np.arange(n + 1))
    return [values[bounds[i] : bounds[i + 1]] for i in range(n)]
