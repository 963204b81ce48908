import pytest

from propwatch.extract import RecurringLines
from propwatch.extract.recurring import normalise, site_group
from propwatch.model import RawDocument


def page(source: str, body: str, **meta: str) -> RawDocument:
    return RawDocument(source, f"SITE HEADER\nDonate 100 coins today\n{body}\n", "text", meta=meta)


def test_lines_on_three_pages_of_a_site_recur() -> None:
    docs = [page(f"site/{i}.txt", f"Body of article {'abc'[i]} is unique.") for i in range(3)]
    rec = RecurringLines.from_documents(docs)
    assert rec.is_recurring(docs[0], "SITE HEADER")
    assert rec.is_recurring(docs[0], "  donate 250 coins   today ")  # digits and spaces normalised
    assert not rec.is_recurring(docs[0], "Body of article a is unique.")


def test_two_pages_are_not_enough_and_duplicates_count_once() -> None:
    doc = page("site/a.txt", "Same body.")
    rec = RecurringLines.from_documents([doc, doc, page("site/b.txt", "Other.")])
    assert rec.pages_with(doc, "SITE HEADER") == 2
    assert not rec.is_recurring(doc, "SITE HEADER")


def test_groups_are_separate() -> None:
    docs = [page(f"a/{i}.txt", "x") for i in range(2)] + [page("b/1.txt", "y")]
    rec = RecurringLines.from_documents(docs)
    assert not rec.is_recurring(docs[0], "SITE HEADER")


def test_incremental_add() -> None:
    rec = RecurringLines()
    docs = [page(f"s/{i}.txt", str(i)) for i in range(3)]
    for doc in docs:
        rec.add(doc)
    assert rec.is_recurring(docs[2], "SITE HEADER")


def test_site_group_prefers_outlet_then_domain_then_folder() -> None:
    assert site_group(page("x/1.txt", "", outlet="The Duran")) == "outlet:the duran"
    assert site_group(page("x/1.txt", "", url="https://www.example.org/a")) == "host:example.org"
    assert site_group(page("x/1.txt", "")) == "dir:x"


def test_min_pages_validated() -> None:
    with pytest.raises(ValueError, match="min_pages"):
        RecurringLines(min_pages=1)


def test_normalise() -> None:
    assert normalise("  1,204   Views ") == "0,000 views"


def test_html_pages_are_not_counted() -> None:
    """HTML extraction does not use recurrence, so counting its pages would be wasted work."""
    docs = [
        RawDocument(f"site/{n}.html", f"<html><body><p>Keep us going</p><p>{n}</p></body></html>",
                    "html")
        for n in range(3)
    ]  # fmt: skip
    assert not RecurringLines.from_documents(docs).is_recurring(docs[0], "Keep us going")


def test_reused_paragraph_inside_an_article_is_kept() -> None:
    from propwatch.extract import extract

    quote = (
        "The minister told reporters that the convoy would not be allowed to cross the border "
        "under any circumstances, whatever the courts decided."
    )

    def body(x: str) -> str:
        return f"Paragraph {x} " + "about the border dispute and what it means for trade. " * 3

    pages = [
        f"Story {x}\n\n{body(x)}\n\n{quote}\n\n{body(x + x)}\n\nWhy?\n\n{body(x * 3)}\n"
        for x in "abc"
    ]
    docs = [RawDocument(f"site/{i}.txt", p, "text") for i, p in enumerate(pages)]
    result = extract(docs[0], RecurringLines.from_documents(docs))
    assert isinstance(result, list)
    assert quote in result[0].text and "\n\nWhy?\n\n" in result[0].text


def test_keys_are_the_same_in_every_process() -> None:
    """A RecurringLines built once can be pickled to worker processes."""
    import pickle
    import subprocess
    import sys

    from propwatch.extract.recurring import line_key

    code = "from propwatch.extract.recurring import line_key; print(line_key('Share  this 1'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == line_key("share this 7")
    docs = [page(f"s/{i}.txt", str(i)) for i in range(3)]
    copy = pickle.loads(pickle.dumps(RecurringLines.from_documents(docs)))
    assert copy.is_recurring(docs[0], "SITE HEADER")
