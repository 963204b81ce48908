"""Stance of an article towards a known claim it matched: asserts, refutes or reports.

``asserts``: the article spreads the claim; ``refutes``: it denies or debunks it;
``reports``: it mentions the claim without taking a side.  Learned from FNC-1 (agree /
disagree / discuss, headline = claim, body = article) as a multinomial logistic regression
over the cue features below, read at two scopes (the matched sentence, and the sentence
with its neighbours), plus TF-IDF word unigrams and bigrams of the
sentence with its neighbours (vocabulary and IDF stored with the model).  ``asserts`` is
only said when its probability reaches ``asserts_threshold``, ``refutes`` only when its
probability reaches ``refutes_threshold`` (both chosen on the held-out half of FNC-1 dev
for precision, see ``bench/claims_fit_stance.py``); anything else is ``reports``.  Calling
an article a spreader of a claim it refutes, or a debunker of a claim it spreads, are the
costly mistakes, so doubt falls to ``reports`` (mentions it, no clear side).

Model file: ``model/stance_model.npz``, built by ``bench/claims_fit_stance.py``.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from propwatch.claims.encoder import model_dir
from propwatch.errors import ModelError

STANCES = ("asserts", "refutes", "reports")  # FNC-1: agree, disagree, discuss
FILE = "stance_model.npz"

_REFUTE = (
    "false", "falsely", "fake", "fakes", "hoax", "hoaxes", "debunk", "debunked",
    "debunking", "deny", "denies", "denied", "denying", "denial", "refute", "refutes",
    "refuted", "reject", "rejects", "rejected", "dismiss", "dismissed", "dismisses",
    "untrue", "baseless", "unfounded", "fabricated", "fabrication", "myth", "myths",
    "misleading", "misinformation", "disinformation", "propaganda", "conspiracy",
    "nonsense", "bogus", "doctored", "photoshopped", "satire", "satirical", "prank", "lie",
    "lies", "lying", "incorrect", "wrong", "contrary", "never", "insisted", "insists",
    "bust", "busted", "discredited", "rubbish", "ridiculous", "absurd",
)
_REPORT = (
    "reportedly", "allegedly", "alleged", "alleges", "claim", "claims", "claimed",
    "claiming", "report", "reports", "reported", "rumor", "rumors", "rumour", "rumours",
    "rumored", "unconfirmed", "unverified", "according", "purported", "purportedly",
    "apparently", "appears", "appear", "may", "might", "could", "possibly", "suggest",
    "suggests", "suggested", "said", "says", "told", "sources", "speculation", "speculated",
    "believed", "supposedly", "circulating", "viral",
)
_ASSERT = (
    "confirmed", "confirms", "confirm", "confirming", "proof", "proves", "proven", "proved",
    "revealed", "reveals", "indeed", "actually", "officially", "announced", "showed",
    "shows", "footage", "evidence", "found", "truth", "true", "definitely", "clearly",
)
_NEGATION = (
    "not", "no", "never", "nothing", "none", "neither", "nor", "without", "n't", "cannot",
)
_TOKEN = re.compile(r"[a-z]+(?:'t)?")

CUES = {"refute": frozenset(_REFUTE), "report": frozenset(_REPORT),
        "assert": frozenset(_ASSERT), "negation": frozenset(_NEGATION)}


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold().replace("\u2019", "'"))


def _scope(text: str) -> list[float]:
    words = _words(text)
    n = max(1, len(words))
    counts = {name: sum(1 for w in words if w in cue or (name == "negation" and
                                                         w.endswith("n't")))
              for name, cue in CUES.items()}
    out = []
    for name in CUES:
        out += [math.log1p(counts[name]), 100.0 * counts[name] / n]
    out.append(1.0 if "?" in text else 0.0)
    out.append(min(text.count('"') + text.count("\u201c"), 10) / 10.0)
    return out


def ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams, the TF-IDF vocabulary's terms."""
    words = _words(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def tfidf(text: str, vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
    """Sublinear TF-IDF, L2-normalised (as scikit-learn's TfidfVectorizer computes it)."""
    counts: dict[int, int] = {}
    for term in ngrams(text):
        j = vocabulary.get(term)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    out = np.zeros(len(idf))
    for j, n in counts.items():
        out[j] = (1.0 + math.log(n)) * idf[j]
    norm = float(np.linalg.norm(out))
    return out / norm if norm else out


def features(claim: str, sentence: str, context: str) -> list[float]:
    """Cue counts and densities in the sentence, its context and the claim, how much of the
    claim the sentence covers, and whether one of them is negated and the other not.

    Local on purpose: an FNC-1 body is all about its claim, a news article mostly is not
    (features of the whole article gave the same macro-F1 on FNC-1 dev and a lower
    precision of `asserts`, docs/benchmarks.md)."""
    claim_words = {w for w in _words(claim) if len(w) > 3}
    sentence_words = set(_words(sentence))
    cover = len(claim_words & sentence_words) / max(1, len(claim_words))
    claim_neg = any(w in CUES["negation"] for w in _words(claim))
    sentence_neg = any(w in CUES["negation"] for w in sentence_words)
    return [*_scope(sentence), *_scope(context), *_scope(claim), cover,
            1.0 if claim_neg != sentence_neg else 0.0]


class StanceModel:
    def __init__(self, path: Path | None = None) -> None:
        path = path or model_dir() / FILE
        if not path.exists():
            raise ModelError(f"stance model missing at {path}; reinstall propwatch or rebuild "
                             "it with 'python bench/claims_fit_stance.py'")
        with np.load(path, allow_pickle=False) as data:
            self.mean = data["mean"].astype(np.float64)
            self.scale = data["scale"].astype(np.float64)
            self.coef = data["coef"].astype(np.float64)  # stances x features
            self.intercept = data["intercept"].astype(np.float64)
            self.asserts_threshold = float(data["asserts_threshold"])
            self.refutes_threshold = float(data["refutes_threshold"])
            terms = [str(t) for t in data["vocabulary"]]
            self.idf = data["idf"].astype(np.float64)
        self.vocabulary = {t: j for j, t in enumerate(terms)}
        self.path = path

    def row(self, claim: str, sentence: str, context: str) -> np.ndarray:
        """The model's input: the cue features, then the TF-IDF of the context."""
        return np.concatenate([np.asarray(features(claim, sentence, context)),
                               tfidf(context, self.vocabulary, self.idf)])

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """P(asserts), P(refutes), P(reports) for each feature row."""
        z = ((rows - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def decide(self, probs: np.ndarray) -> str:
        """asserts or refutes only at or above its own threshold (the likelier of the two when
        both reach it); otherwise reports."""
        asserts = probs[0] >= self.asserts_threshold
        refutes = probs[1] >= self.refutes_threshold
        if refutes and (not asserts or probs[1] > probs[0]):
            return "refutes"
        return "asserts" if asserts else "reports"

    def stance(self, claim: str, sentence: str, context: str) -> tuple[str, float]:
        """(stance, its probability) of one matched sentence, in its context (the sentence
        with its neighbours), towards one known claim."""
        probs = self.probabilities(self.row(claim, sentence, context)[None, :])[0]
        label = self.decide(probs)
        return label, round(float(probs[STANCES.index(label)]), 4)


@lru_cache(maxsize=1)
def default_stance_model() -> StanceModel:
    return StanceModel()
