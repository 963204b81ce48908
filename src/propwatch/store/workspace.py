"""SQL for the workspace (propwatch serve): article search, corpus statistics, the review
queue and analysts' verdicts on technique spans.

Tables and indexes come from migrations/008_search_fts.sql.  Functions take a connection
(read-write or read-only); writes commit on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from propwatch.errors import ConfigError
from propwatch.store.connection import (
    HIT_CLOSE,
    HIT_OPEN,
    Connection,
    Read,
    Term,
    TextSearch,
    now,
)
from propwatch.store.kb import KbTables
from propwatch.store.narratives import COUNTED_MATCH

SNIPPET_CHARS = 240
# what a hit is read from (see _hit), of articles `t`; a snippet without words is the text's start
_HIT_COLUMNS = ("t.rowid, t.id, t.title, t.outlet, t.published, t.language,"
                f" substr(t.text, 1, {SNIPPET_CHARS})")
CAP = 10_000  # a search counts this many matches at most (see Found)
TITLE_WEIGHT = 4.0  # bm25: a word in the title counts as four in the text
NEWEST = "a.published DESC NULLS LAST, a.added_seq DESC"  # undated last
NEWEST_INDEX = "article_facets_newest"  # (published, added_seq): migration 008
SORTS = ("relevance", "date")
STANCES = ("asserts", "refutes", "reports")
TECHNIQUE_VERDICTS = ("wrong", "right")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_TERM = re.compile(r'"[^"]*"|[^\s"]+')


@dataclass(frozen=True)
class Filters:
    """What a search asks for; every field optional."""

    q: str = ""
    outlet: str | None = None
    since: str | None = None  # ISO date (YYYY, YYYY-MM or YYYY-MM-DD), inclusive
    until: str | None = None  # inclusive
    language: str | None = None
    technique: str | None = None
    has_match: bool = False  # a `match` (or confirmed) result to a known claim
    stance: str | None = None  # ... with this stance (implies has_match)
    reused: bool = False  # in a republication family
    sort: str = "relevance"  # relevance (when q is given) or date


@dataclass(frozen=True)
class Hit:
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    language: str | None
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # (text, is a hit)

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


def search_terms(q: str) -> list[Term]:
    """The user's words as search terms: every word (or "quoted phrase") must appear; a
    trailing * on a word matches words starting with it.  No other syntax: nothing the
    user types is an operator."""
    terms = []
    for term in _TERM.findall(q):
        prefix = term.endswith("*") and not term.startswith('"')
        word = term.strip('"').rstrip("*") if not term.startswith('"') else term[1:-1]
        if word.strip():
            terms.append(Term(word, prefix))
    return terms


def _date_bound(value: str, name: str) -> str:
    if not _DATE.fullmatch(value):
        raise ConfigError(f"{name}={value!r} is not a date; write YYYY-MM-DD (or YYYY-MM, YYYY)")
    return value


def _where(f: Filters, nested: bool = False) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if f.outlet:
        where.append("a.outlet = ?")
        params.append(f.outlet)
    if f.since:
        where.append("a.published >= ?")
        params.append(_date_bound(f.since, "since"))
    if f.until:
        # "2024-05" includes every day of May: compare with the next string after the prefix
        where.append("a.published < ?")
        params.append(_date_bound(f.until, "until") + "\uffff")
    if f.language:
        where.append("a.language = ?")
        params.append(f.language)
    # a match first: SQLite walks the first of these lists, and matches are fewer than
    # the articles with a technique
    if f.stance and f.stance not in STANCES:
        raise ConfigError(f"stance={f.stance!r} is unknown; use one of {', '.join(STANCES)}")
    matched = (f"SELECT m.article_id FROM claim_matches m WHERE {COUNTED_MATCH}"
               + (" AND m.stance = ?" if f.stance else ""))
    if (f.has_match or f.stance) and not (f.technique and nested):
        where.append(f"a.id IN ({matched})")
        if f.stance:
            params.append(f.stance)
    if f.technique:
        # nested: the technique's articles among the matched ones, then only those read
        # (PostgreSQL otherwise looked up every matched article and then the technique's)
        within = f" AND article_id IN ({matched})" if (f.has_match or f.stance) and nested else ""
        where.append("a.id IN (SELECT article_id FROM annotations WHERE layer = 'techniques'"
                     f" AND label = ?{within})")
        params += [f.technique, *([f.stance] if within and f.stance else [])]
    if f.reused:
        where.append("(EXISTS (SELECT 1 FROM reuse_pairs r WHERE r.a = a.id)"
                     " OR EXISTS (SELECT 1 FROM reuse_pairs r WHERE r.b = a.id))")
    return where, params


@dataclass(frozen=True)
class Found:
    """One page of a search.  ``total`` counts the matches up to ``CAP``; past that it is
    ``CAP`` and ``exact`` is False, a search by relevance has ranked the ``CAP`` most
    recently added matches (a word in most articles would otherwise be ranked in all of
    them on every request), and paging stops at the ``CAP``-th."""

    total: int
    exact: bool
    hits: list[Hit]


def search(conn: Connection, f: Filters, limit: int, offset: int) -> Found:
    if f.sort not in SORTS:
        raise ConfigError(f"sort={f.sort!r} is unknown; use one of {', '.join(SORTS)}")
    where, params = _where(f, nested=conn.backend != "sqlite")
    terms = search_terms(f.q)
    text = conn.text_search(terms) if terms else None
    limit = max(0, min(limit, CAP - offset))  # the first CAP matches can be paged through
    if text is None and where and limit and conn.backend != "sqlite":
        found = _filtered_page(conn, where, params, limit, offset)
        if found is not None:
            return found
    if text is None:
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = _count(conn, "article_facets a" + clause, params)
        # many match: walk the newest first and stop at the page's end (no sort of them all)
        hint = (f" INDEXED BY {NEWEST_INDEX}"
                if total > CAP and conn.backend == "sqlite" else "")
        sql = (f"SELECT a.rowid FROM article_facets a{hint}{clause} ORDER BY {NEWEST}"
               " LIMIT ? OFFSET ?")
    elif conn.backend == "sqlite":
        total, sql, params = _fts5_plan(conn, text, f, where, params)
    else:
        total, sql, params = _generic_plan(conn, text, f, where, params)
    page = [int(r[0]) for r in conn.execute(sql, [*params, limit, offset])] if limit else []
    return Found(min(total, CAP), total <= CAP, _hits(conn, page, text))


def _filtered_page(conn: Connection, where: list[str], params: list[Any], limit: int,
                   offset: int) -> Found | None:
    """Filters without words, newest first, counted and paged by one statement: the
    matches (up to CAP + 1) are found once, not once to count them and again for the
    page (on PostgreSQL each found them by joining the filters' lists; half the server's
    time of the web app under load went to it).  None when it cannot tell: more than CAP
    match (the page must come from all of them) or the page lies past the last match."""
    rows = conn.execute(
        "SELECT a.rowid, a.total FROM (SELECT a.rowid, a.published, a.added_seq,"
        " COUNT(*) OVER () AS total FROM (SELECT a.rowid, a.published, a.added_seq"
        f" FROM article_facets a WHERE {' AND '.join(where)} LIMIT {CAP + 1}) AS a) AS a"
        f" ORDER BY {NEWEST} LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    if not rows or int(rows[0][1]) > CAP:
        return None
    return Found(int(rows[0][1]), True, _hits(conn, [int(r[0]) for r in rows], None))


def _fts5_plan(conn: Connection, text: TextSearch, f: Filters, where: list[str],
               params: list[Any]) -> tuple[int, str, list[Any]]:
    """(matches counted up to CAP + 1, the page's SQL, its params) for SQLite's FTS5,
    whose planner needs to be told what an index of the facets can do."""
    query = text.param
    # the facets are joined only when a filter reads them
    source = "articles_fts" + (
        " JOIN article_facets a ON a.rowid = articles_fts.rowid" if where else "")
    clause = " WHERE articles_fts MATCH ?" + "".join(" AND " + w for w in where)
    params = [query, *params]
    total = _count(conn, source + clause, params)
    score = f"bm25(articles_fts, {TITLE_WEIGHT}, 1.0)"
    if f.sort == "relevance" and total <= CAP and where:
        # the filters find the matches (an index may drive them); then only those are ranked
        found = [int(r[0]) for r in conn.execute(
            f"SELECT articles_fts.rowid FROM {source}{clause}", params)]
        among, among_params = conn.in_ints("rowid", found)
        return total, ("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND"
                       f" {among} ORDER BY {score}, rowid LIMIT ? OFFSET ?"), [query, *among_params]
    if f.sort == "relevance" and total <= CAP:
        return total, (f"SELECT rowid FROM articles_fts{clause} ORDER BY {score}, rowid"
                       " LIMIT ? OFFSET ?"), params
    if f.sort == "relevance":
        return total, (f"SELECT rowid FROM (SELECT articles_fts.rowid AS rowid, {score} AS score"
                       f" FROM {source}{clause} ORDER BY articles_fts.rowid DESC LIMIT {CAP})"
                       " ORDER BY score, rowid LIMIT ? OFFSET ?"), params
    if total <= CAP:
        return total, (f"SELECT a.rowid FROM articles_fts JOIN article_facets a"
                       f" ON a.rowid = articles_fts.rowid{clause} ORDER BY {NEWEST}"
                       " LIMIT ? OFFSET ?"), params
    # most articles match: walk the newest first, stop at the page's end
    return total, (f"SELECT a.rowid FROM article_facets a INDEXED BY {NEWEST_INDEX} WHERE"
                   f" a.rowid IN (SELECT articles_fts.rowid FROM {source}{clause})"
                   f" ORDER BY {NEWEST} LIMIT ? OFFSET ?"), params


def _generic_plan(conn: Connection, text: TextSearch, f: Filters, where: list[str],
                  params: list[Any]) -> tuple[int, str, list[Any]]:
    """The same for a backend whose planner needs fewer hints (PostgreSQL): past CAP
    matches a relevance search ranks the CAP most recently added, as on SQLite.

    Testing a match reads the article's whole ``tsvector`` (stored apart from the row), so
    a search by relevance tests each article at most once: the newest CAP + 1 matches are
    found (which counts them too; with no filter, listed by the index alone, none read)
    and then only ranked, not matched again.  One word with no filter is answered from
    the backend's list of the word's articles (``TextSearch.newest``) when it has one."""
    clause = f" WHERE {text.match}" + "".join(" AND " + w for w in where)
    params = [text.param, *params]
    if f.sort != "relevance":
        if where or text.total is None:
            total = (_count(conn, text.source + clause, params) if where
                     else _count(conn, f"({text.matching}) AS m", [text.param]))
        else:
            total = text.total
        return total, (f"SELECT a.rowid FROM {text.source}{clause} ORDER BY {NEWEST}"
                       " LIMIT ? OFFSET ?"), params
    if not where and text.total is not None and text.newest:
        # the backend lists the word's newest CAP matches with what ranks them (one query)
        return text.total, (f"SELECT a.rowid FROM {text.newest} ORDER BY {text.newest_rank},"
                            " a.rowid LIMIT ? OFFSET ?"),\
            [*text.newest_args, CAP, *text.newest_rank_args]
    newest_sql, newest_params = (
        (f"SELECT a.rowid FROM {text.source}{clause} ORDER BY a.rowid DESC", params) if where
        else (f"SELECT rowid FROM ({text.matching}) AS m ORDER BY rowid DESC", [text.param]))
    newest = [int(r[0]) for r in conn.execute(f"{newest_sql} LIMIT {CAP + 1}", newest_params)]
    among, among_params = conn.in_ints("a.rowid", newest[:CAP])
    return len(newest), (f"SELECT a.rowid FROM {text.source} WHERE {among}"
                         f" ORDER BY {text.rank}, a.rowid LIMIT ? OFFSET ?"),\
        [*among_params, *text.rank_args]


def _count(conn: Connection, source_and_clause: str, params: list[Any]) -> int:
    """How many rows match, counted up to CAP + 1."""
    return int(conn.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {source_and_clause}"
                            f" LIMIT {CAP + 1}) AS capped", params).fetchone()[0])


def selected_ids(conn: Connection, f: Filters) -> list[str]:
    """Every article the filters select, in the order first seen: no paging and no cap
    (``propwatch report --query ...`` shows them all).  ``sort`` plays no part."""
    where, params = _where(f)
    source = "article_facets a"
    terms = search_terms(f.q)
    if terms and where:
        text = conn.text_search(terms)
        source, where, params = text.source, [text.match, *where], [text.param, *params]
    elif terms:  # the matches as the index lists them (none read on PostgreSQL)
        text = conn.text_search(terms)
        where, params = [f"a.rowid IN ({text.matching})"], [text.param]
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return [str(r[0]) for r in conn.execute(
        f"SELECT a.id FROM {source}{clause} ORDER BY a.added_seq", params)]


def listed(conn: Connection, ids: Sequence[str], limit: int, offset: int
           ) -> tuple[int, list[Hit]]:
    """One page of the articles ``ids`` (an outlet's, say), newest first."""
    among, among_params = conn.in_texts("a.id", ids)
    rows = conn.execute(  # the page and its articles in one query (one round trip)
        f"SELECT {_HIT_COLUMNS} FROM (SELECT a.rowid, a.published, a.added_seq"
        f" FROM article_facets a WHERE {among} ORDER BY {NEWEST} LIMIT ? OFFSET ?) a"
        f" JOIN articles t ON t.rowid = a.rowid ORDER BY {NEWEST}",
        [*among_params, limit, offset])
    return len(ids), [_hit(r, False) for r in rows]


def _hits(conn: Connection, page: list[int], text: TextSearch | None) -> list[Hit]:
    """The articles at these rowids, in this order, each with its snippet: only the page's
    articles are read (text, snippet); filters and sort read the facets."""
    if not page:
        return []
    marks = ",".join("?" * len(page))
    if text:
        rows = conn.execute(text.snippet.format(marks=marks), [*text.snippet_args, *page])
    else:
        rows = conn.execute(f"SELECT {_HIT_COLUMNS} FROM articles t WHERE t.rowid IN ({marks})",
                            page)
    found = {int(r[0]): _hit(r, bool(text)) for r in rows}
    return [found[rowid] for rowid in page if rowid in found]


def _hit(row: Sequence[Any], marked: bool) -> Hit:
    """A hit from (rowid, id, title, outlet, published, language, snippet)."""
    return Hit(row[1], row[2], row[3], row[4], row[5], _pieces(row[6] or "", marked))


def _pieces(snippet: str, marked: bool) -> list[tuple[str, bool]]:
    """A snippet as (text, is a hit) pieces; the template escapes each piece."""
    if not marked:
        text = snippet.replace("\n", " ")
        return [(text + ("…" if len(text) >= SNIPPET_CHARS else ""), False)]
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{HIT_OPEN}{HIT_CLOSE}]", snippet)):
        if part:
            pieces.append((part.replace("\n", " "), i % 2 == 1))
    return pieces


# -- corpus statistics -------------------------------------------------------------------

def facets(conn: Connection) -> dict[str, list[str]]:
    """The values the search filters offer: outlets, languages and techniques present."""
    def column(sql: str) -> list[str]:
        return [str(r[0]) for r in conn.execute(sql) if r[0]]

    return {
        "outlets": column("SELECT DISTINCT outlet FROM article_facets ORDER BY outlet"),
        "languages": column("SELECT DISTINCT language FROM article_facets ORDER BY language"),
        "techniques": column("SELECT DISTINCT label FROM annotations WHERE layer = "
                             "'techniques' ORDER BY label"),
    }


def stats(conn: Connection, top: int = 15) -> dict[str, Any]:
    """Corpus figures for the dashboard and ``GET /api/stats``."""
    def rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(sql, params)]

    counts = conn.execute(
        "SELECT (SELECT COUNT(*) FROM articles),"
        " (SELECT COUNT(DISTINCT outlet) FROM article_facets),"
        " (SELECT COUNT(*) FROM annotations WHERE layer = 'techniques'),"
        f" (SELECT COUNT(*) FROM claim_matches m WHERE {COUNTED_MATCH}),"
        " (SELECT COUNT(*) FROM claim_matches WHERE verdict IS NULL),"
        " (SELECT COUNT(*) FROM kb_claims)"
    ).fetchone()
    return {
        "articles": int(counts[0]),
        "outlets": int(counts[1]),
        "technique_spans": int(counts[2]),
        "matches": int(counts[3]),
        "awaiting_review": int(counts[4]),
        "known_claims": int(counts[5]),
        "articles_per_month": [
            {"month": m, "articles": n} for m, n in rows(
                "SELECT substr(published, 1, 7) AS m, COUNT(*) FROM article_facets"
                " WHERE published IS NOT NULL GROUP BY m ORDER BY m")],
        "techniques_per_month": [
            {"month": m, "technique": t, "spans": n} for m, t, n in rows(
                "SELECT substr(a.published, 1, 7) AS m, t.label, COUNT(*) FROM annotations t"
                " JOIN article_facets a ON a.id = t.article_id WHERE t.layer = 'techniques'"
                " AND a.published IS NOT NULL GROUP BY m, t.label ORDER BY m, t.label")],
        "top_outlets": [
            {"outlet": o, "articles": n} for o, n in rows(
                "SELECT COALESCE(outlet, '(unknown outlet)') AS o, COUNT(*) AS n"
                " FROM article_facets GROUP BY o ORDER BY n DESC, o LIMIT ?", top)],
        "top_known_claims": [
            {"id": i, "text": t, "url": u, "source": s, "articles": n} for i, t, u, s, n in rows(
                "SELECT m.kb_id, k.text, k.url, k.source, COUNT(DISTINCT m.article_id) AS n"
                f" FROM claim_matches m JOIN kb_claims k ON k.id = m.kb_id WHERE {COUNTED_MATCH}"
                " GROUP BY m.kb_id, k.text, k.url, k.source ORDER BY n DESC, m.kb_id LIMIT ?",
                top)],
    }


