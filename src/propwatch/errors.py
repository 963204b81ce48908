"""One exception tree; every message says what to do next.

    PropwatchError
     +-- InputError         an input cannot be read or is not usable (names file and line)
     +-- ConfigError        a setting or option is wrong
     +-- StoreError         the database cannot be opened, migrated or written
     +-- ModelError         a shipped model or an optional extra is missing or broken
     +-- MissingExtraError  an optional extra is not installed (names the pip install)

Names and reasons that come from outside (file names, exception texts) go through
``one_line`` before they are part of a message, so a file name holding a newline or a
terminal escape sequence is shown escaped and every reason stays one line.
"""

from __future__ import annotations

import unicodedata


class PropwatchError(Exception):
    """Base of every error propwatch raises on purpose."""


class InputError(PropwatchError):
    def __init__(self, where: str, reason: str, kind: str = "unreadable") -> None:
        super().__init__(f"{one_line(where)}: {one_line(reason)}")
        self.where = where
        self.reason = reason
        self.kind = kind


class ConfigError(PropwatchError):
    pass


class StoreError(PropwatchError):
    pass


class ModelError(PropwatchError):
    pass


class MissingExtraError(ModelError):
    def __init__(self, what: str, extra: str) -> None:
        super().__init__(f"{what} needs the '{extra}' extra: pip install 'propwatch[{extra}]'")
        self.extra = extra


def one_line(text: str, limit: int = 300) -> str:
    """``text`` safe to print on one terminal line: control and format characters (newline,
    ESC, C1 controls, bidi overrides, lone surrogates) are written as ``\\x1b``-style escapes
    and anything past ``limit`` characters is cut with an ellipsis."""
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    shown = "".join(out)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def describe_exception(exc: BaseException) -> str:
    """``TypeName: message`` of an unexpected exception, on one line."""
    message = one_line(str(exc), limit=200)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
