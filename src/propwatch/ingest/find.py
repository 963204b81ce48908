"""Find the inputs a user named: files, folders (recursive), glob patterns, ``-`` for stdin.

Nothing here opens a file: each name is looked at with ``stat`` only, so a FIFO, socket or
device among the inputs is reported (kind ``special``) instead of blocking the run.  A
folder that cannot be listed, a name the system refuses (a component over 255 bytes) or a
file inside an unreadable folder each become one InputError.  Every file is listed once,
however many names reach it (``good/**`` matches the folder and the files in it), and the
files given in ``exclude`` (the database being written) are left out silently.
"""

from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from propwatch.errors import InputError


@dataclass(frozen=True)
class Input:
    """One named input: a file path, or ``-`` for standard input (read once, then kept)."""

    path: str
    stdin_data: bytes | None = None


@dataclass
class _Found:
    inputs: list[Input] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    exclude: set[tuple[int, int]] = field(default_factory=set)

    def add(self, path: str, st: os.stat_result) -> None:
        key = os.path.normpath(path)
        if key in self.seen or (st.st_dev, st.st_ino) in self.exclude:
            return
        self.seen.add(key)
        reason = special_file_reason(st.st_mode)
        if reason:
            self.errors.append(InputError(key, reason, kind="special"))
        else:
            self.inputs.append(Input(key))

    def fail(self, name: str, exc: OSError) -> None:
        self.errors.append(InputError(name, f"cannot read: {exc.strerror or exc}"))


def find_inputs(
    names: Iterable[str], exclude: Iterable[str] = ()
) -> tuple[list[Input], list[InputError]]:
    """Expand files, folders and globs in a stable order; report names that match nothing
    and names that cannot be read."""
    found = _Found(exclude=_identities(exclude))
    for name in names:
        if name == "-":
            found.inputs.append(Input("-", sys.stdin.buffer.read()))
            continue
        try:
            st = os.stat(name)
        except FileNotFoundError:
            if glob.has_magic(name):
                _expand_glob(name, found)
            else:
                found.errors.append(InputError(name, "no such file or folder", kind="missing"))
            continue
        except (OSError, ValueError) as exc:
            _refused(name, exc, found)
            continue
        _visit(name, st, found)
    return found.inputs, found.errors


def special_file_reason(mode: int) -> str | None:
    """Why a file of this ``st_mode`` is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISDIR, "a folder"))
    what = next((name for test, name in kinds if test(mode)), "not a regular file")
    return f"is {what}, not a regular file; skipped without reading it"


def _visit(name: str, st: os.stat_result, found: _Found) -> None:
    if stat.S_ISDIR(st.st_mode):
        _walk(name, found)
    else:
        found.add(name, st)


def _walk(folder: str, found: _Found) -> None:
    """Every non-hidden file under ``folder``, sorted by path; symlinked folders not followed."""
    files: list[tuple[str, os.stat_result]] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                listed = list(entries)
        except OSError as exc:
            found.fail(current, exc)
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    files.append((entry.path, entry.stat()))
            except OSError as exc:
                found.fail(entry.path, exc)
    for path, st in sorted(files, key=lambda item: item[0]):
        found.add(path, st)


def _expand_glob(pattern: str, found: _Found) -> None:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        found.errors.append(InputError(pattern, "pattern matches no file", kind="missing"))
    for match in matches:
        try:
            st = os.stat(match)
        except OSError as exc:
            found.fail(match, exc)
            continue
        _visit(match, st, found)


def _refused(name: str, exc: OSError | ValueError, found: _Found) -> None:
    if isinstance(exc, ValueError):  # e.g. a NUL byte in the name
        found.errors.append(InputError(name, f"not a usable file name ({exc})", kind="missing"))
    else:
        found.fail(name, exc)


def _identities(paths: Iterable[str]) -> set[tuple[int, int]]:
    out = set()
    for path in paths:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            continue
        out.add((st.st_dev, st.st_ino))
    return out
