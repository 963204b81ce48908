from __future__ import annotations

import numpy as np

from propwatch.techniques.spans import decode, line_breaks, runs, snap_to_words


def test_snap_widens_half_words_and_trims_space() -> None:
    text = "a disgraceful betrayal, indeed"
    assert snap_to_words(text, 5, 15) == (2, 22)  # "sgraceful be" -> whole words
    assert snap_to_words(text, 1, 13) == (2, 13)
    assert snap_to_words(text, 22, 24) == (22, 23)


def test_runs_bridge_small_dips_but_not_lines() -> None:
    text = "aa bb cc dd\nee ff"
    offsets = np.array([[0, 2], [3, 5], [6, 8], [9, 11], [12, 14], [15, 17]])
    probs = np.array([0.9, 0.3, 0.9, 0.9, 0.9, 0.1])
    assert runs(text, offsets, probs, 0.5, max_gap=1) == [(0, 4), (4, 5)]
    assert runs(text, offsets, probs, 0.5, max_gap=0) == [(0, 1), (2, 4), (4, 5)]
    probs2 = np.array([0.9, 0.1, 0.9, 0.1, 0.1, 0.1])  # dip below half the threshold
    assert runs(text, offsets, probs2, 0.5, max_gap=1) == [(0, 1), (2, 3)]
    assert line_breaks(text, offsets).tolist() == [False, False, False, False, True, False]


def test_decode_scores_and_drops_punctuation_only() -> None:
    text = "Stop. !! ok"
    offsets = np.array([[0, 4], [4, 5], [6, 7], [7, 8], [9, 11]])
    probs = np.array([0.8, 0.6, 0.1, 0.1, 0.1])
    spans = decode(text, offsets, probs, 0.5, "Slogans")
    assert [(s.start, s.end, s.label) for s in spans] == [(0, 5, "Slogans")]
    assert abs((spans[0].score or 0) - 0.7) < 1e-6
    probs = np.array([0.1, 0.1, 0.9, 0.9, 0.1])
    assert decode(text, offsets, probs, 0.5, "Slogans") == []


def test_decode_of_subword_tokens_gives_whole_words() -> None:
    text = "unbelievably bad"
    offsets = np.array([[0, 2], [2, 8], [8, 12], [13, 16]])
    probs = np.array([0.1, 0.9, 0.1, 0.1])
    spans = decode(text, offsets, probs, 0.5, "Loaded_Language")
    assert [(s.start, s.end) for s in spans] == [(0, 12)]


def test_a_confident_token_extends_over_less_certain_neighbours() -> None:
    text = "aa bb cc dd ee ff"
    offsets = np.array([[0, 2], [3, 5], [6, 8], [9, 11], [12, 14], [15, 17]])
    probs = np.array([0.3, 0.4, 0.8, 0.35, 0.1, 0.4])
    assert runs(text, offsets, probs, 0.7, max_gap=0) == [(2, 3)]
    # With a low threshold of 0.3, "cc" seeds a span over "aa bb cc dd"; "ff" has no seed.
    assert runs(text, offsets, probs, 0.7, max_gap=0, low=0.3) == [(0, 4)]
    spans = decode(text, offsets, probs, 0.7, "Doubt", max_gap=0, low=0.3)
    assert [(s.start, s.end) for s in spans] == [(0, 11)]
    assert runs(text, offsets, probs * 0.5, 0.7, max_gap=0, low=0.1) == []


def test_snap_keeps_hyphenated_words_whole() -> None:
    text = "the so-called press, Red-Handed, a nation's pride - and more"
    called = text.index("called")
    assert snap_to_words(text, called, called + 6) == (4, 13)  # "so-called"
    red = text.index("Red")
    assert snap_to_words(text, red, red + 4) == (red, red + 10)  # "Red-" -> "Red-Handed"
    nation = text.index("nation")
    assert snap_to_words(text, nation, nation + 6) == (nation, nation + 8)  # "nation's"
    dash = text.index(" - ")
    assert snap_to_words(text, dash - 5, dash) == (dash - 5, dash)  # a spaced dash joins nothing
