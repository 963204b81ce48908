"""Metadata decisions of the plain-text path (task 15e): which line is the title, which
names are the author, which copyright holders are the outlet.  Each rule won on the dev
renderings of bench/extract_text_meta.py."""

from __future__ import annotations

from test_extract_decode import SENTENCE, labels, page

from propwatch.extract.decode import read_parts
from propwatch.extract.outlet import page_outlet
from propwatch.extract.provenance import Provenance, declared_provenance
from propwatch.extract.units import Unit, make_units, split_lines

BODY = SENTENCE * 4


def _author(lines: list[str], kinds: list[str]) -> tuple[str, str] | None:
    return read_parts(page(lines), labels(kinds))[0].author


def _title(lines: list[str], kinds: list[str]) -> str | None:
    units = page(lines)
    title = read_parts(units, labels(kinds))[0].title
    return None if title is None else units[title].text


def test_a_bare_name_line_is_the_author_only_next_to_a_date() -> None:
    kinds = ["title", "byline", "date", "body"]
    assert _author(["Budget Passes", "Jane Roe", "March 2, 2026", BODY], kinds) == (
        "Jane Roe",
        "byline",
    )
    # a capitalised pair alone is as often a section or menu entry
    assert _author(["Budget Passes", "Social Media", "Read this", BODY], kinds) is None


def test_a_by_line_is_the_author_without_a_date() -> None:
    kinds = ["title", "byline", "body"]
    assert _author(["Budget Passes", "By Jane Roe", BODY], kinds) == ("Jane Roe", "byline")


def test_a_menu_line_next_to_a_date_is_no_author() -> None:
    kinds = ["title", "byline", "date", "body"]
    assert _author(["Budget Passes", "Follow Us", "March 2, 2026", BODY], kinds) is None
    assert _author(["Budget Passes", "By COURSE/MEAL:", "March 2, 2026", BODY], kinds) is None


def test_a_skip_link_or_a_single_word_is_no_title() -> None:
    kinds = ["title", "title", "body"]
    assert _title(["Zum Inhalt springen", "Budget Passes", BODY], kinds) == "Budget Passes"
    assert _title(["Bloomberg", "Budget passes after a long night", BODY], kinds) == (
        "Budget passes after a long night"
    )
    assert _title(["Skip to content", "Bloomberg", BODY], ["title", "title", "body"]) is None


def _outlet(text: str) -> tuple[str, str] | None:
    units: list[Unit] = make_units(split_lines(text))
    body = [u.words > 20 for u in units]
    return page_outlet(units, body, [False] * len(units), None, None)


def test_a_publishing_company_in_the_copyright_line_is_not_the_outlet() -> None:
    assert _outlet(f"{BODY}\n\n{BODY}\n\n© 2022 Crain Communications GmbH") is None
    assert _outlet(f"{BODY}\n\n{BODY}\n\n© 2022 The Example Ledger") == (
        "The Example Ledger",
        "footer",
    )


def test_rights_wordings_and_open_ends_are_no_outlet() -> None:
    for line in ("Copyright © 2021", "© 2020 All Rights Reserved", "Copyright Theme Blass by",
                 "© Alle Rechte vorbehalten"):  # fmt: skip
        assert _outlet(f"{BODY}\n\n{BODY}\n\n{line}") is None, line


def test_a_weekday_before_a_date_is_no_dateline() -> None:
    assert _outlet(f"Samstag, 2. März 2026\n\n{BODY}\n\n{BODY}") is None
    assert _outlet(f"Example Wire, 2 March 2026\n\n{BODY}\n\n{BODY}") == (
        "Example Wire",
        "dateline",
    )


def test_source_and_author_on_one_line() -> None:
    assert declared_provenance("| Source: benchlife Author: Mark Campbell") == Provenance(
        "benchlife", "Mark Campbell"
    )


def test_a_domain_in_the_copyright_line_is_the_outlet() -> None:
    assert _outlet(f"{BODY}\n\n{BODY}\n\n© 2019 agrarheute.com") == ("agrarheute.com", "footer")
    assert _outlet(f"{BODY}\n\n{BODY}\n\n© Copyright 2009-2021 Liberte Review") == (
        "Liberte Review",
        "footer",
    )


def test_a_date_line_after_the_header_is_the_date_when_the_header_has_none() -> None:
    lines = ["Budget Passes", BODY, BODY, BODY, BODY, BODY, BODY, BODY, "26. Januar 2022", BODY]
    kinds = ["title", *["body"] * 7, "date", "body"]
    part = read_parts(page(lines), labels(kinds))[0]
    assert part.published == ("2022-01-26", "later date line")
    lines[1] = "March 2, 2026"
    kinds[1] = "date"
    assert read_parts(page(lines), labels(kinds))[0].published == ("2026-03-02", "date line")


def test_a_by_line_after_the_header_is_the_author_when_the_header_has_none() -> None:
    lines = ["Budget Passes", *[BODY] * 7, "By Alberto González", BODY]
    kinds = ["title", *["body"] * 7, "byline", "body"]
    assert _author(lines, kinds) == ("Alberto González", "later byline")


def test_a_von_phrase_is_no_name() -> None:
    kinds = ["title", "byline", "body"]
    assert _author(["Budget Passes", "Von Tunis nach Teheran", BODY], kinds) is None
    assert _author(["Budget Passes", "By Jose de la Cruz", BODY], kinds) == (
        "Jose de la Cruz",
        "byline",
    )
