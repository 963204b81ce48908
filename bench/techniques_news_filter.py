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

``fit``: inputs of every judged span of the fit part (its own profile's confidence), an
L2 logistic regression; the L2 strength is chosen by 5-fold cross-validation over articles
(log-loss), the floor on the out-of-fold probabilities of the fit part's *precise* spans:
the lowest floor at which the kept spans reach an accepted share of ``TARGET`` while at
least ``MIN_KEPT`` of the precise spans remain (else the floor with the highest share).
The inputs (task 11f): from the six of task 11a with the register over the span's
paragraph (``BASE``), forward selection over ``CANDIDATES``: the candidate that lowers the
out-of-fold log-loss most is added while it lowers it by at least ``MIN_GAIN``; the
command prints the cross-validation table (markdown) of every step.  Task 11h: the
paragraph's article prior is a candidate, and the precise profile's operating point (a
common raw-score floor and ``min_accept``) is chosen jointly on PTC validation (at least
``MIN_VAL_SPANS`` SI spans at precision ``VAL_PRECISION``) and the out-of-fold acceptance of
the fit part's judged token spans (``choose_operating_point``); ``--write`` writes both.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from techniques_mainstream import articles as mainstream_articles  # noqa: E402

from propwatch.model import Span  # noqa: E402
from propwatch.techniques.acceptance import (  # noqa: E402
    ACCEPT_FILE,
    INPUTS,
    AcceptanceFilter,
    fit_standardised,
    input_rows,
    logistic,
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


#: Inputs the forward selection may add beyond :data:`INPUTS` (computed here from the span's
#: data; moved into propwatch.techniques.acceptance only if selected): the head
#: probability of the span's sentence (logit) and its length (log words).
EXTRA = ("head logit", "log words")
#: The six inputs of task 11a with the register over the span's paragraph and the
#: confidence without the article prior.
BASE = ("bias", "own confidence logit", "inside quotation", "paragraph public affairs",
        "paragraph quotation", "severity word", "apt severity")
#: What the forward selection may add to BASE (the inputs task 11e tried that are cheap
#: to compute; the rest scored lower there; task 11h: the paragraph's article prior).
CANDIDATES = ("paragraph second person", "paragraph tagged", *EXTRA, "paragraph prior")
#: An input is added when it lowers the out-of-fold log-loss by at least this much.
MIN_GAIN = 0.003
ALL = (*INPUTS, *EXTRA)


def _logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return float(np.log(p / (1 - p)))


@dataclass
class Judged:
    """The judged spans as their own profiles show them now: every input (:data:`ALL`),
    accepted or not, file, whether a precise span, raw score, whether a token span (one
    the precise profile shows when its raw score reaches the floor)."""

    x: np.ndarray
    y: np.ndarray
    files: list[str]
    precise: np.ndarray
    raw: np.ndarray
    token: np.ndarray


def featurise(rows: Sequence[dict[str, str]]) -> Judged:
    """:class:`Judged` of the judged ``rows`` (rows whose span their profile no longer shows
    are left out)."""
    taggers = {name: unfiltered(name) for name in ("precise", "balanced")}
    by_file: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_file.setdefault(r["file"], []).append(r)
    feats: list[np.ndarray] = []
    ok: list[float] = []
    files: list[str] = []
    precise: list[bool] = []
    raw: list[float] = []
    token: list[bool] = []
    for name in sorted(by_file):
        text = read_text(NEWS / name)
        tok = taggers["precise"].token_outputs([text])[0]
        shown = {prof: {(s.start, s.end, s.label): s for s in t.decode(text, tok).techniques}
                 for prof, t in taggers.items()}
        spans: list[Span] = []
        for r in by_file[name]:
            span: Span | None = shown[r["profile"]].get(
                (int(r["start"]), int(r["end"]), r["technique"]))
            if span is None:
                continue
            spans.append(span)
            ok.append(float(r["verdict"] == "accept"))
            files.append(name)
            precise.append(r["profile"] == "precise")
            raw.append(float(span.data.get("raw_score") or 0.0))
            token.append(span.data.get("source") == "token")
        extra = np.asarray([[_logit(float(s.data.get("head", 0.0))),
                             float(np.log1p(s.data.get("words", 0)))] for s in spans])
        if spans:
            feats.append(np.hstack([input_rows(text, spans, tok, prior=taggers["precise"].prior),
                                    extra]))
    return Judged(np.vstack(feats), np.asarray(ok, np.float64), files,
                  np.asarray(precise, bool), np.asarray(raw), np.asarray(token, bool))


def columns(x: np.ndarray, inputs: Sequence[str]) -> np.ndarray:
    return x[:, [ALL.index(n) for n in inputs]]


def folds_of(files: Sequence[str]) -> np.ndarray:
    return np.asarray([int(hashlib.sha1(f.encode()).hexdigest()[-2:], 16) % FOLDS
                       for f in files])


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: np.ndarray, l2: float) -> np.ndarray:
    """``x``: rows of the inputs fitted (the bias first)."""
    p = np.zeros(len(y))
    for k in range(FOLDS):
        test = folds == k
        if test.any():
            p[test] = logistic(x[test], *fit_standardised(x[~test], y[~test], l2))
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


@dataclass
class Scored:
    """One input set, cross-validated over articles: the L2 chosen by out-of-fold log-loss
    and, at that L2, its out-of-fold probabilities and the floor they give."""

    inputs: tuple[str, ...]
    l2: float
    p: np.ndarray
    loss: float
    floor: tuple[float, float, int]  # floor, accepted share kept, precise spans kept

    def row(self, label: str, y: np.ndarray, precise: np.ndarray) -> str:
        floor, share, kept = self.floor
        return (f"| {label} | {self.loss:.4f} | {roc_auc(self.p, y):.3f} | "
                f"{roc_auc(self.p[precise], y[precise]):.3f} | {self.l2:g} | "
                f"{kept} of {int(precise.sum())} at {floor:.4f} | {share:.3f} |")


def cross_validate(x: np.ndarray, y: np.ndarray, folds: np.ndarray, precise: np.ndarray,
                   inputs: Sequence[str]) -> Scored:
    cols = columns(x, inputs)
    scores = {l2: out_of_fold(cols, y, folds, l2) for l2 in L2_GRID}
    l2 = min(L2_GRID, key=lambda v: log_loss(scores[v], y))
    p = scores[l2]
    return Scored(tuple(inputs), l2, p, log_loss(p, y), choose_floor(p[precise], y[precise]))


def forward_selection(x: np.ndarray, y: np.ndarray, folds: np.ndarray,
                      precise: np.ndarray) -> tuple[Scored, list[str]]:
    """From :data:`BASE`, add the candidate that lowers the out-of-fold log-loss most while
    it lowers it by at least :data:`MIN_GAIN`; the table rows of each step."""
    current = cross_validate(x, y, folds, precise, BASE)
    lines = []
    left = list(CANDIDATES)
    while left:
        tried = {c: cross_validate(x, y, folds, precise, (*current.inputs, c)) for c in left}
        best = min(tried, key=lambda c: tried[c].loss)
        gain = current.loss - tried[best].loss
        for c in left:
            lines.append(tried[c].row(f"step {len(current.inputs) - len(BASE) + 1}: + {c}",
                                      y, precise))
        if gain < MIN_GAIN:
            lines.append(f"| (best gain {gain:.4f} < {MIN_GAIN}: stop) | | | | | | |")
            break
        current = tried[best]
        left.remove(best)
    return current, lines


def _salted_folds(files: Sequence[str], salt: int) -> np.ndarray:
    return np.asarray([int(hashlib.sha1(f"{salt}:{f}".encode()).hexdigest()[-2:], 16) % FOLDS
                       for f in files])


#: The operating point of the precise profile (task 11h): a common raw-score floor for
#: every technique and the acceptance floor, chosen jointly on PTC validation and the
#: out-of-fold acceptance of the fit part's judged token spans.
RAW_GRID = (0.70, 0.75, 0.80, 0.83, 0.86)
ACCEPT_GRID = tuple(round(0.05 * k, 2) for k in range(1, 15))
#: At least this many (merged) SI spans on the 30 PTC validation articles (one per
#: article, as the raw-score floor of 11b), at SI precision VAL_PRECISION, and at least
#: MIN_JUDGED judged fit-part spans kept (a share of fewer is noise).
MIN_VAL_SPANS = 30
VAL_PRECISION = 0.60
MIN_JUDGED = 10
PTC = Path("../shared/data/ptc")


def _merged(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if out and a < out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b, "propaganda") for a, b in out]


