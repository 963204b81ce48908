"""Bytes to text: UTF-8 first, then a real charset detector; binary input is refused."""

from __future__ import annotations

import charset_normalizer

from propwatch.errors import InputError

# Bytes that never appear in text files (C0 controls other than tab, newline, form feed, CR).
_CONTROL = set(range(0, 9)) | {11} | set(range(14, 27)) | set(range(28, 32))


def decode(data: bytes, where: str) -> str:
    """Decode ``data`` read from ``where`` or raise InputError saying why it is not text."""
    if not data.strip():
        raise InputError(where, "file is empty", kind="empty")
    if b"\x00" in data[:8192] and not _is_utf16(data):
        raise InputError(where, "file is binary, not text (it contains NUL bytes)", kind="binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(where, "file is binary or in an unknown encoding", kind="binary")
    text = str(best)
    sample = text[:8192].encode("utf-8", "replace")
    if sum(b in _CONTROL for b in sample) > len(sample) * 0.01:
        raise InputError(where, "file is binary, not text (control bytes)", kind="binary")
    return text


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff")
