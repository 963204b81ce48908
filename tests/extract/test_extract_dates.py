import pytest

from propwatch.extract.dates import parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Global Research, November 26, 2017", "2017-11-26"),
        ("CounterPunch 24 November 2017", "2017-11-24"),
        ("Published on 3rd March 2026", "2026-03-03"),
        ("2019-03-04T10:00:00Z", "2019-03-04"),
        ("Sept. 5, 2021", "2021-09-05"),
        ("31/12/2020", "2020-12-31"),
        ("26 ноября 2017 г.", "2017-11-26"),
        ("26. November 2017", "2017-11-26"),
        ("le 26 novembre 2017", "2017-11-26"),
        ("26 de noviembre de 2017", "2017-11-26"),
        ("Feb 30, 2020", None),
        ("no date here", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso
