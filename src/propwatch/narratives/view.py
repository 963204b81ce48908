"""Narratives as an analyst reads them: label, articles, claims, known claims, timeline.

An article's dominant narrative is the one that holds most of its grouped claims (ties:
the older narrative).  ``--since``/``--until`` keep the articles published in that range
(inclusive, ISO dates); articles without a date are then left out.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from propwatch.claims.encoder import DIM
from propwatch.errors import ConfigError
from propwatch.kb.importer import current_aliases
from propwatch.kb.match import STOPWORDS
from propwatch.narratives.build import embedding_text
from propwatch.store import Store
from propwatch.store.kb import KbTables
from propwatch.store.narratives import ClaimKey, MemberRow, Move, NarrativeTables

N_TERMS = 5
_WORD = re.compile(r"[^\W\d_][\w'-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Narrative:
    id: str
    label: str
    central_claim: str
    terms: list[str]
    articles: list[str]  # articles carrying it, those it dominates first
    dominant_in: list[str]  # articles whose dominant narrative it is
    claims: list[dict[str, Any]]
    clusters: int
    known_claims: list[dict[str, Any]]
    timeline: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "central_claim": self.central_claim,
                "terms": self.terms, "articles": self.articles,
                "dominant_in": self.dominant_in, "claims": self.claims,
                "clusters": self.clusters, "known_claims": self.known_claims,
                "timeline": self.timeline}


def narrative_id(number: int) -> str:
    return f"N{number}"


def parse_id(text: str) -> int:
    """``N12`` or ``12`` -> 12."""
    digits = text.strip().removeprefix("N").removeprefix("n")
    if not digits.isdigit():
        raise ConfigError(f"{text!r} is not a narrative id; ids look like N12 "
                          "(propwatch narratives lists them)")
    return int(digits)


def narratives(store: Store, since: str | None = None,
               until: str | None = None) -> list[Narrative]:
    """Every narrative with an article in the range, most articles first."""
    tables = NarrativeTables(store.conn)
    rows = [r for r in tables.members() if _in_range(r.published, since, until)]
    if not rows:
        return []
    dominant = dominant_narratives(rows)
    vectors = tables.vectors(tables.meta().get("aliases", ""), DIM)
    matches = tables.matches()
    aliases = current_aliases(KbTables(store.conn))
    by_narrative: dict[int, list[MemberRow]] = defaultdict(list)
    for row in rows:
        by_narrative[row.narrative].append(row)
    def canonical(text: str) -> str:
        return embedding_text(text, aliases)

    document_frequency = Counter(w for r in rows for w in set(_words(canonical(r.text))))
    out = [_narrative(n, members, dominant, vectors, matches, document_frequency, len(rows),
                      canonical)
           for n, members in by_narrative.items()]
    out.sort(key=lambda n: (-len(n.dominant_in), -len(n.articles), int(n.id[1:])))
    return out


def moves_of(store: Store, number: int) -> list[Move]:
    """Where narrative ``number`` went, following merges to the narrative that holds its
    articles now (empty when it exists or never did)."""
    moves = NarrativeTables(store.conn).moves()
    out: list[Move] = []
    current, seen = [number], set()
    while current:
        step = [m for m in moves if m.id in current and m.id not in seen]
        seen.update(current)
        out.extend(step)
        current = [m.into for m in step if m.kind == "merged"]
    return out


def narratives_by_article(store: Store) -> dict[str, list[str]]:
    """Article id -> ids of the narratives its claims are in, the dominant one first (as
    the last ``propwatch narratives`` run grouped them)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for row in NarrativeTables(store.conn).members():
        counts[row.article_id][row.narrative] += 1
    return {a: [narrative_id(n) for n in sorted(c, key=lambda n: (-c[n], n))]
            for a, c in counts.items()}