def data_version(conn: Connection) -> str:
    """Changes whenever another connection commits."""
    return conn.data_version()


# -- review queue ------------------------------------------------------------------------

# `match` results first, then `related`, most probable first ({t}: the table's alias)
QUEUE_ORDER = "{t}.decision IS DISTINCT FROM 'match', {t}.score DESC, {t}.id"
_QUEUE_PAGE = ("SELECT q.id FROM claim_matches q WHERE q.verdict IS NULL"
               f" ORDER BY {QUEUE_ORDER.format(t='q')} LIMIT ? OFFSET ?")


def pending_matches_reads(conn: Connection, limit: int, offset: int) -> list[Read]:
    """The review queue's page, in three reads sent together (one round trip): how many
    matches await a verdict, the page's matches (`match` results first, then `related`,
    most probable first) and the members of their known claims' groups."""
    tables = KbTables(conn)
    return [Read("SELECT COUNT(*) FROM claim_matches WHERE verdict IS NULL", (),
                 lambda rows: int(rows[0][0])),
            tables.matches_among_read(_QUEUE_PAGE, (limit, offset), QUEUE_ORDER.format(t="m")),
            tables.group_members_among_read(_QUEUE_PAGE, (limit, offset))]


# -- technique verdicts ------------------------------------------------------------------

