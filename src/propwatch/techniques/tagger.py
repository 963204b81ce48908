"""Run-time technique tagger: ONNX Runtime + ``tokenizers``, no torch.

The model directory holds ``model.onnx`` (encoder + token head; outputs ``logits`` and
``hidden``), ``tokenizer.json``, ``config.json`` (window, profiles, span classifier) and,
optionally, ``lexical.npz`` (a lexical span classifier averaged with the span head) and
``heads.npz`` (sentence-level technique heads, :mod:`propwatch.techniques.heads`),
``prior.npz`` (the article prior, :mod:`propwatch.techniques.prior`) and ``accept.npz``
(the acceptance filter, :mod:`propwatch.techniques.acceptance`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from propwatch import sharedtable
from propwatch.errors import ModelError
from propwatch.model import Span
from propwatch.techniques.acceptance import ACCEPT_FILE, AcceptanceFilter
from propwatch.techniques.align import WordPieces
from propwatch.techniques.evidence import analyse_text
from propwatch.techniques.heads import HEADS_FILE, SentenceHeads
from propwatch.techniques.infer import TokenOutput, classify, run_windows
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.lexical import LexicalClassifier
from propwatch.techniques.prior import PRIOR_FILE, ArticlePrior
from propwatch.techniques.profiles import (
    DEFAULT_PROFILE,
    PROFILES,
    profile_configs,
    sentence_configs,
)

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
#: Optional lexical span classifier beside the ONNX model (see techniques/lexical.py).
LEXICAL_FILE = "lexical.npz"


@dataclass
class Analysis:
    """Tagger output for one text."""

    techniques: list[Span]  # label = technique, score = calibrated confidence
    propaganda: list[Span]  # technique-agnostic spans (SI), label "propaganda"
    tokens: TokenOutput


class Tagger:
    def __init__(
        self,
        model_dir: Path | str | None = None,
        threads: int | None = None,
        batch_size: int = 1,
        profile: str = DEFAULT_PROFILE,
    ) -> None:
        """``profile``: ``precise`` (default: fewer spans, most of them right) or
        ``balanced`` (the best-F1 point), see :mod:`propwatch.techniques.profiles`.
        ``batch_size`` windows per ONNX call.  1 (the default) costs no extra CPU time and
        keeps results independent of other texts: dynamic int8 quantises activations with a
        range taken over the whole batch, so batching windows of several articles together
        changes each article's probabilities slightly."""
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        files = [self.model_dir / n for n in ("model.onnx", "tokenizer.json", "config.json")]
        missing = [str(f) for f in files if not f.exists()]
        if missing:
            raise ModelError(
                f"technique model incomplete, missing {', '.join(missing)}; reinstall propwatch "
                "or train one with 'propwatch train techniques' then "
                "'propwatch train export-techniques'"
            )
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No busy-waiting worker threads: on a shared 2-core machine spinning costs more
        # than it saves (measured: 1131 vs 815 tokens/s with other jobs running).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = sharedtable.session(files[0], opts)
            self.wp = WordPieces(files[1])
            conf: dict[str, Any] = json.loads(files[2].read_text(encoding="utf-8"))
            self.config = conf
            profiles = profile_configs(conf)
            sentence = sentence_configs(conf)
            lexical = self.model_dir / LEXICAL_FILE
            heads_file = self.model_dir / HEADS_FILE
            self.heads = SentenceHeads.load(heads_file) if heads_file.exists() else None
            prior_file = self.model_dir / PRIOR_FILE
            #: The article prior (prior.npz), None for models without one.
            self.prior = ArticlePrior.load(prior_file) if prior_file.exists() else None
            accept_file = self.model_dir / ACCEPT_FILE
            #: The acceptance filter (accept.npz), None for models without one.
            self.accept = (AcceptanceFilter.load(accept_file) if accept_file.exists()
                           else None)
            if self.accept is not None:
                if self.accept.needs_prior and self.prior is None:
                    raise ValueError(f"{ACCEPT_FILE} reads the article prior but {PRIOR_FILE} "
                                     "is missing")
                self.accept.prior = self.prior
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load the technique model in {self.model_dir}: {exc}") from exc
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"cannot load the technique model in {self.model_dir}: {exc}") from exc
        if profile not in profiles:
            raise ModelError(
                f"unknown profile '{profile}' for the technique model in {self.model_dir}; "
                f"choose one of {', '.join(sorted(profiles))}"
            )
        self.profile = profile
        self.decode_cfg, self.calibration = profiles[profile]
        #: The sentence-head part of the profile (None: token spans shown as decoded).
        self.sentence_cfg = sentence.get(profile)
        if self.sentence_cfg is not None and self.sentence_cfg.min_accept > 0 and (
            self.accept is None
        ):
            raise ModelError(
                f"profile '{profile}' of the technique model in {self.model_dir} filters "
                f"spans by acceptance but {ACCEPT_FILE} is missing; reinstall propwatch"
            )
        if lexical.exists():
            self.decode_cfg.lexical = LexicalClassifier.load(lexical)
        if list(conf.get("techniques", TECHNIQUES)) != list(TECHNIQUES):
            raise ModelError(f"{files[2]}: technique list does not match this propwatch version")
        self.window = int(conf.get("window", 254))
        #: Windows anchored to the text (context-stable) unless the config says "fixed".
        self.anchored = conf.get("windows", "anchored") == "anchored"
        self.stride = int(conf.get("stride", 222))
        #: Which blank lines end a window (propwatch.techniques.windows.PARAGRAPH_RULES).
        self.paragraphs = str(conf.get("window_paragraphs", "none"))
        self.batch_size = batch_size

    def _forward(
        self, ids: NDArray[np.int64], mask: NDArray[np.int64]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        logits, hidden = self.session.run(
            ["logits", "hidden"], {"input_ids": ids, "attention_mask": mask}
        )
        return np.asarray(logits, np.float32), np.asarray(hidden, np.float32)

    def token_outputs(self, texts: Sequence[str]) -> list[TokenOutput]:
        encs = self.wp.encode_batch(texts)
        return run_windows(
            encs,
            self._forward,
            cls_id=self.wp.cls_id,
            sep_id=self.wp.sep_id,
            pad_id=self.wp.pad_id,
            window=self.window,
            stride=self.stride,
            batch_size=self.batch_size,
            texts=texts if self.anchored else None,
            paragraphs=self.paragraphs,
        )

    def analyse(self, texts: Sequence[str]) -> list[Analysis]:
        """Technique and SI spans of each text under the tagger's profile (see
        :meth:`decode`)."""
        return [self.decode(text, out)
                for text, out in zip(texts, self.token_outputs(texts), strict=True)]

    def decode(self, text: str, out: TokenOutput) -> Analysis:
        """The spans of ``text`` from its token outputs (this tagger's profile).  Each
        technique span's ``data``: ``explanation_key``, ``profile`` (the profile that
        produced it), ``source`` (``token`` or ``sentence``: a whole sentence from a
        sentence head), ``raw_score`` and, with sentence heads, ``head`` (the head
        probability of its technique on its sentence)."""
        shown, si = analyse_text(text, out, self.decode_cfg, self.heads, self.sentence_cfg,
                                 self.prior, self.accept)
        techs = [
            Span(s.start, s.end, s.label, self.confidence(s.score or 0.0),
                 {"explanation_key": s.label, "profile": self.profile, **s.data})
            for s in shown
        ]
        return Analysis(techs, si, out)

    def confidence(self, raw: float) -> float:
        """The probability that a span with raw score ``raw`` is right (the raw score when
        the model has no calibration)."""
        return raw if self.calibration is None else self.calibration(raw)

    def tag(self, text: str) -> list[Span]:
        return self.analyse([text])[0].techniques

    def label_spans(
        self, text: str, ranges: Sequence[tuple[int, int]], out: TokenOutput | None = None
    ) -> NDArray[np.float32]:
        """(len(ranges), 14) technique probabilities for given spans (TC)."""
        if out is None:
            out = self.token_outputs([text])[0]
        return classify(text, out, ranges, self.decode_cfg)


_default_profile = DEFAULT_PROFILE
_default_threads: int | None = None


def use_profile(profile: str) -> None:
    """Make ``profile`` the one :func:`default_tagger` (and so the pipeline) uses."""
    global _default_profile
    if profile not in PROFILES:
        raise ModelError(f"unknown profile '{profile}'; choose one of {', '.join(PROFILES)}")
    _default_profile = profile


def current_profile() -> str:
    """The profile :func:`use_profile` chose (sent along to other processes' pipelines)."""
    return _default_profile


def use_threads(threads: int | None) -> None:
    """ONNX threads per run of :func:`default_tagger` (None: up to 2).  1 when articles
    are analysed side by side on several threads (``propwatch.batch``); the outputs are
    the same either way."""
    global _default_threads
    _default_threads = threads


def default_tagger() -> Tagger:
    """The shipped tagger with the chosen profile (:func:`use_profile`), loaded once."""
    return _shipped(_default_profile, _default_threads)


@lru_cache(maxsize=4)
def _shipped(profile: str, threads: int | None = None) -> Tagger:
    return Tagger(profile=profile, threads=threads)
