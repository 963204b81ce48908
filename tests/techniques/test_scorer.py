from __future__ import annotations

import pytest

from propwatch.techniques.scorer import span_scores, tc_scores

A, B = "Loaded_Language", "Doubt"


def test_si_partial_credit_by_hand() -> None:
    gold = {"1": [(0, 10, A), (20, 30, B)]}
    pred = {"1": [(5, 15, B)]}
    si, _ = span_scores(pred, gold)
    # predicted span: 5 of 10 chars covered -> P = 0.5; gold: 0.5 and 0 -> R = 0.25
    assert si.precision == pytest.approx(0.5)
    assert si.recall == pytest.approx(0.25)
    assert si.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_flc_needs_the_same_technique() -> None:
    gold = {"1": [(0, 10, A), (20, 30, B)]}
    pred = {"1": [(5, 15, B), (20, 25, B)]}
    flc, per = span_scores(pred, gold, [A, B])
    assert flc.precision == pytest.approx((0 + 1.0) / 2)
    assert flc.recall == pytest.approx((0 + 0.5) / 2)
    assert per[B].precision == pytest.approx(0.5) and per[B].recall == pytest.approx(0.5)
    assert per[A].f1 == 0.0 and per[A].n_gold == 1


def test_overlapping_gold_never_gives_more_than_full_credit() -> None:
    gold = {"1": [(0, 10, A), (0, 10, B), (2, 8, A)]}
    pred = {"1": [(0, 10, A)]}
    flc, _ = span_scores(pred, gold, [A, B])
    assert flc.precision == pytest.approx(1.0)
    si, _ = span_scores(pred, gold)
    assert si.precision == pytest.approx(1.0) and si.n_gold == 2  # duplicate (0,10) once


def test_missing_articles_and_empty_predictions() -> None:
    gold = {"1": [(0, 10, A)], "2": [(0, 4, B)]}
    si, _ = span_scores({}, gold)
    assert (si.precision, si.recall, si.f1, si.n_gold) == (0.0, 0.0, 0.0, 2)
    perfect, _ = span_scores(gold, gold)
    assert perfect.f1 == pytest.approx(1.0)


def test_tc_matches_labels_as_multisets() -> None:
    gold = {"1": [(0, 10, A), (0, 10, B), (20, 30, A)]}
    pred = {"1": [(0, 10, B), (0, 10, B), (20, 30, A)]}
    tc, per = tc_scores(pred, gold, [A, B])
    assert tc.precision == pytest.approx(2 / 3) and tc.recall == pytest.approx(2 / 3)
    assert per[B].precision == pytest.approx(0.5) and per[B].recall == pytest.approx(1.0)
    assert per[A].precision == pytest.approx(1.0) and per[A].recall == pytest.approx(0.5)
