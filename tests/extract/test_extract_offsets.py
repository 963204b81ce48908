"""Property: every clean character that maps back maps to the same raw character."""

from extract_helpers import assert_maps_back, extract_maps_back
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from propwatch.extract import RecurringLines, extract
from propwatch.model import RawDocument

VOCABULARY = (
    "the a minister said that Valdoria's army “moderates” 2,000 troops—and é Übung 中文 "
    "on Monday. however, it was not! why? (C) By Jane Roe Published March 3, 2026 "
    "Share Related articles Via Example"
)
WORDS = st.sampled_from(VOCABULARY.split())
SPACE = st.sampled_from([" ", "  ", "\t", "\xa0"])
BREAK = st.sampled_from(["\n", "\n\n", "\r\n", "\r\n\r\n", "\n \n", "\u2028", "\x0c", "\n\n\n"])


@st.composite
def line(draw: st.DrawFn) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=40))
    text = "".join(w + draw(SPACE) for w in words)
    return draw(SPACE) + text if draw(st.booleans()) else text


@st.composite
def page(draw: st.DrawFn) -> str:
    lines = draw(st.lists(line(), min_size=1, max_size=30))
    return "".join(ln + draw(BREAK) for ln in lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page())
def test_text_offsets_map_back(raw: str) -> None:
    extract_maps_back(raw, "text")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(page(), min_size=3, max_size=5))
def test_offsets_map_back_with_recurring_lines(raws: list[str]) -> None:
    docs = [RawDocument(f"site/{i}.txt", raw, "text") for i, raw in enumerate(raws)]
    recurring = RecurringLines.from_documents(docs)
    for doc in docs:
        result = extract(doc, recurring)
        if isinstance(result, list):
            for article in result:
                assert_maps_back(doc.text, article)


@st.composite
def html_page(draw: st.DrawFn) -> str:
    paras = draw(st.lists(line(), min_size=1, max_size=12))
    tags = st.sampled_from(
        ["", "<b>", "</b>", "<a href='#'>", "</a>", "&amp;", "&rsquo;", "&#8212;"]
    )
    body = "".join(f"<p>{p.replace(' ', ' ' + draw(tags), 1)}</p>\n" for p in paras)
    head = f"<html><head><title>{draw(line())}</title></head>"
    return f"{head}<body><article>{body}</article></body></html>"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_page())
def test_html_offsets_map_back(raw: str) -> None:
    extract_maps_back(raw, "html")
