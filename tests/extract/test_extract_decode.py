"""The decoder on hand-written label probabilities: cuts, bodies, titles, bylines, dates."""

from __future__ import annotations

import numpy as np

from propwatch.extract.decode import (
    MIN_BODY_WORDS,
    BodyRule,
    Labels,
    body_mask,
    cut_points,
    read_parts,
)
from propwatch.extract.gaps import find_gaps
from propwatch.extract.labeller import LABELS
from propwatch.extract.units import Unit, make_units, split_lines

SENTENCE = "The council met on Monday and voted on the new budget for the coming year. "


def page(lines: list[str]) -> list[Unit]:
    return make_units(split_lines("\n\n".join(lines)))


def labels(kinds: list[str], joins: set[int] = frozenset()) -> Labels:  # type: ignore[assignment]
    """Labels read as ``kinds``; the gaps whose cut unit is in ``joins`` hold a join."""
    probs = np.full((len(kinds), len(LABELS)), 0.01)
    for i, kind in enumerate(kinds):
        probs[i, LABELS.index(kind)] = 0.9
    body = probs[:, LABELS.index("body")] >= 0.5
    gaps = find_gaps(body, probs)
    p = np.array([0.9 if g.cut in joins else 0.05 for g in gaps])
    return Labels(probs, body, gaps, p, 0.5)


def test_one_article_with_title_byline_and_date() -> None:
    units = page(["Menu", "Budget Passes", "By Jane Roe", "March 2, 2026", SENTENCE * 4, "© Site"])
    parts = read_parts(units, labels(["chrome", "title", "byline", "date", "body", "chrome"]))
    assert len(parts) == 1
    part = parts[0]
    assert part.title == 1 and part.body == [4]
    assert part.author == ("Jane Roe", "byline")
    assert part.published == ("2026-03-02", "date line")


def test_a_join_cuts_at_the_headline_in_its_gap() -> None:
    kinds = ["title", "body", "chrome", "title", "date", "body", "chrome", "body"]
    units = page(["One", SENTENCE * 4, "Share", "Two", "May 1, 2026", SENTENCE * 4, "Ad", SENTENCE])
    found = labels(kinds, {3})
    assert [(g.lo, g.hi, g.cut) for g in found.gaps] == [(2, 5, 3), (6, 7, 6)]
    assert cut_points(units, found) == [0, 3]  # the ad gap holds no join


def test_joins_cut_only_with_enough_body_on_both_sides() -> None:
    kinds = ["title", "body", "title", "body", "chrome", "title", "body"]
    short = "A teaser sentence about something else."
    units = page(["One", SENTENCE * 4, "Two", SENTENCE * 4, "More", "Teaser", short])
    assert cut_points(units, labels(kinds, {2, 5})) == [0, 2]  # the teaser part is too short


