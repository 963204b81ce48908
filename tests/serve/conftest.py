"""A small corpus built by the real analyze path (the demo corpus, its fact checks and one
hostile article), built once per session; tests that write get their own copy."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from propwatch.cli import main

pytest.importorskip("fastapi", reason="the workspace needs the serve extra: make test installs it")

from fastapi.testclient import TestClient  # noqa: E402

from propwatch.serve.app import create_app  # noqa: E402
from propwatch.serve.auth import Access  # noqa: E402
from propwatch.serve.database import Database  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EVIL_TITLE = "Breaking <script>document.title='pwned'</script> news"
EVIL_TEXT = (
    "The corrupt elite lies to you every day, and the traitors in parliament laugh at you. "
    "<img src=x onerror=\"document.title='pwned'\"> They will never stop, never, because "
    "the shameful cowards fear the truth. Everyone already knows the disgraceful regime "
    "has failed. <script>alert('pwned')</script> Wake up before it is too late for all of us."
)


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def build_corpus(db: str, folder: Path) -> None:
    """The demo corpus, its fact checks and one hostile article, analysed into ``db``."""
    evil = folder / "evil.jsonl"
    evil.write_text(json.dumps({
        "title": EVIL_TITLE, "text": EVIL_TEXT, "outlet": "Evil <b>Outlet</b>",
        "published": "2024-02-03", "url": "javascript:alert('pwned')",
    }) + "\n", encoding="utf-8")
    cli("kb", "import", "claimreview", str(ROOT / "demo" / "factchecks.jsonld"), "--db", db)
    cli("analyze", str(ROOT / "demo" / "corpus"), str(evil), "--db", db, "-q")


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    db = folder / "corpus.db"
    build_corpus(str(db), folder)
    return db


@pytest.fixture
def db_copy(corpus_db: Path, tmp_path: Path) -> Path:
    """A private copy of the corpus, for tests that write."""
    target = tmp_path / "copy.db"
    with sqlite3.connect(corpus_db) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    return target


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client() -> MakeClient:
    def make(db: Path | str, token: str | None = None, read_only: bool = False
             ) -> TestClient:
        app = create_app(Database(db, read_only=read_only), Access(token, read_only))
        return TestClient(app, base_url="http://127.0.0.1:8000")

    return make


@pytest.fixture
def client(corpus_db: Path, make_client: MakeClient) -> TestClient:
    return make_client(corpus_db)


def export_records(db: Path) -> dict[str, dict[str, object]]:
    out = cli("export", "--db", str(db), "--format", "jsonl")
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {str(r["id"]): r for r in records}
