from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from propwatch.model import Span
from propwatch.techniques.align import ANY, WordPieces, token_range, token_targets, window_starts
from propwatch.techniques.labels import INDEX, TECHNIQUES
from propwatch.techniques.ptc import load_ptc
from propwatch.techniques.readable import readable
from propwatch.techniques.spans import decode

TOKENIZER = Path(__file__).parent / "fixtures" / "tiny_model" / "tokenizer.json"
WP = WordPieces(TOKENIZER)

WORDS = st.sampled_from(
    [
        "the",
        "Mayor",
        "said",
        "corrupt",
        "élite",
        "don't",
        "U.S.",
        "42",
        "“quoted”",
        "naïve",
        "unbelievably",
        "—",
        "x",
        "Ωmega",
        "co-operate",
        "!!",
    ]
)


def test_offsets_index_the_original_text() -> None:
    text = "Naïve “Élite” co-operate\r\n\r\nDON'T stop…"
    enc = WP.encode(text)
    assert len(enc.ids) == len(enc.offsets) > 0
    for (s, e), tid in zip(enc.offsets, enc.ids, strict=True):
        piece = WP.tok.id_to_token(int(tid)).removeprefix("##")
        assert text[s:e].strip() and (piece == "[UNK]" or len(piece) >= 1)
    assert enc.offsets[-1][1] <= len(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=3, max_size=40), st.data())
def test_word_aligned_spans_survive_a_round_trip(words: list[str], data: st.DataObject) -> None:
    """Label -> tokens -> span gives back exactly the labelled characters."""
    seps = data.draw(
        st.lists(
            st.sampled_from([" ", "  ", "\n", " \r\n "]), min_size=len(words), max_size=len(words)
        )
    )
    text = "".join(w + s for w, s in zip(words, seps, strict=True))
    starts = np.cumsum([0] + [len(w) + len(s) for w, s in zip(words, seps, strict=True)])
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, len(words)))
    # keep the span on one line: decode never crosses a line break
    while any("\n" in seps[k] for k in range(i, j - 1)):
        j -= 1
    start, end = int(starts[i]), int(starts[j - 1] + len(words[j - 1]))
    span = Span(start, end, TECHNIQUES[3])
    enc = WP.encode(text)
    y = token_targets(enc.offsets, [span])
    if not y[:, 3].any():  # words without word pieces (cannot happen with this vocabulary)
        return
    got = decode(text, enc.offsets, y[:, 3], 0.5, TECHNIQUES[3], max_gap=0, min_chars=1)
    # The labelled characters come back, as a reader accepts them (readable.py: quotes
    # balanced, lone function words dropped).
    want = readable(text, start, end)
    if want is not None and any(c.isalnum() for c in text[want[0] : want[1]]):
        assert [(s.start, s.end) for s in got] == [want]
    else:  # punctuation-only spans and lone function words are never produced
        assert got == []
    assert (y[:, ANY] == y[:, 3]).all()


def test_token_range_touching_and_inside() -> None:
    offsets = np.array([[0, 3], [4, 9], [9, 12], [13, 15]])
    assert token_range(offsets, 4, 12) == (1, 3)
    assert token_range(offsets, 5, 6) == (1, 2)  # inside one token
    assert token_range(offsets, 3, 4) == (1, 1)  # only whitespace: no token
    assert token_range(offsets, 14, 20) == (3, 4)


def test_targets_allow_overlaps(fixture_ptc: Path) -> None:
    art = load_ptc(fixture_ptc, ["900000001"])[0]
    enc = WP.encode(art.text)
    y = token_targets(enc.offsets, art.spans)
    i, j = token_range(
        enc.offsets, *[(s.start, s.end) for s in art.spans if s.label == "Slogans"][0]
    )
    assert y[i:j, INDEX["Slogans"]].all() and y[i:j, INDEX["Thought-terminating_Cliches"]].all()
    k = art.text.index("corrupt")
    t = token_range(enc.offsets, k, k + 7)[0]
    assert y[t, INDEX["Loaded_Language"]] == y[t, INDEX["Name_Calling,Labeling"]] == 1


@given(st.integers(1, 3000), st.integers(2, 300), st.data())
def test_windows_cover_every_token(n: int, size: int, data: st.DataObject) -> None:
    stride = data.draw(st.integers(1, size))
    starts = window_starts(n, size, stride)
    covered = np.zeros(n, bool)
    for s in starts:
        assert s >= 0 and (s + size <= n or s == 0)
        covered[s : s + size] = True
    assert covered.all()
    assert starts == sorted(starts)
