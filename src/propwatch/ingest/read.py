"""Find the inputs a user named and read each into RawDocuments, never stopping the batch.

Inputs are files, folders (recursive), glob patterns and ``-`` for standard input.
Supported: ``.txt``, ``.html``/``.htm``, ``.jsonl`` (one article per line).  Every problem
becomes an InputError *value* naming the file (and line), so one broken file among 10,000
costs only itself.
"""

from __future__ import annotations

import glob
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from propwatch.errors import InputError
from propwatch.ingest.decode import decode
from propwatch.model import RawDocument

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = set(TEXT_SUFFIXES) | JSONL_SUFFIXES
META_KEYS = ("title", "url", "outlet", "published", "author")

ReadResult = RawDocument | InputError


@dataclass(frozen=True)
class Input:
    """One named input: a file path, or ``-`` for standard input (read once, then kept)."""

    path: str
    stdin_data: bytes | None = None


def find_inputs(names: Iterable[str]) -> tuple[list[Input], list[InputError]]:
    """Expand files, folders and globs in a stable order; report names that match nothing."""
    inputs: list[Input] = []
    errors: list[InputError] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = str(path)
        if key not in seen:
            seen.add(key)
            inputs.append(Input(key))

    for name in names:
        if name == "-":
            inputs.append(Input("-", sys.stdin.buffer.read()))
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _hidden(child.relative_to(path)):
                    add(child)
        elif path.is_file():
            add(path)
        elif glob.has_magic(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                errors.append(InputError(name, "pattern matches no file", kind="missing"))
            for match in matches:
                found = Path(match)
                if found.is_dir():
                    errors.extend(find_inputs([match])[1])
                    inputs.extend(find_inputs([match])[0])
                else:
                    add(found)
        else:
            errors.append(InputError(name, "no such file or folder", kind="missing"))
    return inputs, errors


def read_input(item: Input, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[ReadResult]:
    """Yield the documents in one input, or InputErrors for what cannot be read."""
    where = "<stdin>" if item.path == "-" else item.path
    suffix = Path(item.path).suffix.lower()
    if item.path != "-" and suffix not in SUPPORTED:
        yield InputError(
            where, f"unsupported file type '{suffix or 'none'}' (use .txt, .html, .htm or .jsonl)",
            kind="unsupported",
        )
        return
    try:
        data = item.stdin_data if item.stdin_data is not None else _read_bytes(item.path, max_bytes)
        if len(data) > max_bytes:
            raise InputError(where, _too_large(len(data), max_bytes), kind="too-large")
        text = decode(data, where)
    except InputError as error:
        yield error
        return
    kind = _sniff(text) if item.path == "-" else ("jsonl" if suffix in JSONL_SUFFIXES else None)
    if kind == "jsonl":
        yield from _jsonl_records(text, where)
    else:
        yield RawDocument(where, text, kind or TEXT_SUFFIXES[suffix])


def _read_bytes(path: str, max_bytes: int) -> bytes:
    try:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise InputError(path, _too_large(size, max_bytes), kind="too-large")
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}", kind="unreadable") from exc


def _too_large(size: int, limit: int) -> str:
    return (
        f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit "
        "(raise it with --max-size)"
    )


def _jsonl_records(text: str, where: str) -> Iterator[ReadResult]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield _record(line, where, number)
        except InputError as error:
            yield error


def _record(line: str, where: str, number: int) -> RawDocument:
    here = f"{where}:{number}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(here, f"not valid JSON ({exc.msg} at column {exc.colno})",
                         kind="bad-jsonl") from exc
    if not isinstance(obj, dict):
        raise InputError(here, "each line must be a JSON object", kind="bad-jsonl")
    html, text = obj.get("html"), obj.get("text")
    body = html if isinstance(html, str) and html.strip() else text
    if not isinstance(body, str) or not body.strip():
        raise InputError(here, "record has no non-empty 'text' or 'html' field", kind="bad-jsonl")
    meta = {k: str(obj[k]).strip() for k in META_KEYS if obj.get(k) not in (None, "")}
    content_type = "html" if body is html else "text"
    return RawDocument(where, body, content_type, line=number, meta=meta)


def _sniff(text: str) -> str:
    head = text.lstrip()[:1024].lower()
    if head.startswith("{"):
        return "jsonl"
    if head.startswith("<!doctype html") or "<html" in head or "<body" in head:
        return "html"
    return "text"


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
