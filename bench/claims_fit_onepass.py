"""Fit heads on the tagger's pooled hidden states: check-worthiness (shipped,
``src/propwatch/claims/model/checkworthy_head.npz``) and a projection into the matching
encoder's space (measured, not shipped: runs/claims/onepass_projection.npz).

    nice -n 10 .venv/bin/python bench/claims_fit_onepass.py features   # tagger + encoder runs
    nice -n 10 .venv/bin/python bench/claims_fit_onepass.py fit        # fit, choose, write

The heads read the technique tagger's hidden states pooled over a sentence
(``propwatch.techniques.pooling.sentence_vectors``), so ``analyze`` needs no second
network for claims:

- a projection to the space of the all-MiniLM-L6-v2 sentence encoder the matcher was
  built on (target: the encoder's unit vector of the same sentence), ridge regression
  or a one-hidden-layer MLP, whichever is closer on held-out sentences;
- check-worthiness: logistic regression on the pooled vectors (ClaimBuster train, C and
  threshold chosen on a 10% dev split of it), reported on ClaimBuster test next to the
  fine-tuned ``checkworthy.onnx`` in the same run.

Sentences for the projection (none written by us, none from CheckThat! dev):
PTC train articles (sentences pooled in their article's pass, as ``analyze`` pools them),
ClaimBuster train, EUvsDisinfo claim titles, CheckThat! 2020 train tweets and verified
claims (texts pooled alone, as known claims and typed queries are).  Held out for the
cosine: PTC validation articles, ClaimBuster test and 1 in 10 EUvsDisinfo claims.
Vectors are cached in runs/claims/onepass_features.npz (``features``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from claims_checkthat import ROOT, need, tweets, verified_claims  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
RUNS = ROOT / "runs" / "claims"
CACHE = RUNS / "onepass_features.npz"
OUT = ROOT / "src" / "propwatch" / "claims" / "model" / "checkworthy_head.npz"
#: The projection is measured, not shipped (it matched known claims worse, docs/benchmarks.md).
PROJECTION = RUNS / "onepass_projection.npz"
#: The matching encoder (all-MiniLM-L6-v2, int8), the projection's target.
ENCODER = ROOT / "src" / "propwatch" / "claims" / "model" / "encoder.onnx"
#: The fine-tuned check-worthiness network the head replaces, for the comparison:
#: ``git show 5cdf33e:src/propwatch/claims/model/checkworthy.onnx > runs/claims/checkworthy.onnx``
CHECKWORTHY = RUNS / "checkworthy.onnx"
N_KB = 4000
MLP_HIDDEN = 768
MLP_EPOCHS = 25  # claims per knowledge base in the fit (time on the shared cores)


def _held_out(key: str) -> bool:
    return zlib.crc32(key.encode()) % 10 == 0


def texts_alone() -> dict[str, list[tuple[str, str, int]]]:
    """set name -> (key, text, label) of the texts pooled alone (label: check-worthy or -1)."""
    cb = {s: json.loads(need(SHARED / "claimbuster" / f"{s}.json").read_text(encoding="utf-8"))
          for s in ("train", "test")}
    from propwatch.kb.euvsdisinfo import read_euvsdisinfo

    euvs = [c for c in read_euvsdisinfo(need(SHARED / "euvsdisinfo" / "claims.csv"))
            if not isinstance(c, Exception)]
    euvs_rows = [(c.id, c.text, -1) for c in euvs]
    rng = np.random.default_rng(11)
    pick = sorted(rng.permutation(len(euvs_rows))[:N_KB])
    vclaims = verified_claims()
    vpick = sorted(rng.permutation(len(vclaims))[:N_KB])
    return {
        "claimbuster-train": [(str(r["sentence_id"]), r["text"], int(r["label"]))
                              for r in cb["train"]],
        "claimbuster-test": [(str(r["sentence_id"]), r["text"], int(r["label"]))
                             for r in cb["test"]],
        "euvsdisinfo": [euvs_rows[i] for i in pick],
        "checkthat-train-tweets": [(t.id, t.text, -1) for t in tweets("train")],
        "checkthat-vclaims": [(vclaims[i][0], vclaims[i][1], -1) for i in vpick],
    }


def ptc_sentences(part: str) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(article id, article text, candidate sentence ranges) of one PTC split part."""
    from propwatch.claims.component import candidate_sentences
    from propwatch.model import Article
    from propwatch.techniques.run import split_of

    root = need(SHARED / "ptc")
    ids = split_of(root, part) or []
    out = []
    for aid in ids:
        path = root / "articles" / f"article{aid}.txt"
        text = path.read_text(encoding="utf-8")
        spans = candidate_sentences(Article(id=aid, source=str(path), part=0, text=text))
        out.append((aid, text, [(s.start, s.end) for s in spans]))
    return out


