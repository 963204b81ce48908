"""Word-piece tokenisation with exact character offsets, and label <-> token alignment.

Tokens carry ``[start, end)`` offsets into the original text (the ``tokenizers`` package
computes them through its normaliser), so a character span maps to the tokens it touches
and back without ever shifting: the decoded span is built from token offsets of the very
text the labels index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from propwatch.model import Span
from propwatch.techniques.labels import INDEX, TECHNIQUES

N_TECH = len(TECHNIQUES)
#: Column of the technique-agnostic "any propaganda" output, after the 14 techniques.
ANY = N_TECH
N_OUT = N_TECH + 1


@dataclass(frozen=True)
class Encoding:
    """Word pieces of a whole text, without special tokens."""

    ids: NDArray[np.int64]  # (n,)
    offsets: NDArray[np.int64]  # (n, 2) character [start, end) per token


#: Special tokens of the encoders we use: BERT word pieces, then RoBERTa/MPNet style.
SPECIALS = (("[CLS]", "[SEP]", "[PAD]"), ("<s>", "</s>", "<pad>"))


class WordPieces:
    """A ``tokenizers`` fast tokenizer with truncation, padding and specials switched off."""

    def __init__(self, tokenizer_json: Path | str) -> None:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(tokenizer_json))
        tok.no_truncation()
        tok.no_padding()
        self.tok = tok
        for names in SPECIALS:
            cls_id, sep_id, pad_id = (tok.token_to_id(n) for n in names)
            if cls_id is not None and sep_id is not None and pad_id is not None:
                self.cls_id, self.sep_id, self.pad_id = cls_id, sep_id, pad_id
                break
        else:
            raise ValueError(f"{tokenizer_json}: no [CLS]/[SEP]/[PAD] or <s>/</s>/<pad> tokens")

    def encode(self, text: str) -> Encoding:
        enc = self.tok.encode(text, add_special_tokens=False)
        ids = np.asarray(enc.ids, dtype=np.int64)
        offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
        # Drop zero-width tokens (they cannot carry a label and never appear in practice).
        keep = offsets[:, 1] > offsets[:, 0]
        return Encoding(ids[keep], offsets[keep])

    def encode_batch(self, texts: Sequence[str]) -> list[Encoding]:
        out = []
        for enc in self.tok.encode_batch(list(texts), add_special_tokens=False):
            ids = np.asarray(enc.ids, dtype=np.int64)
            offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
            keep = offsets[:, 1] > offsets[:, 0]
            out.append(Encoding(ids[keep], offsets[keep]))
        return out


def token_range(offsets: NDArray[np.int64], start: int, end: int) -> tuple[int, int]:
    """Tokens ``[i, j)`` overlapping the character range ``[start, end)`` (may be empty)."""
    i = int(np.searchsorted(offsets[:, 1], start, side="right"))
    j = int(np.searchsorted(offsets[:, 0], end, side="left"))
    return i, max(i, j)


def token_targets(offsets: NDArray[np.int64], spans: Iterable[Span]) -> NDArray[np.float32]:
    """(n_tokens, N_OUT) 0/1 targets: a token is inside a technique if it overlaps its span.

    The last column is 1 where any technique applies (span identification).
    """
    y = np.zeros((len(offsets), N_OUT), dtype=np.float32)
    for span in spans:
        i, j = token_range(offsets, span.start, span.end)
        y[i:j, INDEX[span.label]] = 1.0
        y[i:j, ANY] = 1.0
    return y


def window_starts(n_tokens: int, size: int, stride: int) -> list[int]:
    """Start token of each window of ``size`` content tokens; the last one ends at the end."""
    if n_tokens <= size:
        return [0]
    starts = list(range(0, n_tokens - size, stride))
    starts.append(n_tokens - size)
    return starts


def span_features(text: str, start: int, end: int, n_tokens: int) -> list[float]:
    """Hand-made features for span classification: repeats in the article, length."""
    needle = text[start:end].strip().lower()
    repeats = text.lower().count(needle) - 1 if needle else 0
    return [float(np.log1p(max(repeats, 0))), float(np.log1p(n_tokens))]
