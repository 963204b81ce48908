"""Fit the plain-text line labeller on browser renderings of ../shared/data/extraction-eval.

Labels come from the gold snippets: a unit that overlaps a ``with`` snippet is body (1), one
that overlaps a ``without`` snippet is not (0); other units are unlabelled and not fitted.
The model is fitted on the dev half (settings chosen by 5-fold cross-validation over pages
inside it) and scored once on the test half with the snippet scoring of
bench/extract_text_eval.py.  Stage 1 labels units from their own and their neighbours'
features; stage 2 adds windows of the stage-1 probabilities (fitted on out-of-fold stage-1
output).  ``--out`` writes both stages as arrays (npz) for the package.

    .venv/bin/python bench/extract_text_fit.py --renderings /tmp/propwatch-renderings
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from extract_html_eval import DATA, Score, _flat, half_of
from extract_line_features import unit_features, window_mean
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import GroupKFold

from propwatch.extract.units import Unit, make_units, split_lines


@dataclass
class Page:
    name: str
    text: str
    units: list[Unit]
    x: np.ndarray
    y: np.ndarray  # 1 body, 0 not body, -1 unlabelled
    gold: dict[str, list[str]]


def _flat_map(raw: str) -> tuple[str, list[int]]:
    """``raw`` with whitespace runs as one space, and the raw offset of each flat character."""
    out: list[str] = []
    where: list[int] = []
    space = True
    for i, c in enumerate(raw):
        if c.isspace():
            if not space:
                out.append(" ")
                where.append(i)
            space = True
        else:
            out.append(c)
            where.append(i)
            space = False
    return "".join(out), where


def labels(text: str, units: list[Unit], gold: dict[str, list[str]]) -> np.ndarray:
    flat, where = _flat_map(text)
    starts = np.array([u.start for u in units])
    ends = np.array([u.lines[-1].end for u in units])
    y = np.full(len(units), -1)
    for value, key in ((0, "without"), (1, "with")):
        for snippet in gold[key]:
            s = _flat(snippet)
            if not s:
                continue
            at = flat.find(s)
            while at >= 0:
                lo, hi = where[at], where[at + len(s) - 1] + 1
                y[(starts < hi) & (ends > lo)] = value
                at = flat.find(s, at + 1)
    return y


def load(data: Path, renderings: Path) -> list[Page]:
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for name in sorted(gold):
        path = renderings / (name.removesuffix(".html.gz") + ".txt")
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        units = make_units(split_lines(text))
        if not units:
            continue
        x = unit_features(units)
        pages.append(Page(name, text, units, x, labels(text, units, gold[name]), gold[name]))
    return pages


_STAGE2_WINDOWS = (1, 2, 5, 15)


def stage2_features(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Stage-1 features plus windows of the stage-1 probabilities around each unit."""
    n = len(p)
    cols = [p]
    for w in _STAGE2_WINDOWS:
        cols.append(window_mean(p, w))
    cmax = np.maximum.accumulate(p)
    rmax = np.maximum.accumulate(p[::-1])[::-1]
    cols += [np.concatenate([[0.0], cmax[:-1]]), np.concatenate([rmax[1:], [0.0]])]
    cols.append(np.full(n, p.max() if n else 0.0))
    return np.hstack([x, np.column_stack(cols)])


def _model(trees: int, depth: int) -> GradientBoostingClassifier:
    return GradientBoostingClassifier(
        n_estimators=trees, max_depth=depth, learning_rate=0.1, subsample=0.8, random_state=0
    )


