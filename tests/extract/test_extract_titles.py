"""What the title network reads of a unit: its labels and where it sits before the body."""

from __future__ import annotations

import numpy as np

from propwatch.extract.labeller import LABELS
from propwatch.extract.lines import FEATURES
from propwatch.extract.titles import TITLE_FEATURES, title_features


def col(rows: np.ndarray, name: str) -> np.ndarray:
    return np.asarray(rows[:, TITLE_FEATURES.index(name)])


def probs_of(kinds: list[str]) -> np.ndarray:
    p = np.full((len(kinds), len(LABELS)), 0.02)
    for i, kind in enumerate(kinds):
        p[i, LABELS.index(kind)] = 0.88
    return p


def test_the_headline_above_a_byline_and_the_body_is_seen_as_such() -> None:
    kinds = ["title", "chrome", "chrome", "chrome", "title", "byline", "body", "body", "chrome",
             "title"]  # fmt: skip
    p = probs_of(kinds)
    p[0, LABELS.index("title")] = 0.95  # a slogan, more title-like than the headline
    body = np.array([k == "body" for k in kinds])
    rows = title_features(np.zeros((len(kinds), len(FEATURES))), p, body)
    assert rows.shape == (len(kinds), len(TITLE_FEATURES))
    assert np.allclose(col(rows, "log_units_to_body")[:7], np.log1p([6, 5, 4, 3, 2, 1, 0]))
    assert col(rows, "head_after")[4] > 0.8 > col(rows, "head_after")[0]
    # the header (units 0-6) is one region, its best title unit the slogan
    assert np.allclose(col(rows, "log_units_in_region")[:7], np.log1p(7))
    assert col(rows, "share_of_region_max")[0] == 1.0 > col(rows, "share_of_region_max")[4]
    assert np.allclose(col(rows, "log_higher_in_region")[[0, 4]], np.log1p([0, 1]))
    # after the last body unit: a region of its own, with no body to come
    assert np.allclose(col(rows, "log_units_in_region")[8:], np.log1p(2))
    assert np.allclose(col(rows, "log_units_to_body")[8:], np.log1p([2, 1]))


def test_an_empty_page_has_no_rows() -> None:
    rows = title_features(np.zeros((0, len(FEATURES))), np.zeros((0, len(LABELS))), np.zeros(0))
    assert rows.shape == (0, len(TITLE_FEATURES))
