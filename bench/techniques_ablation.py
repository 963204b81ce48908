"""What each decoding addition is worth: the shipped tagger re-tuned on validation with and
without hysteresis thresholds and the lexical span classifier, scored on validation and test.

Usage: python bench/techniques_ablation.py [PTC_DIR] [MODEL_DIR]
(defaults: ../shared/data/ptc and the shipped model). Prints a Markdown table.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from propwatch.techniques.ptc import load_ptc, split_ids
from propwatch.techniques.tagger import Tagger
from propwatch.techniques.tune import evaluate, tune


def main() -> None:
    ptc = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/ptc")
    tagger = Tagger(sys.argv[2] if len(sys.argv) > 2 else None)
    arts = load_ptc(ptc)
    split = split_ids([a.id for a in arts], seed=int(tagger.config["split"]["seed"]))
    by_id = {a.id: a for a in arts}
    parts = {}
    for name, ids in (("val", split.val), ("test", split.test)):
        chosen = [by_id[i] for i in ids]
        outs = dict(zip(ids, tagger.token_outputs([a.text for a in chosen]), strict=True))
        parts[name] = ({a.id: a.text for a in chosen}, outs, {a.id: a.spans for a in chosen})
    shipped = tagger.decode_cfg
    without_lex = replace(shipped, lexical=None, lex_weight=0.0)
    variants = [
        ("plain thresholds, span head only", without_lex, False),
        ("+ hysteresis", without_lex, True),
        ("+ lexical classifier", shipped, False),
        ("+ both", shipped, True),
    ]
    cols = ["val SI", "val TC", "val FLC", "test SI", "test TC", "test FLC"]
    print("| decoding (tuned on validation) | " + " | ".join(cols) + " |")
    print("|---|---|---|---|---|---|---|")
    for label, base, hysteresis in variants:
        cfg, _ = tune(*parts["val"], base, hysteresis=hysteresis)
        cells = []
        for name in ("val", "test"):
            r = evaluate(*parts[name], cfg)
            cells += [f"{r['si'].f1:.3f}", f"{r['tc'].f1:.3f}", f"{r['flc'].f1:.3f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")
    lows = shipped.lows or shipped.thresholds
    hysteresis_on = any(lo < t for lo, t in zip(lows, shipped.thresholds, strict=True))
    print(
        f"\nshipped: lexical weight {shipped.lex_weight}, "
        f"hysteresis {'on' if hysteresis_on else 'off'}, muted {shipped.muted or 'none'}"
    )


if __name__ == "__main__":
    main()
