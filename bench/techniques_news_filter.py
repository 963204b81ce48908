"""Analyst judgements of technique spans on news articles and the acceptance filter learnt
from them (propwatch.techniques.acceptance).

Usage:
  python bench/techniques_news_filter.py dump OUT.tsv     # tag, write spans to judge
  python bench/techniques_news_filter.py fit [--write]    # cross-validate on the fit part,
                                                          # write accept.npz + min_accept
  python bench/techniques_news_filter.py heldout          # accepted share, held-out part
  python bench/techniques_news_filter.py agreement        # second reading against the first

The articles: every file of ../shared/data/news-unlabeled outside the 50 mainstream
articles of bench/techniques_mainstream.py (disjoint from that target measure).  Spans of
the precise and the balanced profile (the model without the filter) were dumped and judged
by one reader, each in its sentence (bench/data/README.md); task 11e added the balanced
spans of 99 more fit-part articles (at most 3 each) and a blind second reading of 60
judged spans (``agreement``).  An article belongs to the
held-out part when the first hex digit of the SHA-1 of its file name is below 5 (5 of 16),
else to the fit part; the split is fixed before any fit.

``fit``: features of every judged span of the fit part (its own profile's confidence), an
L2 logistic regression; the L2 strength is chosen by 5-fold cross-validation over articles
(log-loss), the floor on the out-of-fold probabilities of the fit part's *precise* spans:
the lowest floor at which the kept spans reach an accepted share of ``TARGET`` while at
least ``MIN_KEPT`` of the precise spans remain (else the floor with the highest share).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from techniques_mainstream import articles as mainstream_articles  # noqa: E402

from propwatch.model import Span  # noqa: E402
from propwatch.techniques.acceptance import (  # noqa: E402
    ACCEPT_FILE,
    FEATURES,
    AcceptanceFilter,
    ArticleCues,
    span_features,
)
from propwatch.techniques.heads import sentence_ranges  # noqa: E402
from propwatch.techniques.ptc import read_text  # noqa: E402
from propwatch.techniques.tagger import DEFAULT_MODEL_DIR, Tagger  # noqa: E402

NEWS = Path("../shared/data/news-unlabeled")
DATA = Path(__file__).parent / "data"
JUDGED = DATA / "techniques_news_judged.tsv"
#: A blind second reading of 60 random judged spans (bench/data/README.md).
REJUDGED = DATA / "techniques_news_rejudged.tsv"
FIELDS = ["file", "start", "end", "technique", "profile", "confidence", "text", "sentence",
          "verdict", "reason"]
L2_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
TARGET = 0.75
MIN_KEPT = 0.25
FOLDS = 5


def other_articles() -> list[Path]:
    """news-unlabeled articles outside the 50 mainstream ones (sorted by name)."""
    taken = {p.name for p in mainstream_articles()}
    return [p for p in sorted(NEWS.glob("article*.txt")) if p.name not in taken]


def held_out(name: str) -> bool:
    return int(hashlib.sha1(name.encode()).hexdigest()[0], 16) < 5


def unfiltered(profile: str) -> Tagger:
    tagger = Tagger(profile=profile)
    tagger.accept = None  # the spans before the filter
    return tagger


def dump(out: Path) -> None:
    precise, balanced = unfiltered("precise"), unfiltered("balanced")
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, FIELDS[:-2], delimiter="\t", lineterminator="\n")
        w.writeheader()
        for k, p in enumerate(other_articles()):
            text = read_text(p)
            tok = precise.token_outputs([text])[0]
            shown = {}
            for tagger in (balanced, precise):
                for s in tagger.decode(text, tok).techniques:
                    shown[(s.start, s.end, s.label)] = (tagger.profile, s.score or 0.0)
            ranges = sentence_ranges(text)
            for (a, b, lab), (prof, sc) in sorted(shown.items()):
                sent = " ".join(text[x:y] for x, y in ranges if x < b and y > a)
                w.writerow({"file": p.name, "start": a, "end": b, "technique": lab,
                            "profile": prof, "confidence": f"{sc:.3f}", "text": text[a:b],
                            "sentence": sent.replace("\n", " ").replace("\t", " ")[:600]})
            fh.flush()
            print(k, p.name, len(shown), flush=True)


def load_judged() -> list[dict[str, str]]:
    with JUDGED.open(encoding="utf-8", newline="") as fh:
        return [r for r in csv.DictReader(fh, delimiter="\t") if r["verdict"] in ("accept",
                                                                                 "reject")]


def featurise(
    rows: Sequence[dict[str, str]],
) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Features of each judged span as its own profile shows it now (rows whose span the
    profile no longer shows are left out), whether it was accepted, its file, whether it
    is a precise span."""
    taggers = {name: unfiltered(name) for name in ("precise", "balanced")}
    by_file: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_file.setdefault(r["file"], []).append(r)
    feats: list[list[float]] = []
    ok: list[float] = []
    files: list[str] = []
    precise: list[bool] = []
    for name in sorted(by_file):
        text = read_text(NEWS / name)
        tok = taggers["precise"].token_outputs([text])[0]
        sentences = sentence_ranges(text)
        cues = ArticleCues.of(text, sentences)
        shown = {prof: {(s.start, s.end, s.label): s for s in t.decode(text, tok).techniques}
                 for prof, t in taggers.items()}
        for r in by_file[name]:
            span: Span | None = shown[r["profile"]].get(
                (int(r["start"]), int(r["end"]), r["technique"]))
            if span is None:
                continue
            feats.append(span_features(text, span, sentences, cues))
            ok.append(float(r["verdict"] == "accept"))
            files.append(name)
            precise.append(r["profile"] == "precise")
    return (np.asarray(feats, np.float64), np.asarray(ok, np.float64), files,
            np.asarray(precise, bool))


