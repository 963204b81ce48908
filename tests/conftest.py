from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).parent))
import pgserver  # noqa: E402  (a sibling helper module, shared with bench/)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests need the shared data beside the checkout")
    return path


@pytest.fixture
def shared() -> Callable[..., Path]:
    """``shared("samples", "seeds")``: a path under ../shared, or skip saying it is absent."""
    return shared_path


@pytest.fixture
def demo_corpus() -> Path:
    return ROOT / "demo" / "corpus"


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def page() -> Iterator[Any]:
    """A page in Debian's headless Chromium (driven by Playwright), or skip saying why."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: `make test` installs it (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1200, "height": 900})
        browser.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.Server]:
    """One throw-away PostgreSQL server for the whole run, stopped and removed afterwards
    (also when tests fail), or skip saying what is missing."""
    bin_dir = pgserver.find_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (no initdb): `make test` installs Debian's "
                    "postgresql package")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install -e '.[postgres]'")
    server = pgserver.Server(bin_dir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """``--db`` for a new, empty database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "p.db")
    server: pgserver.Server = request.getfixturevalue("pg_server")
    return server.create_database()
