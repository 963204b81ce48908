"""Read the EUvsDisinfo database export (``claims.csv``) into known claims.

Columns: ``date, id, title, countries, keywords, languages, outlets``; ``id`` is the case's
URL on euvsdisinfo.eu (the key and the citation link), ``title`` the claim.  Multi-valued
fields are joined with ``+`` and may end in scraper residue ("Show more").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from propwatch.errors import InputError
from propwatch.store.kb import KnownClaim

SOURCE = "EUvsDisinfo"
REQUIRED = ("date", "id", "title")
MULTI = ("countries", "keywords", "languages", "outlets")


def read_euvsdisinfo(path: Path) -> Iterator[KnownClaim | InputError]:
    """Known claims in file order; a malformed row yields an InputError naming its line."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}:1", "empty file; expected a header row") from None
        except csv.Error as exc:
            raise InputError(f"{path}:1", f"not CSV: {exc}") from exc
        columns = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise InputError(
                f"{path}:1",
                f"missing column(s) {', '.join(missing)}; an EUvsDisinfo export has "
                "date,id,title,countries,keywords,languages,outlets",
            )
        line = reader.line_num
        while True:
            start = line + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield InputError(f"{path}:{start}", f"unreadable CSV row: {exc}", kind="malformed")
                line = reader.line_num
                continue
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            item = _row(columns, values, f"{path}:{start}")
            yield item


def _row(columns: list[str], values: list[str], where: str) -> KnownClaim | InputError:
    if len(values) != len(columns):
        return InputError(where, f"has {len(values)} fields, the header has {len(columns)}",
                          kind="malformed")
    row = {c: v.strip() for c, v in zip(columns, values, strict=True)}
    if not row["id"].startswith(("http://", "https://")):
        return InputError(where, f"id {row['id'][:60]!r} is not a URL", kind="malformed")
    if not row["title"]:
        return InputError(where, "empty title", kind="malformed")
    date = row["date"] or None
    if date is not None:
        try:
            date = dt.date.fromisoformat(date[:10]).isoformat()
        except ValueError:
            return InputError(where, f"date {row['date'][:30]!r} is not YYYY-MM-DD",
                              kind="malformed")
    meta = {name: _multi(row.get(name, "")) for name in MULTI if row.get(name)}
    return KnownClaim(
        id=row["id"], dataset="euvsdisinfo", source=SOURCE, text=row["title"], date=date,
        rating="disinformation", url=row["id"], meta=meta,
    )


def _multi(value: str) -> list[str]:
    parts = [p.strip() for p in value.split("+")]
    return [p for p in parts if p and p.lower() != "show more"]
