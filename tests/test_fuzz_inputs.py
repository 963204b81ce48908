"""Property tests with random bytes and structured junk: readers, decoders, the JSONL parser,
the knowledge-base importers and the batch's isolation never raise, never lose a good
record and never garble text that was valid."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from propwatch.analyse.sentences import pieces, sentence_spans
from propwatch.batch import Options, analyze
from propwatch.errors import InputError
from propwatch.ingest import Input, decode, read_input
from propwatch.kb.claimreview import read_claimreview
from propwatch.kb.euvsdisinfo import read_euvsdisinfo
from propwatch.model import RawDocument
from propwatch.report.export import spreadsheet_safe
from propwatch.store import open_store

FUZZ = settings(max_examples=80, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SLOW_FUZZ = settings(FUZZ, max_examples=25)

# Printable text with accents, dashes, quotes, CJK, emoji and the line separators.
prose = st.text(
    alphabet=st.characters(blacklist_categories=["Cc", "Cs", "Co", "Cn"])
    | st.sampled_from(list("\n\t \u2028\u2029")),
    min_size=1, max_size=300,
)


@FUZZ
@given(st.binary(max_size=3000))
def test_decoding_random_bytes_returns_text_or_a_reason(data: bytes) -> None:
    try:
        decoded = decode(data, "x.txt")
    except InputError as error:
        assert error.kind in {"empty", "binary"} and "x.txt" in str(error)
        return
    assert isinstance(decoded.text, str) and decoded.note
    decoded.text.encode("utf-8")  # no lone surrogates escape the decoder


@FUZZ
@given(prose)
@example("Une phrase \u2013 avec un tiret, fran\u00e7ais.")
def test_valid_utf8_is_never_re_decoded(text: str) -> None:
    assume(text.strip())
    try:
        decoded = decode(text.encode("utf-8"), "x.txt")
    except InputError as error:
        assert error.kind == "binary"  # control-heavy text may be refused, never garbled
        return
    assert decoded.text == text and decoded.note == "utf-8"


@FUZZ
@given(prose, prose, st.sampled_from([b"\xff", b"\xc3", b"\x80\x80", b"\xed\xa0\x80"]))
def test_an_invalid_byte_in_utf8_costs_only_itself(left: str, right: str, bad: bytes) -> None:
    left, right = left + "\u2013 d\u00e9j\u00e0 ", " \u00e9t\u00e9 " + right
    decoded = decode(left.encode() + bad + right.encode(), "x.txt")
    assert decoded.text.startswith(left) and decoded.text.endswith(right)
    assert set(decoded.text[len(left) : len(decoded.text) - len(right)]) == {"\ufffd"}
    assert "replaced by U+FFFD" in decoded.note


records = st.fixed_dictionaries(
    {"text": prose.filter(str.strip)},
    optional={"title": prose, "url": st.sampled_from(["https://a.example/x", "http://[::1/x",
                                                      "http://a:99999/", "ftp://b"])},
)
junk_line = st.binary(max_size=200).filter(lambda b: b"\n" not in b)


@FUZZ
@given(st.lists(st.one_of(records, junk_line), min_size=1, max_size=12), st.booleans())
def test_every_jsonl_line_is_one_record_or_one_reason(
    tmp_path_factory: pytest.TempPathFactory, lines: list[dict[str, str] | bytes],
    ascii_only: bool,
) -> None:
    path = tmp_path_factory.mktemp("j") / "r.jsonl"
    raw = [json.dumps(line, ensure_ascii=ascii_only).encode() if isinstance(line, dict) else line
           for line in lines]
    path.write_bytes(b"\n".join(raw) + b"\n")
    results = list(read_input(Input(str(path)), max_bytes=100_000))
    by_line = {r.line if isinstance(r, RawDocument) else int(r.where.rsplit(":", 1)[1]): r
               for r in results}
    assert len(by_line) == len(results)
    for number, line in enumerate(lines, start=1):
        got = by_line.get(number)
        if isinstance(line, dict) and "[" not in line.get("url", "") and ":99999" not in \
                line.get("url", ""):
            assert isinstance(got, RawDocument), (number, got)
            assert got.text == line["text"]
        elif got is not None:
            assert isinstance(got, RawDocument | InputError)
            assert "\n" not in str(got) if isinstance(got, InputError) else True


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".html", ".jsonl"]))
def test_reading_any_file_yields_values_never_exceptions(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("r") / f"f{suffix}"
    path.write_bytes(data)
    for result in read_input(Input(str(path)), max_bytes=1000):
        assert isinstance(result, RawDocument | InputError)
        if isinstance(result, RawDocument):
            result.content_hash  # noqa: B018 - hashing needs encodable text


HEADER = b"date,id,title,countries,keywords,languages,outlets\n"
csv_junk = st.lists(
    st.sampled_from([b'"', b",", b"\n", b"\r\n", b"2020-01-01", b"https://e.eu/r/", b"title",
                     b"\xff", b"\xe9", b"+", b'""']), max_size=60,
).map(b"".join)


@FUZZ
@given(csv_junk)
def test_the_euvsdisinfo_reader_reports_junk_by_line(
    tmp_path_factory: pytest.TempPathFactory, body: bytes
) -> None:
    path = tmp_path_factory.mktemp("k") / "claims.csv"
    path.write_bytes(HEADER + body)
    try:
        items = list(read_euvsdisinfo(path))
    except InputError:
        return
    lines = body.count(b"\n") + body.count(b"\r") + 2
    for item in items:
        if isinstance(item, InputError):
            assert 2 <= int(item.where.rsplit(":", 1)[1]) <= lines


json_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["@type", "claimReviewed", "claimReview", "url", "text", "@graph",
                         "claims", "author", "reviewRating", "itemReviewed"]), inner, max_size=5),
    max_leaves=20,
)


@FUZZ
@given(json_junk, st.sampled_from(["json", "jsonl", "html"]))
def test_the_claimreview_reader_takes_any_json(
    tmp_path_factory: pytest.TempPathFactory, doc: object, shape: str
) -> None:
    path = tmp_path_factory.mktemp("c") / "f.json"
    text = json.dumps(doc)
    if shape == "jsonl":
        text = text + "\n" + text
    elif shape == "html":
        text = f'<html><script type="application/ld+json">{text}</script></html>'
    path.write_text(text, encoding="utf-8")
    try:
        items = list(read_claimreview(path))
    except InputError:
        return
    assert all(hasattr(i, "text") or isinstance(i, InputError) for i in items)


@FUZZ
@given(st.lists(st.sampled_from(["a", "b", " ", ".", "!", "?", "\u2028", '"', "Mr. ", "A. B. ",
                                 "The ", "word "]), max_size=3000).map("".join))
def test_sentences_stay_inside_the_text_and_pieces_cover_it(text: str) -> None:
    for start, end in pieces(text, 0, len(text), limit=500):
        assert 0 < end - start <= 500 or start == end == len(text)
    for span in sentence_spans(text):
        assert 0 <= span.start < span.end <= len(text)
        assert span.text_of(text).strip() == span.text_of(text)


html_junk = st.lists(
    st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<!--", "-->",
                     "<?xml version='1.0'?>", "&amp;", "&#0;", "\x00", "\x0b", "<br/>",
                     "<html>", "<body>", "text words here. ", "Reply\n", "<title>T</title>",
                     "<meta property='og:url' content='http://[::1/x'>"]),
    max_size=80,
).map("".join)


@SLOW_FUZZ
@given(st.lists(st.tuples(st.sampled_from([".txt", ".html"]), html_junk | prose),
                min_size=1, max_size=4))
def test_a_batch_of_junk_finishes_and_accounts_for_every_document(
    tmp_path_factory: pytest.TempPathFactory, docs: list[tuple[str, str]]
) -> None:
    folder = tmp_path_factory.mktemp("b")
    for number, (suffix, text) in enumerate(docs):
        (folder / f"{number}{suffix}").write_text(text, encoding="utf-8", errors="surrogatepass")
    with open_store(folder / "p.db") as store:
        s = analyze([str(folder / f"{n}{suffix}") for n, (suffix, _) in enumerate(docs)], store,
                    Options(components=("sentences",)))
    accounted = len(s.skipped) + len(s.errors) + len(s.rejected) + s.documents
    assert s.inputs == len(docs) and accounted >= len(docs)
    assert all("\n" not in str(e) for e in s.errors + s.skipped)


@FUZZ
@given(st.text(max_size=30))
def test_no_csv_cell_starts_a_formula(value: str) -> None:
    safe = spreadsheet_safe(value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (value, "'" + value)
