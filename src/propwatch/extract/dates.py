"""Dates as news pages write them, turned into ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import date

_MONTH_NAMES = [  # English (with abbreviations), German, French, Spanish, Italian, Portuguese,
    # Russian and Ukrainian (genitive, as in "26 ноября 2017")
    "january jan januar janvier enero gennaio janeiro января січня",
    "february feb februar février fevrier febrero febbraio fevereiro февраля лютого",
    "march mar märz maerz mars marzo março marco марта березня",
    "april apr avril abril aprile апреля квітня",
    "may mai mayo maggio maio мая травня",
    "june jun juni juin junio giugno junho июня червня",
    "july jul juli juillet julio luglio julho июля липня",
    "august aug août aout agosto августа серпня",
    "september sep sept septembre septiembre settembre setembro сентября вересня",
    "october oct oktober octobre octubre ottobre outubro октября жовтня",
    "november nov novembre noviembre novembro ноября листопада",
    "december dec dezember décembre decembre diciembre dicembre dezembro декабря грудня",
]
_MONTHS = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

_PATTERNS = [
    re.compile(rf"\b{_YEAR}-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\.?(?:\s+of|\s+de)?\s+{_MONTH},?(?:\s+de)?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<mnum>[01]?\d)[/.](?P<year>(?:19|20)\d\d)\b"),
]


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first valid date in ``text`` as (ISO string, start, end), or None."""
    best: tuple[str, int, int] | None = None
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            iso = _to_iso(m)
            if iso and (best is None or m.start() < best[1]):
                best = (iso, m.start(), m.end())
                break
    return best


def parse_date(text: str) -> str | None:
    """ISO date of the first date written in ``text`` ("November 26, 2017" -> "2017-11-26")."""
    found = find_date(text)
    return found[0] if found else None


def _to_iso(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    month = _MONTHS.get((groups.get("month") or "").lower()) or int(groups.get("mnum") or 0)
    try:
        return date(int(groups["year"]), month, int(groups["day"])).isoformat()
    except ValueError:
        return None
