"""Library side of ``propwatch tag`` and ``propwatch eval ptc``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from propwatch.errors import InputError
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.ptc import doc_id, load_ptc, read_text
from propwatch.techniques.scorer import PRF, SpanT, span_scores, tc_scores
from propwatch.techniques.tagger import Analysis, Tagger, default_tagger
from propwatch.techniques.tune import predict_gold_labels


def input_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given; directories contribute their ``*.txt`` files (recursively, sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(str(p), "no such file or directory")
    return out


@dataclass
class TaggedFile:
    path: Path
    id: str
    text: str
    analysis: Analysis


def tag_files(
    paths: Sequence[Path], tagger: Tagger | None = None, batch: int = 8
) -> Iterator[TaggedFile]:
    """Tag each file's text exactly as stored (UTF-8, newlines untouched, no cleaning)."""
    tagger = tagger or default_tagger()
    files = input_files(paths)
    for b in range(0, len(files), batch):
        chunk = files[b : b + batch]
        texts = [read_text(p) for p in chunk]
        for p, text, res in zip(chunk, texts, tagger.analyse(texts), strict=True):
            yield TaggedFile(p, doc_id(p), text, res)


def semeval_lines(tf: TaggedFile) -> list[str]:
    return [f"{tf.id}\t{s.label}\t{s.start}\t{s.end}" for s in tf.analysis.techniques]


def jsonl_record(tf: TaggedFile) -> dict[str, Any]:
    return {
        "id": tf.id,
        "file": str(tf.path),
        "techniques": [
            {
                "technique": s.label,
                "start": s.start,
                "end": s.end,
                "score": round(s.score or 0.0, 4),
                "text": tf.text[s.start : s.end],
                "profile": s.data.get("profile"),
                "source": s.data.get("source"),
            }
            for s in tf.analysis.techniques
        ],
        "propaganda": [
            {"start": s.start, "end": s.end, "score": round(s.score or 0.0, 4)}
            for s in tf.analysis.propaganda
        ],
    }


@dataclass
class EvalResult:
    n_articles: int
    si: PRF
    tc: PRF
    tc_per: dict[str, PRF]
    flc: PRF
    flc_per: dict[str, PRF]


def evaluate_ptc(
    root: Path, tagger: Tagger | None = None, ids: Sequence[str] | None = None
) -> EvalResult:
    """Tag every article of a PTC directory and score SI, TC (on gold spans) and FLC."""
    tagger = tagger or default_tagger()
    arts = load_ptc(root, ids)
    if not arts:
        raise InputError(str(root), "no articles to evaluate")
    gold: dict[str, list[SpanT]] = {}
    si: dict[str, list[SpanT]] = {}
    flc: dict[str, list[SpanT]] = {}
    tc: dict[str, list[SpanT]] = {}
    batch = 8
    for b in range(0, len(arts), batch):
        chunk = arts[b : b + batch]
        for art, res in zip(chunk, tagger.analyse([a.text for a in chunk]), strict=True):
            gold[art.id] = [(s.start, s.end, s.label) for s in art.spans]
            si[art.id] = [(s.start, s.end, s.label) for s in res.propaganda]
            flc[art.id] = [(s.start, s.end, s.label) for s in res.techniques]
            tc[art.id] = [
                (s.start, s.end, s.label)
                for s in predict_gold_labels(art.text, res.tokens, art.spans, tagger.decode_cfg)
            ]
    si_all, _ = span_scores(si, gold)
    flc_all, flc_per = span_scores(flc, gold, TECHNIQUES)
    tc_all, tc_per = tc_scores(tc, gold, TECHNIQUES)
    return EvalResult(len(arts), si_all, tc_all, tc_per, flc_all, flc_per)


def format_eval(res: EvalResult) -> str:
    def row(name: str, p: PRF) -> str:
        return (
            f"{name:<36} {p.precision:6.3f} {p.recall:6.3f} {p.f1:6.3f} {p.n_pred:6d} {p.n_gold:6d}"
        )

    head = f"{'':<36} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}"
    lines = [
        f"articles: {res.n_articles}",
        head,
        row("SI (spans, no technique)", res.si),
        row("TC (technique of gold spans, micro)", res.tc),
        row("FLC (spans + technique)", res.flc),
        "",
        "TC per technique",
        head,
    ]
    lines += [row(t, res.tc_per[t]) for t in TECHNIQUES]
    lines += ["", "FLC per technique", head]
    lines += [row(t, res.flc_per[t]) for t in TECHNIQUES]
    return "\n".join(lines)


def split_of(root: Path, part: str, seed: int = 13) -> list[str] | None:
    """Article ids of one part of the seeded training split (None for ``all``)."""
    if part == "all":
        return None
    from propwatch.techniques.ptc import split_ids

    ids = [doc_id(p) for p in sorted((root / "articles").glob("article*.txt"))]
    return list(getattr(split_ids(ids, seed=seed), part))
