import pytest
from extract_helpers import DEMO, text_doc

from propwatch.extract import extract
from propwatch.model import RawDocument, Rejected

LONG = " ".join(["The committee heard evidence from farmers, traders and officials."] * 30)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", "empty"),
        ("  \n\n ", "empty"),
        (
            "Just a moment...\nChecking your browser before accessing the site.\nRay ID: 1",
            "captcha",
        ),
        ("Please verify you are a human\nPress & Hold", "captcha"),
        (
            "We use cookies to improve your experience.\nAccept all cookies\nManage settings",
            "cookie-wall",
        ),
        ("You need to enable JavaScript to run this app.", "javascript"),
        ("404 - Page not found\nThe page you requested does not exist.", "error-page"),
        ("Access Denied\nYou don't have permission to access this server.", "error-page"),
        ("Already have an account? Log in now.", "stub"),
        ("A headline\n\nOne short line of text only.", "stub"),
    ],
)
def test_non_articles_rejected(raw: str, kind: str) -> None:
    result = extract(text_doc(raw))
    assert isinstance(result, Rejected)
    assert result.kind == kind
    assert result.reason and "\n" not in result.reason


def test_article_mentioning_captcha_is_kept() -> None:
    raw = f"Why captcha walls annoy readers\n\n{LONG} Sites ask you to solve a captcha.\n"
    assert isinstance(extract(text_doc(raw)), list)


def test_html_captcha_rejected() -> None:
    html = (
        "<html><head><title>Attention Required! | Cloudflare</title></head><body>"
        "<h1>Please complete the security check to access example.org</h1>"
        "<p>Why do I have to complete a CAPTCHA?</p></body></html>"
    )
    result = extract(RawDocument("x.html", html, "html"))
    assert isinstance(result, Rejected) and result.kind == "captcha"


def test_demo_captcha_page() -> None:
    path = DEMO / "blocked-page.txt"
    result = extract(text_doc(path.read_text(), source=str(path)))
    assert isinstance(result, Rejected) and result.kind == "captcha"


def test_unknown_content_type() -> None:
    with pytest.raises(ValueError, match="content_type"):
        extract(RawDocument("x", "text", "pdf"))


def test_short_article_under_a_cookie_banner_is_kept() -> None:
    body = " ".join(["The council approved the new budget for the bridge on Tuesday."] * 8)
    raw = f"We use cookies to improve your experience.\nAccept all\n\nBudget approved\n\n{body}\n"
    result = extract(text_doc(raw))
    assert isinstance(result, list) and result[0].title == "Budget approved"
