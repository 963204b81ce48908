"""The report in a real headless Chromium: untrusted text never runs, highlights explain."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from propwatch.model import Article, RawDocument, Span, article_id
from propwatch.report.html import write_report
from propwatch.store import open_store

EVIL = (
    "Headline <script>document.title='pwned'</script>\n\n"
    "The corrupt elite lies to you every day. <img src=x onerror=\"document.title='pwned'\">"
)


def report_with_evil_article(tmp_path: Path) -> Path:
    doc = RawDocument("evil.txt", EVIL, "text")
    article = Article(id=article_id(doc.content_hash, 1), source="evil.txt", part=1, text=EVIL,
                      title="Headline <script>document.title='pwned'</script>")
    start = EVIL.index("corrupt elite")
    article.add_layer("techniques", [
        Span(start, start + len("corrupt elite"), "Name_Calling,Labeling", 0.91),
        Span(start, start + len("corrupt"), "Loaded_Language", 0.8),
    ])
    with open_store(tmp_path / "p.db") as store:
        store.save_articles(doc, [article])
        return write_report(store, tmp_path / "report.html").path


def test_article_text_is_shown_never_run(tmp_path: Path, page: Page) -> None:
    report = report_with_evil_article(tmp_path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    page.goto(report.as_uri())
    assert page.title() == "propwatch report"
    assert dialogs == []
    body = page.inner_text("body")
    assert "<script>document.title='pwned'</script>" in body
    assert page.locator("img").count() == 0


def test_clicking_a_highlight_explains_every_technique_on_it(tmp_path: Path, page: Page) -> None:
    page.goto(report_with_evil_article(tmp_path).as_uri())
    marks = page.locator("mark")
    assert marks.count() == 2  # "corrupt" carries two techniques, " elite" one
    marks.first.click()
    panel = page.locator("#explain")
    assert panel.is_visible()
    text = panel.inner_text().lower()
    assert "name calling" in text and "loaded language" in text and "0.91" in text
