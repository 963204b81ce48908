"""What the join network reads in a gap: the site chrome a capture repeats at each join."""

from __future__ import annotations

import numpy as np

from propwatch.extract.gaps import GAP_FEATURES, find_gaps, gap_features
from propwatch.extract.labeller import LABELS
from propwatch.extract.lines import unit_features
from propwatch.extract.units import make_units, split_lines

SENTENCE = "The council met on Monday and voted on the new budget for the coming year. "
HEADER = ["Skip to content", "The Daily Site", "World", "Politics"]
FOOTER = ["© 2026 The Daily Site. All rights reserved.", "Share on Facebook"]


def read(lines: list[str], kinds: list[str]) -> dict[str, np.ndarray]:
    """The gap features of a page read as ``kinds`` (one a line), by name."""
    units = make_units(split_lines("\n\n".join(lines)))
    assert len(units) == len(kinds)
    probs = np.full((len(kinds), len(LABELS)), 0.01)
    for i, kind in enumerate(kinds):
        probs[i, LABELS.index(kind)] = 0.9
    body = probs[:, LABELS.index("body")] >= 0.5
    gaps = find_gaps(body, probs)
    rows = gap_features(units, unit_features(units), probs, body, gaps)
    return {name: rows[:, k] for k, name in enumerate(GAP_FEATURES)}


def test_a_site_header_and_footer_repeated_at_a_join_recur_outside_the_body() -> None:
    article = ["Budget Passes", SENTENCE * 3, "Advertisement", SENTENCE * 3]
    lines = [*HEADER, *article, *FOOTER, *HEADER, "Second Story", SENTENCE * 4, *FOOTER]
    chrome = ["chrome"] * 4
    kinds = [*chrome, "title", "body", "chrome", "body", "chrome", "chrome", *chrome, "title",
             "body", "chrome", "chrome"]  # fmt: skip
    f = read(lines, kinds)
    ad, join = 0, 1  # the ad inside the first article, then the join
    assert f["recurs_in_gaps"][ad] == 0 and f["recurs_in_header"][ad] == 0
    assert f["log_recurring_block"][ad] == 0 and f["copyright_before_cut"][ad] == 0
    assert f["recurs_in_header"][join] == 4 / 7  # the header lines of its 7 units
    assert f["recurs_in_footer"][join] == 2 / 7  # ... and the footer lines
    assert f["log_recurring_block"][join] == np.log1p(6)  # footer + header, not the headline
    assert f["skip_link"][join] == 1 and f["copyright_before_cut"][join] == 1
    assert f["log_units_end_to_cut"][join] == np.log1p(6)  # the copyright line, 6 units up


def test_a_line_repeated_inside_one_gap_alone_does_not_recur() -> None:
    lines = ["Title Here", SENTENCE * 3, "Menu", "Menu", SENTENCE * 3]
    f = read(lines, ["title", "body", "chrome", "chrome", "body"])
    assert f["recurs_in_gaps"][0] == 0 and f["log_recurring_units"][0] == 0
