from __future__ import annotations

import json
from pathlib import Path

import pytest

from propwatch.errors import InputError
from propwatch.ingest import Input, find_inputs, read_input
from propwatch.model import RawDocument


def read_all(path: Path, max_bytes: int = 20_000_000) -> list[RawDocument | InputError]:
    return list(read_input(Input(str(path)), max_bytes))


def test_folders_are_read_recursively_and_hidden_files_ignored(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.txt").write_text("One article.")
    (tmp_path / "two.html").write_text("<html><body><p>Two</p></body></html>")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden")
    inputs, errors = find_inputs([str(tmp_path)])
    assert [Path(i.path).name for i in inputs] == ["one.txt", "two.html"]
    assert errors == []


def test_globs_expand_and_missing_paths_are_reported(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("text")
    (tmp_path / "y.txt").write_text("text")
    inputs, errors = find_inputs([str(tmp_path / "*.txt"), str(tmp_path / "nope.txt")])
    assert len(inputs) == 2
    assert [e.kind for e in errors] == ["missing"]
    assert "nope.txt" in str(errors[0])


def test_utf8_latin1_and_bom_are_decoded(tmp_path: Path) -> None:
    (tmp_path / "u.txt").write_bytes("Café crème".encode())
    (tmp_path / "bom.txt").write_bytes("\ufeffHello".encode("utf-8"))
    latin = "Le ministre a déclaré à la télévision que la réforme était nécessaire. " * 5
    (tmp_path / "l.txt").write_bytes(latin.encode("latin-1"))
    texts = [read_all(tmp_path / n)[0] for n in ("u.txt", "bom.txt", "l.txt")]
    assert all(isinstance(t, RawDocument) for t in texts)
    assert [t.text[:5] for t in texts if isinstance(t, RawDocument)] == ["Café ", "Hello", "Le mi"]


def test_binary_empty_and_oversized_files_are_refused_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (tmp_path / "empty.txt").write_bytes(b"  \n")
    (tmp_path / "big.txt").write_text("x" * 2000)
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    results = {
        name: read_all(tmp_path / name, max_bytes=1000)[0]
        for name in ("bin.txt", "empty.txt", "big.txt", "doc.pdf")
    }
    kinds = {name: r.kind for name, r in results.items() if isinstance(r, InputError)}
    assert kinds == {"bin.txt": "binary", "empty.txt": "empty", "big.txt": "too-large",
                     "doc.pdf": "unsupported"}
    assert "--max-size" in str(results["big.txt"])
    assert all(name in str(r) for name, r in results.items())


def test_jsonl_bad_lines_are_named_by_number_and_good_lines_kept(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First article body.", "title": "First", "outlet": "Daily"}),
        "{not json",
        json.dumps({"title": "no body"}),
        "",
        json.dumps({"html": "<p>Second</p>", "url": "https://example.org/2"}),
        json.dumps(["a list"]),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines))
    results = read_all(tmp_path / "batch.jsonl")
    docs = [r for r in results if isinstance(r, RawDocument)]
    errors = [r for r in results if isinstance(r, InputError)]
    assert [(d.line, d.content_type, d.meta.get("title")) for d in docs] == [
        (1, "text", "First"), (5, "html", None)]
    assert [e.where.rsplit(":", 1)[1] for e in errors] == ["2", "3", "6"]
    assert docs[0].where.endswith("batch.jsonl:1")


def test_jsonl_in_utf16_with_a_bom_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    lines = [json.dumps({"text": "Flood in Fallow"}), json.dumps({"text": "Fire in Marsh"})]
    path.write_bytes("\n".join(lines).encode("utf-16"))
    texts = [r.text for r in read_input(Input(str(path))) if isinstance(r, RawDocument)]
    assert texts == ["Flood in Fallow", "Fire in Marsh"]


def test_a_stray_bom_like_line_in_utf8_jsonl_loses_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "stray.jsonl"
    path.write_bytes(b"\xfe\xff\n" + json.dumps({"text": "Flood in Fallow"}).encode() + b"\n")
    results = list(read_input(Input(str(path))))
    kept = [r for r in results if isinstance(r, RawDocument)]
    assert [(r.text, r.line) for r in kept] == [("Flood in Fallow", 2)]
    assert [r.where for r in results if isinstance(r, InputError)] == [f"{path}:1"]


def test_parquet_rows_are_records_like_jsonl_lines(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow comes with the 'ray' extra")
    import pyarrow.parquet as pq

    body = "Officials said the barrier held through the night. " * 3
    table = pa.table({"text": [body, "", body + "x" * 300], "outlet": ["Herald", None, None],
                      "title": ["Barrier holds", None, None], "clicks": [1, 2, 3]})
    pq.write_table(table, tmp_path / "shard.parquet")
    results = list(read_input(Input(str(tmp_path / "shard.parquet")), max_bytes=250))
    first, empty, big = results
    assert isinstance(first, RawDocument)
    assert (first.where, first.text, dict(first.meta)) == (
        f"{tmp_path / 'shard.parquet'}:1", body, {"outlet": "Herald", "title": "Barrier holds"})
    assert isinstance(empty, InputError) and empty.kind == "bad-jsonl"
    assert empty.where.endswith("shard.parquet:2")
    assert isinstance(big, InputError) and big.kind == "too-large"