def validation_candidates(model: AcceptanceFilter) -> tuple[
        dict[str, list[tuple[int, int, float, float]]], dict[str, list[tuple[int, int, str]]]]:
    """Per PTC validation article, every precise candidate (raw floors and acceptance floor
    off) as (start, end, raw score, acceptance by ``model``), and the gold spans."""
    from dataclasses import replace

    from techniques_cache import token_outputs

    from propwatch.techniques.ptc import load_ptc, split_ids

    tagger = Tagger(profile="precise")
    model.prior = tagger.prior
    tagger.accept = model
    tagger.decode_cfg = replace(tagger.decode_cfg, min_scores=None)
    assert tagger.sentence_cfg is not None
    tagger.sentence_cfg.min_accept = 0.0
    arts = load_ptc(PTC)
    split = split_ids([a.id for a in arts], seed=int(tagger.config["split"]["seed"]))
    val = [a for a in arts if a.id in set(split.val)]
    outs = token_outputs(tagger, val)
    cands = {a.id: [(s.start, s.end, float(s.data["raw_score"]), float(s.data["accept"]))
                    for s in tagger.decode(a.text, outs[a.id]).techniques] for a in val}
    gold = {a.id: [(s.start, s.end, s.label) for s in a.spans] for a in val}
    return cands, gold


