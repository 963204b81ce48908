"""Parquet shards: one record a row, with the same fields as a JSONL line.

Columns ``text`` or ``html`` plus optional ``title``, ``url``, ``outlet``, ``published``,
``author``; other columns are ignored and only the needed ones are read.  Rows are read a
batch at a time, so a shard of any size costs one batch of memory; a row whose body is
larger than ``max_bytes`` is skipped (kind ``too-large``).  Reading needs pyarrow (the
``parquet`` extra; the ``ray`` extra brings it too).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from propwatch.errors import InputError

if TYPE_CHECKING:
    from propwatch.model import RawDocument

PARQUET_SUFFIXES = {".parquet"}
COLUMNS = ("text", "html", "title", "url", "outlet", "published", "author")
BATCH_ROWS = 256


def parquet_records(path: str, max_bytes: int) -> Iterator[RawDocument | InputError]:
    """The documents of one Parquet file, or InputErrors naming the file and row."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield InputError(path, "reading .parquet needs pyarrow: pip install "
                               "'propwatch[parquet]'", kind="unsupported")
        return
    number = 0
    try:
        shard = pq.ParquetFile(path)
        present = [c for c in COLUMNS if c in shard.schema_arrow.names]
        if "text" not in present and "html" not in present:
            yield InputError(path, "Parquet file has no 'text' or 'html' column",
                             kind="bad-jsonl")
            return
        for batch in shard.iter_batches(batch_size=BATCH_ROWS, columns=present):
            for row in batch.to_pylist():
                number += 1
                yield from _row(row, path, number, max_bytes)
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        yield InputError(path if not number else f"{path}:{number + 1}",
                         f"cannot read Parquet: {exc}")


def _row(row: dict[str, object], path: str, number: int,
         max_bytes: int) -> Iterator[RawDocument | InputError]:
    from propwatch.ingest.read import record_document, too_large  # read.py imports this module

    size = sum(len(v.encode("utf-8", "surrogatepass")) for v in row.values()
               if isinstance(v, str))
    if size > max_bytes:
        yield InputError(f"{path}:{number}", too_large("record", size, max_bytes),
                         kind="too-large")
        return
    try:
        yield record_document(row, path, number, "utf-8")
    except InputError as error:
        yield error
