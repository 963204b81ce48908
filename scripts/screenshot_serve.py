"""Start `propwatch serve` on a database and save PNGs of its pages (the README pictures).

    .venv/bin/python scripts/screenshot_serve.py demo/propwatch.db docs/serve.png
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def best_article(base: str) -> str:
    """The article with the most evidence to show: technique spans, then matches."""
    def get(path: str) -> Any:
        with urllib.request.urlopen(base + path) as response:
            return json.load(response)

    def evidence(article_id: str) -> tuple[int, int]:
        record = get(f"/api/articles/{article_id}")
        return (len(record["techniques"]), sum(len(c["matches"]) for c in record["claims"]))

    ids = [item["id"] for item in get("/api/articles?limit=200")["items"]]
    return max(ids, key=evidence)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--page", choices=["article", "dashboard", "search", "review",
                                           "outlet", "family"],
                        default="article", help="which page (article: one with highlights)")
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(Path(sys.executable).with_name("propwatch")), "serve",
                               "--db", str(args.db), "--port", str(port)])
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        path = {"dashboard": "/", "search": "/search?q=compact", "review": "/review"}.get(
            args.page, "")
        if args.page == "article":
            path = "/articles/" + best_article(base)
        elif args.page in ("outlet", "family"):
            listing = "/api/outlets" if args.page == "outlet" else "/api/reuse"
            with urllib.request.urlopen(base + listing) as response:
                first = json.load(response)["items"][0]
            path = (f"/outlets/{quote(first['name'], safe='')}" if args.page == "outlet"
                    else f"/republication/{quote(first['id'], safe='')}")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 1100})
            page.goto(base + path)
            if page.locator("mark").count():
                page.locator("mark").first.click()
            page.screenshot(path=str(args.png))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