def choose_operating_point(model: AcceptanceFilter, judged: Judged,
                           oof: np.ndarray) -> tuple[float, float]:
    """(raw floor, acceptance floor): among the points of RAW_GRID x ACCEPT_GRID keeping at
    least MIN_VAL_SPANS SI spans on PTC validation at SI precision VAL_PRECISION and at
    least MIN_JUDGED judged fit-part token spans, the one whose kept judged spans (by their
    out-of-fold acceptance ``oof``) have the highest accepted share; ties: more validation
    spans, then lower floors.  If no point qualifies, the most precise on validation with
    MIN_VAL_SPANS spans.  Prints the grid (markdown)."""
    from propwatch.techniques.scorer import span_scores

    cands, gold = validation_candidates(model)
    print("| raw floor | acceptance floor | val SI spans | val SI P | val SI R | judged fit "
          "spans kept | accepted share (out of fold) |")
    print("|---|---|---|---|---|---|---|")
    points = []
    for r in RAW_GRID:
        for a in ACCEPT_GRID:
            pred = {i: _merged([(s, e) for s, e, raw, acc in c if raw >= r and acc >= a])
                    for i, c in cands.items()}
            si = span_scores(pred, gold)[0]
            kept = judged.token & (judged.raw >= r) & (oof >= a)
            n = int(kept.sum())
            share = float(judged.y[kept].mean()) if n else 0.0
            points.append((r, a, si.n_pred, si.precision, n, share))
            print(f"| {r:.2f} | {a:.2f} | {si.n_pred} | {si.precision:.3f} | "
                  f"{si.recall:.3f} | {n} | {share:.3f} |")
    ok = [q for q in points if q[2] >= MIN_VAL_SPANS and q[3] >= VAL_PRECISION
          and q[4] >= MIN_JUDGED]
    if ok:
        best = max(ok, key=lambda q: (round(q[5], 6), q[2], -q[0], -q[1]))
    else:
        enough = [q for q in points if q[2] >= MIN_VAL_SPANS]
        best = max(enough, key=lambda q: (q[3], q[2]))
    print(f"chosen: raw floor {best[0]:.2f}, acceptance floor {best[1]:.2f}: validation "
          f"{best[2]} SI spans at P {best[3]:.3f}; {best[4]} judged fit spans kept, "
          f"{best[5]:.3f} accepted (out of fold){'' if ok else ' (no point qualified)'}")
    return best[0], best[1]


