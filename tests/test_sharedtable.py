"""The shipped MiniLM graphs share one word-piece table: a graph with its table taken out
gives bit-identical outputs when the table is handed back, and fails clearly without it.

Fixture: ``tests/fixtures/shared_table`` is the tiny technique model
(``tests/techniques/fixtures/tiny_model``) after ``sharedtable.share(..., 'emb', ...)``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from propwatch import sharedtable
from propwatch.claims.encoder import model_dir
from propwatch.errors import ModelError
from propwatch.techniques.tagger import DEFAULT_MODEL_DIR

TESTS = Path(__file__).resolve().parent
TINY = TESTS / "techniques" / "fixtures" / "tiny_model" / "model.onnx"
SHARED = TESTS / "fixtures" / "shared_table"


def _run(session: ort.InferenceSession) -> list[np.ndarray]:
    ids = np.array([[101, 7592, 2088, 1037, 3231, 102]], np.int64)
    return list(session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)}))


def _options() -> ort.SessionOptions:
    return ort.SessionOptions()


def test_a_graph_without_its_table_gives_the_same_outputs_with_the_shared_one() -> None:
    alone = sharedtable.session(TINY, _options())
    shared = sharedtable.session(SHARED / "model.onnx", _options(), table=SHARED / "table.npz")
    for a, b in zip(_run(alone), _run(shared), strict=True):
        assert np.array_equal(a, b)
    assert (SHARED / "model.onnx").stat().st_size < TINY.stat().st_size


def test_a_graph_without_its_table_fails_clearly_when_the_table_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="shared word-piece table missing"):
        sharedtable.session(SHARED / "model.onnx", _options(), table=tmp_path / "none.npz")


def test_every_shipped_graph_reads_the_one_shipped_table() -> None:
    graphs = [DEFAULT_MODEL_DIR / "model.onnx", model_dir() / "encoder.onnx",
              model_dir() / "reranker.onnx"]
    for graph in graphs:
        assert sharedtable.MARKER.encode() in graph.read_bytes(), graph
        assert graph.stat().st_size < 12e6, graph  # the 11.7 MB table is not inside
    assert sharedtable.table_file().exists()


def test_share_refuses_a_table_that_differs(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="share() needs the train extra (onnx)")
    other = tmp_path / "table.npz"
    np.savez(other, table=np.zeros((97, 4), np.float32))
    with pytest.raises(ModelError, match="differs from the shared table"):
        sharedtable.share(TINY, tmp_path / "model.onnx", "emb", table=other)
    fresh = tmp_path / "fresh.npz"
    sharedtable.share(TINY, tmp_path / "model.onnx", "emb", table=fresh)
    shared = sharedtable.session(tmp_path / "model.onnx", _options(), table=fresh)
    for a, b in zip(_run(sharedtable.session(TINY, _options())), _run(shared), strict=True):
        assert np.array_equal(a, b)
