"""Aliases: names that mean the same thing (Daesh = ISIS = Islamic State = IS).

The shipped list is ``aliases.tsv`` beside this module (one group per line, tab-separated,
canonical name first); users add groups to their database with ``propwatch kb alias add``.
``Aliases.canonicalise`` rewrites every alias in a text to its canonical name, so that the
keyword index and the sentence embeddings see one spelling.

Matching an alias ignores case and the characters in ``SEPARATORS`` ("Deir ez-Zor",
"Deir Ez Zor" and "Deir Ezzor" are one name), except that an all-capitals alias of up to
three letters ("IS", "US") matches only in capitals, so "is" and "us" stay words.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

from propwatch.errors import InputError

SEPARATORS = "\\s\\-'\u2019\u2018`.\u2010\u2011\u2013"
_SEP = f"[{SEPARATORS}]*"
_APOSTROPHE = "['\u2019\u2018`]?"


def shipped_path() -> Path:
    return Path(str(resources.files("propwatch.kb") / "aliases.tsv"))


def read_groups(path: Path) -> list[tuple[str, list[str]]]:
    """Groups from a TSV file; a line with fewer than two names is reported by line."""
    groups: list[tuple[str, list[str]]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        names = [n.strip() for n in line.split("\t") if n.strip()]
        if len(names) < 2:
            raise InputError(f"{path}:{number}", "an alias line needs a canonical name, a tab "
                             "and at least one alias")
        groups.append((names[0], names[1:]))
    return groups


def _key(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def _pattern(name: str) -> tuple[str, bool]:
    """(regex, case_sensitive) for one name.

    Words may be joined by any run of separators or none ("Deir ez-Zor" = "Deir Ezzor");
    inside a word only an apostrophe may appear ("Daesh" = "Da'esh").
    """
    norm = unicodedata.normalize("NFKC", name)
    words = [w for w in re.split(f"[{SEPARATORS}]+", norm) if w]
    chars = [ch for ch in norm if ch.isalnum()]
    strict = len(chars) <= 3 and all(ch.isupper() for ch in chars)
    body = _SEP.join(_APOSTROPHE.join(re.escape(ch) for ch in word) for word in words)
    if norm.endswith("."):  # "U.S." takes its final dot along
        body += r"\.?"
    return rf"(?<!\w){body}(?!\w)", strict


@dataclass(frozen=True)
class Aliases:
    groups: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def build(cls, groups: Iterable[tuple[str, Sequence[str]]]) -> Aliases:
        """Merge groups that share a canonical name; later groups add to earlier ones."""
        merged: dict[str, list[str]] = {}
        for canonical, names in groups:
            bucket = merged.setdefault(canonical, [])
            for name in names:
                if name not in bucket and name != canonical:
                    bucket.append(name)
        return cls(tuple((c, tuple(n)) for c, n in merged.items()))

    @classmethod
    def load(cls, extra: Iterable[tuple[str, str]] = ()) -> Aliases:
        """The shipped list plus (canonical, alias) pairs from the database."""
        pairs: dict[str, list[str]] = {}
        for canonical, alias in extra:
            pairs.setdefault(canonical, []).append(alias)
        return cls.build([*read_groups(shipped_path()), *pairs.items()])

    @cached_property
    def fingerprint(self) -> str:
        text = "\n".join(c + "\t" + "\t".join(sorted(n)) for c, n in sorted(self.groups))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]

    def canonical_of(self, name: str) -> str | None:
        key = _key(name)
        for canonical, names in self.groups:
            if key in {_key(canonical), *(_key(n) for n in names)}:
                return canonical
        return None

    def canonicalise(self, text: str) -> str:
        return _compiled(self).sub(text)


_WORD = re.compile(r"\w+")


def _head(text: str) -> str:
    """The first two letters or digits of ``text``, casefolded (the index key of a name)."""
    out = ""
    for ch in text:
        if ch.isalnum():
            out += ch.casefold()
            if len(out) == 2:
                break
    return out


class _Replacer:
    """Finds names at word starts through an index on their first two letters."""

    def __init__(self, aliases: Aliases) -> None:
        entries: list[tuple[int, str, re.Pattern[str], str]] = []
        for canonical, names in aliases.groups:
            for name in (canonical, *names):
                if not _key(name):
                    continue
                source, strict = _pattern(name)
                flags = 0 if strict else re.IGNORECASE
                entries.append((len(_key(name)), _head(name), re.compile(source, flags),
                                canonical))
        # longest names first so "Islamic State of Iraq" wins over "Islamic State"
        entries.sort(key=lambda e: -e[0])
        self.index: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for _, head, compiled, canonical in entries:
            self.index.setdefault(head, []).append((compiled, canonical))

    def sub(self, text: str) -> str:
        out: list[str] = []
        done = 0
        index = self.index
        for word in _WORD.finditer(text):
            pos = word.start()
            if pos < done:
                continue
            token = word.group()
            head = token[:2].casefold() if len(token) > 1 else _head(text[pos : pos + 8])
            if head not in index:
                continue
            for regex, canonical in index[head]:
                m = regex.match(text, pos)
                if m:
                    out += [text[done:pos], canonical]
                    done = m.end()
                    break
        out.append(text[done:])
        return "".join(out)


_CACHE: dict[str, _Replacer] = {}


def _compiled(aliases: Aliases) -> _Replacer:
    key = aliases.fingerprint
    if key not in _CACHE:
        _CACHE[key] = _Replacer(aliases)
    return _CACHE[key]


def group_key(text: str) -> str:
    """Normalised text: identical claims filed under several ids share this key."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"\w+", folded)
    return " ".join(words)
