"""No page makes extraction raise or lose its text: the hostile pages of issue 9, fuzzed.

The timed worst cases (9 MB pages, 5 MB lines) live in bench/extract_worst.py.
"""

from __future__ import annotations

from extract_helpers import extract_maps_back
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml.html import HtmlElement

from propwatch.extract import extract
from propwatch.extract.tree import MAX_DEPTH, parse_html
from propwatch.model import Extracted, RawDocument, Rejected

PARA = (
    "The ministry said on Monday that the measures would last for six months and would be "
    "reviewed by parliament before the summer, after weeks of pressure from opposition parties."
)
PAGE = f"<html><body><article><h1>Measures extended</h1><p>{PARA}</p><p>{PARA} Again.</p>"


def articles_of(raw: str, kind: str = "html") -> list[Extracted]:
    result = extract_maps_back(raw, kind)
    assert isinstance(result, list), result
    return result


def test_xml_encoding_declaration() -> None:
    raw = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + PAGE + "</article></body></html>"
    assert PARA in articles_of(raw)[0].text


def test_control_characters() -> None:
    raw = PAGE.replace("Monday", "Mon\x00day\x01\x0b") + "\x1f</article></body></html>"
    assert "measures would last" in articles_of(raw)[0].text


def _depth(root: HtmlElement) -> int:
    return 1 + max(sum(1 for _ in element.iterancestors()) for element in root.iter())


def test_nesting_deeper_than_libxml2_keeps_is_extracted() -> None:
    for levels in (300, 3000):
        raw = "<html><body>" + "<div>" * levels + PAGE[12:] + "</div>" * levels
        root = parse_html(raw)
        assert root is not None and _depth(root) <= MAX_DEPTH  # flattened
        assert PARA in articles_of(raw)[0].text


def test_unclosed_script_and_stray_brackets() -> None:
    raw = PAGE + "</article><script>var s = '<p>" + "x < y; " * 2000
    assert PARA in articles_of(raw)[0].text
    assert isinstance(extract(RawDocument("b.html", "<p " * 5000, "html")), Rejected)


def test_japanese_article_counts_its_words() -> None:
    """Japanese has no spaces: 'one word' per sentence made every such page a stub."""
    sentence = "政府は月曜日、新しい経済対策を発表し、来年度の予算案に盛り込む方針を示した。"
    raw = f"<html><body><article><h1>経済対策を発表</h1>{f'<p>{sentence}</p>' * 4}</article>"
    assert sentence in articles_of(raw)[0].text
    text = "経済対策を発表\n\n" + "\n\n".join([sentence] * 4)
    assert sentence in articles_of(text, "text")[0].text


def test_a_huge_text_page_is_kept_whole() -> None:
    lines = [f"Line {n} of a data dump rather than an article." for n in range(10_001)]
    raw = "\n\n".join(lines)
    (article,) = articles_of(raw, "text")
    assert article.text == "\n\n".join(lines)


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    for text in (data.decode("utf-8", "replace"), data.decode("latin-1")):
        for kind in ("html", "text"):
            extract_maps_back(text, kind)


_TAGS = ["div", "p", "span", "article", "h1", "h2", "table", "tr", "td", "ul", "li", "a",
         "script", "style", "b", "br", "nav", "footer", "svg", "template", "noscript"]  # fmt: skip
_JUNK = ["&amp;", "&#0;", "&#xD800;", "&bogus;", "<!--", "-->", "<![CDATA[", "]]>", "<?xml?>",
         '<?xml version="1.0" encoding="utf-8"?>', "\x00", "\x0c", "\ud800", "<", ">", "</",
         "<!DOCTYPE html>", '"', "'", "=", "\u2028", "\r"]  # fmt: skip
_WORDS = st.text(alphabet=st.sampled_from("abc XYZ.,日本語é\n"), max_size=40)


@st.composite
def junk_html(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(0, 60))):
        choice = draw(st.integers(0, 4))
        tag = draw(st.sampled_from(_TAGS))
        if choice == 0:
            attrs = draw(st.sampled_from(["", ' class="x"', " id=a b", ' href="<>"', " x='"]))
            pieces.append(f"<{tag}{attrs}>")
        elif choice == 1:
            pieces.append(f"</{tag}>")
        elif choice == 2:
            pieces.append(draw(st.sampled_from(_JUNK)))
        else:
            pieces.append(draw(_WORDS))
    if draw(st.booleans()):
        pieces.insert(0, "<div>" * draw(st.integers(0, 400)))
    if draw(st.booleans()):
        pieces.append(f"<p>{PARA}</p>")
    return "".join(pieces)


@FUZZ
@given(junk_html())
def test_structured_junk_html(raw: str) -> None:
    extract_maps_back(raw, "html")
