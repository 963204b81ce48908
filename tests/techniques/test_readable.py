"""Span boundaries a reader accepts: one test per rule."""

from __future__ import annotations

import numpy as np

from propwatch.techniques.readable import (
    balance_quotes,
    cross_sentence_techniques,
    in_byline,
    only_function_words,
    readable,
    sentence_breaks,
    sentence_ends,
)
from propwatch.techniques.spans import decode


def _span(text: str, piece: str) -> tuple[int, int]:
    i = text.index(piece)
    return i, i + len(piece)


def test_open_quote_widens_to_the_whole_quoted_phrase() -> None:
    text = "reporting daily on the “last hospital destroyed” in the city"
    s, e = balance_quotes(text, *_span(text, "“last hospital"))
    assert text[s:e] == "“last hospital destroyed”"


def test_close_quote_widens_back_to_its_opening_quote() -> None:
    text = "it is a “genocide in Aleppo” they said"
    s, e = balance_quotes(text, *_span(text, "Aleppo”"))
    assert text[s:e] == "“genocide in Aleppo”"


def test_quote_without_near_partner_is_cut_off() -> None:
    text = (
        "that it's a “genocide in Aleppo which has been reduced to rubble and ruin by the"
        " air forces of many nations"
    )
    s, e = balance_quotes(text, *_span(text, "a “genocide"))
    assert "“" not in text[s:e] and text[s:e] == "genocide"


def test_list_of_quoted_words_is_kept_whole() -> None:
    text = "he called them “arrogant,” “jealous,” “selfish,” and worse"
    s, e = balance_quotes(text, *_span(text, "arrogant,” “jealous,” “selfish"))
    assert text[s:e] == "“arrogant,” “jealous,” “selfish,”"


def test_apostrophes_are_not_quotes() -> None:
    text = "the nation’s so-called ‘mystery woman’ and the Smiths’ house"
    for piece in ("nation’s so-called", "‘mystery woman’", "the Smiths’ house"):
        assert balance_quotes(text, *_span(text, piece)) == _span(text, piece)


def test_lone_function_words_are_dropped() -> None:
    for piece in ("an", "its", "anti-", "of the", "It’s"):
        assert only_function_words(piece), piece
    for piece in ("evil", "the forces of evil", "so-called"):
        assert not only_function_words(piece), piece
    text = "an end to its rule"
    assert readable(text, 0, 2) is None


def test_byline_names_are_dropped() -> None:
    text = (
        "Headline\n\nBy <u>Mike Whitney</u>\nGlobal Research\n\nBy now the war is lost, said he."
        "\nWritten by Jane van Dyke, Reuters\n"
    )
    assert in_byline(text, *_span(text, "Mike Whitney"))
    assert readable(text, *_span(text, "Mike Whitney")) is None
    assert in_byline(text, *_span(text, "Jane van Dyke"))
    assert not in_byline(text, *_span(text, "the war is lost"))


def test_sentence_ends_skip_abbreviations_and_initials() -> None:
    text = "Mr. Trump met Dr. Fastiggi and George H.W. Bush. The forces of evil lost. Yes."
    ends = sentence_ends(text)
    assert [text[i : i + 3] for i in ends] == ["The", "Yes"]


def test_spans_stop_at_a_sentence_end_unless_the_technique_spans_sentences() -> None:
    text = "an end. The forces of evil"
    words = [(m, m + len(w)) for w, m in _positions(text)]
    offsets = np.asarray(words, dtype=np.int64)
    probs = np.ones(len(offsets), np.float32)
    cut = sentence_breaks(text, offsets)
    apart = decode(text, offsets, probs, 0.5, "Loaded_Language", breaks=cut)
    assert [text[s.start : s.end] for s in apart] == ["an end", "The forces of evil"]
    across = decode(text, offsets, probs, 0.5, "Doubt", breaks=np.zeros(len(offsets), bool))
    assert [text[s.start : s.end] for s in across] == [text]


def _positions(text: str) -> list[tuple[str, int]]:
    out, i = [], 0
    for w in text.split():
        i = text.index(w, i)
        out.append((w.rstrip("."), i))
        i += len(w)
    return out


def test_cross_sentence_techniques_are_measured_on_gold_spans() -> None:
    pieces = [("Doubt", "Is he right? Nobody knows.")] * 2 + [("Doubt", "really?")] * 8
    pieces += [("Loaded_Language", "evil")] * 10 + [("Loaded_Language", "Evil. Pure evil")]
    assert cross_sentence_techniques(pieces) == ["Doubt"]
