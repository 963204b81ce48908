"""Fit the plain-text line labeller on browser renderings of ../shared/data/extraction-eval.

Labels of the rendered units come from the set's gold snippets (a unit overlapping a
``with`` snippet is body, one overlapping a ``without`` snippet chrome) and from hints the
page's HTML gives (bench/extract_line_hints.py: its headline, author and date as trafilatura
reads them, its ``<figcaption>`` texts, its comment sections): title, byline, date, caption,
comment (silver body labels from trafilatura's main text are available, ``make_page(silver=
True)``, and off: they lowered held-out F1).  With ``--dense-weight`` > 0 the unlabelled
units between a page's first and last gold body unit are body too (``dense_body``: not
where a strong signal of the unit's own says chrome, not on a page where most of them lie
outside trafilatura's main text, weighted so and at most ``DENSE_PAGE_WEIGHT`` a page; off
by default: on dev CV they did not raise body F1, docs/benchmarks.md, task 15d).  Joins come
from infinite-scroll captures (``--captures``, 1,200 of each kind, shipped since task 15h: 400
taught the join network less): 2-4 renderings joined, the later ones cut to start at their
headline (or first body line) half of the time, as a scroll that shows no second site
header.  The join network is taught in one of four ways, chosen on CV: at the gap holding
each join's boundary (the headline, else the first labelled body unit), the same but at the
gap holding the seam (where the next rendering's text starts) when no gap holds the
boundary, at the seam first, or at the seam first and, when no gap holds seam or boundary,
in the gap nearest the seam whose cut splits right.

Everything is fitted on the dev half.  5-fold cross-validation over dev pages: the label
stages are fitted on four folds and read the fifth fold's pages and captures made of them
(out of fold); the body threshold is chosen on those readings (the lowest within
``BODY_TIE`` of the best F1); the join network (gaps between
body runs, ``propwatch.extract.gaps``) is then cross-validated on the same folds' gaps and
its threshold chosen (captures split right + single pages kept whole).  The final stages are
fitted on all of dev, the final join network on all out-of-fold gaps, the title network
(``fit_titles``, a conditional logit over each header's candidate units) on the out-of-fold
dev readings whose header states the page's HTML headline, and the model written
to src/propwatch/extract/labeller.npz (``--out``).  The test half is scored by
bench/extract_text_eval.py through ``extract()``.

    OMP_NUM_THREADS=1 .venv/bin/python bench/extract_text_fit.py --renderings /tmp/w15/render \
        --hints /tmp/w15/hints.json [--out src/propwatch/extract/labeller.npz]
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from extract_html_eval import DATA, Score, _flat, half_of
from extract_text_meta import same_title
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from propwatch.extract import patterns as P
from propwatch.extract.dates import parse_date
from propwatch.extract.decode import (
    MIN_TITLE,
    TITLE_FLOOR,
    BodyRule,
    Labels,
    body_mask,
    cut_points,
    may_be_title,
)
from propwatch.extract.gaps import Gap, find_gaps, gap_features
from propwatch.extract.labeller import LABELS, Labeller, Net, mean_of_members, stage2_features
from propwatch.extract.lines import FEATURES, unit_features
from propwatch.extract.recurring import normalise
from propwatch.extract.titles import title_features
from propwatch.extract.units import Unit, make_units, split_lines

BODY, CHROME = LABELS.index("body"), LABELS.index("chrome")
# Own features that rule a unit out of the dense body labels (``chrome_signal``).
_SIGNALS = ("short_chrome", "tiny_chrome", "end_marker", "nav_line", "notice", "byline", "date",
            "caption", "date_prefix", "copyright")  # fmt: skip
DENSE_MAX_REPEAT_WORDS = 12  # a line the page repeats is chrome up to this length
# A page's dense labels are used when at least this share of them lies in trafilatura's
# main text of the page's HTML: else the first and last snippets enclose more than the
# article (a sidebar, a footer, a second block of the page).
DENSE_MIN_MAIN_SHARE = 0.5
DENSE_PAGE_WEIGHT = 20.0  # the dense labels of one page weigh at most this many units (not tuned)
SILVER_BODY_WORDS = 15
SILVER_CHROME_WORDS = 10
JOIN_WEIGHT = 5  # each gap holding a join is repeated this often (one gap in tens)
BODY_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
GAP_BODY_GRID = (0.02, 0.05, 0.1)  # between two body units (decode.body_mask)
CONTINUE_BODY_GRID = (0.05, 0.1, 0.2)  # a sentence right after body
# The lowest body threshold whose CV F1 is within this of the best is chosen: a missed body
# sentence loses what an analyst reads in it, a kept chrome line costs less.
BODY_TIE = 0.005
JOIN_TARGETS = ("boundary", "else seam", "seam", "in range")  # fit_join's ways to teach a join
JOIN_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9)
TITLE_L2 = 0.01  # penalty of the title network (not tuned; CV shows 0.001 and 0.1 beside it)
MAX_TITLE_WORDS = 40
MODEL = Path(__file__).resolve().parents[1] / "src" / "propwatch" / "extract" / "labeller.npz"


@dataclass
class Page:
    name: str
    text: str
    units: list[Unit]
    x: np.ndarray
    y: np.ndarray  # label index, -1 unlabelled
    gold: dict[str, list[str]]
    boundary: np.ndarray  # 1 where a unit starts an article after the first
    # In a capture, the first unit of each later rendering (its header, if kept): the
    # boundary is its headline or, with no headline labelled, its first *labelled* body
    # unit, which can sit paragraphs below where the rendering starts.
    seams: tuple[int, ...] = ()
    # The units whose body label is a dense one (``dense_body``), not from the gold or hints.
    dense: np.ndarray | None = None

    def dense_units(self) -> np.ndarray:
        return np.zeros(len(self.y), bool) if self.dense is None else self.dense

    def weights(self, dense_weight: float = 1.0, label_cap: float = 0.0) -> np.ndarray:
        """Weight of each unit's label in the fit: ``dense_weight`` for the dense labels, and
        together no more than ``DENSE_PAGE_WEIGHT`` a page (a table or list of hundreds of
        rows would otherwise outweigh the articles of all other pages); with ``label_cap``
        > 0 the other units of one label weigh together at most that much a page (a page
        with a thread of a hundred comments would otherwise teach more than a hundred
        pages' articles)."""
        dense = self.dense_units()
        share = min(1.0, DENSE_PAGE_WEIGHT / max(int(dense.sum()), 1))
        w = np.where(dense, dense_weight * share, 1.0)
        if label_cap > 0:
            labels = np.where(dense, -1, self.y)
            counts = np.bincount(labels[labels >= 0], minlength=len(LABELS))
            cap = np.minimum(1.0, label_cap / np.maximum(counts, 1))
            w = np.where(labels >= 0, w * cap[np.maximum(labels, 0)], w)
        return w

    def gold_body(self) -> np.ndarray:
        """Units whose body label comes from the gold snippets."""
        return np.asarray((self.y == BODY) & ~self.dense_units())


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


def _snippet_labels(
    text: str, units: list[Unit], gold: dict[str, list[str]], y: np.ndarray
) -> None:
    flat, where = _flat_map(text)
    starts = np.array([u.start for u in units])
    ends = np.array([u.lines[-1].end for u in units])
    for value, key in ((CHROME, "without"), (BODY, "with")):
        for snippet in gold[key]:
            s = _flat(snippet)
            if not s:
                continue
            at = flat.find(s)
            while at >= 0:
                lo, hi = where[at], where[at + len(s) - 1] + 1
                y[(starts < hi) & (ends > lo)] = value
                at = flat.find(s, at + 1)


def _silver_labels(units: list[Unit], hints: dict, y: np.ndarray) -> None:
    """Body where trafilatura's main text of the HTML holds a long unit, chrome for a short
    unit it does not hold; units between are left to the gold (trafilatura errs on them)."""
    lines = hints.get("body") or []
    if not lines:
        return
    whole = {normalise(t, digits=False) for t in lines}
    flat = " ".join(normalise(t, digits=False) for t in lines)
    for i, u in enumerate(units):
        k = normalise(u.text, digits=False)
        inside = k in whole or (u.words >= 4 and k in flat)
        if inside and u.words >= SILVER_BODY_WORDS:
            y[i] = BODY
        elif not inside and u.words <= SILVER_CHROME_WORDS:
            y[i] = CHROME


def _hint_labels(units: list[Unit], hints: dict, y: np.ndarray) -> None:
    keys = [normalise(u.text, digits=False) for u in units]
    first_body = next((i for i in range(len(units)) if y[i] == BODY), len(units))
    title = normalise(hints.get("title") or "", digits=False)
    if len(title) >= 8:
        found = [
            i
            for i, k in enumerate(keys)
            if units[i].words <= 40
            and (
                k == title
                or (len(k) >= 0.6 * len(title) and k in title)
                or (title in k and len(k) <= 1.5 * len(title))
            )
        ]
        before = [i for i in found if i <= first_body]
        pick = before[-1] if before else (found[0] if found else None)
        if pick is not None and y[pick] != BODY:
            y[pick] = LABELS.index("title")
    author = hints.get("author") or ""
    names = [n.split()[-1].casefold() for n in author.split(";") if n.split()]
    date = parse_date(hints.get("date") or "")
    for i, u in enumerate(units):
        if y[i] == BODY or u.words > 14:
            continue
        low = u.text.casefold()
        if names and any(len(n) >= 3 and n in low for n in names) and i < first_body + 5:
            y[i] = LABELS.index("byline")
        elif date and parse_date(u.text) == date and i < first_body + 5:
            y[i] = LABELS.index("date")
    for key, label in (("captions", "caption"), ("comments", "comment")):
        texts = [normalise(t, digits=False) for t in hints.get(key) or [] if len(t) <= 20000]
        if not texts:
            continue
        for i, k in enumerate(keys):
            if y[i] != BODY and units[i].words >= 2 and any(k in t for t in texts):
                y[i] = LABELS.index(label)


def chrome_signal(units: list[Unit], x: np.ndarray) -> np.ndarray:
    """Units that a strong signal of their own marks as not body, whatever surrounds them:
    a chrome, notice, copyright or caption wording (``lines`` features), a short line the
    page repeats ("Read More", "Back to Gallery"), a short link or counter line, an inline
    ad label, a byline or date line."""
    own = x[:, [FEATURES.index(k) for k in _SIGNALS]].any(axis=1)
    words = np.array([u.words for u in units])
    repeats = (x[:, FEATURES.index("repeats_in_page")] > 0) & (words <= DENSE_MAX_REPEAT_WORDS)
    url = (x[:, FEATURES.index("url_like")] > 0) & (words <= 6)
    wording = np.array(
        [bool(P.INLINE_AD.match(u.text) or P.COUNTER.match(u.text)) for u in units], dtype=bool
    )
    return np.asarray(own | repeats | url | wording)


def dense_body(
    units: list[Unit], x: np.ndarray, gold_y: np.ndarray, y: np.ndarray, hints: dict
) -> np.ndarray:
    """The unlabelled units between a page's first and last gold body unit that no strong
    signal marks as chrome (``chrome_signal``): the article's own lines the snippets did not
    sample (about 3 body units a page are sampled).  None on a page where most of them lie
    outside trafilatura's main text (``DENSE_MIN_MAIN_SHARE``).  Returns the mask of them."""
    gold = np.flatnonzero(gold_y == BODY)
    dense = np.zeros(len(units), bool)
    if len(gold) < 2:
        return dense
    lo, hi = int(gold[0]), int(gold[-1])
    dense[lo:hi] = y[lo:hi] < 0
    dense &= ~chrome_signal(units, x)
    main = " ".join(normalise(t, digits=False) for t in hints.get("body") or [])
    inside = sum(normalise(units[i].text, digits=False) in main for i in np.flatnonzero(dense))
    if inside < DENSE_MIN_MAIN_SHARE * dense.sum():
        dense[:] = False
    return dense


def make_page(
    name: str,
    text: str,
    gold: dict[str, list[str]],
    hints: dict,
    silver: bool = False,
    dense: bool = False,
) -> Page | None:
    """A rendering with its unit labels; with ``dense`` also the dense body labels
    (``dense_body``)."""
    units = make_units(split_lines(text))
    if not units:
        return None
    y = np.full(len(units), -1)
    if silver:
        _silver_labels(units, hints, y)
    gold_y = np.full(len(units), -1)
    _snippet_labels(text, units, gold, gold_y)
    y[gold_y >= 0] = gold_y[gold_y >= 0]
    _hint_labels(units, hints, y)
    x = unit_features(units)
    extra = dense_body(units, x, gold_y, y, hints) if dense else np.zeros(len(units), bool)
    y[extra] = BODY
    return Page(name, text, units, x, y, gold, np.zeros(len(units), int), dense=extra)


def _start_of(page: Page) -> int:
    """Where a later article of a capture starts when the scroll shows no site header: its
    headline, else its first body unit."""
    title = np.flatnonzero(page.y == LABELS.index("title"))
    body = np.flatnonzero(page.y == BODY)
    first = int(body[0]) if len(body) else 0
    if len(title) and title[0] <= first:
        return int(title[0])
    return first


def make_capture(
    parts: list[Page], rng: random.Random, shared_header: bool = False
) -> tuple[Page, list[Page]]:
    """2-4 renderings as one page, with the unit labels carried over; a later article's
    boundary is its headline (else its first body unit), whatever chrome precedes it.

    Half of the captures cut the later renderings to start at their headline (a scroll that
    shows no second site header); with ``shared_header`` the later ones start instead with
    the first rendering's own header (the units above its headline), as a scroll of one
    site repeats its header above each article."""
    texts, labels, denses, bounds, seams = [], [], [], [], []
    cut = shared_header or rng.random() < 0.5
    head = _start_of(parts[0]) if shared_header else 0
    header_text = parts[0].text[: parts[0].units[head].start].strip("\n") if head else ""
    offset = 0
    for k, page in enumerate(parts):
        lo = _start_of(page) if k and cut else 0
        at = page.units[lo].start
        text = page.text[at:].strip("\n") if k else page.text
        if k:
            seams.append(offset)
        if k and header_text:
            texts.append(header_text)
            labels.append(parts[0].y[:head])
            denses.append(parts[0].dense_units()[:head])
            offset += head
        texts.append(text)
        labels.append(page.y[lo:])
        denses.append(page.dense_units()[lo:])
        if k:
            bounds.append(offset + _start_of(page) - lo)
        offset += len(page.units) - lo
    text = "\n\n".join(texts)
    units = make_units(split_lines(text))
    y = np.concatenate(labels)
    boundary = np.zeros(len(y), int)
    boundary[bounds] = 1
    if len(units) != len(y):  # a join changed how lines group into units: skip it
        raise ValueError("units changed at a join")
    gold: dict[str, list[str]] = {"with": [], "without": []}
    name = "+".join(p.name for p in parts)
    x = unit_features(units)
    dense = np.concatenate(denses)
    page = Page(name, text, units, x, y, gold, boundary, tuple(seams), dense)
    return page, parts


def load(
    data: Path, renderings: Path, hints_path: Path, dense: bool = False,
    halves: tuple[str, ...] = ("dev", "test"),
) -> list[Page]:
    """The rendered pages of ``halves`` with their labels (the others are not read)."""
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    hints = json.loads(hints_path.read_text(encoding="utf-8"))
    pages = []
    for name in sorted(gold):
        path = renderings / (name.removesuffix(".html.gz") + ".txt")
        if path.exists() and half_of(name) in halves:
            page = make_page(
                name,
                path.read_text(encoding="utf-8"),
                gold[name],
                hints.get(name, {}),
                dense=dense,
            )
            if page is not None:
                pages.append(page)
    return pages


def captures(
    pages: list[Page], count: int, seed: int, shared_header: bool = False
) -> list[tuple[Page, list[Page]]]:
    usable = [
        p for p in pages
        if sum(u.words for u, b in zip(p.units, p.gold_body(), strict=True) if b) >= 60
        and all(_flat(s) in _flat(p.text) for s in p.gold["with"])
    ]  # fmt: skip
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        try:
            out.append(make_capture(rng.sample(usable, rng.randint(2, 4)), rng, shared_header))
        except ValueError:
            continue
    return out


# --- fitting ---------------------------------------------------------------------------------


def _mlp(hidden: int, seed: int) -> MLPClassifier:
    return MLPClassifier(
        (hidden,), alpha=1e-3, batch_size=256, max_iter=80, early_stopping=True,
        n_iter_no_change=6, random_state=seed,
    )  # fmt: skip


def fit_net(
    x: np.ndarray, y: np.ndarray, hidden: int, seed: int = 0, w: np.ndarray | None = None
) -> Net:
    """An MLPClassifier fitted on standardised ``x`` (rows weighted by ``w``), as the arrays
    ``labeller`` evaluates."""
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = _mlp(hidden, seed).fit((x - scaler.mean_) / scale, y, sample_weight=w)
    if len(model.classes_) > 2 and list(model.classes_) != list(range(len(LABELS))):
        raise SystemExit(f"every label needs examples; got classes {list(model.classes_)}")
    return Net(
        scaler.mean_.astype(np.float64), scale.astype(np.float64),
        tuple(w.astype(np.float64) for w in model.coefs_),
        tuple(b.astype(np.float64) for b in model.intercepts_),
    )  # fmt: skip


Rows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _rows(
    pages: list[Page], xs: list[np.ndarray], dense_weight: float = 1.0, label_cap: float = 0.0
) -> Rows:
    """The labelled units of ``pages`` as features, labels, page index and weight."""
    rows, ys, groups, ws = [], [], [], []
    for k, (page, x) in enumerate(zip(pages, xs, strict=True)):
        keep = page.y >= 0
        rows.append(x[keep])
        ys.append(page.y[keep])
        groups.append(np.full(int(keep.sum()), k))
        ws.append(page.weights(dense_weight, label_cap)[keep])
    return np.vstack(rows), np.concatenate(ys), np.concatenate(groups), np.concatenate(ws)


def headless(page: Page) -> Page | None:
    """The page as a scrape that starts at its headline (as many copied pages and the seeds
    do): the units above its title cut off; None when it has no title label."""
    title = np.flatnonzero(page.y == LABELS.index("title"))
    if not len(title) or title[0] == 0:
        return None
    lo = int(title[0])
    text = page.text[page.units[lo].start :]
    units = make_units(split_lines(text))
    if len(units) != len(page.units) - lo:
        return None
    y = page.y[lo:]
    x = unit_features(units)
    dense = page.dense_units()[lo:]
    return Page(page.name, text, units, x, y, page.gold, page.boundary[lo:], dense=dense)


Stages = tuple[tuple[Net, Net], ...]


def fit_stages(
    pages: list[Page], hidden: int, members: int, dense_weight: float = 1.0, label_cap: float = 0.0
) -> Stages:
    """Stage 1 on all pages and their headless copies; stage 2 on out-of-fold stage-1
    probabilities; once per member, each from its own random seed (the mean of the members'
    probabilities is steadier than one fit: single fits differ by seed alone)."""
    copies = [(k, h) for k, h in enumerate(map(headless, pages)) if h is not None]
    origin = np.array(list(range(len(pages))) + [k for k, _ in copies])
    pages = pages + [h for _, h in copies]
    x, y, g, w = _rows(pages, [p.x for p in pages], dense_weight, label_cap)
    uniform = bool((w == 1).all())
    out = []
    for seed in range(members):
        first = fit_net(x, y, hidden, seed, None if uniform else w)
        oof = [np.zeros((len(p.units), len(LABELS))) for p in pages]
        for tr, te in GroupKFold(3).split(x, y, origin[g]):  # a copy goes with its page
            m = fit_net(x[tr], y[tr], hidden, seed, None if uniform else w[tr])
            for k in set(g[te].tolist()):
                oof[k] = m.proba(pages[k].x)
        x2s = [stage2_features(p.x, q) for p, q in zip(pages, oof, strict=True)]
        x2, y2, _, w2 = _rows(pages, x2s, dense_weight, label_cap)
        out.append((first, fit_net(x2, y2, hidden, seed, None if uniform else w2)))
    return tuple(out)


def _label(stages: Stages, x: np.ndarray) -> np.ndarray:
    return mean_of_members([s2.proba(stage2_features(x, s1.proba(x))) for s1, s2 in stages])


@dataclass
class Reading:
    """A page or capture as labelled by stages fitted without it (out of fold)."""

    page: Page
    probs: np.ndarray
    fold: int
    capture: bool
    shared_header: bool = False  # a capture whose later articles repeat the first's header
    gaps: list[Gap] | None = None
    rows: np.ndarray | None = None
    joins: np.ndarray | None = None  # 1 where a gap holds a true join (its boundary)
    seam_joins: np.ndarray | None = None  # ... or, when no gap holds it, its seam
    seam_first: np.ndarray | None = None  # 1 where a gap holds a seam, else the boundary
    # ... else the gap nearest the seam whose cut would split right (``split_right``)
    in_range: np.ndarray | None = None

    def targets(self, target: str) -> np.ndarray:
        """The join target of each gap: at the ``boundary``, the boundary ``else seam``, the
        ``seam`` (else the boundary), or the seam else ``in range`` (else the gap nearest the
        seam whose cut lies after the last body unit of the article before and no later
        than the first of the next: a cut there splits right too)."""
        out = {"boundary": self.joins, "else seam": self.seam_joins, "seam": self.seam_first,
               "in range": self.in_range}  # fmt: skip
        value = out[target]
        assert value is not None
        return value

    def read_gaps(self, rule: BodyRule) -> None:
        units = self.page.units
        body = body_mask(units, self.probs, rule, [False] * len(units))
        self.gaps = find_gaps(body, self.probs)
        words = np.array([u.words for u in units], dtype=float)
        self.rows = gap_features(self.page.x, self.probs, body, words, self.gaps)
        self.joins = np.zeros(len(self.gaps), int)
        self.seam_joins = np.zeros(len(self.gaps), int)
        self.seam_first = np.zeros(len(self.gaps), int)
        self.in_range = np.zeros(len(self.gaps), int)
        starts = np.flatnonzero(self.page.boundary).tolist()
        seams = self.page.seams or starts  # (a cache from before seams holds none)
        edges = [0, *starts, len(units)]
        for k, (start, seam) in enumerate(zip(starts, seams, strict=True)):
            at = _gap_holding(self.gaps, start)
            at_seam = _gap_holding(self.gaps, seam)
            if at is not None:
                self.joins[at] = self.seam_joins[at] = 1
            elif at_seam is not None:
                self.seam_joins[at_seam] = 1
            if at_seam is not None or at is not None:
                self.seam_first[at if at_seam is None else at_seam] = 1
                self.in_range[at if at_seam is None else at_seam] = 1
                continue
            before = np.flatnonzero(self.page.y[edges[k] : start] == BODY)
            after = np.flatnonzero(self.page.y[start : edges[k + 2]] == BODY)
            lo = edges[k] + (int(before[-1]) if len(before) else 0)
            hi = start + (int(after[0]) if len(after) else 0)
            fits = [j for j, g in enumerate(self.gaps) if lo < g.cut <= hi]
            if fits:
                self.in_range[min(fits, key=lambda j: abs(self.gaps[j].cut - seam))] = 1

    def cuts(self, join: Net, rule: BodyRule, thr: float) -> list[int]:
        units = self.page.units
        body = body_mask(units, self.probs, rule, [False] * len(units))
        assert self.gaps is not None and self.rows is not None
        p = join.proba(self.rows)[:, 0] if len(self.rows) else np.zeros(0)
        return cut_points(units, Labels(self.probs, body, self.gaps, p, thr))


def _gap_holding(gaps: list[Gap], unit: int) -> int | None:
    return next((k for k, g in enumerate(gaps) if g.lo <= unit <= g.hi), None)


def fit_join(readings: list[Reading], hidden: int, target: str = "boundary") -> Net:
    """The join network on the gaps of out-of-fold readings (positives repeated), taught at
    the gap that holds each join's boundary (``target`` "boundary"); with "else seam", a
    join whose boundary no gap holds is taught in the gap that holds the seam of the
    renderings (where the next one's text starts), if any; with "seam", at the seam first
    (the boundary when no gap holds the seam)."""
    xs, ys = [], []
    for r in readings:
        joins = r.targets(target)
        assert r.rows is not None
        pos = np.flatnonzero(joins)
        xs += [r.rows, np.repeat(r.rows[pos], JOIN_WEIGHT - 1, axis=0)]
        ys += [joins, np.ones(len(pos) * (JOIN_WEIGHT - 1), int)]
    return fit_net(np.vstack(xs), np.concatenate(ys), hidden)


@dataclass
class Header:
    """The units of a page's first header that may be its title (the title search of
    ``decode._title``: up to and with the first body unit, title probability from
    ``TITLE_FLOOR``, ``may_be_title``), their title features and whether each states the
    page's HTML headline."""

    fold: int
    units: np.ndarray
    rows: np.ndarray
    headline: np.ndarray
    probs: np.ndarray


def header_of(r: Reading, rule: BodyRule, hint: dict) -> Header | None:
    """The header of an out-of-fold page reading, None when the page's HTML has no title."""
    if not hint.get("title"):
        return None
    units = r.page.units
    body = body_mask(units, r.probs, rule, [False] * len(units))
    first = int(np.flatnonzero(body)[0]) if body.any() else len(units) - 1
    p = r.probs[:, LABELS.index("title")]
    cand = np.array(
        [i for i in range(first + 1) if p[i] >= TITLE_FLOOR and may_be_title(units[i].text)],
        dtype=int,
    )
    rows = title_features(r.page.x, r.probs, body)[cand]
    headline = np.array([
        units[i].words <= MAX_TITLE_WORDS
        and same_title(units[i].text, hint["title"], hint.get("sitename")) for i in cand
    ], dtype=int)  # fmt: skip
    return Header(r.fold, cand, rows, headline, p[cand])


def fit_titles(headers: list[Header], l2: float = TITLE_L2) -> Net:
    """A linear scorer of header units fitted as a conditional logit: on each page that
    states its headline, the softmax of the scores over the page's candidates is the
    likelihood of its headline units (the decoder takes the best-scored candidate, so only
    the order within a page counts); an L2 penalty on the standardised weights."""
    pages = [h for h in headers if h.headline.any()]
    x = np.vstack([h.rows for h in pages])
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    groups = [((h.rows - mean) / scale, h.headline.astype(bool)) for h in pages]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.0, np.zeros_like(w)
        for z, y in groups:
            s = z @ w
            p = np.exp(s - s.max())
            q = np.where(y, p, 0.0)
            total += np.log(p.sum()) - np.log(q.sum())
            grad += z.T @ (p / p.sum() - q / q.sum())
        n = len(groups)
        return total / n + l2 * float(w @ w), grad / n + 2 * l2 * w

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    return Net(mean, scale, (w.reshape(-1, 1),), (np.zeros(1),))


def pick_title(h: Header, scores: np.ndarray) -> tuple[bool, bool]:
    """(a title given, the title right) by the decoder's rule: a title only when some
    candidate's title probability reaches ``MIN_TITLE``, then the best-scored candidate."""
    if not len(h.probs) or h.probs.max() < MIN_TITLE:
        return False, False
    return True, bool(h.headline[int(np.argmax(scores))])


def report_titles(headers: list[Header]) -> None:
    """5-fold CV over the dev pages' headers: the title network against the title
    probability alone, and the penalty (``TITLE_L2`` is shipped; not chosen here)."""
    with_line = sum(bool(h.headline.any()) for h in headers)
    print(f"cv dev titles: {len(headers)} pages with an HTML title, {with_line} state it")
    base = [pick_title(h, h.probs) for h in headers]
    print(f"cv dev title (title probability): given {sum(g for g, _ in base)}, right "
          f"{sum(r for _, r in base)}")  # fmt: skip
    for l2 in (TITLE_L2 / 10, TITLE_L2, TITLE_L2 * 10):
        given = right = 0
        for fold in range(5):
            net = fit_titles([h for h in headers if h.fold != fold], l2)
            for h in headers:
                if h.fold == fold:
                    g, r = pick_title(h, net.proba(h.rows)[:, 0] if len(h.rows) else h.probs)
                    given, right = given + g, right + r
        print(f"cv dev title (title network, L2 {l2}): given {given}, right {right}")


# --- scoring ---------------------------------------------------------------------------------


def score_body(pages: list[Page], probs: list[np.ndarray], rule: BodyRule, s: Score) -> Score:
    """Snippet scores of the units the decoder keeps as body (``decode.body_mask``)."""
    for page, p in zip(pages, probs, strict=True):
        body = body_mask(page.units, p, rule, [False] * len(page.units))
        kept = "\n\n".join(u.text for u, b in zip(page.units, body, strict=True) if b)
        flat = _flat(kept)
        for snippet in page.gold["with"]:
            s.tp += _flat(snippet) in flat
            s.fn += _flat(snippet) not in flat
        for snippet in page.gold["without"]:
            s.fp += _flat(snippet) in flat
            s.tn += _flat(snippet) not in flat
        s.pages += 1
    return s


def split_right(cap: Page, cuts: list[int]) -> bool:
    """One cut per join, each after the last body unit of the article before it and no later
    than the first body unit of the one after it."""
    cuts = cuts[1:]
    joins = np.flatnonzero(cap.boundary).tolist()
    edges = [0, *joins, len(cap.units)]
    if len(cuts) != len(joins):
        return False
    for k, c in enumerate(cuts):
        before = np.flatnonzero(cap.y[edges[k] : edges[k + 1]] == BODY)
        after = np.flatnonzero(cap.y[edges[k + 1] : edges[k + 2]] == BODY)
        lo = edges[k] + (before[-1] if len(before) else 0)
        hi = edges[k + 1] + (after[0] if len(after) else 0)
        if not lo < c <= hi:
            return False
    return True


def _readings(dev: list[Page], folds: np.ndarray, args: argparse.Namespace) -> list[Reading]:
    """Out-of-fold readings of the dev pages and of captures made of each fold's pages, one
    pickle a fold in ``--cache`` (delete it when the features, labels or networks change;
    ``--folds`` computes only some folds, so that folds can run in parallel processes)."""
    start = time.time()
    readings: list[Reading] = []
    for fold in range(5):
        path = args.cache / f"fold{fold}.pkl" if args.cache else None
        if path and path.exists():
            with path.open("rb") as f:
                readings += pickle.load(f)
            continue
        if args.folds is not None and fold not in args.folds:
            continue
        train = [p for k, p in enumerate(dev) if folds[k] != fold]
        held = [p for k, p in enumerate(dev) if folds[k] == fold]
        stages = fit_stages(train, args.hidden, args.members, args.dense_weight, args.label_cap)
        out = [Reading(p, _label(stages, p.x), fold, False) for p in held]
        for shared in (False, True):
            for cap, _ in captures(held, args.captures // 5, 100 + fold + 50 * shared, shared):
                out.append(Reading(cap, _label(stages, cap.x), fold, True, shared))
        if path:
            with path.open("wb") as f:
                pickle.dump(out, f)
        readings += out
        print(f"  fold {fold} ({time.time() - start:.0f} s)", flush=True)
    return readings


def _final_stages(dev: list[Page], args: argparse.Namespace) -> Stages:
    """The label stages fitted on all of dev (cached in ``--cache`` as the folds are)."""
    path = args.cache / "final.pkl" if args.cache else None
    if path and path.exists():
        with path.open("rb") as f:
            cached: Stages = pickle.load(f)
        return cached
    stages = fit_stages(dev, args.hidden, args.members, args.dense_weight, args.label_cap)
    if path:
        with path.open("wb") as f:
            pickle.dump(stages, f)
    return stages


def body_rules() -> list[BodyRule]:
    """The grid of body rules cross-validated on dev."""
    return [
        BodyRule(t, g, c, q) for t in BODY_GRID for g in GAP_BODY_GRID
        for c in CONTINUE_BODY_GRID for q in (False, True) if g < t and c < t
    ]  # fmt: skip


def choose_body_rule(scores: dict[BodyRule, Score]) -> tuple[BodyRule, float]:
    """The lowest rule whose CV F1 is within ``BODY_TIE`` of the best, and the best F1."""
    best = max(s.prf()[2] for s in scores.values())
    rule = min(
        (t for t, s in scores.items() if s.prf()[2] >= best - BODY_TIE),
        key=lambda r: (r.threshold, r.between, r.after, r.threadless_comments),
    )
    return rule, best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--renderings", type=Path, required=True)
    parser.add_argument("--hints", type=Path, required=True)
    parser.add_argument("--hidden", type=int, default=64, help="units of the label networks")
    parser.add_argument("--members", type=int, default=4, help="label networks averaged")
    parser.add_argument("--join-hidden", type=int, default=32, help="units of the join network")
    parser.add_argument(
        "--captures", type=int, default=1200,
        help="captures of each kind (mixed sites, one shared header) over the 5 folds",
    )  # fmt: skip
    parser.add_argument(
        "--dense-weight", type=float, default=0.0,
        help="weight of the dense body labels between a page's first and last gold body unit "
        "(0: none)",
    )  # fmt: skip
    parser.add_argument(
        "--label-cap", type=float, default=0.0,
        help="units of one label weigh together at most this much a page (0: no cap)",
    )  # fmt: skip
    parser.add_argument(
        "--body-rule", type=lambda v: [float(k) for k in v.split(",")], default=None,
        help="use this body rule of the grid (threshold,between,after) instead of the CV's choice",
    )  # fmt: skip
    parser.add_argument(
        "--join-targets", default=",".join(JOIN_TARGETS),
        help="the join targets to cross-validate (fit_join), comma-separated",
    )  # fmt: skip
    parser.add_argument(
        "--min-whole", type=int, default=0,
        help="choose only join variants and thresholds that keep at least this many single dev "
        "pages whole in CV (a constraint fixed before the fit)",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=None, help=f"write the model (e.g. {MODEL})")
    parser.add_argument("--cache", type=Path, help="folder of pickled out-of-fold readings")
    parser.add_argument(
        "--folds", type=lambda v: [int(k) for k in v.split(",") if k], default=None,
        help="only compute these folds into --cache (e.g. 0,1; empty: the final fit only)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    dev = load(args.data, args.renderings, args.hints, args.dense_weight > 0, ("dev",))
    if not dev:
        print(f"no renderings in {args.renderings}", file=sys.stderr)
        return 2
    counts = np.bincount(np.concatenate([p.y[p.y >= 0] for p in dev]), minlength=len(LABELS))
    print(
        f"pages dev {len(dev)}; dev units per label",
        dict(zip(LABELS, counts.tolist(), strict=True)),
    )
    folds = np.arange(len(dev)) % 5
    scores = {t: Score() for t in body_rules()}
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    readings = _readings(dev, folds, args)
    if args.folds is not None:
        if not args.folds:
            _final_stages(dev, args)
        return 0
    for r in readings:
        if not r.capture:
            for t, sc in scores.items():
                score_body([r.page], [r.probs], t, sc)
    for t, sc in scores.items():
        prec, rec, f = sc.prf()
        print(f"cv dev body {t}: P {prec:.3f} R {rec:.3f} F1 {f:.3f}", flush=True)
    body_thr, best_f1 = choose_body_rule(scores)
    print(f"best cv F1 {best_f1:.3f}; thresholds within {BODY_TIE}: lowest {body_thr}")
    if args.body_rule:
        body_thr = BodyRule(*args.body_rule)
        print(f"body rule given: {body_thr} (cv F1 {scores[body_thr].prf()[2]:.3f})")
    for r in readings:
        r.read_gaps(body_thr)
    # The join network from mixed-site captures alone, or also from captures that repeat one
    # header; each with joins taught at their boundary only or also at their seam
    # (``fit_join``); all scored on held-out mixed-site captures (the kind the eval builds),
    # shared-header captures and single pages.
    plain = [r for r in readings if not r.shared_header]
    shared = sum(r.shared_header for r in readings)
    ncaps = sum(r.capture and not r.shared_header for r in readings)
    npages = sum(not r.capture for r in readings)
    best: tuple[float, str, float, list[Reading], str] = (-1.0, "", 0.0, [], "")
    pools = (("mixed", plain), ("mixed+shared header", readings))
    targets = [t for t in JOIN_TARGETS if t in args.join_targets.split(",")]
    variants = [(f"{name}, at {target}", pool, target)
                for target in targets for name, pool in pools]  # fmt: skip
    for variant, pool, target in variants:
        right = {t: 0 for t in JOIN_GRID}
        right_shared = {t: 0 for t in JOIN_GRID}
        whole = {t: 0 for t in JOIN_GRID}
        for fold in range(5):
            join = fit_join([r for r in pool if r.fold != fold], args.join_hidden, target)
            for r in readings:
                if r.fold != fold:
                    continue
                for t in JOIN_GRID:
                    cuts = r.cuts(join, body_thr, t)
                    if r.shared_header:
                        right_shared[t] += split_right(r.page, cuts)
                    elif r.capture:
                        right[t] += split_right(r.page, cuts)
                    else:
                        whole[t] += len(cuts) == 1
        for t in JOIN_GRID:
            print(
                f"cv dev join ({variant}) thr {t}: captures split right {right[t]}/{ncaps}, "
                f"shared-header captures {right_shared[t]}/{shared}, "
                f"single pages kept whole {whole[t]}/{npages}",
                flush=True,
            )
            value = right[t] / ncaps + whole[t] / npages
            if value > best[0] and whole[t] >= args.min_whole:
                best = (value, variant, t, pool, target)
    if not best[1]:
        print(f"no join keeps {args.min_whole} single pages whole (--min-whole)", file=sys.stderr)
        return 2
    _, variant, join_thr, pool, target = best
    f1 = scores[body_thr].prf()[2]
    print(f"chosen: {body_thr} join thr {join_thr} from {variant} (cv F1 {f1:.3f})")
    hints = json.loads(args.hints.read_text(encoding="utf-8"))
    found = [header_of(r, body_thr, hints.get(r.page.name, {})) for r in readings if not r.capture]
    headers = [h for h in found if h is not None]
    report_titles(headers)
    stages = _final_stages(dev, args)
    join = fit_join(pool, args.join_hidden, target)
    model = Labeller(stages, join, join_thr, body_thr, fit_titles(headers))
    if args.out:
        model.save(args.out)
        print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
