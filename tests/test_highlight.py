from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from propwatch.model import Span
from propwatch.report.highlight import paragraphs


def test_overlapping_spans_cut_the_text_at_every_boundary() -> None:
    text = "Title\n\nthe evil corrupt elite lies"
    spans = [Span(11, 24, "Loaded_Language"), Span(16, 30, "Name_Calling,Labeling")]
    paras = paragraphs(text, spans)
    assert [p.text for p in paras[0]] == ["Title"]
    assert [(p.text, p.spans) for p in paras[1]] == [
        ("the ", ()), ("evil ", (0,)), ("corrupt ", (0, 1)), ("elite ", (1,)), ("lies", ())]


@given(st.data())
def test_pieces_rebuild_every_paragraph_exactly(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet="ab \n", max_size=60))
    points = st.integers(0, len(text))
    spans = [Span(*sorted((data.draw(points), data.draw(points))), "X")
             for _ in range(data.draw(st.integers(0, 4)))]
    rebuilt = ["".join(p.text for p in para) for para in paragraphs(text, spans)]
    assert rebuilt == [line for line in text.split("\n") if line]