def dominant_narratives(rows: list[MemberRow]) -> dict[str, int]:
    """Article id -> the narrative holding most of its claims (ties: the lowest id)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for row in rows:
        counts[row.article_id][row.narrative] += 1
    return {a: min(c, key=lambda n: (-c[n], n)) for a, c in counts.items()}


def _narrative(
    number: int, members: list[MemberRow], dominant: dict[str, int],
    vectors: dict[ClaimKey, np.ndarray], matches: dict[ClaimKey, list[Any]],
    document_frequency: Counter[str], total: int, canonical: Any,
) -> Narrative:
    articles = list(dict.fromkeys(r.article_id for r in members))
    dominant_in = [a for a in articles if dominant.get(a) == number]
    articles = dominant_in + [a for a in articles if a not in dominant_in]
    central = _central(members, vectors)
    terms = _terms(members, document_frequency, total, canonical)
    label = central.text + (f"  [{', '.join(terms)}]" if terms else "")
    claims = [{"article": r.article_id, "start": r.start, "end": r.end, "text": r.text,
               "cluster": r.cluster} for r in members]
    return Narrative(
        id=narrative_id(number), label=label, central_claim=central.text, terms=terms,
        articles=articles, dominant_in=dominant_in, claims=claims,
        clusters=len({r.cluster for r in members}),
        known_claims=_known_claims(members, matches), timeline=_timeline(members),
    )


def _central(members: list[MemberRow], vectors: dict[ClaimKey, np.ndarray]) -> MemberRow:
    """The claim nearest the narrative's centroid (the first claim if vectors are missing)."""
    keyed = [(r, vectors[(r.article_id, r.start, r.end)]) for r in members
             if (r.article_id, r.start, r.end) in vectors]
    if not keyed:
        return members[0]
    matrix = np.stack([v for _, v in keyed])
    sims = matrix @ matrix.sum(axis=0)
    return keyed[int(np.argmax(sims))][0]


def _words(text: str) -> list[str]:
    return [w for w in (m.group().casefold() for m in _WORD.finditer(text))
            if w not in STOPWORDS and len(w) > 2]


def _terms(members: list[MemberRow], document_frequency: Counter[str], total: int,
           canonical: Any) -> list[str]:
    """Words frequent in this narrative's claims and rare in the corpus's (tf-idf)."""
    tf = Counter(w for r in members for w in _words(canonical(r.text)))
    score = {w: tf[w] * math.log(total / document_frequency[w]) for w in tf
             if tf[w] > 1 and document_frequency[w] < total}
    return sorted(score, key=lambda w: (-score[w], w))[:N_TERMS]


def _known_claims(members: list[MemberRow], matches: dict[ClaimKey, list[Any]]
                  ) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for r in members:
        for kb_id, text, url, stance in matches.get((r.article_id, r.start, r.end), []):
            entry = found.setdefault(kb_id, {"id": kb_id, "text": text, "url": url,
                                             "asserts": 0, "refutes": 0, "reports": 0,
                                             "articles": []})
            entry[stance if stance in ("asserts", "refutes") else "reports"] += 1
            if r.article_id not in entry["articles"]:
                entry["articles"].append(r.article_id)
    return sorted(found.values(), key=lambda e: (-e["asserts"], -len(e["articles"]), e["id"]))


def outlet_of(outlet: str | None, url: str | None) -> str:
    """The outlet extraction found, else the URL's domain, else '(unknown)'."""
    if outlet:
        return outlet
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or "(unknown)"


def _timeline(members: list[MemberRow]) -> dict[str, Any]:
    """First seen, articles per day and ISO week, per outlet (each article counted once)."""
    articles: dict[str, MemberRow] = {}
    for r in members:
        articles.setdefault(r.article_id, r)
    days: Counter[str] = Counter()
    weeks: Counter[str] = Counter()
    outlets: dict[str, dict[str, Any]] = {}
    undated = 0
    for r in articles.values():
        day = day_of(r.published)
        outlet = outlets.setdefault(outlet_of(r.outlet, r.url), {"articles": 0, "first_seen": None})
        outlet["articles"] += 1
        if day is None:
            undated += 1
            continue
        days[day] += 1
        year, week, _ = date.fromisoformat(day).isocalendar()
        weeks[f"{year}-W{week:02d}"] += 1
        if outlet["first_seen"] is None or day < outlet["first_seen"]:
            outlet["first_seen"] = day
    return {"first_seen": min(days) if days else None, "per_day": dict(sorted(days.items())),
            "per_week": dict(sorted(weeks.items())), "undated": undated,
            "per_outlet": dict(sorted(outlets.items(), key=lambda kv: -kv[1]["articles"]))}


def day_of(published: str | None) -> str | None:
    match = _DATE.match(published or "")
    if not match:
        return None
    try:
        date.fromisoformat(match.group())
    except ValueError:
        return None
    return match.group()


def _in_range(published: str | None, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    day = day_of(published)
    return day is not None and (since is None or day >= since) and \
        (until is None or day <= until)
