"""Extract: one raw page -> one or more clean articles, or a reason it is not an article.

    recurring = RecurringLines.from_documents(docs)   # once per batch
    for doc in docs:
        result = extract(doc, recurring)              # list[Extracted] | Rejected

HTML goes through trafilatura as it is (``html``, parsed by ``tree`` so that no page makes
lxml raise); a page is split only into its ``<article>`` elements that each hold a headline
and a body.  Plain-text scrapes go through a learned line labeller (``plaintext``: units,
their features in ``lines``, the shipped model in ``labeller``, then ``decode``): each unit
is labelled title, byline, date, body, caption, chrome or comment, and each gap between
body runs may hold the end of one article and the start of the next (``gaps``: pages holding
several articles); the outlet comes from ``outlet``; short lines that
recur on several pages of one site are not body (``recurring``).  Pages that are captchas, cookie
or JavaScript walls, error pages or stubs are ``Rejected`` (``pages``).  Every article's
``offsets`` map its copied characters back to ``doc.text``; the list order is the part number
on a split page.
"""

from __future__ import annotations

from propwatch.extract.html import extract_html, visible_text
from propwatch.extract.pages import NOTICE_WORDS, body_words, judge_page
from propwatch.extract.plaintext import extract_text
from propwatch.extract.recurring import RecurringLines
from propwatch.model import Extracted, RawDocument, Rejected

__all__ = ["RecurringLines", "extract"]


def extract(
    doc: RawDocument, recurring: RecurringLines | None = None
) -> list[Extracted] | Rejected:
    """The clean articles of one raw document, or why it is not an article.

    ``doc.meta`` (title, url, outlet, published, author from JSONL) wins over what the page
    says; ``recurring`` lets lines repeated on other pages of the same site count as chrome
    in plain text.
    """
    if not doc.text.strip():
        return Rejected("empty", "the input holds no text")
    if doc.content_type == "html":
        articles = extract_html(doc)
        long_enough = sum(body_words(a) for a in articles) >= NOTICE_WORDS
        shown = doc.text if long_enough else visible_text(doc.text)
    elif doc.content_type == "text":
        articles = extract_text(doc, recurring)
        shown = doc.text
    else:
        raise ValueError(f"content_type must be 'html' or 'text', got {doc.content_type!r}")
    return judge_page(shown, articles) or articles
