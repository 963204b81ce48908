"""End-to-end: the CLI on small folders, the demo corpus and (when present) the seeds."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from propwatch.cli import main

BODY = (
    "The council voted on Tuesday to close the old bridge for repairs. Engineers said the "
    "steel frame had rusted far faster than expected after three wet winters. Residents "
    "will have to drive twelve kilometres around the river until the work ends in spring. "
    "The mayor said the city had no other choice and promised a shuttle bus."
)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def export_jsonl(db: str | Path) -> list[dict[str, object]]:
    result = run("export", "--db", str(db), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def broken_folder(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(f"Bridge closed for repairs\n\n{BODY}\n", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (folder / "empty.txt").write_text("")
    records = [json.dumps({"text": BODY.replace("bridge", "tunnel"), "title": "Tunnel closed",
                           "outlet": "River Post", "published": "2021-03-04"}),
               "{broken json"]
    (folder / "batch.jsonl").write_text("\n".join(records), encoding="utf-8")
    return folder


def test_broken_files_are_explained_and_the_good_ones_stored(
    tmp_path: Path, db_url: str,
) -> None:
    db = db_url
    result = run("analyze", str(broken_folder(tmp_path)), "--db", str(db), "-q")
    assert result.exit_code == 0
    assert "2 articles stored" in result.stderr
    for reason in ("binary.txt (binary)", "empty.txt (empty)", "batch.jsonl:2 (bad-jsonl)"):
        assert reason in result.stderr
    titles = sorted(str(r["title"]) for r in export_jsonl(db))
    assert titles == ["Bridge closed for repairs", "Tunnel closed"]


def test_running_again_stores_nothing_twice(tmp_path: Path, db_url: str) -> None:
    db = db_url
    folder = broken_folder(tmp_path)
    run("analyze", str(folder), "--db", str(db), "-q")
    again = run("analyze", str(folder), "--db", str(db), "-q")
    assert "0 articles stored, 2 already stored" in again.stderr
    assert len(export_jsonl(db)) == 2


def test_nothing_analysable_exits_non_zero_with_the_reason(
    tmp_path: Path, db_url: str,
) -> None:
    (tmp_path / "x.txt").write_bytes(b"\x00\xff" * 50)
    result = run("analyze", str(tmp_path / "x.txt"), str(tmp_path / "missing"),
                 "--db", db_url, "-q")
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr and "binary" in result.stderr


def test_export_has_the_promised_fields_and_spans_inside_the_text(
    tmp_path: Path, db_url: str,
) -> None:
    db = db_url
    run("analyze", "-", "--db", str(db), "-q", input=f"Bridge closed\n\n{BODY}\n")
    [record] = export_jsonl(db)
    for key in ("id", "source", "title", "author", "outlet", "published", "language", "text",
                "sentences", "techniques", "claims"):
        assert key in record
    text = str(record["text"])
    assert record["language"] == "en" and record["source"] == "<stdin>"
    sentences = record["sentences"]
    assert isinstance(sentences, list) and len(sentences) >= 4
    assert all(0 <= s["start"] < s["end"] <= len(text) for s in sentences)
    csv_out = run("export", "--db", str(db), "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("id,source,part,title")


def test_report_escapes_article_text(tmp_path: Path, db_url: str) -> None:
    db, report = db_url, tmp_path / "r.html"
    evil = f"<script>alert('x')</script> Bridge news\n\n{BODY} <img src=x onerror=alert(1)>\n"
    (tmp_path / "evil.txt").write_text(evil, encoding="utf-8")
    run("analyze", str(tmp_path / "evil.txt"), "--db", str(db), "--report", str(report), "-q")
    html = report.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    unmarked = re.sub(r"</?mark[^>]*>", "", html)  # technique highlights may cut the text
    assert "&lt;img src=x onerror=alert(1)&gt;" in unmarked


def test_report_is_written_from_the_database_restricted_by_the_filters(
    tmp_path: Path, db_url: str,
) -> None:
    db = db_url
    run("analyze", str(broken_folder(tmp_path)), "--db", db, "-q")

    def report(*filters: str) -> str:
        out = tmp_path / "r.html"
        result = run("report", "--db", db, "-o", str(out), *filters)
        assert result.exit_code == 0, result.output
        return out.read_text(encoding="utf-8")

    def articles_in(html: str) -> set[str]:
        headings = re.findall(r'<section class="card" id="a-[^"]*">\s*<h2>(.*?)</h2>', html)
        return {re.sub(r"<[^>]+>", "", h) for h in headings}

    assert articles_in(report()) == {"Bridge closed for repairs", "Tunnel closed"}
    by_outlet = report("--outlet", "River Post")
    assert articles_in(by_outlet) == {"Tunnel closed"}
    assert "1 articles of 2, selected by --outlet &#39;River Post&#39;" in by_outlet
    assert articles_in(report("--query", "bridge")) == {"Bridge closed for repairs"}
    in_march = report("--since", "2021-03", "--until", "2021-03")  # the undated one is out
    assert articles_in(in_march) == {"Tunnel closed"}
    assert articles_in(report("--until", "2021-03-03")) == set()
    # never stale: what was stored after the last report is in the next one
    run("analyze", "-", "--db", db, "-q", input=f"Ferry cancelled\n\n{BODY}\n")
    assert "Ferry cancelled" in articles_in(report())


def test_report_with_a_bad_date_says_so_and_writes_nothing(tmp_path: Path) -> None:
    db, out = tmp_path / "p.db", tmp_path / "r.html"
    run("analyze", "-", "--db", str(db), "-q", input=f"Bridge closed\n\n{BODY}\n")
    result = run("report", "--db", str(db), "-o", str(out), "--since", "last week")
    assert result.exit_code == 1
    assert "since='last week' is not a date" in result.stderr
    assert not out.exists()
    assert "Examples" in run("report", "--help").output


def test_demo_corpus_runs_end_to_end(tmp_path: Path, db_url: str, demo_corpus: Path) -> None:
    db, report = db_url, tmp_path / "report.html"
    result = run("analyze", str(demo_corpus), "--db", str(db), "--report", str(report), "-q")
    assert result.exit_code == 0, result.stderr
    assert "captcha" in result.stderr
    records = export_jsonl(db)
    assert len(records) >= 6
    assert all(r["title"] for r in records)
    assert report.stat().st_size > 10_000


def test_help_teaches_the_main_commands() -> None:
    out = run("--help").output
    assert "analyze" in out and "export" in out
    assert "Examples" in run("analyze", "--help").output


def test_seeds_come_out_clean_with_their_titles(
    tmp_path: Path, shared: Callable[..., Path]
) -> None:
    seeds = shared("samples", "seeds")
    db = tmp_path / "seeds.db"
    assert run("analyze", str(seeds), "--db", str(db), "-q").exit_code == 0
    by_title = {str(r["title"]): str(r["text"]) for r in export_jsonl(db)}
    assert set(by_title) == {
        "Da'esh defeated in Syria and Iraq, who should take the credit?",
        "Here’s how and why the US has been helping ISIS take Deir El-Zour",
        "ISIS Last Stand; End Times for the Caliphate",
    }
    everything = "\n".join(by_title.values())
    for chrome in ("Related articles", "MOST popular", "Become a Member of Global Research",
                   "Comment on Global Research Articles", "Disclaimer: The contents",
                   "Qassem Soleimani (C)", "Theme: Intelligence"):
        assert chrome not in everything
    whitney = by_title["ISIS Last Stand; End Times for the Caliphate"]
    assert "Russia and its allies have expelled ISIS" in whitney
    assert whitney.rstrip().endswith("Which is it?")


def test_the_same_file_in_two_places_is_stored_once_with_both_places(
    tmp_path: Path, db_url: str,
) -> None:
    for site in ("site-a", "site-b"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "story.txt").write_text(f"Bridge closed\n\n{BODY}\n", encoding="utf-8")
    db = db_url
    result = run("analyze", str(tmp_path / "site-a"), str(tmp_path / "site-b"), "--db", str(db))
    assert "1 articles stored, 1 already stored" in result.stderr
    [record] = export_jsonl(db)
    assert str(record["source"]).endswith("site-a/story.txt")
    assert record["also_at"] == [str(tmp_path / "site-b" / "story.txt")]


def test_jsonl_records_with_the_same_text_from_two_outlets_are_two_articles(
    tmp_path: Path, db_url: str,
) -> None:
    records = [json.dumps({"text": BODY, "title": "Bridge closed", "outlet": outlet})
               for outlet in ("River Post", "Valley Times")]
    (tmp_path / "two.jsonl").write_text("\n".join(records), encoding="utf-8")
    db = db_url
    run("analyze", str(tmp_path / "two.jsonl"), "--db", str(db), "-q")
    assert sorted(str(r["outlet"]) for r in export_jsonl(db)) == ["River Post", "Valley Times"]
