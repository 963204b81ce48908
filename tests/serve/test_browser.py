"""The workspace in a real headless Chromium against a running `propwatch serve`: the token
rule and login, dashboard charts, search, an article whose hostile title and text must not
run, the explanation panel, and a confirm in the review queue."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .conftest import EVIL_TITLE

TOKEN = "browser-test-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(db_copy: Path) -> Iterator[str]:
    port = free_port()
    command = [str(Path(sys.executable).with_name("propwatch")), "serve", "--db", str(db_copy),
               "--port", str(port), "--token", TOKEN]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
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


def test_the_workspace_in_a_browser(server: str, page: Page) -> None:
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # the token rule: nothing but the login page without it
    response = page.goto(server + "/search")
    assert response is not None and response.status == 401
    page.click("text=Log in with the access token")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/search")
    errors.clear()  # the 401 itself is logged as a console error

    # dashboard: Chart.js (bundled) drew every chart
    page.goto(server + "/")
    drawn = page.evaluate("[...document.querySelectorAll('canvas')].map(c => !!c.chart)")
    assert drawn == [True] * 5

    # search, then the hostile article: shown as text, never run
    page.goto(server + "/search?q=corrupt+elite")
    page.click(f"a.title:has-text('{EVIL_TITLE[:8]}')")
    page.wait_for_selector("article.text")
    assert page.title().startswith(EVIL_TITLE) and "pwned" not in page.title()[:9]
    assert EVIL_TITLE in page.inner_text("h1")
    assert "<img src=x onerror=" in page.inner_text("article.text")
    assert page.locator("article img").count() == 0

    # a highlight explains itself
    label = page.request.get(f"{server}/api/stats").json()["techniques_per_month"][0]["technique"]
    tagged = page.request.get(f"{server}/api/articles?technique={label}").json()["items"][0]
    page.goto(f"{server}/articles/{tagged['id']}")
    assert page.locator("#explain").is_hidden()
    page.locator("mark").first.click()
    assert page.locator("#explain").is_visible()
    assert "confidence" in page.inner_text("#explain")

    # review: confirm in place
    page.goto(server + "/review")
    row = page.locator("tr[id^=m-]").first
    match_id = row.get_attribute("id")[2:]  # type: ignore[index]
    row.locator("button.confirm").click()
    page.wait_for_load_state()
    assert page.locator(f"tr#m-{match_id}").count() == 0
    verdict = page.request.get(f"{server}/api/matches/{match_id}").json()["verdict"]
    assert verdict == "confirmed"

    assert dialogs == []
    assert errors == []  # no script refused by the Content-Security-Policy, no JS error
