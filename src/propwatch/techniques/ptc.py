"""Loader for the Propaganda Techniques Corpus (PTC) in the SemEval-2020 Task 11 layout.

``articles/articleID.txt`` holds the text; ``labels-tc/articleID.task2-TC.labels`` holds
``ID<TAB>TECHNIQUE<TAB>START<TAB>END`` lines.  Offsets are Python ``str`` indices into the
file content read as UTF-8 *without* newline translation, so files are read with
``newline=""``: a ``\\r\\n`` stays two characters, exactly as the offsets count them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from propwatch.errors import InputError
from propwatch.model import Span
from propwatch.techniques.labels import INDEX

_ARTICLE_RE = re.compile(r"^article(\d+)$")


def read_text(path: Path) -> str:
    """A file's text exactly as stored (UTF-8, newlines untouched)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read file ({exc.strerror})") from exc


def doc_id(path: Path) -> str:
    """The digits of an ``articleNNN.txt`` name, the file stem otherwise."""
    m = _ARTICLE_RE.match(path.stem)
    return m.group(1) if m else path.stem


@dataclass
class PtcArticle:
    id: str
    text: str
    spans: list[Span] = field(default_factory=list)  # label = technique name
    path: Path | None = None
    labelled: bool = True  # False: extra text whose only targets come from a teacher


def load_unlabelled(folder: Path | str) -> list[PtcArticle]:
    """Plain ``*.txt`` articles without labels (material for distillation)."""
    folder = Path(folder)
    paths = sorted(folder.glob("*.txt"))
    if not paths:
        raise InputError(str(folder), "no .txt articles found")
    return [PtcArticle(f"u-{p.stem}", read_text(p), [], p, labelled=False) for p in paths]


def parse_tc_labels(path: Path, text_len: int | None = None) -> list[tuple[str, Span]]:
    """Read a ``*.task2-TC.labels`` file: ``(article id, Span)`` per non-empty line."""
    out: list[tuple[str, Span]] = []
    for lineno, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4:
            raise InputError(f"{path}:{lineno}", "expected ID<TAB>TECHNIQUE<TAB>START<TAB>END")
        aid, tech, s, e = parts
        if tech not in INDEX:
            raise InputError(f"{path}:{lineno}", f"unknown technique '{tech}'")
        try:
            start, end = int(s), int(e)
        except ValueError as exc:
            raise InputError(f"{path}:{lineno}", "START and END must be integers") from exc
        if not 0 <= start < end or (text_len is not None and end > text_len):
            raise InputError(f"{path}:{lineno}", f"span [{start}, {end}) is outside the text")
        out.append((aid.strip(), Span(start, end, tech)))
    return out


def load_ptc(root: Path | str, ids: Iterable[str] | None = None) -> list[PtcArticle]:
    """Load articles (sorted by id) and their technique spans from a PTC directory.

    ``root`` holds ``articles/`` and, optionally, ``labels-tc/``; an article without a label
    file has no spans.
    """
    root = Path(root)
    art_dir = root / "articles"
    if not art_dir.is_dir():
        raise InputError(str(root), "no articles/ directory: is this a PTC directory?")
    wanted = set(ids) if ids is not None else None
    arts: list[PtcArticle] = []
    for path in sorted(art_dir.glob("article*.txt")):
        aid = doc_id(path)
        if wanted is not None and aid not in wanted:
            continue
        text = read_text(path)
        spans: list[Span] = []
        lab = root / "labels-tc" / f"article{aid}.task2-TC.labels"
        if lab.exists():
            for lab_id, span in parse_tc_labels(lab, len(text)):
                if lab_id != aid:
                    raise InputError(str(lab), f"label for article {lab_id} in file of {aid}")
                spans.append(span)
        spans.sort(key=lambda s: (s.start, s.end, s.label))
        arts.append(PtcArticle(aid, text, spans, path))
    return arts


@dataclass(frozen=True)
class Split:
    train: tuple[str, ...]
    val: tuple[str, ...]
    test: tuple[str, ...]


def split_ids(ids: Sequence[str], seed: int = 13, test: float = 0.2, val: float = 0.1) -> Split:
    """A fixed, seeded article-level split: the same ids and seed give the same split."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    n_test = round(len(order) * test)
    n_val = round(len(order) * val)
    return Split(
        train=tuple(sorted(order[n_test + n_val :])),
        val=tuple(sorted(order[n_test : n_test + n_val])),
        test=tuple(sorted(order[:n_test])),
    )
