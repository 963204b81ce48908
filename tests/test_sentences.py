from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from propwatch.analyse.sentences import sentence_spans


def test_sentences_split_with_exact_offsets() -> None:
    text = "Dr. Smith went to Washington. He said: \"No!\" Then left.\n\nU.S. officials agreed."
    assert [s.text_of(text) for s in sentence_spans(text)] == [
        "Dr. Smith went to Washington.", 'He said: "No!"', "Then left.",
        "U.S. officials agreed.",
    ]


def test_a_sentence_never_crosses_a_paragraph_break() -> None:
    text = "A headline without a full stop\n\nThe body starts here. It goes on"
    assert [s.text_of(text) for s in sentence_spans(text)] == [
        "A headline without a full stop", "The body starts here.", "It goes on"]


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"'”‘ÉéU.S")), max_size=200))
def test_sentence_spans_lie_inside_the_text_in_order_without_edge_space(text: str) -> None:
    spans = sentence_spans(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        piece = span.text_of(text)
        assert piece == piece.strip() and "\n" not in piece
        previous_end = span.end


def test_a_huge_paragraph_is_split_in_pieces_with_exact_offsets() -> None:
    from propwatch.analyse.sentences import MAX_PYSBD_LINE, MAX_PYSBD_TEXT, sentence_spans

    sentence = "The minister said on Monday that the plan would go ahead."
    for copies in (40, MAX_PYSBD_LINE // 40):  # through pysbd in pieces, then by the rule
        text = " ".join([sentence] * copies)
        spans = sentence_spans(text)
        assert [s.text_of(text) for s in spans] == [sentence] * copies
    long_text = "\n\n".join(" ".join([sentence] * 5) for _ in range(MAX_PYSBD_TEXT // 250))
    assert len(long_text) > MAX_PYSBD_TEXT  # every line by the rule: same sentences
    assert {s.text_of(long_text) for s in sentence_spans(long_text)} == {sentence}
    words = "word " * 100_000
    assert [len(s.text_of(words)) <= 1000 for s in sentence_spans(words)] == [True] * 500


def test_sentences_split_on_threads_side_by_side_are_the_same_as_alone() -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [" ".join(f"Every loan {i} comes with conditions number {k}. Only the naive still "
                      f"believe it, said Dr. Merrow {k}." for k in range(40)) for i in range(40)]
    alone = [sentence_spans(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(sentence_spans, texts)) == alone
