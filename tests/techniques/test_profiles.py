"""Profiles (precise / balanced), calibrated confidence and context-stable output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from propwatch.cli import main
from propwatch.errors import ModelError
from propwatch.techniques.calibration import Calibration, fit_isotonic, reliability
from propwatch.techniques.tagger import Tagger
from propwatch.techniques.windows import anchored_windows, paragraph_ends

TEXT = (
    "The corrupt gang at the harbour must be stopped, said the furious mayor on Monday.\n"
    "Officials said the bridge would reopen next week after repairs.\n"
)


def _with_profiles(tiny_model: Path, dst: Path, floor: float) -> Path:
    """The tiny model with a balanced profile and a precise one that drops spans scoring
    under ``floor``, both calibrated by one map that halves scores."""
    shutil.copytree(tiny_model, dst)
    conf = json.loads((dst / "config.json").read_text())
    decode = conf["decode"]
    calibration = {"x": [0.0, 1.0], "y": [0.0, 0.5]}
    precise = {**decode, "min_scores": {t: floor for t in decode["thresholds"]}}
    conf["profiles"] = {
        "balanced": {"decode": decode, "calibration": calibration},
        "precise": {"decode": precise, "calibration": calibration},
    }
    (dst / "config.json").write_text(json.dumps(conf))
    return dst


def test_precise_profile_keeps_only_spans_above_its_floors(
    tiny_model: Path, tmp_path: Path
) -> None:
    d = _with_profiles(tiny_model, tmp_path / "m", floor=0.9)
    balanced = Tagger(d, profile="balanced").tag(TEXT)
    precise = Tagger(d, profile="precise").tag(TEXT)
    assert balanced, "the tiny model fires on this text"
    raw = [s.data["raw_score"] for s in balanced]
    assert len(precise) == sum(r >= 0.9 for r in raw) < len(balanced)
    assert {(s.start, s.end, s.label) for s in precise} <= {
        (s.start, s.end, s.label) for s in balanced
    }


def test_span_scores_are_calibrated_confidences(tiny_model: Path, tmp_path: Path) -> None:
    d = _with_profiles(tiny_model, tmp_path / "m", floor=0.0)
    for s in Tagger(d, profile="precise").tag(TEXT):
        assert s.score == pytest.approx(0.5 * s.data["raw_score"])


def test_unknown_profile_is_a_model_error(tiny_model: Path) -> None:
    with pytest.raises(ModelError, match="choose one of"):
        Tagger(tiny_model, profile="reckless")


def test_cli_takes_a_profile(tiny_model: Path, tmp_path: Path) -> None:
    d = _with_profiles(tiny_model, tmp_path / "m", floor=0.9)
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    counts = {}
    for profile in ("precise", "balanced"):
        res = CliRunner().invoke(main, ["tag", "--model", str(d), "--profile", profile, str(f)])
        assert res.exit_code == 0, res.output
        counts[profile] = len(res.output.splitlines())
    assert counts["precise"] < counts["balanced"]
    bad = CliRunner().invoke(main, ["tag", "--model", str(d), "--profile", "loose", str(f)])
    assert bad.exit_code != 0 and "precise" in bad.output


def test_isotonic_calibration_is_monotone_and_matches_rates() -> None:
    scores = [i / 100 for i in range(100)]
    right = [i >= 50 for i in range(100)]
    cal = fit_isotonic(scores, right)
    values = [cal(s) for s in scores]
    assert values == sorted(values)
    assert cal(0.1) == pytest.approx(0.0) and cal(0.95) == pytest.approx(1.0)
    rows, ece = reliability(values, right)
    assert ece < 0.1 and sum(n for *_, n in rows) == 100
    assert Calibration.from_json(cal.to_json())(0.95) == pytest.approx(1.0, abs=1e-4)


def test_same_spans_alone_and_embedded_in_a_page(tiny_model: Path) -> None:
    """An article tagged alone and inside a longer page (other articles around it, tagged
    in one batch with other texts) gets the same spans."""
    tagger = Tagger(tiny_model)
    before = "Sports news. The local team won again on Sunday evening.\n\n" * 40
    after = "\n\nWeather: rain is expected on the coast, with strong winds.\n" * 40
    page = before + TEXT + after
    alone = {(s.label, s.start, s.end) for s in tagger.tag(TEXT)}
    embedded = {
        (s.label, s.start - len(before), s.end - len(before))
        for s in tagger.analyse(["a short neighbour text", page])[1].techniques
        if len(before) <= s.start < len(before) + len(TEXT)
    }
    assert alone and alone == embedded


def test_anchored_windows_cover_every_token_once_within_the_size() -> None:
    rng = np.random.default_rng(3)
    ids = rng.integers(100, 5000, 900)
    lines = np.zeros(900, bool)
    lines[rng.choice(np.arange(1, 900), 40, replace=False)] = True
    sentences = lines.copy()
    sentences[::37] = True
    wins = anchored_windows(ids, lines, sentences, 64)
    covered = np.zeros(900, int)
    for s, n in wins:
        assert 0 < n <= 64
        covered[s : s + n] += 1
    assert (covered == 1).all()


def test_anchored_windows_do_not_move_with_text_before_them() -> None:
    rng = np.random.default_rng(5)
    article = rng.integers(100, 5000, 1200)
    cuts = np.zeros(1200, bool)
    cuts[::30] = True
    header = rng.integers(100, 5000, 77)
    hcuts = np.zeros(77, bool)
    hcuts[::25] = True
    alone = anchored_windows(article, cuts, cuts, 254)
    page = anchored_windows(
        np.concatenate([header, article]),
        np.concatenate([hcuts, cuts]),
        np.concatenate([hcuts, cuts]),
        254,
    )
    shifted = {(s - 77, n) for s, n in page if s >= 77}
    inner = [w for w in alone if w[0] >= 300]  # past the article's first anchors
    assert inner and all(w in shifted for w in inner)


def _words(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stand-in word pieces of ``text``: (ids, offsets, line breaks before each)."""
    found = list(re.finditer(r"\S+", text))
    offsets = np.asarray([(m.start(), m.end()) for m in found], np.int64)
    ids = np.asarray([100 + sum(map(ord, m.group())) % 4000 for m in found], np.int64)
    lines = np.zeros(len(found), bool)
    for t in range(1, len(found)):
        lines[t] = "\n" in text[offsets[t - 1, 1] : offsets[t, 0]]
    return ids, offsets, lines


