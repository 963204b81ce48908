"""Choose the tagger's two profiles on the validation split and write them into a model's
config.json; then print validation and test figures of both, with the reliability of the
calibrated confidence on test.

Usage: python bench/techniques_profiles.py [PTC_DIR] [MODEL_DIR] [--write] [--keep-balanced]

Steps, all on the validation split (test only scored): techniques that may span sentences
(measured on the training split's gold spans); the balanced profile = thresholds re-tuned
for F1 with and without hysteresis, whichever scores higher SI + FLC F1 on validation; the
precise profile (propwatch.techniques.profiles.tune_precise); one isotonic calibration
fitted on the balanced profile's validation spans.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from propwatch.techniques.calibration import reliability
from propwatch.techniques.profiles import fit_calibration, span_rightness, tune_precise
from propwatch.techniques.ptc import load_ptc, split_ids
from propwatch.techniques.readable import cross_sentence_techniques
from propwatch.techniques.tagger import DEFAULT_MODEL_DIR, Tagger
from propwatch.techniques.tune import evaluate, tune


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    ptc = Path(args[0]) if args else Path("../shared/data/ptc")
    model_dir = Path(args[1]) if len(args) > 1 else DEFAULT_MODEL_DIR
    tagger = Tagger(model_dir, profile="balanced")
    arts = load_ptc(ptc)
    split = split_ids([a.id for a in arts], seed=int(tagger.config["split"]["seed"]))
    by_id = {a.id: a for a in arts}
    train = [by_id[i] for i in split.train]
    cross = cross_sentence_techniques(
        (s.label, a.text[s.start : s.end]) for a in train for s in a.spans
    )
    print(f"may span sentences (>= 10% of training spans do): {', '.join(cross)}")
    parts = {}
    for name, ids in (("val", split.val), ("test", split.test)):
        chosen = [by_id[i] for i in ids]
        outs = dict(zip(ids, tagger.token_outputs([a.text for a in chosen]), strict=True))
        parts[name] = ({a.id: a.text for a in chosen}, outs, {a.id: a.spans for a in chosen})
    base = replace(
        tagger.decode_cfg,
        cross_sentence=cross,
        min_scores=None,
        si_from_techniques=False,
    )
    if "--keep-balanced" in sys.argv:  # re-derive only the precise profile
        balanced = tagger.decode_cfg
    else:
        cands = []
        for hysteresis in (False, True):
            cfg, _ = tune(*parts["val"], base, hysteresis=hysteresis)
            r = evaluate(*parts["val"], cfg)
            cands.append((r["si"].f1 + r["flc"].f1, hysteresis, cfg))
            print(
                f"balanced, hysteresis {hysteresis}: "
                f"val SI {r['si'].f1:.3f} FLC {r['flc'].f1:.3f}"
            )
        _, hysteresis, balanced = max(cands, key=lambda c: c[0])
        print(f"chosen: hysteresis {hysteresis}")
    precise, info = tune_precise(*parts["val"], balanced)
    print(f"precise: common floor {info['common_floor']}, validation SI {info['val_si']}")
    calibration = fit_calibration(*parts["val"], balanced)
    profiles = {"precise": precise, "balanced": balanced}
    for name, cfg in profiles.items():
        for part in ("val", "test"):
            r = evaluate(*parts[part], cfg)
            print(
                f"{name:8s} {part:4s} SI P {r['si'].precision:.3f} R {r['si'].recall:.3f} "
                f"F1 {r['si'].f1:.3f} ({r['si'].n_pred} spans) | FLC P {r['flc'].precision:.3f} "
                f"R {r['flc'].recall:.3f} F1 {r['flc'].f1:.3f} | TC {r['tc'].f1:.3f}"
            )
        scores, right = span_rightness(*parts["test"], cfg)
        rows, ece = reliability([calibration(s) for s in scores], right)
        print(
            f"  test reliability ({len(scores)} spans, ECE {ece:.3f}): confidence bin, "
            "mean confidence, share right, spans"
        )
        for lo, hi, mean, share, n in rows:
            print(f"    [{lo:.1f}, {hi:.1f})  {mean:.3f}  {share:.3f}  {n}")
    if "--write" in sys.argv:
        path = model_dir / "config.json"
        conf = json.loads(path.read_text(encoding="utf-8"))
        conf["decode"] = balanced.to_json()
        conf["profiles"] = {
            name: {"decode": cfg.to_json(), "calibration": calibration.to_json()}
            for name, cfg in profiles.items()
        }
        path.write_text(json.dumps(conf, indent=1), encoding="utf-8")
        print(f"written: {path}")


if __name__ == "__main__":
    main()
