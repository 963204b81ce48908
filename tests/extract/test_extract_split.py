import pytest
from extract_helpers import DEMO, assert_maps_back, text_doc

from propwatch.extract import extract

BODY = (
    "Officials said on Monday that the new rules would apply to every shipment crossing the "
    "border, and that inspectors would be trained over the next few weeks to apply them fairly. "
    "Traders said they welcomed clarity but feared more delays at the busiest crossings."
)


def scroll_page(n: int) -> str:
    blocks = []
    for k in range(n):
        blocks.append(
            f"Headline number {k + 1} about the border\n\n"
            f"A standfirst that sums up story {k + 1}.\n\n"
            f"By Author {'ABC'[k]}. Writer\nPublished on March {k + 1}, 2026\n\n"
            f"{BODY}\n\n{BODY}\n\n"
            "Share on Telegram\nNext story\n"
        )
    return "SITE NAME IN CAPITALS\n\n" + "\n".join(blocks)


@pytest.mark.xfail(
    strict=True,
    reason="join model misses these synthetic joins (test captures: 98/200 split right)",
)
def test_scroll_page_becomes_several_articles() -> None:
    raw = scroll_page(3)
    parts = extract(text_doc(raw))
    assert isinstance(parts, list)
    assert [p.title for p in parts] == [f"Headline number {k} about the border" for k in (1, 2, 3)]
    assert [p.author for p in parts] == ["Author A. Writer", "Author B. Writer", "Author C. Writer"]
    assert [p.published for p in parts] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    for part in parts:
        assert "Share on Telegram" not in part.text and "Next story" not in part.text
        assert part.text.count(BODY) == 2
        assert_maps_back(raw, part)


def test_single_article_with_several_date_lines_is_not_split() -> None:
    raw = (
        "One headline\n\nBy Jane Roe\nExample Site, November 26, 2017\n\n"
        "Example Wire 24 November 2017"
        f"\n\n{BODY}\n\n{BODY}\n\nUpdated: November 27, 2017\n"
    )
    parts = extract(text_doc(raw))
    assert isinstance(parts, list) and len(parts) == 1
    assert parts[0].published == "2017-11-26" and parts[0].outlet == "Example Site"


def test_timeline_dates_inside_body_do_not_split() -> None:
    raw = (
        f"A timeline\n\nBy Jane Roe\n\n{BODY}\n\nMarch 3, 2026\n\n{BODY}\n\n"
        f"March 4, 2026\n\n{BODY}\n"
    )
    parts = extract(text_doc(raw))
    assert isinstance(parts, list) and len(parts) == 1


@pytest.mark.xfail(
    strict=True,
    reason="join model misses these synthetic joins (test captures: 98/200 split right)",
)
def test_demo_scroll_page() -> None:
    path = DEMO / "patriot-dispatch" / "front-page-scroll.txt"
    parts = extract(text_doc(path.read_text(), source=str(path)))
    assert isinstance(parts, list)
    assert [p.title for p in parts] == [
        "Farmers Betrayed Again by Compact Bureaucrats",
        "Minister Halvek Must Resign Now",
        "Secret Labs Near Dravo: What They Don't Want You to Know",
    ]
    assert [p.author for p in parts] == ["Viktor Drajan", "Lena Orsk", "Marek Tull"]


COLUMN = (
    "The statements, views and opinions expressed in this column are solely those of the "
    "author and do not necessarily represent those of this site."
)


@pytest.mark.xfail(
    strict=True,
    reason="join model misses these synthetic joins (test captures: 98/200 split right)",
)
def test_page_split_at_a_line_each_article_repeats() -> None:
    """No bylines or dates: each article is a title, the column disclaimer, then body."""
    titles = ["How the convoy was stopped", "Who profits from the port deal", "The dam and the lie"]
    raw = "\n\n".join(f"{t}\n\n{COLUMN}\n\n{BODY}\n\n{BODY}" for t in titles)
    parts = extract(text_doc(raw))
    assert isinstance(parts, list)
    assert [p.title for p in parts] == titles
    for part in parts:
        assert COLUMN not in part.text and part.text.count(BODY) == 2
        assert_maps_back(raw, part)


def test_inline_ads_before_subheadings_do_not_split() -> None:
    raw = (
        f"One long report\n\n{BODY}\n\n{BODY}\n\nAdvertisement\n\nThe reaction\n\n{BODY}\n\n"
        f"{BODY}\n\nAdvertisement\n\nWhat comes next\n\n{BODY}\n\n{BODY}\n"
    )
    parts = extract(text_doc(raw))
    assert isinstance(parts, list) and len(parts) == 1
    assert "The reaction" in parts[0].text and "Advertisement" not in parts[0].text


def test_embedded_tweets_are_text_not_headers() -> None:
    raw = (
        f"One headline\n\n{BODY}\n\nThis is a scandal and everyone knows it!\n\n"
        "pic.twitter.com/abc123 — Jane Roe (@janeroe) October 4, 2017\n\n"
        f"{BODY}\n\n{BODY}\n"
    )
    parts = extract(text_doc(raw))
    assert isinstance(parts, list) and len(parts) == 1
    assert "This is a scandal and everyone knows it!" in parts[0].text


def test_a_bare_date_after_body_is_no_article_boundary() -> None:
    raw = f"One headline\n\n{BODY}\n\n{BODY}\n\nA quoted source said\n\nAugust 18, 2018\n\n{BODY}\n"
    parts = extract(text_doc(raw))
    assert isinstance(parts, list) and len(parts) == 1


@pytest.mark.xfail(
    strict=True,
    reason="join model misses these synthetic joins (test captures: 98/200 split right)",
)
def test_scroll_page_with_the_byline_above_the_headline() -> None:
    blocks = [
        f"By Author {name}. Writer\nHeadline number {k} about the border\n"
        f"Published on March {k}, 2026\n\n{BODY}\n\n{BODY}\n\nShare on Telegram\n"
        for k, name in ((1, "A"), (2, "B"), (3, "C"))
    ]
    raw = "\n".join(blocks)
    parts = extract(text_doc(raw))
    assert isinstance(parts, list)
    assert [p.title for p in parts] == [f"Headline number {k} about the border" for k in (1, 2, 3)]
    assert [p.author for p in parts] == ["Author A. Writer", "Author B. Writer", "Author C. Writer"]


def test_subheadings_after_repeated_image_lines_do_not_split() -> None:
    raw = "Long read about the border\n\n" + "".join(
        f"{BODY}\n\nClick to enlarge\n\nPart {name}\n\n{BODY}\n\n{BODY}\n\n"
        for name in ("one", "two", "three")
    )
    parts = extract(text_doc(raw))
    assert isinstance(parts, list) and len(parts) == 1