@dataclass(frozen=True)
class TechniqueVerdict:
    article_id: str
    start: int
    end: int
    label: str
    verdict: str
    reviewed_at: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "technique": self.label,
                "verdict": self.verdict, "reviewed_at": self.reviewed_at}


def set_technique_verdict(conn: Connection, article_id: str, start: int, end: int,
                          label: str, verdict: str | None) -> bool:
    """Record (or with ``verdict=None`` clear) an analyst's verdict on a stored technique
    span; False when the article has no such span."""
    if verdict is not None and verdict not in TECHNIQUE_VERDICTS:
        raise ConfigError(f"verdict {verdict!r} is unknown; use wrong, right or clear")
    found = conn.execute(
        "SELECT 1 FROM annotations WHERE article_id = ? AND layer = 'techniques'"
        ' AND start = ? AND "end" = ? AND label = ?', (article_id, start, end, label),
    ).fetchone()
    if not found:
        return False
    key = (article_id, start, end, label)
    if verdict is None:
        conn.execute('DELETE FROM technique_verdicts WHERE article_id = ? AND start = ?'
                     ' AND "end" = ? AND label = ?', key)
    else:
        conn.execute(
            'INSERT INTO technique_verdicts (article_id, start, "end", label, verdict,'
            ' reviewed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id, start, "end",'
            " label) DO UPDATE SET verdict = excluded.verdict,"
            " reviewed_at = excluded.reviewed_at", (*key, verdict, now()),
        )
    return True