def _stack(pages: list[Page], xs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, ys, groups = [], [], []
    for k, (page, x) in enumerate(zip(pages, xs, strict=True)):
        keep = page.y >= 0
        rows.append(x[keep])
        ys.append(page.y[keep])
        groups.append(np.full(int(keep.sum()), k))
    return np.vstack(rows), np.concatenate(ys), np.concatenate(groups)


def score_pages(pages: list[Page], probs: list[np.ndarray], threshold: float) -> Score:
    s = Score()
    for page, p in zip(pages, probs, strict=True):
        kept = "\n\n".join(u.text for u, q in zip(page.units, p, strict=True) if q >= threshold)
        flat = _flat(kept)
        for snippet in page.gold["with"]:
            s.tp += _flat(snippet) in flat
            s.fn += _flat(snippet) not in flat
        for snippet in page.gold["without"]:
            s.fp += _flat(snippet) in flat
            s.tn += _flat(snippet) not in flat
        s.pages += 1
    return s


def fit_two_stage(
    pages: list[Page], trees: int, depth: int
) -> tuple[GradientBoostingClassifier, GradientBoostingClassifier]:
    """Stage 1 on all pages; stage 2 on out-of-fold stage-1 probabilities."""
    x, y, g = _stack(pages, [p.x for p in pages])
    oof = [np.zeros(len(p.units)) for p in pages]
    for tr, _ in GroupKFold(5).split(x, y, g):
        train_pages = sorted(set(g[tr]))
        m = _model(trees, depth).fit(x[tr], y[tr])
        for k in set(range(len(pages))) - set(train_pages):
            oof[k] = m.predict_proba(pages[k].x)[:, 1]
    first = _model(trees, depth).fit(x, y)
    x2, y2, _ = _stack(pages, [stage2_features(p.x, q) for p, q in zip(pages, oof, strict=True)])
    second = _model(trees, depth).fit(x2, y2)
    return first, second


def predict(
    models: tuple[GradientBoostingClassifier, GradientBoostingClassifier], page: Page, stages: int
) -> np.ndarray:
    p = models[0].predict_proba(page.x)[:, 1]
    if stages == 1:
        return p
    return models[1].predict_proba(stage2_features(page.x, p))[:, 1]


class TreeArrays:
    """A fitted binary GradientBoostingClassifier as padded arrays, evaluated with numpy only
    (what the package would ship as npz)."""

    def __init__(self, model: GradientBoostingClassifier, x: np.ndarray) -> None:
        trees = [t[0].tree_ for t in model.estimators_]
        width = max(t.node_count for t in trees)
        self.depth = max(t.max_depth for t in trees)
        shape = (len(trees), width)
        self.feature = np.zeros(shape, dtype=np.int32)
        self.threshold = np.zeros(shape, dtype=np.float64)
        self.left = np.full(shape, -1, dtype=np.int32)
        self.right = np.full(shape, -1, dtype=np.int32)
        self.value = np.zeros(shape, dtype=np.float64)
        for k, t in enumerate(trees):
            m = t.node_count
            self.feature[k, :m] = np.maximum(t.feature, 0)
            self.threshold[k, :m] = t.threshold
            self.left[k, :m] = t.children_left
            self.right[k, :m] = t.children_right
            self.value[k, :m] = t.value[:, 0, 0]
        self.rate = model.learning_rate
        raw = model.decision_function(x[:1])[0]
        self.base = float(raw - self.rate * self._sum(x[:1])[0])

    def _sum(self, x: np.ndarray) -> np.ndarray:
        xf = x.astype(np.float32).astype(np.float64)  # as sklearn compares
        n, t = len(x), self.feature.shape[0]
        node = np.zeros((n, t), dtype=np.int32)
        trees = np.arange(t)[None, :]
        rows = np.arange(n)[:, None]
        for _ in range(self.depth):
            feat = self.feature[trees, node]
            go_left = xf[rows, feat] <= self.threshold[trees, node]
            nxt = np.where(go_left, self.left[trees, node], self.right[trees, node])
            node = np.where(self.left[trees, node] < 0, node, nxt)
        return self.value[trees, node].sum(axis=1)

    def proba(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(self.base + self.rate * self._sum(x))))


def _runtime(
    models: tuple[GradientBoostingClassifier, GradientBoostingClassifier],
    pages: list[Page],
    stages: int,
) -> None:
    """Features + numpy tree evaluation per page, timed, checked against sklearn."""
    arrays = [
        TreeArrays(m, pages[0].x if k == 0 else stage2_features(pages[0].x, pages[0].x[:, 0]))
        for k, m in enumerate(models)
    ]
    start = time.process_time()
    worst = 0.0
    for page in pages:
        x = unit_features(page.units)
        p = arrays[0].proba(x)
        if stages == 2:
            p = arrays[1].proba(stage2_features(x, p))
        worst = max(worst, float(np.abs(p - predict(models, page, stages)).max()))
    ms = 1000 * (time.process_time() - start) / len(pages)
    print(f"run time (features + numpy trees): {ms:.1f} ms/page; max |p - sklearn p| {worst:.2e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--renderings", type=Path, required=True)
    parser.add_argument("--grid", default="100:3,100:4", help="trees:depth settings to choose from")
    args = parser.parse_args(argv)
    pages = load(args.data, args.renderings)
    if not pages:
        print(f"no renderings in {args.renderings}", file=sys.stderr)
        return 2
    dev = [p for p in pages if half_of(p.name) == "dev"]
    test = [p for p in pages if half_of(p.name) == "test"]
    labelled = sum(int((p.y >= 0).sum()) for p in pages)
    print(f"pages dev {len(dev)} test {len(test)}; labelled units {labelled}", flush=True)
    groups = np.arange(len(dev)) % 5
    best: tuple[float, int, int, int, float] | None = None
    for setting in args.grid.split(","):
        trees, depth = map(int, setting.split(":"))
        probs: dict[int, list[np.ndarray]] = {1: [None] * len(dev), 2: [None] * len(dev)}  # type: ignore[list-item]
        for fold in range(5):
            train = [p for k, p in enumerate(dev) if groups[k] != fold]
            models = fit_two_stage(train, trees, depth)
            for k, p in enumerate(dev):
                if groups[k] == fold:
                    for stages in (1, 2):
                        probs[stages][k] = predict(models, p, stages)
        for stages in (1, 2):
            for thr in (0.3, 0.4, 0.5, 0.6):
                f = score_pages(dev, probs[stages], thr).prf()[2]
                print(
                    f"cv dev trees {trees} depth {depth} stages {stages} thr {thr}: F1 {f:.3f}",
                    flush=True,
                )
                if best is None or f > best[0]:
                    best = (f, trees, depth, stages, thr)
    assert best is not None
    f, trees, depth, stages, thr = best
    print(f"chosen: trees {trees} depth {depth} stages {stages} thr {thr} (cv dev F1 {f:.3f})")
    models = fit_two_stage(dev, trees, depth)
    for label, half in (("dev (fitted)", dev), ("test", test)):
        p, r, f1 = score_pages(half, [predict(models, q, stages) for q in half], thr).prf()
        print(f"labeller {label:12s} P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    _runtime(models, test, stages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
