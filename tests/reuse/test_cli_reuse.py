from __future__ import annotations

import json
from collections.abc import Callable

from click.testing import CliRunner

from propwatch.cli import main
from propwatch.store import Store

Add = Callable[..., str]  # the ``add`` fixture
Story = Callable[..., str]  # the ``story`` fixture


def test_reuse_json_and_table(store: Store, add: Add, story: Story) -> None:
    text = story(60)
    a = add(text, outlet="One", published="2020-01-02")
    b = add(text + "\n\nShare this", outlet="Two", published="2020-01-01")
    add(story(61))
    path = store.path
    store.close()
    result = CliRunner().invoke(main, ["reuse", "--db", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (cluster,) = data["clusters"]
    assert sorted(cluster["articles"]) == sorted([a, b]) and cluster["earliest"] == b
    (pair,) = cluster["pairs"]
    assert set(pair) == {"a", "b", "relation", "jaccard", "a_in_b", "b_in_a"}
    assert pair["relation"] == "duplicate"
    table = CliRunner().invoke(main, ["reuse", "--db", path])
    assert table.exit_code == 0 and b in table.stdout and "duplicate" in table.stdout
    none = CliRunner().invoke(main, ["reuse", "--db", path, "--limit", "0"])
    assert none.exit_code == 0 and b in none.stdout
