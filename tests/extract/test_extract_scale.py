"""Pathological inputs (these took minutes before the guards) come out as the right result.

How long they take is measured by bench/extract_worst.py (docs/benchmarks.md), not here: a
timed assertion fails on a busy machine and passes a slow regression on a fast one."""

import random

from propwatch.extract import extract
from propwatch.model import Extracted, RawDocument, Rejected


def test_one_huge_line_without_words_is_a_stub() -> None:
    result = extract(RawDocument("a.txt", "x" * 1_000_000, "text"))
    assert isinstance(result, Rejected) and result.kind == "stub"


def test_one_huge_line_of_words_is_kept_whole() -> None:
    raw = "word " * 100_000
    result = extract(RawDocument("b.txt", raw, "text"))
    assert isinstance(result, list) and len(result) == 1
    assert result[0].text == raw.strip()


def test_one_huge_line_of_separators_is_no_article() -> None:
    result = extract(RawDocument("b.txt", "a | " * 100_000, "text"))
    assert isinstance(result, Rejected) and result.kind == "stub"


def test_many_repeated_short_lines_are_not_split_into_thousands_of_articles() -> None:
    rng = random.Random(0)
    choices = ["}", "{", "Reply", "mark77 says:", "March 3, 2026", "A Title Here"]
    raw = "\n".join(rng.choice(choices) for _ in range(30_000))
    result = extract(RawDocument("c.txt", raw, "text"))
    assert isinstance(result, Rejected) or len(result) <= 2


def test_big_html_page_keeps_every_paragraph() -> None:
    para = "<p>The council met on Tuesday to discuss the budget &amp; the bridge. {}</p>"
    raw = "<html><body>" + "".join(para.format(i) for i in range(5_000)) + "</body></html>"
    result = extract(RawDocument("d.html", raw, "html"))
    assert isinstance(result, list) and len(result) == 1
    article = result[0]
    assert isinstance(article, Extracted)
    assert "bridge. 0\n" in article.text and article.text.endswith("bridge. 4999")