def test_the_likeliest_join_wins_when_two_compete() -> None:
    kinds = ["body", "chrome", "body", "chrome", "body"]
    half = " ".join(["word"] * (MIN_BODY_WORDS // 2 + 1)) + "."
    units = page([SENTENCE * 4, "Ad", half, "Two", SENTENCE * 4])
    found = labels(kinds)
    both = Labels(found.probs, found.body, found.gaps, np.array([0.6, 0.9]), 0.5)
    assert cut_points(units, both) == [0, 3]  # the first gap would leave too little body


def test_min_body_words_is_a_real_floor() -> None:
    short = " ".join(["word"] * (MIN_BODY_WORDS - 5)) + "."
    units = page(["One", SENTENCE * 4, "Two", short])
    assert cut_points(units, labels(["title", "body", "title", "body"], {2})) == [0]


def test_short_lines_that_recur_on_the_site_are_not_body() -> None:
    units = page(["Back to Gallery", SENTENCE * 3, "A sentence of the article that recurs."])
    probs = np.full((3, len(LABELS)), 0.01)
    probs[:, LABELS.index("body")] = 0.9
    body = body_mask(units, probs, BodyRule(0.5), [True, False, True])
    assert body.tolist() == [False, True, True]  # a full sentence is reused text, not chrome


def test_comment_probability_counts_as_body_only_on_a_page_without_a_thread() -> None:
    quote = "I seriously feel like building this wall myself!"
    probs = np.full((3, len(LABELS)), 0.01)
    probs[:, LABELS.index("body")] = [0.9, 0.25, 0.9]
    probs[1, LABELS.index("comment")] = 0.6
    rule = BodyRule(0.5, between=0.3, after=0.3, threadless_comments=True)
    plain = page([SENTENCE * 3, quote, SENTENCE * 3])
    assert body_mask(plain, probs, rule, [False] * 3).tolist() == [True, True, True]
    assert not body_mask(plain, probs, BodyRule(0.5, 0.3, 0.3), [False] * 3)[1]
    thread = page([SENTENCE * 3, quote, "Reply"])
    probs[2, LABELS.index("body")] = 0.9
    assert body_mask(thread, probs, rule, [False] * 3).tolist() == [True, False, True]


BIO = "Jane Roe is a writer and researcher who lives in Lisbon."


def test_a_closing_bio_the_labeller_kept_as_body_is_the_author_box() -> None:
    units = page(["Budget Passes", SENTENCE * 4, "Jane Roe", BIO, "Related articles"])
    parts = read_parts(units, labels(["title", "body", "body", "body", "chrome"]))
    assert parts[0].body == [1]
    assert parts[0].author == ("Jane Roe", "author bio")


def test_a_closing_bio_right_after_the_last_body_unit_is_the_author_box() -> None:
    units = page(["Budget Passes", SENTENCE * 4, "Jane Roe", BIO, "Related articles"])
    for kinds in (
        ["title", "body", "byline", "chrome", "chrome"],  # name line and bio left out
        ["title", "body", "body", "chrome", "chrome"],  # name line kept, bio left out
    ):
        parts = read_parts(units, labels(kinds))
        assert parts[0].body == [1], kinds
        assert parts[0].author == ("Jane Roe", "author bio"), kinds


def test_a_bio_further_below_the_body_is_no_author_box() -> None:
    units = page(["Budget Passes", SENTENCE * 4, "Share this", "Jane Roe", BIO])
    parts = read_parts(units, labels(["title", "body", "chrome", "chrome", "chrome"]))
    assert parts[0].body == [1]
    assert parts[0].author is None


def test_the_title_networks_best_candidate_is_the_title() -> None:
    units = page(["Your daily digest of the trade", "Menu", "Budget Passes", "By Jane Roe",
                  SENTENCE * 4])  # fmt: skip
    found = labels(["title", "chrome", "title", "byline", "body"])
    assert read_parts(units, found)[0].title == 0  # the title probabilities tie: the first
    scores = np.array([0.2, 0.0, 0.9, 0.0, 0.1])
    with_net = Labels(found.probs, found.body, found.gaps, found.joins, 0.5, scores)
    assert read_parts(units, with_net)[0].title == 2


def test_a_line_that_repeats_the_headline_is_no_body() -> None:
    units = page(["Budget Passes", "Budget passes", SENTENCE * 4, SENTENCE * 3])
    part = read_parts(units, labels(["title", "body", "body", "body"]))[0]
    assert part.title == 0 and part.body == [2, 3]


def test_a_sentence_the_body_states_again_is_not_taken_for_the_title() -> None:
    sentence = "政府は月曜日、新しい経済対策を発表し、来年度の予算案に盛り込む方針を示した。"
    units = page(["経済対策を発表", sentence, sentence, sentence])
    found = labels(["title", "body", "body", "body"])
    scores = np.array([0.3, 0.9, 0.9, 0.9])  # the title network prefers the sentence
    probs = found.probs.copy()
    probs[1:, LABELS.index("title")] = 0.3
    part = read_parts(units, Labels(probs, found.body, found.gaps, found.joins, 0.5, scores))[0]
    assert part.title == 0 and part.body == [1, 2, 3]


def between_probs(body: list[float]) -> np.ndarray:
    probs = np.full((len(body), len(LABELS)), 0.01)
    probs[:, LABELS.index("body")] = body
    return probs


def test_a_line_between_paragraphs_joins_at_the_lower_threshold_unless_worded_as_chrome() -> None:
    rule = BodyRule(0.5, between=0.02)
    for line, kept in (
        ("Donors donate millions to the campaign.", True),
        ("Mehr zum Thema – Brücke gesperrt: Pendler verlieren täglich eine Stunde", False),
        ("Advertisement", False),
        ("Share this article", False),
        ("Photo: Jane Roe / Reuters", False),
    ):
        units = page([SENTENCE * 3, line, SENTENCE * 3])
        body = body_mask(units, between_probs([0.9, 0.03, 0.9]), rule, [False] * 3)
        assert body.tolist() == [True, kept, True], line
        units_sure = body_mask(units, between_probs([0.9, 0.6, 0.9]), rule, [False] * 3)
        assert units_sure.tolist() == [True, True, True], line  # the body threshold decides


def test_a_subheading_after_an_inline_ad_is_body() -> None:
    units = page([SENTENCE * 3, "Advertisement", "The reaction", SENTENCE * 3])
    body = body_mask(units, between_probs([0.9, 0.01, 0.01, 0.9]), BodyRule(0.5), [False] * 4)
    assert body.tolist() == [True, False, True, True]
