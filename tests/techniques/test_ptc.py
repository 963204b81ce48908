from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import InputError
from propwatch.techniques.labels import TECHNIQUES
from propwatch.techniques.ptc import doc_id, load_ptc, parse_tc_labels, read_text, split_ids


def test_loader_reads_exact_offsets_with_crlf(fixture_ptc: Path) -> None:
    arts = {a.id: a for a in load_ptc(fixture_ptc)}
    assert sorted(arts) == ["900000001", "900000002"]
    crlf = arts["900000002"]
    assert "\r\n" in crlf.text  # newlines are not translated
    texts = {s.label: crlf.text[s.start : s.end] for s in crlf.spans}
    assert texts["Repetition"] == "A disgraceful betrayal"
    assert texts["Loaded_Language"] == "disgraceful betrayal"
    first = arts["900000001"]
    labels = [s.label for s in first.spans if first.text[s.start : s.end] == "Enough is enough"]
    assert sorted(labels) == ["Slogans", "Thought-terminating_Cliches"]  # same fragment twice


def test_doc_id() -> None:
    assert doc_id(Path("x/article123.txt")) == "123"
    assert doc_id(Path("x/news-1.txt")) == "news-1"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("1\tLoaded_Language\t5", "expected"),
        ("1\tNot_A_Technique\t0\t3", "unknown technique"),
        ("1\tLoaded_Language\tx\t3", "integers"),
        ("1\tLoaded_Language\t4\t2", "outside"),
        ("1\tLoaded_Language\t0\t99", "outside"),
    ],
)
def test_bad_label_lines_name_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    lab = tmp_path / "article1.task2-TC.labels"
    lab.write_text("1\tDoubt\t0\t2\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        parse_tc_labels(lab, text_len=10)
    assert err.value.where == f"{lab}:2"
    assert reason in err.value.reason


def test_read_text_rejects_non_utf8(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(b"caf\xe9")
    with pytest.raises(InputError):
        read_text(p)


def test_split_is_seeded_disjoint_and_complete() -> None:
    ids = [str(i) for i in range(100)]
    a, b = split_ids(ids, seed=13), split_ids(list(reversed(ids)), seed=13)
    assert a == b
    assert (len(a.train), len(a.val), len(a.test)) == (70, 10, 20)
    assert set(a.train) | set(a.val) | set(a.test) == set(ids)
    assert not (set(a.train) & set(a.test)) and not (set(a.val) & set(a.test))
    assert split_ids(ids, seed=14) != a


def test_shared_ptc_labels_agree_with_si_files(shared_ptc: Path) -> None:
    arts = load_ptc(shared_ptc)
    assert len(arts) >= 290
    n = same = total = 0
    for art in arts:
        assert all(
            s.label in TECHNIQUES and 0 <= s.start < s.end <= len(art.text) for s in art.spans
        )
        si = shared_ptc / "labels-si" / f"article{art.id}.task1-SI.labels"
        if si.exists():
            rows = {tuple(line.split("\t")[1:3]) for line in read_text(si).splitlines() if line}
            tc = {(str(s.start), str(s.end)) for s in art.spans}
            same += len(rows & tc)
            total += len(rows)
            n += 1
    # The release's SI files lack about 500 of the TC spans (so SI is scored against the TC
    # spans), but nearly every SI span has the same offsets as a TC span.
    assert n > 0 and same / total > 0.99
