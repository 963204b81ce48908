"""Can matching embeddings come from the tagger's pass?  Richer pooling, measured on retrieval.

    nice -n 5 .venv/bin/python bench/claims_onepass_layers.py features   # about 10 min niced
    nice -n 5 .venv/bin/python bench/claims_onepass_layers.py fit        # fits + figures, a few min

The tagger graph is copied to runs/claims/tagger_layers.onnx with the outputs of its
layers 4 and 5 (of 6) added; each text is run alone (as known claims and typed queries
are) and pooled four ways: the mean and the max of the last layer over its word pieces,
the mean of layer 5 and of layer 4.  Target: the shipped encoder's unit vector of the text.

- Training texts (none from CheckThat! dev): ClaimBuster train (first 4,500), the 800
  CheckThat! 2020 train tweets, 2,500 EUvsDisinfo claims (seeded draw).
- A linear map and a one-hidden-layer MLP (1024 GELU, dropout 0.2), cosine loss, AdamW,
  60 epochs with the best epoch on a 10% split of the training texts; on the last layer's
  mean alone and on all four poolings.
- Retrieval on CheckThat! 2020 dev: the 197 dev tweets against a knowledge base of their
  gold verified claims plus the first 2,000 verified claims that are nobody's gold
  (none trained on); cosine only, MAP@5 and recall at 1/10/50, with the encoder's own
  vectors on the same knowledge base as the reference.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from claims_checkthat import ROOT, need, tweets, verified_claims  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
RUNS = ROOT / "runs" / "claims"
GRAPH = RUNS / "tagger_layers.onnx"
CACHE = RUNS / "onepass_layers.npz"
TAGGER = ROOT / "src" / "propwatch" / "techniques" / "model" / "model.onnx"
LAYERS = ("/m/encoder/encoder/layer.4/output/LayerNorm/LayerNormalization_output_0",
          "/m/encoder/encoder/layer.3/output/LayerNorm/LayerNormalization_output_0")
POOLINGS = {"last mean": [0], "last mean+max, layers 5 and 4 mean": [0, 1, 2, 3]}


def _sets() -> dict[str, list[str]]:
    from propwatch.kb.euvsdisinfo import read_euvsdisinfo

    cb = json.loads(need(SHARED / "claimbuster" / "train.json").read_text(encoding="utf-8"))
    euvs = [c.text for c in read_euvsdisinfo(need(SHARED / "euvsdisinfo" / "claims.csv"))
            if not isinstance(c, Exception)]
    pick = np.random.default_rng(1).permutation(len(euvs))[:2500]
    dev = tweets("dev")
    gold = set().union(*[t.gold for t in dev])
    vclaims = verified_claims()
    return {
        "train": [r["text"] for r in cb[:4500]] + [t.text for t in tweets("train")]
                 + [euvs[i] for i in pick],
        "queries": [t.text for t in dev],
        "kb": [text for i, text in vclaims if i in gold]
              + [text for i, text in vclaims[:2000] if i not in gold],
    }


def kb_ids() -> list[str]:
    gold = set().union(*[t.gold for t in tweets("dev")])
    vclaims = verified_claims()
    return [i for i, _ in vclaims if i in gold] + [i for i, _ in vclaims[:2000] if i not in gold]


def features() -> None:
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer

    from propwatch import sharedtable
    from propwatch.claims.encoder import SentenceEncoder

    graph = onnx.load(str(TAGGER), load_external_data=False)  # its table is the shared one
    for name in LAYERS:
        output = onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
        graph.graph.output.append(output)
    RUNS.mkdir(parents=True, exist_ok=True)
    onnx.save(graph, str(GRAPH))
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = sharedtable.session(GRAPH, opts)
    tok = Tokenizer.from_file(str(TAGGER.parent / "tokenizer.json"))
    tok.enable_truncation(max_length=128)
    tok.no_padding()  # the file pads to 128: pads would be pooled with the text
    encoder = SentenceEncoder(threads=1)
    arrays: dict[str, np.ndarray] = {}
    t0 = time.perf_counter()
    for name, texts in _sets().items():
        rows = []
        for text in texts:
            ids = np.array([tok.encode(text or " ").ids], np.int64)
            feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            _, last, l5, l4 = session.run(None, feeds)
            inner = slice(1, -1) if ids.shape[1] > 2 else slice(None)  # without [CLS]/[SEP]
            rows.append(np.stack([last[0, inner].mean(0), last[0, inner].max(0),
                                  l5[0, inner].mean(0), l4[0, inner].mean(0)]))
        arrays[f"{name}/x"] = np.stack(rows).astype(np.float32)
        arrays[f"{name}/y"] = encoder.encode(texts, cache=False)
        print(f"{name}: {len(texts)} texts, {time.perf_counter() - t0:.0f} s", flush=True)
    np.savez(CACHE, **arrays)  # type: ignore[arg-type]
    print(f"wrote {CACHE}")


def _retrieval(queries: np.ndarray, kb: np.ndarray, ids: list[str]) -> str:
    dev = tweets("dev")
    order = np.argsort(-(queries @ kb.T), axis=1)[:, :50]
    ap, r1, r10, r50 = [], [], [], []
    for t, row in zip(dev, order, strict=True):
        ranked = [ids[j] for j in row]
        hits = [n for n, v in enumerate(ranked[:5]) if v in t.gold]
        ap.append(sum((h + 1) / (n + 1) for h, n in enumerate(hits)) / min(len(t.gold), 5))
        r1.append(ranked[0] in t.gold)
        r10.append(any(v in t.gold for v in ranked[:10]))
        r50.append(any(v in t.gold for v in ranked))
    return (f"MAP@5 {np.mean(ap):.3f}  R@1 {np.mean(r1):.3f}  R@10 {np.mean(r10):.3f}  "
            f"R@50 {np.mean(r50):.3f}")


def _train(x: np.ndarray, y: np.ndarray, kind: str) -> tuple[object, float, int]:
    """(net, held-out cosine, best epoch) of a cosine-loss fit of ``x`` (standardised) to ``y``."""
    import torch

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    width = x.shape[1]
    net = (torch.nn.Linear(width, 384) if kind == "linear" else torch.nn.Sequential(
        torch.nn.Linear(width, 1024), torch.nn.GELU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(1024, 384)))
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
    held = rng.random(len(x)) < 0.1
    train_i, held_i = np.where(~held)[0], np.where(held)[0]
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 60)

    def loss(p: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return 1 - torch.nn.functional.cosine_similarity(p, t).mean()

    best: tuple[float, dict[str, torch.Tensor], int] = (9.0, {}, 0)
    for epoch in range(60):
        net.train()
        perm = rng.permutation(train_i)
        for i in range(0, len(perm), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss(net(xt[b]), yt[b]).backward()
            opt.step()
        sched.step()
        net.eval()
        with torch.no_grad():
            value = float(loss(net(xt[held_i]), yt[held_i]))
        if value < best[0]:
            best = (value, {k: v.clone() for k, v in net.state_dict().items()}, epoch)
    net.load_state_dict(best[1])
    net.eval()
    return net, 1 - best[0], best[2] + 1


def _project(net: object, z: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        p = net(torch.tensor(z, dtype=torch.float32)).numpy()  # type: ignore[operator]
    return np.asarray(p / np.linalg.norm(p, axis=1, keepdims=True))


def fit(cache: Path = CACHE) -> None:
    import torch

    torch.set_num_threads(1)
    d = dict(np.load(need(cache)))
    ids = kb_ids()
    print(f"{len(d['train/x'])} training texts, {len(d['queries/x'])} dev tweets, "
          f"knowledge base of {len(ids)} verified claims")
    print(f"encoder (reference):                 {_retrieval(d['queries/y'], d['kb/y'], ids)}")
    for label, cols in POOLINGS.items():
        def pooled(a: np.ndarray, cols: list[int] = cols) -> np.ndarray:
            return a[:, cols].reshape(len(a), -1)

        x = pooled(d["train/x"])
        mean, scale = x.mean(0), x.std(0) + 1e-6
        for kind in ("linear", "mlp"):
            net, held_cos, epoch = _train((x - mean) / scale, d["train/y"], kind)
            q = _project(net, (pooled(d["queries/x"]) - mean) / scale)
            k = _project(net, (pooled(d["kb/x"]) - mean) / scale)
            cos_q = float(np.mean(np.sum(q * d["queries/y"], axis=1)))
            cos_k = float(np.mean(np.sum(k * d["kb/y"], axis=1)))
            print(f"{kind} on {label} (epoch {epoch}, held-out cosine {held_cos:.3f}; "
                  f"cosine to the encoder: dev tweets {cos_q:.3f}, claims {cos_k:.3f})")
            print(f"  both sides projected:              {_retrieval(q, k, ids)}")
            print(f"  tweets projected, claims encoded:  {_retrieval(q, d['kb/y'], ids)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("step", choices=("features", "fit"))
    ap.add_argument("--cache", type=Path, default=CACHE, help="features to fit on")
    args = ap.parse_args()
    features() if args.step == "features" else fit(args.cache)


if __name__ == "__main__":
    main()