def test_paragraph_ends_follow_closed_paragraphs_and_join_titles() -> None:
    text = "A title without a stop\n\nFirst paragraph ends here.\n \nSecond one?\n\nLast."
    _, offsets, _ = _words(text)
    starts = [text[s:e] for s, e in offsets]
    closed = [starts[t] for t in np.flatnonzero(paragraph_ends(text, offsets))]
    assert closed == ["Second", "Last."]  # the title is read with the paragraph after it
    every = paragraph_ends(text, offsets, titles_join=False)
    assert [starts[t] for t in np.flatnonzero(every)] == ["First", "Second", "Last."]


def test_windows_closed_at_paragraphs_are_the_same_in_any_page() -> None:
    """With windows ending at closed paragraphs, every window of an article (its first and
    last too) is the same alone and between other articles."""
    rng = np.random.default_rng(7)
    words = [f"w{k}" for k in rng.integers(0, 500, 4000)]

    def paragraphs(k: int, n: int) -> str:
        return "\n\n".join(" ".join(words[k + 30 * i : k + 30 * i + 29]) + "." for i in range(n))

    article = "Headline of the story\n\n" + paragraphs(0, 25)
    before, after = paragraphs(1000, 7), paragraphs(2000, 6)
    page = before + "\n\n" + article + "\n\n" + after

    def windows(text: str) -> list[tuple[str, str]]:
        ids, offsets, lines = _words(text)
        closes = paragraph_ends(text, offsets)
        out = []
        for s, n in anchored_windows(ids, lines, lines, 254, closes=closes):
            out.append((int(offsets[s, 0]), int(offsets[s + n - 1, 1])))
        return [(text[a:b][:20], text[a:b][-20:]) for a, b in out]

    alone = windows(article)
    inside = windows(page)
    assert len(alone) > 3
    assert all(w in inside for w in alone)
    # Without the paragraph rule the article's first window takes in the text before it.
    ids, offsets, lines = _words(page)
    loose = anchored_windows(ids, lines, lines, 254)
    first = int(np.searchsorted(offsets[:, 0], len(before) + 2))
    assert not any(s == first for s, _ in loose)


def test_use_profile_chooses_the_pipeline_profile() -> None:
    from propwatch.techniques import tagger as tagger_module

    try:
        tagger_module.use_profile("balanced")
        assert tagger_module._default_profile == "balanced"
        with pytest.raises(ModelError, match="choose one of"):
            tagger_module.use_profile("loose")
    finally:
        tagger_module.use_profile("precise")
    assert tagger_module._default_profile == "precise"


def test_analyze_help_offers_the_profiles() -> None:
    res = CliRunner().invoke(main, ["analyze", "--help"])
    assert res.exit_code == 0 and "--profile" in res.output and "balanced" in res.output


def test_run_windows_never_reads_over_a_closed_paragraph(tiny_model: Path) -> None:
    """With ``window_paragraphs`` the encoder never sees text on both sides of a blank line
    after a finished sentence."""
    from propwatch.techniques.infer import N_OUT, run_windows

    tagger = Tagger(tiny_model)
    text = "Harbour news today\n\n" + "\n\n".join(
        f"Paragraph {k} says the mayor spoke at length about the bridge." for k in range(30))
    enc = tagger.wp.encode_batch([text])[0]
    seen: list[tuple[int, int]] = []

    def forward(ids: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        seen.append((int(mask.sum()) - 2, int(ids[0, 1])))
        b, n = ids.shape
        return np.zeros((b, n, N_OUT), np.float32), np.zeros((b, n, 4), np.float32)

    def lengths(rule: str) -> list[int]:
        seen.clear()
        run_windows([enc], forward, cls_id=tagger.wp.cls_id, sep_id=tagger.wp.sep_id,
                    pad_id=tagger.wp.pad_id, window=254, texts=[text], paragraphs=rule,
                    batch_size=1)
        return sorted(n for n, _ in seen)

    per_paragraph = len(tagger.wp.encode_batch(["Paragraph 10 says the mayor spoke at length "
                                                "about the bridge."])[0].ids)
    closed = lengths("closed")
    # One window per paragraph (the title may join the first, unless that one is an anchor).
    assert closed.count(per_paragraph) >= 29 and sum(closed) == len(enc.ids)
    assert max(lengths("none")) > 2 * per_paragraph
    with pytest.raises(ValueError, match="paragraph rule"):
        lengths("sometimes")
