import pytest

from propwatch.extract.provenance import Provenance, declared_provenance


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "The original source of this article is CounterPunch, CounterPunch, 2017",
            Provenance("CounterPunch"),
        ),
        ("Via Zero Point Review", Provenance("Zero Point Review")),
        (
            "Authored by Jane Roe via The Example Review,",
            Provenance("The Example Review", "Jane Roe"),
        ),
        ("This article was originally published on The Ledger.", Provenance("The Ledger")),
        ("Originally published at Example News on March 3, 2026", Provenance("Example News")),
        ("Republished from Eastern Wire", Provenance("Eastern Wire")),
    ],
)
def test_declared(line: str, expected: Provenance) -> None:
    assert declared_provenance(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "via the highway to the border, the convoy moved on through the night as they did before",
        "The source said nothing.",
        "",
    ],
)
def test_not_declared(line: str) -> None:
    assert declared_provenance(line) is None