def technique_verdicts(conn: Connection, article_ids: Sequence[str] | None = None
                       ) -> dict[str, list[TechniqueVerdict]]:
    """Article id -> its technique verdicts in text order (every article when None)."""
    return dict(conn.read_all([technique_verdicts_read(article_ids)])[0])


def technique_verdicts_read(article_ids: Sequence[str] | None = None) -> Read:
    """:func:`technique_verdicts` as a read, to be sent with others."""
    sql = ('SELECT article_id, start, "end", label, verdict, reviewed_at'
           " FROM technique_verdicts")
    params: list[str] = []
    if article_ids is not None:
        params = list(article_ids)
        sql += f" WHERE article_id IN ({','.join('?' * len(params))})"

    def parse(rows: list[Any]) -> dict[str, list[TechniqueVerdict]]:
        out: dict[str, list[TechniqueVerdict]] = {}
        for row in rows:
            out.setdefault(row[0], []).append(TechniqueVerdict(*row))
        return out

    return Read(sql + ' ORDER BY article_id, start, "end", label', params, parse)


# -- one article's corpus-level fields (reads sent together with the article's own) ------

def also_at_read(article_id: str) -> Read:
    """The other places the article's input was found (as ``Store.also_at``)."""
    return Read("SELECT s.source FROM articles a JOIN document_sources s"
                " ON s.content_hash = a.document_hash WHERE a.id = ? AND s.source != a.source"
                " ORDER BY s.source", (article_id,), lambda rows: [str(r[0]) for r in rows])


def narrative_counts_read(article_id: str) -> Read:
    """Narrative number -> how many of the article's claims it holds."""
    return Read("SELECT c.narrative, COUNT(*) FROM narrative_claims g"
                " JOIN claim_clusters c ON c.id = g.cluster WHERE g.article_id = ?"
                " GROUP BY c.narrative", (article_id,),
                lambda rows: {int(n): int(c) for n, c in rows})