def features() -> None:
    from propwatch.claims.encoder import SentenceEncoder
    from propwatch.techniques.pooling import sentence_vectors
    from propwatch.techniques.tagger import Tagger

    tagger = Tagger(threads=1)
    encoder = SentenceEncoder(need(ENCODER), threads=1)
    arrays: dict[str, np.ndarray] = {}
    t0 = time.perf_counter()
    for name, rows in texts_alone().items():
        texts = [t for _, t, _ in rows]
        pooled = np.stack([sentence_vectors(tagger.token_outputs([t])[0], [(0, len(t))])[0]
                           for t in texts])
        arrays[f"{name}/x"] = pooled
        arrays[f"{name}/y"] = encoder.encode(texts, cache=False)
        arrays[f"{name}/label"] = np.array([lab for _, _, lab in rows])
        arrays[f"{name}/key"] = np.array([k for k, _, _ in rows])
        print(f"{name}: {len(rows)} texts, {time.perf_counter() - t0:.0f} s", flush=True)
    for part in ("train", "val"):
        xs, ys = [], []
        for _, text, ranges in ptc_sentences(part):
            if not ranges:
                continue
            xs.append(sentence_vectors(tagger.token_outputs([text])[0], ranges))
            ys.append(encoder.encode([text[a:b] for a, b in ranges], cache=False))
        arrays[f"ptc-{part}/x"] = np.concatenate(xs)
        arrays[f"ptc-{part}/y"] = np.concatenate(ys)
        print(f"ptc-{part}: {len(arrays[f'ptc-{part}/x'])} sentences, "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
    RUNS.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(CACHE, **arrays)  # type: ignore[arg-type]
    print(f"wrote {CACHE}")


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _cos(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.sum(_unit(pred) * _unit(y), axis=1)))


