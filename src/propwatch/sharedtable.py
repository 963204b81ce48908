"""The word-piece embedding table that the shipped MiniLM graphs share, stored once.

The technique tagger (``techniques/model/model.onnx``), the sentence encoder and the
reranker (``claims/model/encoder.onnx``, ``reranker.onnx``) were all fine-tuned from
all-MiniLM-L6-v2 with the word embeddings frozen, so their int8 word-piece tables (30,522
x 384, 11.7 MB, half of each graph) are bit-identical.  ``share`` takes the table out of
a graph (the initializer is renamed ``NAME`` and marked as external data at ``MARKER``);
``session`` opens a graph and, when it carries the marker, hands onnxruntime the table
from ``weights/minilm_word_embeddings.npz`` (one copy in memory for every session).
Outputs are bit-identical to the graph with its own table (``tests/test_sharedtable.py``).
A graph without the marker (a freshly exported or test model) opens as it is.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from propwatch.errors import ModelError

#: Name of the shared initializer inside a graph that had its table taken out.
NAME = "minilm.word_embeddings.weight_quantized"
#: External-data location of that initializer: no file, the table is handed in by ``session``.
MARKER = "propwatch-shared-table:minilm_word_embeddings"


def table_file() -> Path:
    return Path(str(resources.files("propwatch") / "weights" / "minilm_word_embeddings.npz"))


@lru_cache(maxsize=4)
def _table(path: Path) -> Any:
    import onnxruntime as ort

    if not path.exists():
        raise ModelError(f"shared word-piece table missing at {path}; reinstall propwatch")
    with np.load(path, allow_pickle=False) as d:
        table = np.ascontiguousarray(d["table"])
    return ort.OrtValue.ortvalue_from_numpy(table), table  # the array keeps the value alive


def session(path: Path, options: Any, table: Path | None = None) -> Any:
    """An onnxruntime CPU session over the graph at ``path``; a graph whose word-piece
    table was taken out by ``share`` gets it from ``table`` (default: the shipped one)."""
    import onnxruntime as ort

    data = path.read_bytes()
    if MARKER.encode() in data:
        value, _ = _table(table or table_file())
        options.add_external_initializers([NAME], [value])
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def share(src: Path, dst: Path, initializer: str, table: Path | None = None) -> None:
    """Write the graph ``src`` to ``dst`` without its table ``initializer``, which must be
    identical to the shared table (written from this graph when there is none yet).
    Needs the ``train`` extra (onnx)."""
    import onnx
    from onnx import numpy_helper

    table = table or table_file()
    graph = onnx.load(str(src))
    found = [t for t in graph.graph.initializer if t.name == initializer]
    if not found:
        raise ModelError(f"{src}: no initializer named {initializer}")
    values = numpy_helper.to_array(found[0])
    if table.exists():
        with np.load(table, allow_pickle=False) as d:
            shared = d["table"]
        if shared.dtype != values.dtype or not np.array_equal(shared, values):
            raise ModelError(f"{src}: {initializer} differs from the shared table {table}")
    else:
        table.parent.mkdir(parents=True, exist_ok=True)
        np.savez(table, table=values)
    found[0].name = NAME
    for node in graph.graph.node:
        for i, name in enumerate(node.input):
            if name == initializer:
                node.input[i] = NAME
    for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data"):
        found[0].ClearField(field)
    found[0].data_location = onnx.TensorProto.EXTERNAL
    entry = found[0].external_data.add()
    entry.key, entry.value = "location", MARKER
    onnx.save(graph, str(dst))
