"""Distillation moves a teacher's token probabilities to a student that tokenises differently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propwatch.errors import InputError
from propwatch.techniques.ptc import load_unlabelled
from propwatch.train.techniques import chars_from_tokens, tokens_from_chars


def test_probabilities_survive_a_change_of_tokeniser() -> None:
    text = "so-called experts"
    teacher_offsets = np.array([[0, 2], [2, 3], [3, 9], [10, 17]])  # so | - | called | experts
    teacher_probs = np.array([[0.8], [0.6], [0.4], [0.0]], np.float32)
    chars = chars_from_tokens(len(text), teacher_offsets, teacher_probs)
    assert chars[10:17].max() == 0.0 and chars[9, 0] == 0.0  # the space belongs to no token
    student_offsets = np.array([[0, 9], [10, 13], [13, 17]])  # so-called | exp | erts
    student = tokens_from_chars(chars, student_offsets)
    expected_first = (2 * 0.8 + 1 * 0.6 + 6 * 0.4) / 9
    assert student[:, 0] == pytest.approx([expected_first, 0.0, 0.0], abs=1e-6)


def test_same_tokens_give_back_the_teacher_probabilities() -> None:
    rng = np.random.default_rng(0)
    offsets = np.array([[0, 3], [4, 9], [9, 12], [13, 15]])
    probs = rng.random((4, 15)).astype(np.float32)
    back = tokens_from_chars(chars_from_tokens(15, offsets, probs), offsets)
    assert np.allclose(back, probs, atol=1e-6)


def test_unlabelled_articles_are_marked_and_a_folder_without_text_is_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.txt").write_text("One article.\n", encoding="utf-8")
    (arts,) = load_unlabelled(tmp_path)
    assert not arts.labelled and arts.spans == [] and arts.text == "One article.\n"
    with pytest.raises(InputError, match="no .txt articles"):
        load_unlabelled(tmp_path / "a.txt")


def test_teacher_cache_is_reused_only_for_the_same_teacher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from propwatch.techniques.ptc import PtcArticle
    from propwatch.train import techniques as tt

    loads: list[Path] = []

    def fake_load(path: Path) -> None:
        loads.append(path)
        raise RuntimeError("model loaded")

    monkeypatch.setattr(tt, "load_checkpoint", fake_load)
    teacher, other = tmp_path / "teacher.pt", tmp_path / "other.pt"
    teacher.write_bytes(b"weights")
    other.write_bytes(b"other weights")
    cache = tmp_path / "teacher.npz"
    arts = [PtcArticle("a", "two words")]
    stat = teacher.stat()
    identity = np.asarray(f"{teacher.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
    probs = np.full((9, 15), 0.25, np.float16)
    np.savez_compressed(cache, a=probs, **{tt.TEACHER_KEY: identity})

    got = tt.teacher_char_probs(teacher, arts, bf16=False, cache=cache)
    assert loads == [] and np.allclose(got["a"], 0.25)
    with pytest.raises(RuntimeError, match="model loaded"):
        tt.teacher_char_probs(other, arts, bf16=False, cache=cache)
    assert loads == [other]
