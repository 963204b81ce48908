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
    assert art[0].declared_source == "Example Wire"
    assert "original source" not in art[0].text
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


PARTISAN = """<html><head><title>Secret Plan Exposed | Free Truth Wire</title>
<meta property="og:site_name" content="Free Truth Wire"></head><body>
<div class="header"><a href="/">Free Truth Wire</a> <a href="/world">World</a></div>
<div class="post">
<h1 class="entry-title">Secret Plan Exposed</h1>
<div class="meta">Posted on <span>March 3, 2026</span> by <a href="/author/x">Karl Brenner</a> | 1,204 views</div>
<p><img src="x.jpg"><em>The ministry building in Dravo (Photo: Reuters)</em></p>
<p>Every honest citizen now knows what the government refuses to admit about the so-called inspection, which was nothing more than a staged show for foreign cameras.</p>
<p>Sources inside the ministry told us that the report was written before the inspectors even arrived at the site, and that the conclusions were dictated by foreign advisers.</p>
<div class="donate"><p>Support Free Truth Wire! We take no money from governments. Donate today via PayPal or Bitcoin.</p></div>
<p>This is how they operate: first the lie, then the cover-up, then the attack on anyone who asks questions. We will keep asking.</p>
<p>Authored by Karl Brenner via Sovereign Horizon,</p>
<div class="share">Share this: <a>Facebook</a> <a>Telegram</a></div>
<h3>Related Posts</h3>
<ul><li><a href="/a">The dam lie grows</a></li><li><a href="/b">Ten traitors named</a></li></ul>
</div>
<div class="comments"><h3>12 Comments</h3><p>mark77 says: This is the truth they hide from us, share it everywhere before it is deleted by the censors!</p></div>
<footer>Copyright © 2026 Free Truth Wire</footer>
</body></html>"""


def test_html_chrome_inside_the_article_is_removed() -> None:
    """trafilatura keeps captions and donation boxes inside the post; the text rules drop them."""
    result = extract(RawDocument("post.html", PARTISAN, "html"))
    assert isinstance(result, list) and len(result) == 1
    art = result[0]
    assert art.title == "Secret Plan Exposed"
    assert art.text.startswith("Secret Plan Exposed\n\nEvery honest citizen now knows")
    assert art.text.endswith("We will keep asking.")
    for chrome in ("Photo: Reuters", "Donate", "Authored by", "Related", "mark77", "Copyright"):
        assert chrome not in art.text
    assert (art.author, art.declared_source, art.published) == (
        "Karl Brenner",
        "Sovereign Horizon",
        "2026-03-03",
    )
    assert art.outlet == "Free Truth Wire"
    assert_maps_back(PARTISAN, art)
