"""Render a report in headless Chromium and save a PNG (used for the README picture).

    .venv/bin/python scripts/screenshot_report.py demo/report.html docs/report.png \
        [--article N | --section ID]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--article", type=int, default=None,
                        help="screenshot the N-th article section (0-based) instead of the top")
    parser.add_argument("--click", action="store_true", help="click a highlight first")
    parser.add_argument("--click-mark", type=int, default=0, help="which highlight to click")
    parser.add_argument("--height", type=int, default=1400, help="viewport height")
    parser.add_argument("--section", default=None,
                        help="screenshot the section with this id (narratives, outlets, ...)")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": args.height})
        page.goto(args.report.resolve().as_uri())
        if args.section is not None:
            page.locator(f"section#{args.section}").screenshot(path=str(args.png))
        elif args.article is None:
            page.screenshot(path=str(args.png))
        else:
            section = page.locator("section[id^='a-']").nth(args.article)
            if args.click and section.locator("mark").count():
                section.locator("mark").nth(args.click_mark).click()
                section.evaluate("e => e.scrollIntoView()")
                page.evaluate("window.scrollBy(0, -16)")
                page.screenshot(path=str(args.png))  # the viewport, with the explanation panel
            else:
                section.screenshot(path=str(args.png))
        browser.close()
    print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
