"""The workspace in a real headless Chromium (Debian's, driven by Playwright) against a
running `propwatch serve` that needs an access token: the token rule and login, every page
(dashboard, search, article, narratives, outlets, one outlet, republication, one family,
review) with no script error and nothing refused by the Content-Security-Policy, the
writes (confirm, reject, a technique span marked wrong) and a cross-site form that must be
refused, and an article whose hostile title and text must not run."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page

from propwatch.serve.auth import TOKEN_COOKIE, Access

from .conftest import EVIL_TITLE

TOKEN = "browser-test-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the module, over its own copy of the corpus (the tests write)."""
    db = tmp_path_factory.mktemp("browser") / "corpus.db"
    shutil.copy(corpus_db, db)
    port = free_port()
    command = [str(Path(sys.executable).with_name("propwatch")), "serve", "--db", str(db),
               "--port", str(port), "--token", TOKEN]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("propwatch serve stopped: " + process.stderr.read().decode())
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


class Watch:
    """What a page must never do: open a dialog, log a script error or CSP refusal."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def clean(self) -> bool:
        return not self.dialogs and not self.errors


@pytest.fixture
def browser(page: Page, server: str) -> tuple[Page, Watch]:
    """A page logged in (the session cookie the login form sets), watched."""
    page.context.add_cookies([{"name": TOKEN_COOKIE, "value": Access(TOKEN).session_value(),
                               "url": server}])
    return page, Watch(page)


def api(page: Page, url: str) -> Any:
    response = page.request.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.ok, url
    return response.json()


def test_without_the_token_only_the_login_page_opens(server: str, page: Page) -> None:
    watch = Watch(page)
    for path in ("/", "/search?q=dam", "/review", "/outlets", "/republication"):
        response = page.goto(server + path)
        assert response is not None and response.status == 401, path
    assert page.request.get(server + "/api/articles").status == 401
    page.click("text=Log in with the access token")
    page.fill("input[name=token]", "not-the-token-at-all")
    page.click("button[type=submit]")
    assert "That token is not right." in page.inner_text("main")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/republication")
    assert page.locator("h1").inner_text() == "Republication families"
    page.click("text=log out")
    page.wait_for_url(server + "/login")
    assert page.goto(server + "/").status == 401  # type: ignore[union-attr]
    assert watch.dialogs == []  # (the 401 responses themselves are logged as errors)


def test_every_page_draws_without_a_script_error(browser: tuple[Page, Watch],
                                                 server: str) -> None:
    page, watch = browser
    page.goto(server + "/")
    drawn = page.evaluate("[...document.querySelectorAll('canvas')].map(c => !!c.chart)")
    assert drawn == [True] * 5
    page.click("header nav >> text=Narratives")
    assert page.locator("table.review tr[id]").count() >= 1
    page.click("header nav >> text=Outlets")
    page.locator("table.review td a").first.click()
    page.wait_for_url(re.compile(r"/outlets/.+"))
    drawn = page.evaluate("[...document.querySelectorAll('canvas')].map(c => !!c.chart)")
    assert drawn == [True, True]
    assert page.locator("#articles a.title").count() >= 1
    page.locator("#articles a.title").first.click()
    page.wait_for_selector("article.text")
    assert watch.clean(), (watch.dialogs, watch.errors)


def test_search_filters_and_pages_through_results(browser: tuple[Page, Watch],
                                                  server: str) -> None:
    page, watch = browser
    page.goto(server + "/search?limit=4")
    total = api(page, server + "/api/articles")["total"]
    assert total > 4 and f"1–4 of {total}" in page.locator("nav.pager").first.inner_text()
    page.locator("nav.pager >> text=next").first.click()
    assert f"5–8 of {total}" in page.locator("nav.pager").first.inner_text()
    label = api(page, server + "/api/stats")["techniques_per_month"][0]["technique"]
    page.select_option("select[name=technique]", label)
    page.select_option("select[name=sort]", "date")
    page.click("form.filters button[type=submit]")
    expected = api(page, f"{server}/api/articles?technique={label}&sort=date&limit=20")
    shown = [quote(h.split("/articles/")[1], safe="") for h in
             page.eval_on_selector_all("ol.hits a.title", "els => els.map(e => e.href)")]
    assert shown == [quote(i["id"], safe="") for i in expected["items"]]
    page.fill("input.wide", "corrupt elite")
    page.click("form.filters button[type=submit]")
    assert page.locator("p.snippet b").first.inner_text().lower() in ("corrupt", "elite")
    assert watch.clean(), (watch.dialogs, watch.errors)


def test_a_hostile_article_is_shown_as_text_and_runs_nothing(browser: tuple[Page, Watch],
                                                             server: str) -> None:
    page, watch = browser
    page.goto(server + "/search?q=corrupt+elite")
    page.click(f"a.title:has-text('{EVIL_TITLE[:8]}')")
    page.wait_for_selector("article.text")
    assert page.title().startswith(EVIL_TITLE) and page.title() != "pwned"
    assert EVIL_TITLE in page.inner_text("h1")
    assert "<img src=x onerror=" in page.inner_text("article.text")
    assert "<script>alert('pwned')</script>" in page.inner_text("article.text")
    assert page.locator("main img, main script:not([type='application/json'])").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0  # the javascript: URL
    page.click("text=Evil <b>Outlet</b>")
    page.wait_for_url(re.compile(r"/search\?outlet="))
    page.goto(server + "/outlets/" + quote("Evil <b>Outlet</b>", safe=""))
    assert page.inner_text("h1") == "Evil <b>Outlet</b>"
    assert page.locator("main b:has-text('Outlet')").count() == 0
    assert watch.dialogs == [] and watch.clean(), (watch.dialogs, watch.errors)


def test_a_technique_span_explains_itself_and_can_be_marked_wrong(
        browser: tuple[Page, Watch], server: str) -> None:
    page, watch = browser
    label = api(page, server + "/api/stats")["techniques_per_month"][0]["technique"]
    tagged = api(page, f"{server}/api/articles?technique={label}")["items"][0]["id"]
    page.goto(f"{server}/articles/{quote(tagged, safe='')}")
    assert page.locator("#explain").is_hidden()
    page.locator("mark").first.click()
    assert page.locator("#explain").is_visible()
    assert "confidence" in page.inner_text("#explain")
    page.locator("#span-0 button.reject").click()
    page.wait_for_selector("#span-0 b.verdict-wrong")
    verdicts = api(page, f"{server}/api/articles/{quote(tagged, safe='')}")["technique_verdicts"]
    assert [v["verdict"] for v in verdicts] == ["wrong"]
    page.locator("#span-0 button:has-text('clear')").click()
    page.wait_for_selector("#span-0 b.verdict-wrong", state="detached")
    assert api(page, f"{server}/api/articles/{quote(tagged, safe='')}")["technique_verdicts"] == []
    assert watch.clean(), (watch.dialogs, watch.errors)


def test_review_confirms_and_rejects_in_place(browser: tuple[Page, Watch], server: str) -> None:
    page, watch = browser
    page.goto(server + "/review")
    waiting = api(page, server + "/api/matches")["total"]
    assert waiting >= 2, "the demo corpus should have two matches to review"
    verdicts = {}
    for button, expected in (("button.confirm", "confirmed"), ("button.reject", "rejected")):
        row = page.locator("tr[id^=m-]").first
        match_id = str(row.get_attribute("id"))[2:]
        row.locator(button).click()
        page.wait_for_selector(f"tr#m-{match_id}", state="detached")
        verdicts[match_id] = api(page, f"{server}/api/matches/{match_id}")["verdict"]
        assert verdicts[match_id] == expected
    assert f"of {waiting - 2}" in page.locator("nav.pager").first.inner_text()
    assert watch.clean(), (watch.dialogs, watch.errors)


def test_a_form_posted_from_another_site_is_refused(browser: tuple[Page, Watch],
                                                    server: str) -> None:
    page, _ = browser
    waiting = api(page, server + "/api/matches")["items"]
    assert waiting, "a match still awaits a verdict"
    target = waiting[0]["match_id"]
    attacker = "http://attacker.invalid/"
    page.route(attacker, lambda route: route.fulfill(content_type="text/html", body=(
        f'<form method="post" action="{server}/matches/{target}/verdict">'
        '<input name="action" value="confirm"><button id="go">go</button></form>')))
    page.goto(attacker)
    with page.expect_response(re.compile(r"/verdict$")) as posted:
        page.click("#go")
    assert posted.value.status in (401, 403)  # the strict session cookie is not even sent
    assert api(page, f"{server}/api/matches/{target}")["verdict"] is None


def test_republication_families_draw_as_a_graph_and_a_timeline(
        browser: tuple[Page, Watch], server: str) -> None:
    page, watch = browser
    family = api(page, server + "/api/reuse")["items"][0]
    page.goto(server + "/republication")
    page.locator("table.review td a").first.click()
    page.wait_for_url(re.compile(r"/republication/c-"))
    graph = page.locator("#graph svg")
    assert graph.locator("a.node").count() == len(family["articles"])
    assert graph.locator("g.edge").count() >= len(family["pairs"])
    assert graph.locator("a.node.earliest").get_attribute("data-id") == family["earliest"]
    box = graph.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 20  # drawn, visible
    assert page.locator("#timeline svg a.node").count() == len(family["articles"])
    graph.locator("a.node.earliest").click()
    page.wait_for_selector("article.text")
    assert f"id {family['earliest']}" in page.inner_text("p.meta")
    assert watch.clean(), (watch.dialogs, watch.errors)
