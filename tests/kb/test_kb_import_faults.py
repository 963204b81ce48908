"""Knowledge-base imports report every malformed row by line and never raise on bad bytes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from propwatch.cli import main
from propwatch.errors import InputError
from propwatch.kb.claimreview import read_claimreview
from propwatch.kb.euvsdisinfo import read_euvsdisinfo
from propwatch.store.kb import KnownClaim


def split(items: list[KnownClaim | InputError]) -> tuple[list[KnownClaim], list[InputError]]:
    return ([i for i in items if isinstance(i, KnownClaim)],
            [i for i in items if isinstance(i, InputError)])


def small_csv(fixtures: Path) -> list[str]:
    return (fixtures / "euvsdisinfo_small.csv").read_text(encoding="utf-8").splitlines()


def test_an_unterminated_quote_costs_its_row_only(fixtures: Path, tmp_path: Path) -> None:
    lines = small_csv(fixtures)
    lines[2] = lines[2].replace(",The White", ',"The White', 1)  # opens, never closes
    path = tmp_path / "claims.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    claims, errors = split(list(read_euvsdisinfo(path)))
    assert [e.where.rsplit(":", 1)[1] for e in errors] == ["3", "6", "7"]
    assert "broken quoting" in errors[0].reason
    assert len(claims) == 4  # the five good rows but the broken one
    assert not any("White Helmets" in c.text for c in claims)
    assert all("\n" not in c.text for c in claims)


def test_a_quote_closed_rows_later_does_not_merge_them(fixtures: Path, tmp_path: Path) -> None:
    lines = small_csv(fixtures)
    lines[2] = lines[2].replace(",The White", ',"The White', 1)
    lines[4] = lines[4] + '"'  # a stray quote two rows later closes it
    path = tmp_path / "claims.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    claims, errors = split(list(read_euvsdisinfo(path)))
    assert errors[0].where.endswith(":3") and "broken quoting" in errors[0].reason
    assert any(c.text == "There is a civil war in Ukraine" for c in claims)


def test_a_legacy_encoded_csv_is_imported(fixtures: Path, tmp_path: Path) -> None:
    text = "\n".join(small_csv(fixtures)).replace("Deir ez-Zor", "Deir ez-Zor à l'été")
    path = tmp_path / "claims.csv"
    path.write_bytes(text.encode("cp1252"))
    claims, _ = split(list(read_euvsdisinfo(path)))
    assert claims[0].text.endswith("Deir ez-Zor à l'été")


def test_ld_json_holding_no_object_is_reported_not_raised(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<html><script type="application/ld+json">["a", 3, null]</script>'
                    '<script type="application/ld+json">' + "[" * 50_000 + "]" * 50_000
                    + "</script></html>", encoding="utf-8")
    claims, errors = split(list(read_claimreview(page)))
    assert claims == [] and len(errors) == 4
    assert "not an object" in errors[0].reason and "nested too deeply" in errors[3].reason


def test_the_cli_reports_a_binary_file_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(b"\x00\x01\x02\xff" * 100)
    result = CliRunner().invoke(main, ["kb", "import", "euvsdisinfo", str(path),
                                       "--db", str(tmp_path / "kb.db")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.startswith("Error: ") and "binary" in result.output
