"""Model-agnostic inference: windows over long articles, per-token probabilities, span
decoding and span classification.  Used by the ONNX tagger at run time and by training
(with a torch forward function) for validation, so both decode identically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from propwatch.model import Span
from propwatch.techniques.align import (
    ANY,
    N_OUT,
    N_TECH,
    Encoding,
    span_features,
    token_range,
    window_starts,
)
from propwatch.techniques.labels import PROPAGANDA, TECHNIQUES
from propwatch.techniques.lexical import LexicalClassifier
from propwatch.techniques.readable import sentence_breaks
from propwatch.techniques.spans import decode, line_breaks
from propwatch.techniques.windows import PARAGRAPH_RULES, anchored_windows, paragraph_ends

#: (input_ids (b, L), attention_mask (b, L)) -> (logits (b, L, N_OUT), hidden (b, L, H))
ForwardFn = Callable[
    [NDArray[np.int64], NDArray[np.int64]], tuple[NDArray[np.float32], NDArray[np.float32]]
]


@dataclass
class TokenOutput:
    """Per-token outputs of one article, averaged over the windows covering each token."""

    enc: Encoding
    probs: NDArray[np.float32]  # (n, N_OUT) sigmoid probabilities
    hidden: NDArray[np.float32]  # (n, H)
    breaks: NDArray[np.bool_] | None = None  # newline before each token (filled on use)
    sentence_breaks: NDArray[np.bool_] | None = None  # newline or sentence end before it

    def breaks_in(self, text: str, sentences: bool = False) -> NDArray[np.bool_]:
        """Where spans must not continue: line breaks, and sentence ends if ``sentences``."""
        if self.breaks is None:
            self.breaks = line_breaks(text, self.enc.offsets)
        if not sentences:
            return self.breaks
        if self.sentence_breaks is None:
            self.sentence_breaks = self.breaks | sentence_breaks(text, self.enc.offsets)
        return self.sentence_breaks


def sigmoid(x: NDArray[np.floating]) -> NDArray[np.float32]:
    return (1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))).astype(np.float32)


def softmax(x: NDArray[np.floating]) -> NDArray[np.float32]:
    z = x - x.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


def run_windows(
    encs: Sequence[Encoding],
    forward: ForwardFn,
    *,
    cls_id: int,
    sep_id: int,
    pad_id: int,
    window: int = 254,
    stride: int = 222,
    batch_size: int = 8,
    texts: Sequence[str] | None = None,
    paragraphs: str = "none",
) -> list[TokenOutput]:
    """Run ``forward`` over windows of at most ``window`` word pieces (plus [CLS]/[SEP]) of
    every article and average each token's outputs over the windows that contain it.

    With ``texts`` (the articles' texts), windows are anchored to the text
    (:mod:`propwatch.techniques.windows`: the same sentence gets the same window whatever
    surrounds it, each token in one window); without, they are fixed: every ``stride``
    tokens from the start, overlapping.  ``paragraphs`` (anchored windows only): which
    blank lines end a window (:data:`propwatch.techniques.windows.PARAGRAPH_RULES`)."""
    if paragraphs not in PARAGRAPH_RULES:
        raise ValueError(f"unknown paragraph rule '{paragraphs}'")
    jobs: list[tuple[int, int, int]] = []  # (article, start, length)
    breaks: list[tuple[NDArray[np.bool_], NDArray[np.bool_]] | None] = [None] * len(encs)
    for a, enc in enumerate(encs):
        n = len(enc.ids)
        if n == 0:
            continue
        if texts is not None:
            lines = line_breaks(texts[a], enc.offsets)
            sentences = lines | sentence_breaks(texts[a], enc.offsets)
            breaks[a] = (lines, sentences)
            closes = None if paragraphs == "none" else paragraph_ends(
                texts[a], enc.offsets, titles_join=paragraphs == "closed")
            for s, ln in anchored_windows(enc.ids, lines, sentences, window, closes=closes):
                jobs.append((a, s, ln))
        else:
            for s in window_starts(n, window, stride):
                jobs.append((a, s, min(window, n - s)))
    # Similar lengths together keep padding small.
    jobs.sort(key=lambda j: -j[2])
    sums_p: list[NDArray[np.float32] | None] = [None] * len(encs)
    sums_h: list[NDArray[np.float32] | None] = [None] * len(encs)
    counts: list[NDArray[np.float32]] = [np.zeros(len(e.ids), np.float32) for e in encs]
    for b in range(0, len(jobs), batch_size):
        chunk = jobs[b : b + batch_size]
        width = max(j[2] for j in chunk) + 2
        ids = np.full((len(chunk), width), pad_id, dtype=np.int64)
        mask = np.zeros((len(chunk), width), dtype=np.int64)
        for r, (a, s, ln) in enumerate(chunk):
            ids[r, 0] = cls_id
            ids[r, 1 : ln + 1] = encs[a].ids[s : s + ln]
            ids[r, ln + 1] = sep_id
            mask[r, : ln + 2] = 1
        logits, hidden = forward(ids, mask)
        probs = sigmoid(logits)
        for r, (a, s, ln) in enumerate(chunk):
            sp, sh = sums_p[a], sums_h[a]
            if sp is None or sh is None:
                n = len(encs[a].ids)
                sp = sums_p[a] = np.zeros((n, probs.shape[-1]), np.float32)
                sh = sums_h[a] = np.zeros((n, hidden.shape[-1]), np.float32)
            sp[s : s + ln] += probs[r, 1 : ln + 1]
            sh[s : s + ln] += hidden[r, 1 : ln + 1]
            counts[a][s : s + ln] += 1
    out = []
    for a, enc in enumerate(encs):
        sp, sh = sums_p[a], sums_h[a]
        if sp is None or sh is None:
            out.append(
                TokenOutput(enc, np.zeros((0, N_OUT), np.float32), np.zeros((0, 1), np.float32))
            )
            continue
        c = counts[a][:, None]
        known = breaks[a]
        if known is None:
            out.append(TokenOutput(enc, sp / c, sh / c))
        else:
            out.append(TokenOutput(enc, sp / c, sh / c, known[0], known[1]))
    return out


@dataclass
class DecodeConfig:
    """Everything after the encoder: thresholds, decoding mode and the span classifier."""

    thresholds: list[float] = field(default_factory=lambda: [0.5] * N_TECH)
    lows: list[float] | None = None  # hysteresis: spans extend over tokens >= low
    si_threshold: float = 0.5
    si_low: float | None = None
    flc_threshold: float = 0.5  # SI threshold used for technique spans in "si+tc" mode
    flc_low: float | None = None
    mode: str = "token"  # "token": per-technique token runs; "si+tc": SI runs, then classify
    sources: list[str] | None = None  # "hybrid" mode: "token" or "si+tc" per technique
    max_gap: int = 1
    tc_multi: float = 1.01  # in "si+tc" mode, extra labels with probability >= this
    span_w: NDArray[np.float32] | None = None  # (N_TECH, D)
    span_b: NDArray[np.float32] | None = None  # (N_TECH,)
    lexical: LexicalClassifier | None = None  # loaded from lexical.npz, not from JSON
    lex_weight: float = 0.0  # share of the lexical classifier in span labels
    muted: list[str] = field(default_factory=list)  # techniques never emitted as spans
    #: Techniques whose spans may run over a sentence end (they do in the training data).
    cross_sentence: list[str] = field(default_factory=list)
    #: Per technique, the lowest span score emitted (the precise profile raises these).
    min_scores: list[float] | None = None
    #: SI spans are the shown technique spans, merged (precise profile), not a column.
    si_from_techniques: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "thresholds": dict(zip(TECHNIQUES, self.thresholds, strict=True)),
            "lows": None if self.lows is None else dict(zip(TECHNIQUES, self.lows, strict=True)),
            "si_threshold": self.si_threshold,
            "si_low": self.si_low,
            "flc_low": self.flc_low,
            "flc_threshold": self.flc_threshold,
            "mode": self.mode,
            "sources": self.sources,
            "max_gap": self.max_gap,
            "tc_multi": self.tc_multi,
            "span_w": None if self.span_w is None else self.span_w.round(6).tolist(),
            "span_b": None if self.span_b is None else self.span_b.round(6).tolist(),
            "lex_weight": self.lex_weight,
            "muted": self.muted,
            "si_from_techniques": self.si_from_techniques,
            "cross_sentence": self.cross_sentence,
            "min_scores": None
            if self.min_scores is None
            else dict(zip(TECHNIQUES, self.min_scores, strict=True)),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DecodeConfig:
        th = d["thresholds"]
        lows = d.get("lows")
        return cls(
            thresholds=[float(th[t]) for t in TECHNIQUES],
            lows=None if lows is None else [float(lows[t]) for t in TECHNIQUES],
            si_threshold=float(d["si_threshold"]),
            si_low=None if d.get("si_low") is None else float(d["si_low"]),
            flc_low=None if d.get("flc_low") is None else float(d["flc_low"]),
            flc_threshold=float(d.get("flc_threshold", d["si_threshold"])),
            mode=str(d["mode"]),
            sources=None if d.get("sources") is None else [str(x) for x in d["sources"]],
            max_gap=int(d["max_gap"]),
            tc_multi=float(d.get("tc_multi", 1.01)),
            span_w=None if d.get("span_w") is None else np.asarray(d["span_w"], np.float32),
            span_b=None if d.get("span_b") is None else np.asarray(d["span_b"], np.float32),
            lex_weight=float(d.get("lex_weight", 0.0)),
            muted=[str(t) for t in d.get("muted", [])],
            cross_sentence=[str(t) for t in d.get("cross_sentence", [])],
            si_from_techniques=bool(d.get("si_from_techniques", False)),
            min_scores=None
            if d.get("min_scores") is None
            else [float(d["min_scores"][t]) for t in TECHNIQUES],
        )


def span_inputs(
    text: str, out: TokenOutput, ranges: Sequence[tuple[int, int]]
) -> NDArray[np.float32]:
    """Span classifier inputs: mean hidden state, mean token probabilities, features."""
    rows = []
    h_dim = out.hidden.shape[1]
    for start, end in ranges:
        i, j = token_range(out.enc.offsets, start, end)
        if j <= i:
            h = np.zeros(h_dim, np.float32)
            p = np.zeros(N_OUT, np.float32)
        else:
            h = out.hidden[i:j].mean(axis=0)
            p = out.probs[i:j].mean(axis=0)
        f = np.asarray(span_features(text, start, end, max(j - i, 1)), np.float32)
        rows.append(np.concatenate([h, p, f]))
    if not rows:
        return np.zeros((0, h_dim + N_OUT + 2), np.float32)
    return np.stack(rows).astype(np.float32)


def classify(
    text: str, out: TokenOutput, ranges: Sequence[tuple[int, int]], cfg: DecodeConfig
) -> NDArray[np.float32]:
    """(len(ranges), N_TECH) technique probabilities for given character ranges: the
    encoder's span head, averaged with the lexical classifier when the config has one."""
    if len(out.enc.ids) == 0:  # no tokens at all: nothing to go on
        return np.full((len(ranges), N_TECH), 1.0 / N_TECH, np.float32)
    x = span_inputs(text, out, ranges)
    if cfg.span_w is None or cfg.span_b is None:
        # No span classifier: fall back to the mean token probabilities.
        p = x[:, out.hidden.shape[1] : out.hidden.shape[1] + N_TECH] + 1e-6
        p = (p / p.sum(axis=1, keepdims=True)).astype(np.float32)
    else:
        p = softmax(x @ cfg.span_w.T + cfg.span_b)
    if cfg.lexical is not None and cfg.lex_weight > 0 and len(ranges):
        lex = cfg.lexical.predict_proba(text, ranges)
        p = ((1.0 - cfg.lex_weight) * p + cfg.lex_weight * lex).astype(np.float32)
    return p


def si_spans(text: str, out: TokenOutput, cfg: DecodeConfig) -> list[Span]:
    """Technique-agnostic propaganda spans (label ``propaganda``): the "any technique"
    column decoded, or (``cfg.si_from_techniques``) the technique spans merged."""
    if len(out.enc.ids) == 0:
        return []
    if cfg.si_from_techniques:
        return merged(technique_spans(text, out, cfg))
    return decode_column(text, out, ANY, PROPAGANDA, cfg.si_threshold, cfg.max_gap, cfg.si_low)


def merged(spans: Sequence[Span]) -> list[Span]:
    """Technique spans merged where they overlap, label ``propaganda`` (SI)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if out and s.start < out[-1].end:
            last = out[-1]
            score = max(last.score or 0.0, s.score or 0.0)
            out[-1] = Span(last.start, max(last.end, s.end), PROPAGANDA, score)
        else:
            out.append(Span(s.start, s.end, PROPAGANDA, s.score))
    return out


def decode_column(
    text: str,
    out: TokenOutput,
    col: int,
    label: str,
    threshold: float,
    max_gap: int,
    low: float | None = None,
    cross_sentence: bool = False,
) -> list[Span]:
    """Spans labelled ``label`` from one output column (a technique or "any technique");
    they stop at sentence ends unless ``cross_sentence``."""
    return decode(
        text,
        out.enc.offsets,
        out.probs[:, col],
        threshold,
        label,
        max_gap,
        breaks=out.breaks_in(text, sentences=not cross_sentence),
        low=low,
    )


def _token_mode_spans(text: str, out: TokenOutput, cfg: DecodeConfig, k: int) -> list[Span]:
    low = None if cfg.lows is None else cfg.lows[k]
    tech = TECHNIQUES[k]
    cross = tech in cfg.cross_sentence
    return decode_column(text, out, k, tech, cfg.thresholds[k], cfg.max_gap, low, cross)


def _si_tc_spans(text: str, out: TokenOutput, cfg: DecodeConfig) -> list[Span]:
    si = decode_column(text, out, ANY, PROPAGANDA, cfg.flc_threshold, cfg.max_gap, cfg.flc_low)
    spans: list[Span] = []
    if si:
        probs = classify(text, out, [(s.start, s.end) for s in si], cfg)
        for span, p in zip(si, probs, strict=True):
            best = int(np.argmax(p))
            for k in range(N_TECH):
                if k == best or p[k] >= cfg.tc_multi:
                    score = float((span.score or 0.0) * p[k])
                    spans.append(Span(span.start, span.end, TECHNIQUES[k], score))
    return spans


def technique_spans(text: str, out: TokenOutput, cfg: DecodeConfig) -> list[Span]:
    """Technique spans (overlaps allowed), sorted by position.

    Modes: ``token`` decodes each technique's own token column; ``si+tc`` finds
    technique-agnostic spans and labels each with the span classifier; ``hybrid`` takes each
    technique from the source that scored better for it on validation (``cfg.sources``).
    Techniques in ``cfg.muted`` (spans that were wrong on validation) are left out, and so
    are spans scoring under their technique's ``cfg.min_scores`` floor.  Scores are raw
    (the tagger maps them to calibrated confidences).
    """
    if len(out.enc.ids) == 0:
        return []
    if cfg.mode == "token":
        sources = ["token"] * N_TECH
    elif cfg.mode == "si+tc":
        sources = ["si+tc"] * N_TECH
    elif cfg.mode == "hybrid" and cfg.sources is not None:
        sources = list(cfg.sources)
    else:
        raise ValueError(f"unknown decoding mode '{cfg.mode}'")
    spans: list[Span] = []
    for k in range(N_TECH):
        if sources[k] == "token":
            spans.extend(_token_mode_spans(text, out, cfg, k))
    if "si+tc" in sources:
        keep = {TECHNIQUES[k] for k in range(N_TECH) if sources[k] == "si+tc"}
        spans.extend(s for s in _si_tc_spans(text, out, cfg) if s.label in keep)
    if cfg.muted:
        spans = [s for s in spans if s.label not in cfg.muted]
    if cfg.min_scores is not None:
        floor = dict(zip(TECHNIQUES, cfg.min_scores, strict=True))
        spans = [s for s in spans if (s.score or 0.0) >= floor[s.label]]
    spans.sort(key=lambda s: (s.start, s.end, s.label))
    return spans
