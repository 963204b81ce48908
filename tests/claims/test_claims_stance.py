"""Stance of an article towards a matched known claim: features, decision rule, shipped model."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propwatch.claims.stance import STANCES, StanceModel, default_stance_model, features, tfidf

CLAIM = "Russia did not shoot down MH17"


def test_features_count_refuting_and_reporting_cues() -> None:
    refuting = features(CLAIM, "The claim is a hoax, investigators said, and denied it.", "")
    neutral = features(CLAIM, "The plane flew over eastern Ukraine in July.", "")
    assert refuting[0] > neutral[0]  # log count of refuting cues in the sentence
    assert len(refuting) == len(neutral)


def test_tfidf_is_unit_length_and_ignores_unknown_terms() -> None:
    vocabulary = {"hoax": 0, "the claim": 1}
    vec = tfidf("The claim is a hoax, a hoax!", vocabulary, np.array([2.0, 1.0]))
    assert np.isclose(np.linalg.norm(vec), 1.0) and vec[0] > vec[1] > 0
    assert not tfidf("nothing known here", vocabulary, np.ones(2)).any()


def test_asserts_and_refutes_only_at_their_thresholds(tmp_path: Path) -> None:
    model = default_stance_model()
    a, r = model.asserts_threshold, model.refutes_threshold
    assert model.decide(np.array([a, 0.0, 1.0 - a])) == "asserts"
    assert model.decide(np.array([0.0, r, 1.0 - r])) == "refutes"
    below_a, below_r = a - 1e-6, r - 1e-6
    assert model.decide(np.array([below_a, below_r, 0.0])) == "reports"  # doubt: no side


def test_refutes_wins_only_when_likelier_than_asserts() -> None:
    model = default_stance_model()
    a, r = model.asserts_threshold, model.refutes_threshold
    high = max(a, r) + 0.01
    assert model.decide(np.array([high, high + 0.001, 0.0])) == "refutes"
    assert model.decide(np.array([high + 0.001, high, 0.0])) == "asserts"


def test_shipped_model_gives_a_stance_with_its_probability() -> None:
    model = StanceModel()
    label, p = model.stance(CLAIM, "Russia has denied shooting down MH17, but investigators "
                            "say the evidence is clear.", "")
    assert label in STANCES and 0.0 <= p <= 1.0
    rows = np.stack([model.row(CLAIM, s, s) for s in ("A.", "B is a lie.")])
    assert np.allclose(model.probabilities(rows).sum(axis=1), 1.0)