def fit() -> None:
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.metrics import f1_score, precision_score, recall_score
    from sklearn.neural_network import MLPRegressor

    d = dict(np.load(need(CACHE)))
    euvs_held = np.array([_held_out(str(k)) for k in d["euvsdisinfo/key"]])
    train_x = np.concatenate([d["ptc-train/x"], d["claimbuster-train/x"],
                              d["euvsdisinfo/x"][~euvs_held], d["checkthat-train-tweets/x"],
                              d["checkthat-vclaims/x"]])
    train_y = np.concatenate([d["ptc-train/y"], d["claimbuster-train/y"],
                              d["euvsdisinfo/y"][~euvs_held], d["checkthat-train-tweets/y"],
                              d["checkthat-vclaims/y"]])
    held = {"PTC validation sentences (in their article)": ("ptc-val", None),
            "ClaimBuster test": ("claimbuster-test", None),
            "EUvsDisinfo held-out claims": ("euvsdisinfo", euvs_held)}
    mean = train_x.mean(axis=0)
    scale = train_x.std(axis=0) + 1e-6
    z = (train_x - mean) / scale
    print(f"projection: {len(train_x)} training sentences")

    def held_cos(predict: object) -> dict[str, float]:
        out = {}
        for label, (name, mask) in held.items():
            x, y = d[f"{name}/x"], d[f"{name}/y"]
            if mask is not None:
                x, y = x[mask], y[mask]
            out[label] = _cos(predict((x - mean) / scale), y)  # type: ignore[operator]
        return out

    # choose on a 10% split of the training sentences, report the held-out sets
    rng = np.random.default_rng(5)
    dev = rng.random(len(z)) < 0.1
    candidates: list[tuple[float, str, object]] = []
    for alpha in (10.0, 1000.0):
        model = Ridge(alpha=alpha).fit(z[~dev], train_y[~dev])
        score = _cos(model.predict(z[dev]), train_y[dev])
        print(f"ridge alpha {alpha:g}: dev cosine {score:.4f}", flush=True)
        candidates.append((score, f"ridge {alpha:g}", model))
    # one MLP (the shared cores allow one fit): kept as fit on the 90% when it wins
    mlp = MLPRegressor(hidden_layer_sizes=(MLP_HIDDEN,), alpha=1e-3, max_iter=MLP_EPOCHS,
                       batch_size=256, random_state=0).fit(z[~dev], train_y[~dev])
    score = _cos(mlp.predict(z[dev]), train_y[dev])
    print(f"mlp {MLP_HIDDEN} relu, {MLP_EPOCHS} epochs: dev cosine {score:.4f}", flush=True)
    candidates.append((score, f"mlp {MLP_HIDDEN}", mlp))
    best_score, name, model = max(candidates, key=lambda c: c[0])
    print(f"chosen: {name}")
    arrays: dict[str, np.ndarray] = {"mean": mean.astype(np.float32),
                                     "scale": scale.astype(np.float32)}
    if isinstance(model, Ridge):
        model = Ridge(alpha=model.alpha).fit(z, train_y)
        arrays |= {"w1": model.coef_.T.astype(np.float32),
                   "b1": model.intercept_.astype(np.float32)}
    else:
        arrays |= {"w1": model.coefs_[0].astype(np.float32),
                   "b1": model.intercepts_[0].astype(np.float32),
                   "w2": model.coefs_[1].astype(np.float32),
                   "b2": model.intercepts_[1].astype(np.float32)}
    for label, value in held_cos(model.predict).items():
        print(f"held-out cosine to the encoder, {label}: {value:.4f}")

    # check-worthiness
    x, y = d["claimbuster-train/x"], d["claimbuster-train/label"]
    keys = d["claimbuster-train/key"]
    cb_dev = np.array([_held_out(str(k)) for k in keys])
    xz = (x - mean) / scale
    best_cw: tuple[float, float, float] | None = None
    for c in (0.01, 0.1, 1.0):
        lr = LogisticRegression(C=c, max_iter=2000).fit(xz[~cb_dev], y[~cb_dev])
        p = lr.predict_proba(xz[cb_dev])[:, 1]
        for cut in (0.3, 0.4, 0.5):
            f1 = f1_score(y[cb_dev], p >= cut)
            print(f"check-worthiness C {c:g} cut {cut}: ClaimBuster dev F1 {f1:.3f}")
            if best_cw is None or f1 > best_cw[0]:
                best_cw = (f1, c, cut)
    assert best_cw is not None
    _, c, cut = best_cw
    lr = LogisticRegression(C=c, max_iter=2000).fit(xz, y)
    # the cut folded into the bias: P >= 0.5 of the shipped head = P >= cut of the fit
    bias = float(lr.intercept_[0]) - float(np.log(cut / (1 - cut)))
    np.savez(PROJECTION, **arrays)  # type: ignore[arg-type]
    print(f"wrote {PROJECTION}")
    head = {"mean": arrays["mean"], "scale": arrays["scale"],
            "coef": lr.coef_[0].astype(np.float32), "bias": np.float32(bias)}
    tx, ty = (d["claimbuster-test/x"] - mean) / scale, d["claimbuster-test/label"]
    p = 1 / (1 + np.exp(-(tx @ head["coef"] + bias)))
    print(f"chosen C {c:g}, cut {cut}: ClaimBuster test P/R/F1 "
          f"{precision_score(ty, p >= 0.5):.3f} / {recall_score(ty, p >= 0.5):.3f} / "
          f"{f1_score(ty, p >= 0.5):.3f}")
    from propwatch.claims.encoder import OnnxModel

    if CHECKWORTHY.exists():
        texts = [r["text"] for r in json.loads(
            (SHARED / "claimbuster" / "test.json").read_text(encoding="utf-8"))]
        q = OnnxModel(CHECKWORTHY, threads=1).run(texts).reshape(-1)
        print(f"checkworthy.onnx, same test: P/R/F1 {precision_score(ty, q >= 0.5):.3f} / "
              f"{recall_score(ty, q >= 0.5):.3f} / {f1_score(ty, q >= 0.5):.3f}")
    np.savez(OUT, **head)  # type: ignore[arg-type]
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e3:.1f} KB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("step", choices=("features", "fit"))
    args = ap.parse_args()
    features() if args.step == "features" else fit()


if __name__ == "__main__":
    main()
