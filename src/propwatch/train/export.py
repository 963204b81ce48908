"""Export a trained technique tagger to ONNX, tune thresholds on validation, write the model
directory the package ships (``model.onnx``, ``tokenizer.json``, ``config.json``).

Thresholds are tuned with the *exported* (possibly int8) graph on the validation split, so
the shipped thresholds match the shipped weights.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.ptc import load_ptc, split_ids
from propwatch.train.techniques import Checkpoint, load_checkpoint, require_train_extra


def export_onnx(ckpt: Checkpoint, onnx_path: Path, quantize: bool = True) -> dict[str, Any]:
    """Write the encoder + token head as ONNX (outputs ``logits`` and ``hidden``)."""
    require_train_extra()
    import torch

    model = ckpt.model

    class Wrapper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.m = model

        def forward(
            self, ids: torch.Tensor, mask: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            logits, hidden = self.m(ids, mask)
            return logits, hidden

    ids = torch.randint(1000, 2000, (2, 32), dtype=torch.long)
    mask = torch.ones_like(ids)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.onnx"
        torch.onnx.export(
            Wrapper(),
            (ids, mask),
            str(raw),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits", "hidden"],
            opset_version=17,
            dynamo=False,
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "logits": {0: "batch", 1: "seq"},
                "hidden": {0: "batch", 1: "seq"},
            },
        )
        from onnxruntime.transformers.optimizer import optimize_model

        cfg = model.encoder.config
        opt = optimize_model(
            str(raw),
            model_type="bert",
            num_heads=cfg.num_attention_heads,
            hidden_size=cfg.hidden_size,
        )
        optimised = Path(tmp) / "opt.onnx"
        opt.save_model_to_file(str(optimised))
        onnx_path.parent.mkdir(parents=True, exist_ok=True)
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic
            from onnxruntime.quantization.quant_utils import TensorProto

            quantize_dynamic(
                str(optimised),
                str(onnx_path),
                weight_type=QuantType.QInt8,
                extra_options={"DefaultTensorType": TensorProto.FLOAT},
            )
        else:
            shutil.copy(optimised, onnx_path)
    return {
        "checkpoint": str(ckpt.path),
        "epoch": ckpt.epoch,
        "base": str(ckpt.base),
        "quantized": quantize,
        "val_at_training": ckpt.val,
    }


def build_model_dir(
    checkpoint: Path,
    data: Path,
    out_dir: Path,
    quantize: bool = True,
    seed: int = 13,
    report: Callable[[str], None] = print,
    hysteresis: bool = False,
) -> dict[str, Any]:
    """Export, tune thresholds on the validation split with the exported graph, evaluate on
    the test split, and write ``out_dir``.  Returns the figures."""
    require_train_extra()

    from propwatch.techniques.tagger import LEXICAL_FILE, Tagger
    from propwatch.techniques.tune import evaluate, tune
    from propwatch.train.lexical import choose_lexical
    from propwatch.train.techniques import decode_config_of

    out_dir.mkdir(parents=True, exist_ok=True)
    ckpt = load_checkpoint(checkpoint)
    info = export_onnx(ckpt, out_dir / "model.onnx", quantize=quantize)
    shutil.copy(ckpt.base / "tokenizer.json", out_dir / "tokenizer.json")
    base_cfg = decode_config_of(ckpt.model)
    arts = load_ptc(data)
    split = split_ids([a.id for a in arts], seed=seed)
    by_id = {a.id: a for a in arts}
    meta = {
        "techniques": list(TECHNIQUES),
        "window": 254,
        "stride": 222,
        "split": {
            "seed": seed,
            "test": 0.2,
            "val": 0.1,
            "n_train": len(split.train),
            "n_val": len(split.val),
            "n_test": len(split.test),
        },
        "export": {k: v for k, v in info.items() if k != "val_at_training"},
    }
    # Provisional config so the tagger can load; thresholds are tuned next.
    (out_dir / "config.json").write_text(json.dumps({**meta, "decode": base_cfg.to_json()}))
    tagger = Tagger(out_dir)
    results: dict[str, Any] = {}
    for name, ids in (("val", split.val), ("test", split.test)):
        part = [by_id[i] for i in ids]
        t0 = time.time()
        outs = dict(zip(ids, tagger.token_outputs([a.text for a in part]), strict=True))
        results[name] = {
            "texts": {a.id: a.text for a in part},
            "outs": outs,
            "gold": {a.id: a.spans for a in part},
            "seconds": time.time() - t0,
        }
    v = results["val"]
    lex_cfg, lex_info = choose_lexical(
        [by_id[i] for i in split.train], [by_id[i] for i in split.val], v["outs"], base_cfg
    )
    report(f"lexical span classifier on validation: {lex_info}")
    lexical_path = out_dir / LEXICAL_FILE
    lexical_path.unlink(missing_ok=True)
    if lex_cfg.lexical is not None:
        lex_cfg.lexical.save(lexical_path)
    cfg, tune_info = tune(v["texts"], v["outs"], v["gold"], lex_cfg, hysteresis=hysteresis)
    report(f"tuned on validation: {tune_info}")
    (out_dir / "config.json").write_text(json.dumps({**meta, "decode": cfg.to_json()}, indent=1))
    figures: dict[str, Any] = {"tune": tune_info, "lexical": lex_info}
    for name in ("val", "test"):
        r = results[name]
        ev = evaluate(r["texts"], r["outs"], r["gold"], cfg)
        figures[name] = {
            "si": ev["si"].__dict__,
            "tc": ev["tc"].__dict__,
            "flc": ev["flc"].__dict__,
            "flc_per": {k: p.__dict__ for k, p in ev["flc_per"].items()},
            "tc_per": {k: p.__dict__ for k, p in ev["tc_per"].items()},
        }
        report(
            f"{name}: SI F1 {ev['si'].f1:.3f}  TC F1 {ev['tc'].f1:.3f}  FLC F1 {ev['flc'].f1:.3f}"
        )
    return figures
