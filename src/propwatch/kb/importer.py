"""Import known claims into a propwatch database; re-importing updates rows in place."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from propwatch.errors import ConfigError, InputError
from propwatch.kb.aliases import Aliases, group_key
from propwatch.kb.claimreview import read_claimreview
from propwatch.kb.euvsdisinfo import read_euvsdisinfo
from propwatch.store import Store
from propwatch.store.kb import KbTables, KnownClaim

log = logging.getLogger(__name__)

Reader = Callable[[Path], Iterator[KnownClaim | InputError]]
READERS: dict[str, Reader] = {"euvsdisinfo": read_euvsdisinfo, "claimreview": read_claimreview}
ALIAS_KEY = "aliases_fingerprint"


@dataclass
class ImportSummary:
    path: str
    kind: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[InputError] = field(default_factory=list)
    duplicate_ids: int = 0
    total: int = 0
    groups: int = 0
    seconds: float = 0.0


def current_aliases(tables: KbTables) -> Aliases:
    return Aliases.load(tables.aliases())


def refresh_aliases(tables: KbTables) -> int:
    """Re-canonicalise stored claims if the alias list changed; returns rows changed."""
    aliases = current_aliases(tables)
    if tables.meta(ALIAS_KEY) == aliases.fingerprint:
        return 0
    changed = tables.set_search_texts(
        (rowid, aliases.canonicalise(text)) for rowid, text in list(tables.all_search_texts())
    )
    tables.set_meta(ALIAS_KEY, aliases.fingerprint)
    if changed:
        log.info("aliases changed: %d known claims re-indexed", changed)
    return changed


def import_kb(store: Store, kind: str, path: Path) -> ImportSummary:
    """Import ``path`` as ``kind`` ('euvsdisinfo' or 'claimreview'); malformed rows are skipped."""
    if kind not in READERS:
        raise ConfigError(f"unknown knowledge-base format {kind!r}; use one of "
                          f"{', '.join(sorted(READERS))}")
    t0 = time.perf_counter()
    tables = KbTables(store.conn)
    refresh_aliases(tables)
    aliases = current_aliases(tables)
    summary = ImportSummary(path=str(path), kind=kind)
    seen: dict[str, int] = {}
    rows: list[tuple[KnownClaim, str, str]] = []
    for item in READERS[kind](path):
        if isinstance(item, InputError):
            summary.skipped.append(item)
            log.warning("skipped %s", item)
            continue
        if item.id in seen:
            summary.duplicate_ids += 1
            rows[seen[item.id]] = (item, group_key(item.text), aliases.canonicalise(item.text))
            continue
        seen[item.id] = len(rows)
        rows.append((item, group_key(item.text), aliases.canonicalise(item.text)))
    counts = tables.upsert(rows)
    if counts.added or counts.updated:
        tables.forget_match_runs()  # the next match run looks at every claim again
    summary.added, summary.updated = counts.added, counts.updated
    summary.unchanged = counts.unchanged
    summary.total = tables.count()
    summary.groups = tables.group_count()
    summary.seconds = time.perf_counter() - t0
    return summary


def add_alias(store: Store, canonical: str, aliases: list[str]) -> int:
    """Add aliases of ``canonical`` to the database; stored claims are re-indexed."""
    names = [a.strip() for a in aliases if a.strip()]
    if not canonical.strip() or not names:
        raise ConfigError("give a canonical name and at least one alias")
    tables = KbTables(store.conn)
    added = tables.add_aliases(canonical.strip(), names)
    if refresh_aliases(tables):
        tables.forget_match_runs()
    return added


def list_aliases(store: Store) -> list[tuple[str, list[str]]]:
    tables = KbTables(store.conn)
    return [(c, list(n)) for c, n in current_aliases(tables).groups]
