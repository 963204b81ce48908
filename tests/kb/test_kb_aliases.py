from __future__ import annotations

from pathlib import Path

import pytest

from propwatch.errors import InputError
from propwatch.kb import add_alias, import_kb, list_aliases
from propwatch.kb.aliases import Aliases, group_key, read_groups
from propwatch.store import Store


@pytest.fixture
def aliases() -> Aliases:
    return Aliases.load()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Daesh attacked", "ISIS attacked"),
        ("Da'esh and Da\u2019esh", "ISIS and ISIS"),
        ("the Islamic State group", "the ISIS group"),
        ("Islamic State of Iraq and the Levant", "ISIS"),
        ("IS fighters", "ISIS fighters"),
        ("this is it", "this is it"),
        ("Deir Ezzor, Deir El-Zour, Deir Ez Zor, Deir ez-Zor",
         "Deir ez-Zor, Deir ez-Zor, Deir ez-Zor, Deir ez-Zor"),
        ("Abu Kamal or al-Bukamal", "Abu Kamal or Abu Kamal"),
        ("U.S. troops and US jets, not us", "United States troops and United States jets, not us"),
    ],
)
def test_canonicalise(aliases: Aliases, text: str, expected: str) -> None:
    assert aliases.canonicalise(text) == expected


def test_canonical_of(aliases: Aliases) -> None:
    assert aliases.canonical_of("daesh") == "ISIS"
    assert aliases.canonical_of("Deir Ezzor") == "Deir ez-Zor"
    assert aliases.canonical_of("Paris") is None


def test_group_key_ignores_case_and_punctuation() -> None:
    assert group_key("A Civil War in Ukraine!") == group_key("a civil war in ukraine")


def test_alias_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "aliases.tsv"
    path.write_text("# comment\nISIS\tDaesh\nlonely\n", encoding="utf-8")
    with pytest.raises(InputError, match="aliases.tsv:3"):
        read_groups(path)


def test_user_aliases_extend_and_reindex(store: Store, fixtures: Path) -> None:
    import_kb(store, "euvsdisinfo", fixtures / "euvsdisinfo_small.csv")
    before = store.conn.execute(
        "SELECT search_text FROM kb_claims WHERE id LIKE '%covid-lab/'").fetchone()[0]
    assert "coronavirus" in before
    assert add_alias(store, "COVID-19", ["coronavirus", "SARS-CoV-2"]) == 2
    after = store.conn.execute(
        "SELECT search_text, embedding FROM kb_claims WHERE id LIKE '%covid-lab/'").fetchone()
    assert "COVID-19" in after[0] and after[1] is None
    hits = store.conn.execute(
        "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH '\"covid\"'").fetchone()[0]
    assert hits == 1
    assert ("COVID-19", ["SARS-CoV-2", "coronavirus"]) in list_aliases(store)
