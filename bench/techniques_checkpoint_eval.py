"""Score a training checkpoint (e.g. the mpnet teacher) with torch, without exporting it:
thresholds and decoding tuned on the validation split, figures on validation and test.

Needs the ``train`` extra. Usage:
    HF_HUB_OFFLINE=1 python bench/techniques_checkpoint_eval.py CHECKPOINT [PTC_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from propwatch.techniques.align import WordPieces
from propwatch.techniques.ptc import load_ptc, split_ids
from propwatch.techniques.tune import evaluate, tune
from propwatch.train.techniques import decode_config_of, load_checkpoint, token_outputs


def main() -> None:
    checkpoint = Path(sys.argv[1])
    ptc = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("../shared/data/ptc")
    ckpt = load_checkpoint(checkpoint)
    model, wp = ckpt.model, WordPieces(ckpt.base / "tokenizer.json")
    arts = load_ptc(ptc)
    split = split_ids([a.id for a in arts], seed=13)
    by_id = {a.id: a for a in arts}
    parts = {}
    for name, ids in (("val", split.val), ("test", split.test)):
        chosen = [by_id[i] for i in ids]
        outs = token_outputs(model, chosen, wp, bf16=True)
        parts[name] = ({a.id: a.text for a in chosen}, outs, {a.id: a.spans for a in chosen})
    cfg, _ = tune(*parts["val"], decode_config_of(model))
    for name in ("val", "test"):
        r = evaluate(*parts[name], cfg)
        print(f"{name}: SI F1 {r['si'].f1:.3f}  TC F1 {r['tc'].f1:.3f}  FLC F1 {r['flc'].f1:.3f}")


if __name__ == "__main__":
    main()
