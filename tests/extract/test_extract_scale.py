"""Pathological inputs finish quickly (these took minutes before the guards)."""

import random
import time

from propwatch.extract import extract
from propwatch.model import RawDocument


def timed(doc: RawDocument) -> float:
    start = time.perf_counter()
    extract(doc)
    return time.perf_counter() - start


def test_one_huge_line() -> None:
    assert timed(RawDocument("a.txt", "x" * 1_000_000, "text")) < 10
    assert timed(RawDocument("b.txt", "a | " * 100_000, "text")) < 10


def test_many_repeated_short_lines() -> None:
    rng = random.Random(0)
    choices = ["}", "{", "Reply", "mark77 says:", "March 3, 2026", "A Title Here"]
    raw = "\n".join(rng.choice(choices) for _ in range(30_000))
    assert timed(RawDocument("c.txt", raw, "text")) < 10


def test_big_html_page() -> None:
    para = "<p>The council met on Tuesday to discuss the budget &amp; the bridge. {}</p>"
    raw = "<html><body>" + "".join(para.format(i) for i in range(5_000)) + "</body></html>"
    assert timed(RawDocument("d.html", raw, "html")) < 20
