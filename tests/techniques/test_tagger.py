"""The ONNX inference path (onnxruntime + tokenizers, no torch)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from propwatch.cli import main
from propwatch.errors import ModelError
from propwatch.model import Article
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.ptc import load_ptc
from propwatch.techniques.run import evaluate_ptc
from propwatch.techniques.tagger import DEFAULT_MODEL_DIR, Tagger

LONG = " ".join(
    "The corrupt gang at the harbour must be stopped, said the furious mayor on Monday."
    for _ in range(30)
)


def _with_window(src: Path, dst: Path, window: int, stride: int) -> Path:
    shutil.copytree(src, dst)
    conf = json.loads((dst / "config.json").read_text())
    conf.update(window=window, stride=stride)
    (dst / "config.json").write_text(json.dumps(conf))
    return dst


def test_windows_do_not_shift_tokens(tiny_model: Path, tmp_path: Path) -> None:
    """The tiny model is context-free, so any windowing must give the same token outputs."""
    whole = Tagger(_with_window(tiny_model, tmp_path / "a", 2000, 2000)).token_outputs([LONG])[0]
    for window, stride in ((8, 5), (8, 8), (31, 3)):
        d = _with_window(tiny_model, tmp_path / f"w{window}-{stride}", window, stride)
        cut = Tagger(d).token_outputs([LONG, "short text"])[0]
        np.testing.assert_allclose(cut.probs, whole.probs, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(cut.hidden, whole.hidden, rtol=1e-5, atol=1e-6)
        assert (cut.enc.offsets == whole.enc.offsets).all()


def test_spans_are_clean_and_explained(tiny_model: Path) -> None:
    text = LONG + "\n\nÉlite naïve “quotes” — done."
    res = Tagger(tiny_model).analyse([text, "", "   "])
    assert res[1].techniques == [] and res[2].techniques == []
    spans = res[0].techniques
    assert spans, "the tiny model fires on some tokens"
    for s in spans:
        assert s.label in TECHNIQUES and 0 <= (s.score or 0) <= 1
        assert s.data["explanation_key"] == s.label
        piece = text[s.start : s.end]
        assert piece == piece.strip() and "\n" not in piece
        assert s.start == 0 or not (text[s.start - 1].isalnum() and text[s.start].isalnum())
        assert s.end == len(text) or not (text[s.end - 1].isalnum() and text[s.end].isalnum())


def test_label_spans_gives_distributions(tiny_model: Path) -> None:
    tagger = Tagger(tiny_model)
    probs = tagger.label_spans(LONG, [(4, 17), (0, 3), (10, 10)])
    assert probs.shape == (3, len(TECHNIQUES))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        Tagger(tmp_path)


def test_cli_tag_semeval_offsets_index_the_file(tiny_model: Path, fixture_ptc: Path) -> None:
    result = CliRunner().invoke(
        main, ["tag", "--model", str(tiny_model), str(fixture_ptc / "articles")]
    )
    assert result.exit_code == 0, result.output
    texts = {a.id: a.text for a in load_ptc(fixture_ptc)}
    lines = result.output.splitlines()
    assert lines
    for line in lines:
        aid, tech, start, end = line.split("\t")
        assert aid in texts and tech in TECHNIQUES
        assert 0 <= int(start) < int(end) <= len(texts[aid])


def test_cli_tag_jsonl(tiny_model: Path, tmp_path: Path) -> None:
    f = tmp_path / "news-1.txt"
    f.write_bytes(b"Line one\r\nThe corrupt gang again.\r\n")
    result = CliRunner().invoke(
        main, ["tag", "--format", "jsonl", "--model", str(tiny_model), str(f)]
    )
    assert result.exit_code == 0, result.output
    rec = json.loads(result.output)
    text = f.read_bytes().decode()
    assert rec["id"] == "news-1"
    for s in rec["techniques"]:
        assert text[s["start"] : s["end"]] == s["text"]
        assert s["profile"] == "precise" and s["source"] == "token"


def test_eval_runs_on_fixture(tiny_model: Path, fixture_ptc: Path) -> None:
    res = evaluate_ptc(fixture_ptc, Tagger(tiny_model))
    assert res.n_articles == 2 and res.tc.n_gold == 9
    assert 0 <= res.si.f1 <= 1 and 0 <= res.flc.f1 <= 1
    result = CliRunner().invoke(main, ["eval", "ptc", "--model", str(tiny_model), str(fixture_ptc)])
    assert result.exit_code == 0, result.output
    assert "FLC per technique" in result.output and "Repetition" in result.output


def test_component_writes_layers(tiny_model: Path) -> None:
    from propwatch.model import Span
    from propwatch.techniques.component import PropagandaSentenceComponent, TechniqueComponent

    tagger = Tagger(tiny_model)
    art = Article(id="x", source="t", part=0, text=LONG)
    art.add_layer("sentences", [Span(0, 83, "sentence"), Span(84, 167, "sentence")])
    techs = TechniqueComponent(tagger).predict(art)
    art.add_layer("techniques", techs)
    sents = PropagandaSentenceComponent(tagger).predict(art)
    assert [(s.start, s.end) for s in sents] == [(0, 83), (84, 167)]
    assert all(s.label == "propaganda" and 0 <= (s.score or 0) <= 1 for s in sents)


def test_no_torch_on_the_inference_path(tiny_model: Path) -> None:
    code = (
        "import sys; from propwatch.techniques.tagger import Tagger; "
        "import propwatch.techniques.component, propwatch.techniques.run; "
        f"Tagger({str(tiny_model)!r}).tag('A corrupt gang.'); "
        "sys.exit(int('torch' in sys.modules or 'transformers' in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "model.onnx").exists(), reason="no shipped model")
def test_shipped_model_finds_obvious_loaded_language() -> None:
    tagger = Tagger(profile="balanced")
    text = (
        "Thousands of brave patriots marched against the treacherous, corrupt elite that "
        "is destroying our great nation with its evil lies."
    )
    spans = tagger.tag(text)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    labels = {s.label for s in spans}
    assert labels & {"Loaded_Language", "Name_Calling,Labeling", "Flag-Waving"}
    # Results do not depend on what else is tagged in the same call.
    together = tagger.analyse([LONG, text, "Short other text."])[1].techniques
    assert [(s.start, s.end, s.label) for s in together] == [
        (s.start, s.end, s.label) for s in spans
    ]
    size = sum(f.stat().st_size for f in DEFAULT_MODEL_DIR.iterdir())
    assert size < 40 * 1024 * 1024
    # The default (precise) profile shows a subset of the balanced token spans, scored as
    # probabilities: each is a balanced span or lies inside a balanced whole-sentence span
    # of its technique (which replaces the token spans inside it in balanced).
    precise = Tagger().tag(text)
    for p in precise:
        assert any(b.label == p.label and b.start <= p.start and p.end <= b.end
                   and (b.data["source"] == "sentence" or (b.start, b.end) == (p.start, p.end))
                   for b in spans)
    assert all(0.0 <= (s.score or 0.0) <= 1.0 for s in spans + precise)


def test_tuning_picks_thresholds_that_do_not_lower_validation_f1(
    tiny_model: Path, fixture_ptc: Path
) -> None:
    from propwatch.techniques.tune import GRID, evaluate, tune

    tagger = Tagger(tiny_model)
    arts = load_ptc(fixture_ptc)
    texts = {a.id: a.text for a in arts}
    gold = {a.id: a.spans for a in arts}
    outs = dict(zip(texts, tagger.token_outputs(list(texts.values())), strict=True))
    before = evaluate(texts, outs, gold, tagger.decode_cfg)
    cfg, info = tune(texts, outs, gold, tagger.decode_cfg, min_support=1)
    after = evaluate(texts, outs, gold, cfg)
    assert cfg.mode in {"token", "si+tc", "hybrid"} and info["mode"] == cfg.mode
    assert all(t in GRID for t in cfg.thresholds) and cfg.si_threshold in GRID
    assert after["si"].f1 >= before["si"].f1 - 1e-9
    assert after["flc"].f1 >= before["flc"].f1 - 1e-9


def test_label_spans_on_text_without_tokens(tiny_model: Path) -> None:
    probs = Tagger(tiny_model).label_spans("   ", [(0, 2)])
    np.testing.assert_allclose(probs, 1.0 / len(TECHNIQUES))


def test_muted_techniques_are_never_emitted(tiny_model: Path) -> None:
    from dataclasses import replace

    from propwatch.techniques.infer import DecodeConfig, technique_spans

    tagger = Tagger(tiny_model)
    (out,) = tagger.token_outputs([LONG])
    loud = replace(tagger.decode_cfg, mode="token", thresholds=[0.0] * len(TECHNIQUES))
    everything = {s.label for s in technique_spans(LONG, out, loud)}
    assert {"Repetition", "Doubt"} <= everything
    quiet = replace(loud, muted=["Repetition"])
    assert {s.label for s in technique_spans(LONG, out, quiet)} == everything - {"Repetition"}
    assert DecodeConfig.from_json(quiet.to_json()).muted == ["Repetition"]