def folds_of(files: Sequence[str]) -> np.ndarray:
    return np.asarray([int(hashlib.sha1(f.encode()).hexdigest()[-2:], 16) % FOLDS
                       for f in files])


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float) -> np.ndarray:
    p = np.zeros(len(y))
    for k in range(FOLDS):
        test = folds == k
        if test.any():
            p[test] = AcceptanceFilter.fit(x[~test], y[~test], l2).probabilities(x[test])
    return p


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def roc_auc(p: np.ndarray, y: np.ndarray) -> float:
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    gt = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(gt / (len(pos) * len(neg)))


def choose_floor(p: np.ndarray, y: np.ndarray) -> tuple[float, float, int]:
    """(floor, accepted share kept, spans kept) on out-of-fold probabilities."""
    best: tuple[float, float, int] | None = None
    min_kept = int(np.ceil(MIN_KEPT * len(p)))
    for q in [0.0, *sorted(set(np.round(p, 4)))]:
        kept = p >= q
        n = int(kept.sum())
        if n < min_kept:
            break
        share = float(y[kept].mean())
        if share >= TARGET:
            return float(q), share, n
        if best is None or share > best[1]:
            best = (float(q), share, n)
    assert best is not None
    return best


def fit(write: bool) -> None:
    rows = [r for r in load_judged() if not held_out(r["file"])]
    x, y, files, precise = featurise(rows)
    folds = folds_of(files)
    print(f"fit part: {len(y)} judged spans ({int(y.sum())} accepted) in {len(set(files))} "
          f"articles")
    scores = {l2: out_of_fold(x, y, folds, l2) for l2 in L2_GRID}
    for l2, p in scores.items():
        print(f"  L2 {l2:5.1f}: out-of-fold log-loss {log_loss(p, y):.4f}, "
              f"ROC AUC {roc_auc(p, y):.3f}")
    l2 = min(L2_GRID, key=lambda v: log_loss(scores[v], y))
    p = scores[l2]
    conf = x[:, FEATURES.index("confidence logit")]
    print(f"chosen L2 {l2}; ROC AUC for accepted, out of fold: filter {roc_auc(p, y):.3f}, "
          f"confidence alone {roc_auc(conf, y):.3f}")
    floor, share, kept = choose_floor(p[precise], y[precise])
    n_prec = int(precise.sum())
    print(f"precise spans of the fit part: {n_prec}, accepted {y[precise].mean():.3f}; floor "
          f"{floor:.4f} keeps {kept} ({share:.3f} accepted, out of fold)")
    model = AcceptanceFilter.fit(x, y, l2)
    for name, w, m, s in zip(FEATURES, model.weights, model.mean, model.scale, strict=True):
        print(f"  {name:22s} weight {w:+.3f} (mean {m:.3f}, scale {s:.3f})")
    if write:
        model.save(DEFAULT_MODEL_DIR / ACCEPT_FILE)
        path = DEFAULT_MODEL_DIR / "config.json"
        conf_json = json.loads(path.read_text(encoding="utf-8"))
        conf_json["profiles"]["precise"]["sentence"]["min_accept"] = round(floor, 4)
        path.write_text(json.dumps(conf_json, indent=1), encoding="utf-8")
        print(f"written: {DEFAULT_MODEL_DIR / ACCEPT_FILE}, min_accept in {path}")


