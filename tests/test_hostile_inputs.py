"""The cases of issue 9, each placed among good files: the run finishes, the good files are
stored unchanged, the bad one is reported in one line (or, when it is valid, stored right)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from propwatch.analyse import Pipeline
from propwatch.analyse.pipeline import Component
from propwatch.analyse.sentences import Sentences
from propwatch.batch import Options, RunSummary, analyze
from propwatch.errors import InputError
from propwatch.ingest import Input, read_input
from propwatch.model import Article, RawDocument, Span
from propwatch.store import open_store

LIGHT = Options(components=("sentences",))
TOWNS = ["Arlen", "Brisk", "Corvo"]
BODY = (
    "Officials in the northern province of {town} said on Monday that the flood barrier held "
    "through the night, although several villages upstream lost power for hours. Crews expect "
    "to restore the last lines by Wednesday, the regional grid operator said in a statement."
)


def good_folder(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    for town in TOWNS:
        text = f"Flood barrier holds in {town}\n\n{BODY.format(town=town)}\n"
        (folder / f"{town}.txt").write_text(text, encoding="utf-8")
    return folder


def run(tmp_path: Path, *names: str | Path, options: Options = LIGHT) -> RunSummary:
    with open_store(tmp_path / "p.db") as store:
        return analyze([str(n) for n in names], store, options)


def stored_texts(tmp_path: Path) -> dict[str, str]:
    with open_store(tmp_path / "p.db") as store:
        return {a.source: a.text for a in store.articles()}


def assert_good_stored(tmp_path: Path, folder: Path) -> None:
    texts = stored_texts(tmp_path)
    for town in TOWNS:
        assert BODY.format(town=town) in texts[str(folder / f"{town}.txt")]


def problems(summary: RunSummary) -> dict[str, InputError]:
    return {e.where: e for e in summary.skipped + summary.errors}


def assert_one_line(error: InputError) -> None:
    assert "\n" not in str(error) and "\x1b" not in str(error)


def jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def record(town: str, **extra: object) -> dict[str, object]:
    return {"text": f"Flood barrier holds in {town}\n\n{BODY.format(town=town)}", **extra}


def test_a_bad_url_in_a_record_costs_only_that_record(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    jsonl(folder / "r.jsonl", record("Dunmar", url="http://[::1/x"), record("Eskel"))
    summary = run(tmp_path, folder)
    bad = problems(summary)[f"{folder / 'r.jsonl'}:1"]
    assert "not a valid URL" in bad.reason
    assert_one_line(bad)
    assert_good_stored(tmp_path, folder)
    assert f"{folder / 'r.jsonl'}:2" in stored_texts(tmp_path)


def test_a_lone_surrogate_is_replaced_and_noted(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (folder / "r.jsonl").write_text(
        json.dumps(record("Dunmar"))[:-1] + ', "title": "Bad \\ud800 title"}\n', encoding="utf-8")
    summary = run(tmp_path, folder)
    assert summary.errors == []
    with open_store(tmp_path / "p.db") as store:
        [title] = [a.title for a in store.articles() if a.source.endswith(":1")]
        [note] = store.conn.execute("SELECT decode FROM documents WHERE source LIKE '%:1'")
    assert title == "Bad \ufffd title"
    assert "1 lone surrogate" in note[0]


def test_deeply_nested_json_is_one_bad_line_and_later_lines_keep_their_numbers(
    tmp_path: Path,
) -> None:
    folder = good_folder(tmp_path)
    path = folder / "r.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps(record("Eskel")) + "\n")
    summary = run(tmp_path, folder)
    assert "nested too deeply" in problems(summary)[f"{path}:1"].reason
    assert f"{path}:2" in stored_texts(tmp_path)


def test_a_record_holding_u2028_is_one_valid_record(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    path = folder / "r.jsonl"
    inside = record("Dunmar")
    inside["text"] = str(inside["text"]).replace("Crews expect", "Crews\u2028expect")
    path.write_text(json.dumps(inside, ensure_ascii=False) + "\n" + json.dumps(record("Eskel"))
                    + "\n", encoding="utf-8")
    [first, second] = read_input(Input(str(path)))
    assert isinstance(first, RawDocument) and "Crews\u2028expect" in first.text
    assert isinstance(second, RawDocument) and second.line == 2
    summary = run(tmp_path, folder)
    assert problems(summary) == {}
    texts = stored_texts(tmp_path)
    assert "lost power for hours. Crews" in texts[f"{path}:1"] and f"{path}:2" in texts


def test_a_fifo_is_reported_without_blocking(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    summary = run(tmp_path, str(folder / "*.txt"))
    assert problems(summary)[str(folder / "pipe.txt")].kind == "special"
    assert_good_stored(tmp_path, folder)


def test_a_name_over_255_bytes_is_one_line(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    long_name = str(folder / ("x" * 300 + ".txt"))
    summary = run(tmp_path, folder, long_name, folder / ("y" * 300) / "z.txt")
    found = problems(summary)
    assert "too long" in found[long_name].reason
    assert "too long" in found[str(folder / ("y" * 300) / "z.txt")].reason
    assert_good_stored(tmp_path, folder)


def test_an_unreadable_folder_and_a_file_inside_it_are_one_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = good_folder(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("text")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # running as root: deny as the kernel would
        real_stat, real_scandir = os.stat, os.scandir

        def denied(path: object) -> None:
            if str(path).startswith(str(locked)) and str(path) != str(locked):
                raise PermissionError(13, "Permission denied", str(path))

        def stat(path: str, *args: object, **kwargs: object) -> os.stat_result:
            denied(path)
            return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

        def scandir(path: str) -> object:
            denied(path + "/")
            return real_scandir(path)

        monkeypatch.setattr(os, "stat", stat)
        monkeypatch.setattr(os, "scandir", scandir)
    try:
        summary = run(tmp_path, folder, locked / "inside.txt", locked)
    finally:
        monkeypatch.undo()
        locked.chmod(0o755)
    found = problems(summary)
    assert "Permission denied" in found[str(locked / "inside.txt")].reason
    assert "Permission denied" in found[str(locked)].reason
    assert_good_stored(tmp_path, folder)


def test_legacy_encodings_and_stray_bytes_are_decoded_without_garbling(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    french = "Le ministre a déclaré que la réforme du français était nécessaire à tous. " * 8
    (folder / "fr.txt").write_bytes(f"Réforme\n\n{french}".encode("latin-1"))
    dashes = "Le pont – fermé depuis lundi – rouvrira bientôt, a déclaré la mairie. " * 8
    (folder / "ff.txt").write_bytes(f"Pont\n\n{dashes}".encode() + b"\xff\n")
    (folder / "u16.txt").write_bytes(f"Flood\n\n{BODY.format(town='Fallow')}".encode("utf-16-le"))
    summary = run(tmp_path, folder)
    assert problems(summary) == {}
    texts = stored_texts(tmp_path)
    assert french.strip() in texts[str(folder / "fr.txt")]
    assert dashes.strip() in texts[str(folder / "ff.txt")]
    assert BODY.format(town="Fallow") in texts[str(folder / "u16.txt")]
    with open_store(tmp_path / "p.db") as store:
        notes = dict(store.conn.execute("SELECT source, decode FROM documents").fetchall())
    assert notes[str(folder / "fr.txt")].startswith("windows-1252")
    assert "1 invalid byte sequence replaced" in notes[str(folder / "ff.txt")]
    assert notes[str(folder / "u16.txt")].startswith("utf-16-le (no byte order mark")


def with_component(monkeypatch: pytest.MonkeyPatch, component: Component) -> None:
    """Runs analyse with sentences and then ``component``."""
    pipeline = Pipeline([Sentences(), component])
    monkeypatch.setattr(Pipeline, "from_names", classmethod(lambda cls, names: pipeline))


class Explodes:
    """A component that fails on one article, as a bug in any stage would."""

    name = "explodes"

    def predict(self, article: Article) -> list[Span]:
        if "Brisk" in article.text:
            raise RecursionError("maximum recursion depth exceeded")
        return []


def test_an_exception_in_any_stage_is_an_error_record_and_strict_makes_it_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = good_folder(tmp_path)
    with_component(monkeypatch, Explodes())
    summary = run(tmp_path, folder)
    [error] = summary.errors
    assert error.where == str(folder / "Brisk.txt") and error.kind == "error"
    assert error.reason == "analysis failed: RecursionError: maximum recursion depth exceeded"
    assert summary.articles_stored == 2
    with open_store(tmp_path / "p.db") as store:
        assert [(s.where, s.kind) for s in store.skips()] == [(error.where, "error")]
    with pytest.raises(InputError, match="Brisk.txt: analysis failed"):
        run(tmp_path, folder, options=Options(components=("sentences",), strict=True))


def test_stdin_starting_with_a_brace_is_jsonl_only_if_every_line_is_an_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    text = "{braces} open this press release.\n\n" + BODY.format(town="Arlen") + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    summary = run(tmp_path, "-")
    assert problems(summary) == {} and summary.articles_stored == 1
    assert "{braces} open" in stored_texts(tmp_path)["<stdin>"]


def test_names_with_escapes_are_printed_escaped_and_the_db_is_not_an_input(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from propwatch.cli import main

    folder = good_folder(tmp_path)
    (folder / "bad\x1b[31m\nname.bin").write_bytes(b"\x00")
    result = CliRunner().invoke(main, ["analyze", str(folder), "--db", str(folder / "p.db"),
                                       "-q", "--max-size", "1MB"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "bad\\x1b[31m\\x0aname.bin (unsupported)" in result.output
    assert "p.db" not in result.output.split("articles in")[0]
    assert "0 errors" in result.output


def test_a_glob_reaching_a_file_twice_counts_it_once(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    summary = run(tmp_path, f"{folder}/**", folder / "Arlen.txt")
    assert summary.inputs == 3 and summary.documents == 3


def test_csv_cells_that_would_run_as_formulas_are_neutralised(tmp_path: Path) -> None:
    import csv
    import io

    from propwatch.report.export import export

    folder = tmp_path / "in"
    folder.mkdir()
    jsonl(folder / "r.jsonl",
          record("Arlen", title='=HYPERLINK("http://evil.example","click")', outlet="@evil"),
          record("Brisk", title="-2+3", author="+cmd"))
    run(tmp_path, folder)
    out = io.StringIO()
    with open_store(tmp_path / "p.db") as store:
        export(store, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["title"], r["outlet"], r["author"]) for r in rows] == [
        ("'=HYPERLINK(\"http://evil.example\",\"click\")", "'@evil", ""),
        ("'-2+3", "", "'+cmd"),
    ]
    assert rows[0]["part"] == "1"  # numbers are left alone


class Stalls:
    """A component that takes far too long on one article."""

    name = "stalls"

    def predict(self, article: Article) -> list[Span]:
        if "Corvo" in article.text:
            import time

            time.sleep(30)
        return []


def test_a_document_over_the_time_limit_is_an_error_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = good_folder(tmp_path)
    with_component(monkeypatch, Stalls())
    summary = run(tmp_path, folder, options=Options(components=("sentences",), time_limit=0.5))
    [error] = summary.errors
    assert error.where == str(folder / "Corvo.txt")
    assert error.reason == ("analysis failed: TimeLimitExceeded: stopped after 0.5 s "
                            "(raise it with --time-limit)")
    assert summary.articles_stored == 2
