from pathlib import Path

from extract_helpers import DEMO, assert_maps_back

from propwatch.extract import extract
from propwatch.extract.html import canonical_url
from propwatch.model import RawDocument

PARA = (
    "The ministry said on Monday that the measures would last for six months and would be "
    "reviewed by parliament before the summer, after weeks of pressure from opposition parties."
)


def test_demo_html_page() -> None:
    path = DEMO / "valdoria-herald-energy-law.html"
    raw = path.read_text()
    result = extract(RawDocument(str(path), raw, "html"))
    assert isinstance(result, list) and len(result) == 1
    art = result[0]
    assert art.title == "Parliament passes emergency energy law as protesters gather"
    assert art.author == "Petra Salm"
    assert art.published == "2026-03-10"
    assert art.outlet == "The Valdoria Herald"
    assert art.canonical_url == (
        "https://valdoria-herald.example/politics/2026/03/10/emergency-energy-law"
    )
    assert art.text.startswith(art.title + "\n\nValdoria's parliament on Tuesday")
    assert "All rights reserved" not in art.text and "Inquiry into Orlen" not in art.text
    assert_maps_back(raw, art)
    mapped = sum(art.offsets.to_raw(i) is not None for i in range(len(art.text)))
    assert mapped > 0.9 * len(art.text)


def test_inline_markup_and_entities_map_around() -> None:
    html = (
        "<html><body><article><h1>A headline here</h1>"
        f"<p>{PARA} It was <b>bold</b> &amp; brave.</p><p>{PARA}</p>"
        "<p>The original source of this article is Example Wire</p></article></body></html>"
    )
    art = extract(RawDocument("x.html", html, "html"))
    assert isinstance(art, list)
    assert "It was bold & brave." in art[0].text
    assert art[0].declared_source == "Example Wire"  # the line is read, and stays in the body
    assert art[0].text.endswith("\n\nThe original source of this article is Example Wire")
    assert_maps_back(html, art[0])


def test_canonical_url_forms() -> None:
    assert (
        canonical_url('<link href="https://a.example/x" rel="canonical">') == "https://a.example/x"
    )
    assert canonical_url("<link rel=canonical href='https://a.example/y'>") == "https://a.example/y"
    assert canonical_url('<meta property="og:url" content="https://a.example/z">') == (
        "https://a.example/z"
    )
    assert canonical_url("<p>nothing</p>") is None


PARTISAN = (Path(__file__).parent / "fixtures" / "partisan-post.html").read_text(encoding="utf-8")


def test_html_body_is_trafilaturas_main_text() -> None:
    """No text rule on top of trafilatura: none won on real pages (docs/benchmarks.md).  The
    comments, related list and footer go; what sits inside the post stays."""
    result = extract(RawDocument("post.html", PARTISAN, "html"))
    assert isinstance(result, list) and len(result) == 1
    art = result[0]
    assert art.title == "Secret Plan Exposed"
    assert art.text.startswith("Secret Plan Exposed\n\n")
    assert "Every honest citizen now knows" in art.text and "We will keep asking." in art.text
    for chrome in ("Related", "mark77", "Copyright"):
        assert chrome not in art.text
    assert (art.author, art.declared_source, art.published) == (
        "Karl Brenner",
        "Sovereign Horizon",
        "2026-03-03",
    )
    assert art.outlet == "Free Truth Wire"
    assert_maps_back(PARTISAN, art)


def test_html_page_of_several_articles_is_split() -> None:
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(5))
    articles = "".join(
        f"<article><h2>Headline number {k} about the bridge</h2><p>By Author {name}</p>"
        f"<p>Published on <time>March {k}, 2026</time></p>{body}<div>Share on Telegram</div>"
        "</article>"
        for k, name in ((1, "Abel"), (2, "Bruno"), (3, "Cora"))
    )
    html = (
        "<html><head><title>Front page | Example Wire</title><meta property='og:site_name' "
        "content='Example Wire'></head><body><header>EXAMPLE "
        f"WIRE</header><main>{articles}</main><footer>© 2026 Example Wire</footer></body></html>"
    )
    result = extract(RawDocument("front.html", html, "html"))
    assert isinstance(result, list)
    assert [a.title for a in result] == [f"Headline number {k} about the bridge" for k in (1, 2, 3)]
    assert [a.author for a in result] == ["Author Abel", "Author Bruno", "Author Cora"]
    assert [a.outlet for a in result] == ["Example Wire"] * 3  # from the page's head
    for art in result:
        assert art.text.count(PARA) == 5
        assert_maps_back(html, art)
    # Each article's paragraphs map into its own <article>, not the first one's.
    starts = [html.find(f"Headline number {k}") for k in (1, 2, 3)] + [len(html)]
    for k, art in enumerate(result):
        body_at = art.offsets.to_raw(art.text.index(PARA))
        assert body_at is not None and starts[k] < body_at < starts[k + 1]


def test_sections_marked_up_as_articles_are_not_split() -> None:
    """Sections of one article in <article> elements have no header (time, author) of their
    own: they stay one article (a real page of extraction-eval does this)."""
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(3))
    sections = "".join(f"<article><h2>Question {k}</h2>{body}</article>" for k in range(3))
    html = f"<html><body><main><h1>Car loans explained</h1>{sections}</main></body></html>"
    result = extract(RawDocument("faq.html", html, "html"))
    assert isinstance(result, list) and len(result) == 1
    assert all(f"Question {k}" in result[0].text for k in range(3))


def test_teaser_list_of_articles_is_not_split() -> None:
    """<article> teasers (a headline and a summary each) are no articles of their own."""
    teasers = "".join(
        f"<article><h2>Related story {k}</h2><p>{PARA}</p></article>" for k in range(6)
    )
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(5))
    html = (
        f"<html><head><title>Main story</title></head><body><main><h1>Main story</h1>{body}"
        f"</main><aside>{teasers}</aside></body></html>"
    )
    result = extract(RawDocument("page.html", html, "html"))
    assert isinstance(result, list) and len(result) == 1
    assert result[0].title == "Main story"


def test_tables_and_lists_of_the_article_stay() -> None:
    body = "".join(f"<p>{PARA} ({n})</p>" for n in range(3))
    html = (
        f"<html><body><article><h1>Tour dates announced</h1>{body}"
        "<ul><li>12 May: Berlin, Columbiahalle</li><li>14 May: Hamburg, Docks</li></ul>"
        "<table><tr><td>Seats sold</td><td>12,400</td></tr></table></article></body></html>"
    )
    result = extract(RawDocument("tour.html", html, "html"))
    assert isinstance(result, list)
    for kept in ("12 May: Berlin, Columbiahalle", "14 May: Hamburg, Docks", "12,400"):
        assert kept in result[0].text
    assert_maps_back(html, result[0])
