"""The evidence of a plain-text article's metadata is stored and exported next to it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from propwatch.cli import main

BODY = (
    "The council met on Tuesday to discuss the budget for the coming year, and members "
    "argued for several hours about the cost of repairing the old bridge over the river. "
)


def test_outlet_and_title_evidence_is_exported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = (
        f"Bridge Repairs Approved After Long Debate\n\n{BODY * 3}\n\n{BODY * 2}\n\n"
        "© 2026 The Example Ledger. All rights reserved.\n"
    )
    (folder / "story.txt").write_text(page, encoding="utf-8")
    db = tmp_path / "p.db"
    runner = CliRunner()
    assert runner.invoke(main, ["analyze", str(folder), "--db", str(db), "-q"]).exit_code == 0
    out = runner.invoke(main, ["export", "--db", str(db), "--format", "jsonl"]).stdout
    [record] = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert (record["outlet"], record["outlet_from"]) == ("The Example Ledger", "footer")
    assert record["title"] == "Bridge Repairs Approved After Long Debate"
    assert record["title_from"] == "title line"
    assert "author_from" not in record and "date_from" not in record
