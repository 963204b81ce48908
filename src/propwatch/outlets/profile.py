"""One profile per outlet: what it published when, how, which narratives, whose text.

The outlet of an article is the one extraction found, else its URL's domain
(``narratives.view.outlet_of``).  A profile holds:

- articles over time (per ISO week and month; undated ones counted apart);
- technique rates: spans per 1,000 words in the outlet's articles and in the corpus's;
- the narratives it pushes (its articles in each) and whether it was the first mover:
  the narrative's earliest article (by publication date; undated ones after dated ones,
  then in the order first seen) is its own.  ``first_mover_share`` is the share of its
  narratives carried by at least two outlets that it started;
- the debunked (known) claims its articles repeat with stance ``asserts``;
- republication: the outlets whose text it carries (``copies_from``: a reuse family in
  which it holds a later copy and the earliest copy is the other outlet's) and the outlets
  that carry its text (``copied_by``), counted in families.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from propwatch.narratives.view import Narrative, day_of, narratives, outlet_of
from propwatch.reuse import clusters
from propwatch.store import Store
from propwatch.store import outlets as sql
from propwatch.store.outlets import OutletArticle

PER_WORDS = 1000


@dataclass(frozen=True)
class Outlet:
    name: str
    articles: list[str]
    words: int
    first_seen: str | None
    last_seen: str | None
    per_week: dict[str, int]
    per_month: dict[str, int]
    undated: int
    techniques: list[dict[str, Any]]
    narratives: list[dict[str, Any]]
    first_mover_share: float | None
    asserted_claims: list[dict[str, Any]]
    copies_from: dict[str, int]
    copied_by: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "articles": self.articles, "words": self.words,
                "first_seen": self.first_seen, "last_seen": self.last_seen,
                "timeline": {"per_week": self.per_week, "per_month": self.per_month,
                             "undated": self.undated},
                "techniques": self.techniques, "narratives": self.narratives,
                "first_mover_share": self.first_mover_share,
                "asserted_claims": self.asserted_claims,
                "copies_from": self.copies_from, "copied_by": self.copied_by}


def name_of(article: OutletArticle) -> str:
    return outlet_of(article.outlet, article.url)


def outlets(store: Store) -> list[Outlet]:
    """Every outlet's profile, most articles first."""
    rows = sql.articles(store.conn)
    by_outlet: dict[str, list[OutletArticle]] = defaultdict(list)
    for row in rows:
        by_outlet[name_of(row)].append(row)
    outlet_by_article = {r.id: name_of(r) for r in rows}
    rates = _technique_counts(store, outlet_by_article)
    corpus_words = sum(r.words for r in rows)
    corpus_counts: Counter[str] = Counter()
    for counts in rates.values():
        corpus_counts.update(counts)
    pushed = _narratives(narratives(store), {r.id: r for r in rows}, outlet_by_article)
    asserted = _asserted(store, outlet_by_article)
    copies_from, copied_by = _copies(store)
    out = []
    for name, members in by_outlet.items():
        days = sorted(d for d in (day_of(m.published) for m in members) if d)
        words = sum(m.words for m in members)
        mine = pushed.get(name, [])
        shared = [n for n in mine if n["outlets"] > 1]
        out.append(Outlet(
            name=name, articles=[m.id for m in members], words=words,
            first_seen=days[0] if days else None, last_seen=days[-1] if days else None,
            per_week=_count(days, _week), per_month=_count(days, lambda d: d[:7]),
            undated=len(members) - len(days),
            techniques=_rates(rates.get(name, Counter()), words, corpus_counts, corpus_words),
            narratives=mine,
            first_mover_share=(round(sum(n["first_mover"] for n in shared) / len(shared), 4)
                               if shared else None),
            asserted_claims=asserted.get(name, []),
            copies_from=dict(copies_from[name].most_common()),
            copied_by=dict(copied_by[name].most_common()),
        ))
    out.sort(key=lambda o: (-len(o.articles), o.name))
    return out


def _count(days: list[str], key: Any) -> dict[str, int]:
    return dict(sorted(Counter(key(d) for d in days).items()))


def _week(day: str) -> str:
    year, week, _ = date.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _technique_counts(store: Store, outlet_by_article: dict[str, str]
                      ) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for article, technique, n in sql.technique_counts(store.conn):
        counts[outlet_by_article[article]][technique] += n
    return counts


def _rates(counts: Counter[str], words: int, corpus: Counter[str], corpus_words: int
           ) -> list[dict[str, Any]]:
    """Per technique in the corpus: spans, per 1,000 words here and in the corpus, ratio."""
    out: list[dict[str, Any]] = []
    for technique, total in corpus.most_common():
        here = PER_WORDS * counts[technique] / words if words else 0.0
        there = PER_WORDS * total / corpus_words if corpus_words else 0.0
        out.append({"technique": technique, "spans": counts[technique],
                    "per_1000_words": round(here, 3),
                    "corpus_per_1000_words": round(there, 3),
                    "ratio": round(here / there, 3) if there else None})
    out.sort(key=lambda r: (-r["spans"], r["technique"]))
    return out


def _narratives(found: list[Narrative], articles: dict[str, OutletArticle],
                outlet_by_article: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Outlet -> the narratives it carries, its articles in each, who was first."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in found:
        members = [articles[a] for a in n.dominant_in if a in articles]
        if not members:
            continue
        first = min(members, key=lambda m: (day_of(m.published) or "9999-99-99",
                                            m.added_seq))
        per_outlet = Counter(outlet_by_article[m.id] for m in members)
        for name, count in per_outlet.items():
            out[name].append({"id": n.id, "label": n.label, "articles": count,
                              "narrative_articles": len(members), "outlets": len(per_outlet),
                              "first_mover": outlet_by_article[first.id] == name,
                              "first_seen": n.timeline["first_seen"]})
    for items in out.values():
        items.sort(key=lambda i: (-i["articles"], -i["narrative_articles"], i["id"]))
    return out


def _asserted(store: Store, outlet_by_article: dict[str, str]
              ) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for article, kb_id, text, rating, url in sql.asserted_known_claims(store.conn):
        entry = found[outlet_by_article[article]].setdefault(
            kb_id, {"id": kb_id, "text": text, "rating": rating, "url": url, "articles": []})
        if article not in entry["articles"]:
            entry["articles"].append(article)
    return {name: sorted(claims.values(), key=lambda e: (-len(e["articles"]), e["id"]))
            for name, claims in found.items()}


def _copies(store: Store) -> tuple[dict[str, Counter[str]], dict[str, Counter[str]]]:
    """(outlet -> outlets it copies, outlet -> outlets copying it), counted in families."""
    copies_from: dict[str, Counter[str]] = defaultdict(Counter)
    copied_by: dict[str, Counter[str]] = defaultdict(Counter)
    for cluster in clusters(store):
        origin = next(m for m in cluster.articles if m.id == cluster.earliest)
        source = outlet_of(origin.outlet, origin.url)
        later = {outlet_of(m.outlet, m.url) for m in cluster.articles if m.id != origin.id}
        for name in later - {source}:
            copies_from[name][source] += 1
            copied_by[source][name] += 1
    return copies_from, copied_by
