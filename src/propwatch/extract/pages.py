"""Pages that are not articles: captcha and bot walls, cookie and JavaScript notices, error
pages, stubs.  A page is only judged by these wordings when it holds little article text, so
an article that mentions a captcha is still an article."""

from __future__ import annotations

import re

from propwatch.extract.units import count_words
from propwatch.model import Extracted, Rejected

STUB_WORDS = 40  # fewer words of body than this: not an article
NOTICE_WORDS = 150  # a page with fewer body words than this may be a notice page
# Up to how many body words a page with such a notice is that notice: captcha pages explain
# themselves at length; cookie and JavaScript notices also sit above real (short) articles.
_MAX_WORDS = {"captcha": NOTICE_WORDS, "error-page": 80, "cookie-wall": STUB_WORDS}
_MAX_WORDS["javascript"] = STUB_WORDS

_I = re.IGNORECASE
_NOTICES: list[tuple[str, str, re.Pattern[str]]] = [
    (
        "captcha",
        "a captcha or bot check",
        re.compile(
            r"captcha|verify (?:that )?you(?: are|'re| are not) (?:a )?(?:human|robot|bot)"
            r"|are you a (?:human|robot)|i'?m not a robot|checking (?:your browser|if the site"
            r" connection)|unusual traffic|press (?:and|&) hold|attention required"
            r"|ddos protection|human verification|bot (?:check|detection|protection)"
            r"|security check (?:to|before)",
            _I,
        ),
    ),
    (
        "javascript",
        "a notice that JavaScript is needed",
        re.compile(
            r"enable javascript|javascript (?:is )?(?:disabled|required|must be enabled|is off)"
            r"|requires javascript|turn on javascript|javascript to (?:run|view|use)"
            r"|(?:does not|doesn't) support javascript",
            _I,
        ),
    ),
    (
        "cookie-wall",
        "a cookie or consent wall",
        re.compile(
            r"we use cookies|accept (?:all )?cookies|cookie (?:settings|preferences|consent)"
            r"|manage (?:consent|cookies|your privacy)|consent to (?:the use of )?cookies"
            r"|your privacy choices|reject all",
            _I,
        ),
    ),
    (
        "error-page",
        "an error page",
        re.compile(
            r"\b(?:400|401|403|404|410|429|500|502|503)\b.{0,40}(?:not found|forbidden|error"
            r"|gone|unavailable|bad gateway|too many requests)|page (?:not found|does not exist"
            r"|doesn't exist|(?:can ?not|could not|couldn't) be found|you (?:requested|are "
            r"looking for))|access (?:denied|forbidden)|internal server error|service "
            r"(?:temporarily )?unavailable|bad gateway|(?:is|are) no longer available"
            r"|has been (?:removed|deleted)|something went wrong",
            _I,
        ),
    ),
]


def body_words(article: Extracted) -> int:
    """Words of an article's text without its title paragraph."""
    text = article.text
    if article.title is not None:
        text = text.partition("\n\n")[2] if "\n\n" in text else ""
    return count_words(text)


def judge_page(visible_text: str, articles: list[Extracted]) -> Rejected | None:
    """A rejection when the page is not an article, else None."""
    if not visible_text.strip():
        return Rejected("empty", "the input holds no text")
    words = sum(body_words(a) for a in articles)
    head = visible_text[:5000]
    for kind, label, pattern in _NOTICES:
        m = pattern.search(head) if words < _MAX_WORDS[kind] else None
        if m:
            line = _line_around(head, m.start())
            return Rejected(kind, f"looks like {label}: {line!r}")
    if words < STUB_WORDS:
        return Rejected("stub", f"only {words} words of article text (at least {STUB_WORDS})")
    return None


def _line_around(text: str, pos: int, width: int = 80) -> str:
    """The line of ``text`` at ``pos``, or ``width`` characters of it around ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    end = end if end >= 0 else len(text)
    if end - start > width:
        start = max(start, pos - width // 2)
        end = min(end, start + width)
    return " ".join(text[start:end].split())
