"""Render the pages of ../shared/data/extraction-eval to plain text as a browser's
select-all-and-copy would: headless Chromium, JavaScript off, no network,
``document.body.innerText``.  One ``<page>.txt`` per page in ``--out`` (outside the project;
the renderings are derived from the set and are not vendored).

    .venv/bin/python bench/extract_render.py --out /tmp/propwatch-renderings [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

from propwatch.ingest.decode import decode

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-eval"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    names = sorted(json.loads((args.data / "gold.json").read_text(encoding="utf-8")))
    args.out.mkdir(parents=True, exist_ok=True)
    start, done = time.perf_counter(), 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS)
        viewport = {"width": 1280, "height": 900}
        context = browser.new_context(java_script_enabled=False, viewport=viewport)

        def block(route: Route) -> None:
            route.abort()

        context.route("**/*", block)
        page = context.new_page()
        for name in names[: args.limit]:
            target = args.out / (name.removesuffix(".html.gz") + ".txt")
            if target.exists():
                continue
            html = decode(gzip.decompress((args.data / "pages" / name).read_bytes()), name).text
            try:
                page.set_content(html, wait_until="domcontentloaded", timeout=20_000)
                text = page.evaluate("() => document.body ? document.body.innerText : ''")
            except Exception as exc:  # noqa: BLE001 - a page that does not render is reported
                print(f"{name}: {type(exc).__name__}: {str(exc)[:120]}", file=sys.stderr)
                page.close()
                page = context.new_page()
                continue
            target.write_text(text, encoding="utf-8")
            done += 1
            if done % 50 == 0:
                print(f"{done} pages, {time.perf_counter() - start:.0f} s", flush=True)
        browser.close()
    print(f"rendered {done} pages into {args.out} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