def heldout() -> None:
    """Accepted share of the precise spans on the held-out part, without and with the
    shipped filter (every span the filtered profile shows was judged: it filters only)."""
    rows = [r for r in load_judged() if held_out(r["file"]) and r["profile"] == "precise"]
    verdict = {(r["file"], int(r["start"]), int(r["end"]), r["technique"]): r["verdict"]
               for r in rows}
    tagger = Tagger(profile="precise")
    files = sorted({p.name for p in other_articles() if held_out(p.name)})
    before = after = acc_before = acc_after = unjudged = 0
    for name in files:
        text = read_text(NEWS / name)
        for s in tagger.tag(text):
            v = verdict.get((name, s.start, s.end, s.label))
            if v is None:
                unjudged += 1
                continue
            after += 1
            acc_after += v == "accept"
    before = len(rows)
    acc_before = sum(1 for r in rows if r["verdict"] == "accept")
    print(f"held-out part: {len(files)} articles; precise spans judged {before}, accepted "
          f"{acc_before} ({acc_before / max(1, before):.3f}); with the filter {after} shown, "
          f"accepted {acc_after} ({acc_after / max(1, after):.3f}); not judged {unjudged}")


def agreement() -> None:
    """Raw agreement and Cohen's kappa of the second reading with the first."""
    from sklearn.metrics import cohen_kappa_score
    first = {(r["file"], r["start"], r["end"], r["technique"], r["profile"]): r["verdict"]
             for r in load_judged()}
    with REJUDGED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    a = [first[(r["file"], r["start"], r["end"], r["technique"], r["profile"])] for r in rows]
    b = [r["verdict"] for r in rows]
    same = sum(x == y for x, y in zip(a, b, strict=True))
    print(f"{len(rows)} spans read twice: {same} same verdict ({same / len(rows):.3f}), "
          f"Cohen's kappa {cohen_kappa_score(a, b):.3f}; accepted {a.count('accept')} first, "
          f"{b.count('accept')} second")
    for (x, y), r in zip(zip(a, b, strict=True), rows, strict=True):
        if x != y:
            print(f"  {r['file']} {r['start']}-{r['end']} {r['technique']}: {x} -> {y} "
                  f"({r['reason']})")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    f = sub.add_parser("fit")
    f.add_argument("--write", action="store_true")
    sub.add_parser("heldout")
    sub.add_parser("agreement")
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out)
    elif args.cmd == "fit":
        fit(args.write)
    elif args.cmd == "agreement":
        agreement()
    else:
        heldout()


if __name__ == "__main__":
    main()
