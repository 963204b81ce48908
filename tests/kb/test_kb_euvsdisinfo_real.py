from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from propwatch.kb import import_kb
from propwatch.store import Store


def test_full_euvsdisinfo_export_imports_cleanly(
    store: Store, shared: Callable[..., Path]
) -> None:
    path = shared("data", "euvsdisinfo", "claims.csv")
    s = import_kb(store, "euvsdisinfo", path)
    assert (s.added, len(s.skipped), s.total) == (10892, 0, 10892)
    assert s.groups < s.total  # duplicate titles under several ids are grouped
    isis = store.conn.execute(
        "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH 'isis'").fetchone()[0]
    assert isis > 130  # titles saying Daesh, Islamic State or ISIL are all indexed as ISIS
    again = import_kb(store, "euvsdisinfo", path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 10892)