def fit(write: bool) -> None:
    """Cross-validation table, forward selection of the inputs, the filter refit on the
    whole fit part with the chosen inputs and L2, and the floor (``--write``: into the
    shipped model)."""
    rows = [r for r in load_judged() if not held_out(r["file"])]
    judged = featurise(rows)
    x, y, files, precise = judged.x, judged.y, judged.files, judged.precise
    folds = folds_of(files)
    print(f"fit part: {len(y)} judged spans ({int(y.sum())} accepted) in {len(set(files))} "
          f"articles; precise {int(precise.sum())} ({int(y[precise].sum())} accepted)")
    print("| inputs (out of fold) | log-loss | ROC AUC | AUC, precise spans | L2 | floor keeps "
          "(precise) | accepted share kept |")
    print("|---|---|---|---|---|---|---|")
    base = cross_validate(x, y, folds, precise, BASE)
    print(base.row("the 6 inputs of 11a, register over the paragraph", y, precise))
    whole = [n.replace("paragraph", "article").replace("own confidence", "confidence")
             for n in BASE]
    print(cross_validate(x, y, folds, precise, whole).row(
        "the 6 inputs of 11a as 11a computes them (whole text, confidence with the prior)",
        y, precise))
    for n in BASE[1:]:
        print(cross_validate(x, y, folds, precise, [m for m in BASE if m != n]).row(
            f"6 inputs - {n}", y, precise))
    chosen, steps = forward_selection(x, y, folds, precise)
    for line in steps:
        print(line)
    label = "chosen: " + " + ".join(["6 inputs", *chosen.inputs[len(BASE):]])
    print(chosen.row(f"**{label}**", y, precise))
    extra = [n.replace("paragraph", "article").replace("own confidence", "confidence")
             for n in chosen.inputs]
    print(cross_validate(x, y, folds, precise, extra).row(
        "the chosen inputs over the whole text, confidence with the prior (for comparison)",
        y, precise))
    print("10 other fold assignments (out-of-fold log-loss, mean +- sd):")
    for s_ in (base, chosen):
        losses = [cross_validate(x, y, _salted_folds(files, k), precise, s_.inputs).loss
                  for k in range(10)]
        print(f"  {len(s_.inputs) - 1} inputs: {np.mean(losses):.4f} +- {np.std(losses):.4f}")
    conf = x[:, ALL.index("own confidence logit")]
    print(f"chosen L2 {chosen.l2}; ROC AUC for accepted, out of fold: filter "
          f"{roc_auc(chosen.p, y):.3f}, confidence alone {roc_auc(conf, y):.3f}")
    floor, share, kept = chosen.floor
    print(f"precise spans of the fit part: {int(precise.sum())}, accepted "
          f"{y[precise].mean():.3f}; the floor rule of 11a would give {floor:.4f}, keeping "
          f"{kept} ({share:.3f} accepted, out of fold)")
    if any(n not in INPUTS for n in chosen.inputs):
        raise SystemExit(f"chosen inputs {chosen.inputs} are not all in "
                         "propwatch.techniques.acceptance.INPUTS: add them there first")
    model = AcceptanceFilter.fit(chosen.inputs, columns(x, chosen.inputs), y, chosen.l2)
    for name, w, m, sc in zip(model.inputs, model.weights, model.mean, model.scale,
                              strict=True):
        print(f"  {name:26s} weight {w:+.3f} (mean {m:.3f}, scale {sc:.3f})")
    raw_floor, floor = choose_operating_point(model, judged, chosen.p)
    if write:
        model.prior = None
        model.save(DEFAULT_MODEL_DIR / ACCEPT_FILE)
        path = DEFAULT_MODEL_DIR / "config.json"
        conf_json = json.loads(path.read_text(encoding="utf-8"))
        precise_json = conf_json["profiles"]["precise"]
        precise_json["decode"]["min_scores"] = {t: raw_floor
                                                for t in precise_json["decode"]["min_scores"]}
        precise_json["sentence"]["min_accept"] = round(floor, 4)
        path.write_text(json.dumps(conf_json, indent=1), encoding="utf-8")
        print(f"written: {DEFAULT_MODEL_DIR / ACCEPT_FILE}, min_scores and min_accept in "
              f"{path}")


def heldout() -> None:
    """Accepted share of the precise spans on the held-out part: of every judged precise
    row, and of the spans the shipped profile shows (judged under either profile; spans
    nobody judged are counted apart)."""
    judged = [r for r in load_judged() if held_out(r["file"])]
    rows = [r for r in judged if r["profile"] == "precise"]
    # A span's verdict whichever profile it was judged under (the precise row if both).
    verdict = {(r["file"], int(r["start"]), int(r["end"]), r["technique"]): r["verdict"]
               for r in sorted(judged, key=lambda r: r["profile"] == "precise")}
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
