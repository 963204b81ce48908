"""Read the EUvsDisinfo database export (``claims.csv``) into known claims.

Columns: ``date, id, title, countries, keywords, languages, outlets``; ``id`` is the case's
URL on euvsdisinfo.eu (the key and the citation link), ``title`` the claim.  Multi-valued
fields are joined with ``+`` and may end in scraper residue ("Show more").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

from propwatch.errors import InputError
from propwatch.ingest import read_text_file
from propwatch.store.kb import KnownClaim

SOURCE = "EUvsDisinfo"
REQUIRED = ("date", "id", "title")
MULTI = ("countries", "keywords", "languages", "outlets")
MAX_RECORD_LINES = 20  # a quoted field longer than this is taken as an unclosed quote
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")


def read_euvsdisinfo(path: Path) -> Iterator[KnownClaim | InputError]:
    """Known claims in file order; a malformed row yields an InputError naming its line."""
    text = read_text_file(str(path))
    rows = csv_rows(text, str(path))
    first = next(rows, None)
    if first is None:
        raise InputError(f"{path}:1", "empty file; expected a header row")
    if isinstance(first, InputError):
        raise InputError(first.where, f"not CSV: {first.reason}")
    _, header = first
    columns = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(
            f"{path}:1",
            f"missing column(s) {', '.join(missing)}; an EUvsDisinfo export has "
            "date,id,title,countries,keywords,languages,outlets",
        )
    for item in csv_rows(text, str(path), skip=1, fields=len(columns)):
        if isinstance(item, InputError):
            yield item
            continue
        number, values = item
        if any(v.strip() for v in values):
            yield _row(columns, values, f"{path}:{number}")


def csv_rows(
    text: str, where: str, skip: int = 0, fields: int | None = None
) -> Iterator[tuple[int, list[str]] | InputError]:
    """(1-based line, values) of every CSV record after the first ``skip`` lines.

    Broken quoting is reported by line and parsing resumes on the next line, so it never
    merges the rows that follow into one: a quoted field may span at most
    ``MAX_RECORD_LINES`` lines, must be closed before the file ends, and a record spanning
    several lines is refused when it has the wrong number of fields or when one of its
    continuation lines is a complete row by itself.
    """
    lines = _LINES.findall(text)
    index = skip
    while index < len(lines):
        window = (lines[j] for j in range(index, min(index + MAX_RECORD_LINES, len(lines))))
        reader = csv.reader(window, strict=True)
        here = f"{where}:{index + 1}"
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield InputError(here, f"broken quoting ({exc}); the row is skipped",
                             kind="malformed")
            index += 1
            continue
        used = max(reader.line_num, 1)
        if used > 1 and fields is not None and _merged(lines[index + 1 : index + used], fields,
                                                        len(values)):
            yield InputError(here, f"a quoted field opened on line {index + 1} runs over "
                             f"{used - 1} more line(s) (broken quoting); the row is skipped",
                             kind="malformed")
            index += 1
            continue
        yield index + 1, values
        index += used


def _merged(continuation: list[str], fields: int, found: int) -> bool:
    if found != fields:
        return True
    for line in continuation:
        try:
            if len(next(csv.reader([line]))) == fields:
                return True
        except (csv.Error, StopIteration):
            continue
    return False


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
