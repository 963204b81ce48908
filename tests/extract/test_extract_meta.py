from extract_helpers import text_doc

from propwatch.extract import extract
from propwatch.extract.dates import parse_date
from propwatch.model import Extracted

BODY = (
    "The council met on Tuesday to discuss the budget for the coming year, and members "
    "argued for several hours about the cost of repairing the old bridge over the river."
)


def only(result: object) -> Extracted:
    assert isinstance(result, list) and len(result) == 1, result
    return result[0]


def test_author_on_a_date_line() -> None:
    raw = f"A title\n\nPosted on March 3, 2026 by Jane Roe\n\n{BODY}\n\n{BODY}\n"
    art = only(extract(text_doc(raw)))
    assert (art.author, art.published) == ("Jane Roe", "2026-03-03")


def test_a_header_word_the_chrome_repeats_is_no_outlet() -> None:
    # On the dev renderings such a header was the site's name in 29 of 102 pages (task 15e):
    # mostly a menu word ("Suche", "Newsletter") that the footer repeats.
    raw = (
        f"Newsletter\n\nCouncil Argues Over Bridge\n\n{BODY}\n\n{BODY}\n\n"
        "Get the Newsletter weekly\n\nOur Newsletter archive\n"
    )
    assert only(extract(text_doc(raw))).outlet is None


def test_outlet_from_date_line_and_copyright() -> None:
    raw = f"A title\n\nExample Wire, 2 March 2026\n\n{BODY}\n\n{BODY}\n"
    art = only(extract(text_doc(raw)))
    assert (art.outlet, art.meta_from["outlet"]) == ("Example Wire", "dateline")
    raw = f"A title\n\n{BODY}\n\n{BODY}\n\n© 2026 The Example Ledger. All rights reserved.\n"
    art = only(extract(text_doc(raw)))
    assert (art.outlet, art.meta_from["outlet"]) == ("The Example Ledger", "footer")


def test_dates_are_strict() -> None:
    assert parse_date("2019-03-04T10:00:00Z") == "2019-03-04"
    assert parse_date("sometime last spring") is None


def test_meta_published_not_a_date_is_dropped() -> None:
    art = only(extract(text_doc(f"A title\n\n{BODY}\n\n{BODY}\n", published="yesterday")))
    assert art.published is None


def test_outlet_from_an_author_bio() -> None:
    bio = "Jane Roe is a writer and a contributor at the Example Review website."
    art = only(extract(text_doc(f"A title\n\n{BODY}\n\n{BODY}\n\n{bio}\n")))
    assert (art.outlet, art.meta_from["outlet"]) == ("Example Review", "author bio")


def test_outlet_from_the_url_when_the_page_names_none() -> None:
    art = only(extract(text_doc(f"A title\n\n{BODY}\n\n{BODY}\n", url="https://www.ex.org/a")))
    assert (art.outlet, art.meta_from["outlet"]) == ("ex.org", "url")


def test_given_metadata_is_marked_as_input() -> None:
    art = only(extract(text_doc(f"A title\n\n{BODY}\n\n{BODY}\n", outlet="Wire", title="T")))
    assert art.meta_from["outlet"] == "input" and art.meta_from["title"] == "input"


def test_a_closing_name_line_without_bio_is_no_author() -> None:
    art = only(extract(text_doc(f"A title\n\n{BODY}\n\n{BODY}\n\nTrending Stories\n")))
    assert art.author is None and "Trending" not in art.text


def test_copyright_high_on_the_page_is_a_photo_credit() -> None:
    raw = f"A title\n\n© 2020 AFP\n\n{BODY}\n\n{BODY}\n\n{BODY}\n\n{BODY}\n"
    assert only(extract(text_doc(raw))).outlet is None
