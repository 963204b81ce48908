"""One exception tree; every message says what to do next.

    PropwatchError
     +-- InputError         an input cannot be read or is not usable (names file and line)
     +-- ConfigError        a setting or option is wrong
     +-- StoreError         the database cannot be opened, migrated or written
     +-- ModelError         a shipped model or an optional extra is missing or broken
     +-- MissingExtraError  an optional extra is not installed (names the pip install)
"""

from __future__ import annotations


class PropwatchError(Exception):
    """Base of every error propwatch raises on purpose."""


class InputError(PropwatchError):
    def __init__(self, where: str, reason: str, kind: str = "unreadable") -> None:
        super().__init__(f"{where}: {reason}")
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
