"""Choose the tagger's two profiles on the validation split and write them into a model's
config.json; then print validation and test figures of both, per technique, with the
reliability and the separation (ROC AUC, right vs wrong spans) of the confidence on test.

Usage: python bench/techniques_profiles.py [PTC_DIR] [MODEL_DIR] [--write] [--retune-balanced]

Steps, all on the validation split (test only scored), token outputs cached
(bench/techniques_cache.py), sentence heads from the model's heads.npz
(bench/techniques_sentence_heads.py):

1. decoding of the token spans: the shipped balanced thresholds (``--retune-balanced``:
   re-tuned for F1 with and without hysteresis, whichever scores higher SI + FLC F1);
2. ``emit``: per technique, the sentence-head threshold at which whole-sentence spans give
   its spans the best validation F1, where they beat its token spans
   (propwatch.techniques.profiles.choose_emit);
3. confidence: a logistic regression of span rightness (at least half of the span inside
   gold spans of its technique) on the raw score, the head probability of the span's
   technique on its sentence and the technique, fitted on every validation span;
4. balanced = 1-3, SI from the "any technique" column; precise = 1-3 plus the lowest common
   confidence floor reaching SI precision 0.60 on validation with at least one span per
   validation article (propwatch.techniques.profiles.choose_floor), SI = shown spans merged;
5. balanced technique floors: per technique (>= 8 validation spans) the confidence floor
   with the best pooled FLC F1 on validation (choose_technique_floors), kept only if
   floors chosen on 4/5 of the validation articles also gain on the other fifth (5-fold).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from techniques_cache import token_outputs

from propwatch.model import Span
from propwatch.techniques.calibration import RIGHT_SHARE, reliability
from propwatch.techniques.evidence import Candidate, SentenceConfig, analyse_text
from propwatch.techniques.heads import sentence_ranges
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.profiles import (
    choose_emit,
    choose_floor,
    choose_prior_floor,
    choose_technique_floors,
    fit_logistic,
    fit_shift,
    span_table,
    tune_precise,
)
from propwatch.techniques.ptc import load_ptc, split_ids
from propwatch.techniques.readable import cross_sentence_techniques
from propwatch.techniques.scorer import PRF, span_credits, span_scores
from propwatch.techniques.tagger import DEFAULT_MODEL_DIR, Tagger
from propwatch.techniques.tune import evaluate, evaluate_tc, tune


def roc_auc(scores: list[float], right: list[bool]) -> float:
    """Probability that a right span scores above a wrong one (ties count half)."""
    s = np.asarray(scores)
    r = np.asarray(right, bool)
    pos, neg = s[r], s[~r]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def cross_validated_floors(
    texts: dict[str, str],
    gold: dict[str, list[Span]],
    rows: list[tuple[str, Candidate]],
    conf: np.ndarray,
    folds: int = 5,
) -> tuple[PRF, PRF]:
    """Pooled FLC scores of the validation spans without technique floors and with floors
    chosen (choose_technique_floors) on the other folds' articles."""
    ids = sorted(texts)
    g = {a: [(s.start, s.end, s.label) for s in gold[a]] for a in ids}
    without = {a: [(c.start, c.end, c.technique) for b, c in rows if b == a] for a in ids}
    with_floors: dict[str, list[tuple[int, int, str]]] = {}
    for k in range(folds):
        held = set(ids[k::folds])
        fit = [i for i, (a, _) in enumerate(rows) if a not in held]
        floors, _ = choose_technique_floors(
            {a: texts[a] for a in ids if a not in held},
            {a: gold[a] for a in ids if a not in held},
            [rows[i] for i in fit], conf[fit])
        for a in held:
            with_floors[a] = [(c.start, c.end, c.technique)
                              for (b, c), s in zip(rows, conf, strict=True)
                              if b == a and s >= floors.get(c.technique, 0.0)]
    return (span_scores(without, g, TECHNIQUES)[0], span_scores(with_floors, g, TECHNIQUES)[0])


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    ptc = Path(args[0]) if args else Path("../shared/data/ptc")
    model_dir = Path(args[1]) if len(args) > 1 else DEFAULT_MODEL_DIR
    tagger = Tagger(model_dir, threads=1, profile="balanced")
    heads = tagger.heads
    if heads is None:
        sys.exit(f"no heads.npz in {model_dir}: run bench/techniques_sentence_heads.py --write")
    arts = load_ptc(ptc)
    split = split_ids([a.id for a in arts], seed=int(tagger.config["split"]["seed"]))
    by_id = {a.id: a for a in arts}
    train = [by_id[i] for i in split.train]
    cross = cross_sentence_techniques(
        (s.label, a.text[s.start : s.end]) for a in train for s in a.spans
    )
    print(f"may span sentences (>= 10% of training spans do): {', '.join(cross)}")
    outs = token_outputs(tagger, [by_id[i] for i in (*split.val, *split.test)])
    parts = {}
    probs = {}
    for name, ids in (("val", split.val), ("test", split.test)):
        chosen = [by_id[i] for i in ids]
        parts[name] = ({a.id: a.text for a in chosen}, {a.id: outs[a.id] for a in chosen},
                       {a.id: a.spans for a in chosen})
        for a in chosen:
            probs[a.id] = heads.predict(a.text, outs[a.id], sentence_ranges(a.text))
    base = replace(tagger.decode_cfg, cross_sentence=cross, min_scores=None,
                   si_from_techniques=False)
    if "--retune-balanced" in sys.argv:
        cands = []
        for hysteresis in (False, True):
            cfg, _ = tune(*parts["val"], base, hysteresis=hysteresis)
            r = evaluate(*parts["val"], cfg)
            cands.append((r["si"].f1 + r["flc"].f1, hysteresis, cfg))
            print(f"balanced, hysteresis {hysteresis}: "
                  f"val SI {r['si'].f1:.3f} FLC {r['flc'].f1:.3f}")
        _, hysteresis, decode = max(cands, key=lambda c: c[0])
        print(f"chosen: hysteresis {hysteresis}")
    else:
        decode = base
    # Share of training sentences overlapping a gold span of each technique.
    hits = dict.fromkeys(TECHNIQUES, 0)
    n_train = 0
    for a in train:
        for st, en in sentence_ranges(a.text):
            n_train += 1
            for t in {g.label for g in a.spans if min(en, g.end) - max(st, g.start) >= 2}:
                hits[t] += 1
    shares = {t: hits[t] / max(1, n_train) for t in TECHNIQUES}
    emit = choose_emit(*parts["val"], decode, heads, probs, shares)
    print("emit (whole-sentence spans):", json.dumps(emit))
    sc = SentenceConfig(emit=emit)
    prior = tagger.prior
    val_priors = None if prior is None else {a: prior(t) for a, t in parts["val"][0].items()}
    rows, feats, right = span_table(*parts["val"], decode, heads, sc, probs, val_priors)
    weights = fit_logistic(feats, right)
    conf = 1 / (1 + np.exp(-(feats @ np.asarray(weights))))
    print(f"confidence model on {len(rows)} validation spans ({int(right.sum())} right); "
          f"val ROC AUC raw {roc_auc([c.raw for _, c in rows], list(right > 0)):.3f}, "
          f"head {roc_auc([c.head for _, c in rows], list(right > 0)):.3f}, "
          f"confidence {roc_auc(list(conf), list(right > 0)):.3f}")
    floor, val_si = choose_floor(parts["val"][0], parts["val"][2], rows, conf)
    print(f"precise: common confidence floor {floor}, validation SI {val_si}")
    # Balanced SI: the decoded column, or the column with the sentence spans added,
    # whichever scores higher SI F1 on validation.
    texts, pouts, gold = parts["val"]
    g = {a: [(s.start, s.end, s.label) for s in gold[a]] for a in texts}
    si_f1 = {}
    for adds in (False, True):
        trial = SentenceConfig(emit=emit, confidence=weights, si_adds_sentences=adds)
        pred = {a: [(s.start, s.end, s.label)
                    for s in analyse_text(texts[a], pouts[a], decode, heads, trial, prior)[1]]
                for a in texts}
        si_f1[adds] = span_scores(pred, g)[0].f1
    adds = si_f1[True] > si_f1[False]
    print(f"balanced SI on validation: column {si_f1[False]:.3f}, with sentence spans "
          f"{si_f1[True]:.3f}; chosen: {'with' if adds else 'column'}")
    # Precise: the confidence floor above, or the raw-score floors of tune_precise (token
    # spans only, scored by the confidence model), whichever is more precise on validation.
    # ... with a floor on the article prior (bench/techniques_prior.py), chosen the same way.
    if val_priors is None:
        min_prior = 0.0
        floors_decode, info = tune_precise(*parts["val"], decode)
    else:
        min_prior, floors_decode, info = choose_prior_floor(*parts["val"], decode, val_priors)
        for q, si in info["tried"]:
            print(f"  precise, article prior >= {q}: validation SI {si}")
    by_floor = SentenceConfig(emit=emit, confidence=weights,
                              min_confidence=dict.fromkeys(TECHNIQUES, floor),
                              si_from_spans=True)
    by_raw = SentenceConfig(confidence=weights, si_from_spans=True, min_prior=min_prior)
    print(f"precise by raw-score floors (common {info['common_floor']}, article prior >= "
          f"{min_prior}): validation SI {info['val_si']}")
    if info["val_si"].precision > val_si.precision:
        precise_decode, precise = floors_decode, by_raw
        print("precise: chosen raw-score floors")
    else:
        precise_decode, precise = replace(decode, si_from_techniques=True), by_floor
        print("precise: chosen confidence floor")
    # Recalibrate the precise confidence on the spans it shows on validation (the model was
    # fitted on all balanced validation spans; the precise ones are its best-scoring).
    texts, pouts, gold = parts["val"]
    shown_conf: list[float] = []
    shown_ok: list[bool] = []
    for a in texts:
        techs = analyse_text(texts[a], pouts[a], precise_decode, heads, precise,
                             tagger.prior)[0]
        shown_conf += [s.score or 0.0 for s in techs]
        shown_ok += [c >= RIGHT_SHARE for c in span_credits(
            [(s.start, s.end, s.label) for s in techs],
            [(s.start, s.end, s.label) for s in gold[a]])]
    precise = replace(precise, shift=fit_shift(shown_conf, shown_ok))
    print(f"precise confidence: logit shift {precise.shift:.3f} fitted on {len(shown_conf)} "
          f"validation spans (mean confidence {np.mean(shown_conf):.3f}, share right "
          f"{np.mean(shown_ok):.3f})")
    # Balanced: per-technique confidence floors for the best FLC F1 on validation, kept
    # only if they also gain when chosen on 4/5 of the validation articles and scored on
    # the other fifth (30 articles: an in-sample gain may be noise).
    tech_floors, val_flc = choose_technique_floors(parts["val"][0], parts["val"][2], rows, conf)
    print(f"balanced technique floors {json.dumps(tech_floors)}: validation FLC {val_flc}")
    cv_without, cv_with = cross_validated_floors(parts["val"][0], parts["val"][2], rows, conf)
    print(f"balanced technique floors, 5-fold on validation: FLC F1 without {cv_without.f1:.3f}"
          f", with {cv_with.f1:.3f}")
    if cv_with.f1 <= cv_without.f1:
        tech_floors = {}
        print("balanced technique floors: not kept")
    profiles = {
        "precise": precise,
        "balanced": SentenceConfig(emit=emit, confidence=weights, si_adds_sentences=adds,
                                   min_confidence=tech_floors),
    }
    decodes = {"precise": precise_decode, "balanced": decode}
    for name, scfg in profiles.items():
        for part in ("val", "test"):
            texts, pouts, gold = parts[part]
            g = {a: [(s.start, s.end, s.label) for s in gold[a]] for a in texts}
            flc, si = {}, {}
            scores: list[float] = []
            ok: list[bool] = []
            for a in texts:
                techs, sis = analyse_text(texts[a], pouts[a], decodes[name], heads, scfg,
                                          tagger.prior)
                flc[a] = [(s.start, s.end, s.label) for s in techs]
                si[a] = [(s.start, s.end, s.label) for s in sis]
                scores += [s.score or 0.0 for s in techs]
                ok += [c >= RIGHT_SHARE for c in span_credits(flc[a], g[a])]
            si_all, _ = span_scores(si, g)
            flc_all, flc_per = span_scores(flc, g, TECHNIQUES)
            tc, _ = evaluate_tc(texts, pouts, gold, decode)
            raw_auc = roc_auc([s.data["raw_score"] for a in texts for s in
                               analyse_text(texts[a], pouts[a], decodes[name], heads, scfg,
                                            tagger.prior)[0]],
                              ok)
            print(f"{name:8s} {part:4s} SI P {si_all.precision:.3f} R {si_all.recall:.3f} "
                  f"F1 {si_all.f1:.3f} ({si_all.n_pred} spans) | FLC P {flc_all.precision:.3f} "
                  f"R {flc_all.recall:.3f} F1 {flc_all.f1:.3f} ({flc_all.n_pred}) | TC {tc.f1:.3f}"
                  f" | ROC AUC confidence {roc_auc(scores, ok):.3f}, raw score {raw_auc:.3f}")
            for t in TECHNIQUES:
                p = flc_per.get(t)
                if p is not None and (p.n_gold or p.n_pred):
                    print(f"    {t:36s} P {p.precision:.3f} R {p.recall:.3f} F1 {p.f1:.3f} "
                          f"pred {p.n_pred} gold {p.n_gold}")
            if part == "test":
                rel, ece = reliability(scores, ok)
                print(f"  test reliability ({len(scores)} spans, ECE {ece:.3f}): confidence "
                      "bin, mean confidence, share right, spans")
                for lo, hi, mean, share, n in rel:
                    print(f"    [{lo:.1f}, {hi:.1f})  {mean:.3f}  {share:.3f}  {n}")
    if "--write" in sys.argv:
        path = model_dir / "config.json"
        conf_json = json.loads(path.read_text(encoding="utf-8"))
        # The acceptance floor is chosen on judged news spans (techniques_news_filter.py).
        for name, old in (conf_json.get("profiles") or {}).items():
            if name in profiles:
                profiles[name].min_accept = float(old.get("sentence", {}).get("min_accept", 0))
        conf_json["decode"] = decode.to_json()
        conf_json["profiles"] = {
            "precise": {"decode": precise_decode.to_json(), "calibration": None,
                        "sentence": profiles["precise"].to_json()},
            "balanced": {"decode": decode.to_json(), "calibration": None,
                         "sentence": profiles["balanced"].to_json()},
        }
        path.write_text(json.dumps(conf_json, indent=1), encoding="utf-8")
        print(f"written: {path}")


if __name__ == "__main__":
    main()
