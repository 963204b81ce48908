"""Where the plain-text body errors are: the out-of-fold dev readings of bench/extract_text_fit.py
(its ``--cache`` folder) scored by the gold snippets, each error put in one class.

An error is one gold snippet: a ``with`` snippet the decoder's body leaves out, or a
``without`` snippet it keeps (the snippet F1 of the benches counts exactly these, so a class's
share of the errors is its share of the F1 gap).  Missed snippets are classed by what the
labeller read in their units (the likeliest label, their length, a final stop), or as "the
page's whole body" when no ``with`` snippet of the page is kept; kept ones by the hint labels
and wordings of their units (comment, caption or photo credit, promotion, teaser or heading,
other sentences).  The wordings here classify errors for a report; they are no feature.
Also prints the dev-CV body F1 of the rule the fit script would choose, and the pages that
hold the most errors.

    OMP_NUM_THREADS=1 .venv/bin/python bench/extract_text_errors.py --cache /tmp/15j/cache_base \
        [--rule 0.3,0.02,0.05] [--pages 20]
"""

from __future__ import annotations

import argparse
import pickle
import re
from collections import Counter
from pathlib import Path
from typing import Any

import extract_text_fit as fit
import numpy as np
from extract_html_eval import Score, _flat

from propwatch.extract.decode import BodyRule, body_mask
from propwatch.extract.labeller import LABELS
from propwatch.extract.units import ends_sentence

_CREDIT = re.compile(
    r"\b(?:fotos?|photos?|bild(?:er)?|image|imagen|credit|crédito|quelle|fuente|source|getty"
    r"|reuters|afp|dpa|epa|abbildung|fotolia|shutterstock|istock)\b",
    re.I,
)
_PROMO = re.compile(
    r"subscri|abonn|newsletter|follow|folge|twitter|facebook|instagram|whatsapp|youtube"
    r"|telegram|\bapp\b|download|suscr|registr|log ?in|anmeld|podcast|canal|sendung|werbung"
    r"|anzeige|shop|warenkorb|basket|cart",
    re.I,
)
_TEASER = re.compile(
    r"^(?:read|lesen|lee|leer|ver|mehr|czytaj|dowiedz|puedes|lire|leia|weitere|also|more|see)\b",
    re.I,
)
COMMENT, CAPTION = LABELS.index("comment"), LABELS.index("caption")


class _Readings(pickle.Unpickler):
    """The fit script pickles its readings as ``__main__`` classes: read them as its own."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "__main__":
            return getattr(fit, name)
        return super().find_class(module, name)


def page_readings(cache: Path) -> list[fit.Reading]:
    out: list[fit.Reading] = []
    for fold in range(5):
        with (cache / f"fold{fold}.pkl").open("rb") as f:
            out += [r for r in _Readings(f).load() if not r.capture]
    return out


def chosen_rule(readings: list[fit.Reading]) -> tuple[BodyRule, float]:
    """The body rule the fit script chooses on these readings, and its CV F1."""
    pages, probs = [r.page for r in readings], [r.probs for r in readings]
    scores = {rule: fit.score_body(pages, probs, rule, Score()) for rule in fit.body_rules()}
    rule, _ = fit.choose_body_rule(scores)
    return rule, scores[rule].prf()[2]


def _missed(r: fit.Reading, units: list[int], page_kept_any: bool) -> str:
    if not units:
        return "missed: snippet not found in the rendering"
    if not page_kept_any:
        return "missed: the page's whole body (no with snippet kept)"
    label = Counter(LABELS[int(np.argmax(r.probs[i]))] for i in units).most_common(1)[0][0]
    texts = [r.page.units[i].text for i in units]
    if label == "comment":
        return "missed: read as comment"
    if label in ("title", "byline", "date", "caption"):
        return "missed: read as title / byline / date / caption"
    if max(r.page.units[i].words for i in units) <= 12:
        return "missed: short line (list item, table row, subheading) read as chrome"
    if not any(ends_sentence(t) for t in texts):
        return "missed: long line without final stop read as chrome"
    return "missed: sentence read as chrome"


def _kept(r: fit.Reading, units: list[int]) -> str:
    text = " ".join(r.page.units[i].text for i in units)
    words = max([r.page.units[i].words for i in units] or [0])
    labels = [LABELS[int(np.argmax(r.probs[i]))] for i in units]
    if any(r.page.y[i] == COMMENT for i in units) or "comment" in labels:
        return "kept: comment"
    credit = words <= 40 and _CREDIT.search(text)
    if any(r.page.y[i] == CAPTION for i in units) or "caption" in labels or credit:
        return "kept: caption or photo credit"
    if _PROMO.search(text):
        return "kept: promotion, subscription, social, shop line"
    heading = words <= 25 and not any(ends_sentence(r.page.units[i].text) for i in units)
    if _TEASER.search(text) or heading:
        return "kept: teaser, related headline or heading"
    return "kept: other sentences (bios, notices, other page text)"


def classify(r: fit.Reading, rule: BodyRule) -> list[str]:
    """The class of each snippet error of one page reading."""
    page, units = r.page, r.page.units
    body = body_mask(units, r.probs, rule, [False] * len(units))
    kept = _flat("\n\n".join(u.text for u, b in zip(units, body, strict=True) if b))
    flat, where = fit._flat_map(page.text)
    starts = np.array([u.start for u in units])
    ends = np.array([u.lines[-1].end for u in units])

    def units_of(snippet: str) -> list[int]:
        s = _flat(snippet)
        at = flat.find(s)
        if not s or at < 0:
            return []
        lo, hi = where[at], where[at + len(s) - 1] + 1
        return np.flatnonzero((starts < hi) & (ends > lo)).tolist()

    found = [_flat(s) in kept for s in page.gold["with"]]
    out = [
        _missed(r, units_of(s), any(found))
        for s, ok in zip(page.gold["with"], found, strict=True) if not ok
    ]  # fmt: skip
    out += [_kept(r, units_of(s)) for s in page.gold["without"] if _flat(s) in kept]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, required=True, help="extract_text_fit.py --cache")
    parser.add_argument(
        "--rule", type=lambda v: BodyRule(*[float(k) for k in v.split(",")]), default=None,
        help="threshold,between,after (default: the rule the fit script would choose)",
    )  # fmt: skip
    parser.add_argument("--pages", type=int, default=20, help="pages with the most errors")
    args = parser.parse_args(argv)
    readings = page_readings(args.cache)
    rule, f1 = chosen_rule(readings)
    print(f"{len(readings)} dev pages; chosen body rule {rule}: cv F1 {f1:.4f}")
    rule = args.rule or rule
    per_page = [(r.page.name, classify(r, rule)) for r in readings]
    classes = Counter(c for _, errors in per_page for c in errors)
    total = sum(classes.values())
    print(f"body rule {rule}: {total} snippet errors")
    print("| class | errors | share of the errors |\n|---|---|---|")
    for name, n in classes.most_common():
        print(f"| {name} | {n} | {n / max(total, 1):.1%} |")
    per_page.sort(key=lambda item: -len(item[1]))
    done = 0
    for name, errors in per_page[: args.pages]:
        done += len(errors)
        print(f"{name[:60]:60s} {len(errors):3d} errors (cumulative {done / max(total, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
