from propwatch.extract.units import TextBuilder, count_words, make_units, split_lines


def test_split_lines_keeps_raw_positions() -> None:
    raw = "  Title here  \r\n\n\tBody line one.\nBody two\n"
    lines = split_lines(raw)
    assert [ln.text for ln in lines] == ["Title here", "Body line one.", "Body two"]
    for ln in lines:
        assert raw[ln.start : ln.end] == ln.text
    assert [ln.blank_before for ln in lines] == [True, True, False]


def test_hard_wrapped_block_becomes_one_unit() -> None:
    raw = (
        "This paragraph was wrapped by a mail client at a fixed width so\n"
        "that every line is about the same length and ends without any\n"
        "punctuation at all until the end.\n\nShort line\nAnother short\n"
    )
    units = make_units(split_lines(raw))
    assert len(units) == 3
    assert units[0].text.startswith("This paragraph") and units[0].text.endswith("the end.")


def test_builder_maps_copies_and_not_inserts() -> None:
    b = TextBuilder()
    b.copy("abc", 0)
    b.insert("\n\n")
    b.copy("def", 4)
    text, offsets = b.build()
    assert text == "abc\n\ndef"
    assert [offsets.to_raw(i) for i in range(len(text))] == [0, 1, 2, None, None, 4, 5, 6]


def test_count_words() -> None:
    assert count_words("Don't stop, U.S. forces!") == 4
