"""Raw HTML -> an lxml tree, for any input: this never raises and stays linear in the input.

lxml refuses a ``str`` that starts with an XML encoding declaration and text holding some
control characters; both are blanked first (same length, so positions do not move).  libxml2
stops at 256 levels of nesting (2,048 with ``huge_tree``) and silently drops everything
deeper, so a page nested deeper than ``MAX_DEPTH`` is parsed again with its container tags
(``div``, ``span``, table cells, ...) taken out: the text stays, the nesting goes.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

MAX_DEPTH = 200  # deeper trees are flattened (libxml2 drops what is below 256 levels)

_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True,
    huge_tree=True,
)  # fmt: skip
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^<>]*\?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# Tags that only nest: dropping them keeps all text and the paragraph and heading structure.
_CONTAINER = re.compile(
    r"</?(?:div|span|section|article|main|aside|header|footer|nav|font|center|table|tbody|thead"
    r"|tfoot|tr|td|th|ul|ol|li|dl|dd|dt|blockquote|form|fieldset|figure|b|i|u|em|strong|small"
    r"|big|a|abbr|cite|q|sub|sup|label|s|strike|tt|code|pre)\b[^<>]*>",
    re.I,
)
# Whether an element sits more than MAX_DEPTH levels down (one pass in C, no Python objects).
_TOO_DEEP = lxml.etree.XPath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")")
_BLOCK_CONTAINERS = {"div", "section", "article", "tr", "li", "blockquote", "table", "dd", "dt"}


def parseable(html: str) -> str:
    """``html`` with an XML declaration and control characters blanked (same length)."""
    html = _XML_DECLARATION.sub(lambda m: " " * len(m.group()), html, count=1)
    return _CONTROL.sub(" ", html)


def parse_html(html: str) -> HtmlElement | None:
    """The page as an lxml tree (None when it holds no element at all)."""
    text = parseable(html)
    root = _parse(text)
    if root is not None and _TOO_DEEP(root):
        root = _parse(_CONTAINER.sub(_flat_tag, text))
    return root


def _flat_tag(m: re.Match[str]) -> str:
    """A container tag replaced: a line break for a block container, a space otherwise."""
    name = m.group()[1:].lstrip("/").split(">")[0].split()[0].lower()
    return "<br>" if name in _BLOCK_CONTAINERS else " "


def _parse(text: str) -> HtmlElement | None:
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):  # no element at all (only comments, a doctype)
        return None
    return root
