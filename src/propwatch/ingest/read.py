"""Read the inputs ``find_inputs`` found into RawDocuments, never stopping the batch.

Supported: ``.txt``, ``.html``/``.htm``, ``.jsonl`` (one article per line) and ``-`` for
standard input.  Every problem becomes an InputError *value* naming the file (and line), so
one broken file among 10,000 costs only itself.

Bounds: a text or HTML file may hold at most ``max_bytes``; a JSONL file may be of any size,
but each line (one record) may hold at most ``max_bytes``, is read with that cap (an
over-long line is skipped without being held in memory) and is split on ``\\n`` only, so a
U+2028 inside a JSON string is just a character.  Special files are never opened for
reading (a FIFO would block forever): the file is opened non-blocking and checked to be a
regular file before a byte is read.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from propwatch.errors import InputError
from propwatch.ingest.decode import SAMPLE, decode, utf16_with_bom, utf16_without_bom
from propwatch.ingest.find import Input, special_file_reason
from propwatch.ingest.parquet import PARQUET_SUFFIXES, parquet_records
from propwatch.model import RawDocument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = set(TEXT_SUFFIXES) | JSONL_SUFFIXES
META_KEYS = ("title", "url", "outlet", "published", "author")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CHUNK = 1 << 20

ReadResult = RawDocument | InputError


def read_input(item: Input, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadResult]:
    """Yield the documents in one input, or InputErrors for what cannot be read."""
    if item.path == "-":
        yield from _read_stdin(item.stdin_data or b"", max_bytes)
        return
    suffix = Path(item.path).suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        yield from parquet_records(item.path, max_bytes)
        return
    if suffix not in SUPPORTED:
        yield InputError(
            item.path,
            f"unsupported file type '{suffix or 'none'}' "
            "(use .txt, .html, .htm, .jsonl or .parquet)",
            kind="unsupported",
        )
        return
    try:
        handle = _open_regular(item.path)
    except InputError as error:
        yield error
        return
    with handle:
        if suffix in JSONL_SUFFIXES:
            yield from _jsonl_file(handle, item.path, max_bytes)
            return
        try:
            data = _read_capped(handle, item.path, max_bytes)
            decoded = decode(data, item.path)
        except InputError as error:
            yield error
            return
        yield RawDocument(item.path, decoded.text, TEXT_SUFFIXES[suffix], decode=decoded.note)


def read_text_file(path: str, max_bytes: int = DEFAULT_MAX_BYTES * 10) -> str:
    """One whole file as text, decoded like any input (strict UTF-8, else a legacy encoding
    on evidence); a FIFO or device is refused without blocking."""
    with _open_regular(path) as handle:
        return decode(_read_capped(handle, path, max_bytes), path).text


def _open_regular(path: str) -> BinaryIO:
    """Open ``path`` for reading without blocking, refusing anything but a regular file."""
    try:
        reason = special_file_reason(os.stat(path).st_mode)
        if reason:
            raise InputError(path, reason, kind="special")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        reason = special_file_reason(os.fstat(fd).st_mode)
        if reason:
            os.close(fd)
            raise InputError(path, reason, kind="special")
        return os.fdopen(fd, "rb")
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}", kind="unreadable") from exc


def _read_capped(handle: BinaryIO, where: str, max_bytes: int) -> bytes:
    try:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise InputError(where, too_large("file", size, max_bytes), kind="too-large")
        data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(where, f"cannot read: {exc.strerror or exc}", kind="unreadable") from exc
    if len(data) > max_bytes:
        raise InputError(where, too_large("file", len(data), max_bytes), kind="too-large")
    return data


def too_large(what: str, size: int, limit: int) -> str:
    return (
        f"{what} is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit "
        "(raise it with --max-size)"
    )


# -- JSON Lines -----------------------------------------------------------------------------


def _jsonl_file(handle: BinaryIO, where: str, max_bytes: int) -> Iterator[ReadResult]:
    """Records of a JSONL file, streamed line by line with each line capped at ``max_bytes``."""
    head = handle.read(SAMPLE)
    if utf16_with_bom(head) or utf16_without_bom(head):
        # UTF-16/32: newline bytes cannot be found before decoding; read whole, capped.
        try:
            data = head + _read_capped(handle, where, max(max_bytes - len(head), 0))
            decoded = decode(data, where)
        except InputError as error:
            yield error
            return
        for number, text in enumerate(decoded.text.split("\n"), start=1):
            if text.strip():
                yield from _guarded(text.rstrip("\r"), where, number, decoded.note)
        return
    handle.seek(0)
    number = 0
    try:
        while True:
            line = handle.readline(max_bytes + 1)
            if not line:
                return
            number += 1
            if len(line) > max_bytes and not line.endswith(b"\n"):
                size = len(line) + _skip_rest_of_line(handle)
                yield InputError(f"{where}:{number}", too_large("line", size, max_bytes),
                                 kind="too-large")
                continue
            yield from _line_record(line, where, number, max_bytes)
    except OSError as exc:
        yield InputError(f"{where}:{number + 1}", f"cannot read: {exc.strerror or exc}",
                         kind="unreadable")


def _skip_rest_of_line(handle: BinaryIO) -> int:
    skipped = 0
    while True:
        chunk = handle.readline(_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _line_record(line: bytes, where: str, number: int, max_bytes: int) -> Iterator[ReadResult]:
    line = line.rstrip(b"\r\n")
    if not line.strip():
        return
    here = f"{where}:{number}"
    if len(line) > max_bytes:
        yield InputError(here, too_large("line", len(line), max_bytes), kind="too-large")
        return
    try:
        decoded = decode(line, here)
    except InputError as error:
        yield InputError(error.where, error.reason, kind="bad-jsonl")
        return
    yield from _guarded(decoded.text, where, number, decoded.note)


def _guarded(line: str, where: str, number: int, note: str) -> Iterator[ReadResult]:
    try:
        yield _record(line, where, number, note)
    except InputError as error:
        yield error


def _record(line: str, where: str, number: int, note: str) -> RawDocument:
    return record_document(parse_json_object(line, f"{where}:{number}"), where, number, note)


def record_document(obj: dict[str, object], where: str, number: int, note: str) -> RawDocument:
    """One record (a JSONL line's object, a Parquet row) as a document; an InputError
    naming the file and record says what is wrong with it."""
    here = f"{where}:{number}"
    html, text = obj.get("html"), obj.get("text")
    body = html if isinstance(html, str) and html.strip() else text
    if not isinstance(body, str) or not body.strip():
        raise InputError(here, "record has no non-empty 'text' or 'html' field", kind="bad-jsonl")
    content_type = "html" if body is html else "text"
    meta: dict[str, str] = {}
    for key in META_KEYS:
        value = obj.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InputError(here, f"field '{key}' must be a string", kind="bad-jsonl")
        meta[key] = str(value).strip()
    if meta.get("url"):
        _check_url(meta["url"], here)
    fixed = [value for value in [body, *meta.values()] if _SURROGATE.search(value)]
    if fixed:
        body = _SURROGATE.sub("\ufffd", body)
        meta = {k: _SURROGATE.sub("\ufffd", v) for k, v in meta.items()}
        count = sum(len(_SURROGATE.findall(v)) for v in fixed)
        note += f"; {count} lone surrogate escape{'s' if count != 1 else ''} replaced by U+FFFD"
    return RawDocument(where, body, content_type, line=number, meta=meta, decode=note)


def parse_json_object(line: str, here: str) -> dict[str, object]:
    """One JSONL line as a JSON object, or an InputError saying what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(here, f"not valid JSON ({exc.msg} at column {exc.colno})",
                         kind="bad-jsonl") from exc
    except RecursionError as exc:
        raise InputError(here, "JSON nested too deeply to read (thousands of levels)",
                         kind="bad-jsonl") from exc
    if not isinstance(obj, dict):
        raise InputError(here, "each line must be a JSON object", kind="bad-jsonl")
    return obj


def _check_url(url: str, here: str) -> None:
    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError as exc:
        raise InputError(here, f"'url' is not a valid URL ({exc})", kind="bad-jsonl") from exc


# -- standard input ---------------------------------------------------------------------------


def _read_stdin(data: bytes, max_bytes: int) -> Iterator[ReadResult]:
    """Standard input is JSONL only when every non-blank line is a JSON object; otherwise it
    is one document (HTML or text, by its start)."""
    where = "<stdin>"
    lines = data.split(b"\n")
    if _all_json_objects(lines):
        for number, line in enumerate(lines, start=1):
            yield from _line_record(line, where, number, max_bytes)
        return
    try:
        if len(data) > max_bytes:
            raise InputError(where, too_large("input", len(data), max_bytes), kind="too-large")
        decoded = decode(data, where)
    except InputError as error:
        yield error
        return
    yield RawDocument(where, decoded.text, _sniff(decoded.text), decode=decoded.note)


def _all_json_objects(lines: list[bytes]) -> bool:
    seen = False
    for line in lines:
        if not line.strip():
            continue
        if not line.lstrip().startswith(b"{"):
            return False
        try:
            if not isinstance(json.loads(line), dict):
                return False
        except (ValueError, RecursionError):
            return False
        seen = True
    return seen


def _sniff(text: str) -> str:
    head = text.lstrip()[:1024].lower()
    if head.startswith("<!doctype html") or "<html" in head or "<body" in head:
        return "html"
    return "text"

