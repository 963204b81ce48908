"""Exports in the formats the field uses: JSON Lines (one article per line) and CSV."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import IO, Any

from propwatch.kb.results import ArticleClaims, article_claims, article_claims_reads
from propwatch.model import Article, Span
from propwatch.narratives.view import narrative_id, narratives_by_article
from propwatch.reuse import reuse_by_article
from propwatch.reuse.api import article_reuse, article_reuse_reads
from propwatch.store import Store, workspace

FORMATS = ("jsonl", "csv")

CSV_COLUMNS = [
    "id", "source", "part", "title", "author", "outlet", "published", "url", "language",
    "declared_source", "canonical_url", "title_from", "author_from", "date_from", "outlet_from",
    "words", "sentences", "technique_spans", "techniques",
    "claims", "known_claims", "known_claim_decisions", "known_claim_stances",
    "known_claim_links", "reuse_cluster", "narratives", "text",
]


# Article fields whose evidence is exported, and the export key's stem ("date_from").
_EVIDENCE = {"title": "title", "author": "author", "published": "date", "outlet": "outlet"}


def _spans(spans: list[Span]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end} for s in spans]


def _techniques(spans: list[Span]) -> list[dict[str, Any]]:
    return [
        {"start": s.start, "end": s.end, "technique": s.label, "score": s.score} for s in spans
    ]


def corpus_fields(store: Store) -> dict[str, Mapping[str, Any]]:
    """Per-article fields computed over the whole corpus: field name -> {article id: value}.

    Republication (``reuse``) and narratives (ids, the dominant one first, as the last
    ``propwatch narratives`` run grouped them) register here.  Known-claim matches
    (``claims``) come with each article (:class:`ArticleClaims`, in :func:`records`).
    """
    fields: dict[str, Mapping[str, Any]] = {}
    fields["reuse"] = reuse_by_article(store)
    fields["also_at"] = store.also_at()
    fields["narratives"] = narratives_by_article(store)
    fields["technique_verdicts"] = _verdicts(workspace.technique_verdicts(store.conn))
    return fields


def article_with_fields(store: Store, article_id: str
                        ) -> tuple[Article, dict[str, Mapping[str, Any]]] | None:
    """The article with :func:`corpus_fields` for it only, read from the rows around it
    (what ``GET /api/articles/{id}`` and the article page serve on a corpus of any size):
    every read sent at once (one round trip to PostgreSQL).  None when there is no such
    article."""
    reads = [*Store.article_reads(article_id), *article_reuse_reads(store, article_id),
             workspace.also_at_read(article_id), *article_claims_reads(article_id),
             workspace.narrative_counts_read(article_id),
             workspace.technique_verdicts_read([article_id])]
    rows, spans, pairs, metas, also, matches, members, counts, verdicts = (
        store.conn.read_all(reads))
    article = Store.article_from(rows, spans)
    if article is None:
        return None
    fields: dict[str, Mapping[str, Any]] = {}
    reuse = article_reuse(article_id, pairs, metas)
    if reuse is not None:
        fields["reuse"] = {article_id: reuse}
    fields["also_at"] = {article_id: also} if also else {}
    claims = article_claims(article, matches, members)
    fields["claims"] = {article_id: claims} if claims else {}
    fields["narratives"] = {article_id: [
        narrative_id(n) for n in sorted(counts, key=lambda n: (-counts[n], n))]} if counts else {}
    fields["technique_verdicts"] = _verdicts(verdicts)
    return article, fields


def _verdicts(found: Mapping[str, list[workspace.TechniqueVerdict]]
              ) -> dict[str, list[dict[str, Any]]]:
    return {aid: [v.to_json() for v in verdicts] for aid, verdicts in found.items()}


def article_export(store: Store, article_id: str) -> dict[str, Any] | None:
    """One article as :func:`write_jsonl` writes it (None when there is no such article)."""
    found = article_with_fields(store, article_id)
    return article_record(*found) if found else None


def article_record(article: Article, extra: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON object one article exports as."""
    record: dict[str, Any] = {
        "id": article.id,
        "source": article.source,
        "also_at": [],  # other paths where the very same input was found
        "part": article.part,
        "title": article.title,
        "author": article.author,
        "outlet": article.outlet,
        "published": article.published,
        "url": article.url,
        "declared_source": article.declared_source,
        "canonical_url": article.canonical_url,
        **{f"{_EVIDENCE[k]}_from": v for k, v in article.meta_from.items() if k in _EVIDENCE},
        "language": article.language,
        "text": article.text,
        "sentences": _spans(article.layers.get("sentences", [])),
        "techniques": _techniques(article.layers.get("techniques", [])),
        "claims": [
            {"start": s.start, "end": s.end, "text": s.text_of(article.text), "score": s.score,
             "matches": []}
            for s in article.layers.get("claims", [])
        ],
        "narratives": [],
        "technique_verdicts": [],  # analysts' verdicts on technique spans ("wrong", "right")
    }
    for name, values in extra.items():
        if article.id in values:
            record[name] = values[article.id]
    return record


def records(store: Store) -> Iterator[dict[str, Any]]:
    extra = corpus_fields(store)
    claims = ArticleClaims(store)
    for article in store.articles():
        found = claims.of(article)
        yield article_record(article, {**extra, "claims": {article.id: found} if found else {}})


def write_jsonl(store: Store, out: IO[str]) -> int:
    count = 0
    for record in records(store):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(store: Store, out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for record in records(store):
        writer.writerow({k: spreadsheet_safe(v) for k, v in _flat(record).items()})
        count += 1
    return count


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_listing(
    key: str,
    records: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    columns: list[str],
    fmt: str,
    out: IO[str],
) -> None:
    """A corpus listing (narratives, outlets) as ``json`` (``{key: [...]}``), ``jsonl``
    (one record per line) or ``csv`` (one spreadsheet-safe row per record)."""
    if fmt == "json":
        out.write(json.dumps({key: records}, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    else:
        raise ValueError(f"unknown format {fmt!r}")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula (it starts with = + - @, tab or
    carriage return) gets a leading apostrophe, as OWASP advises against CSV injection;
    numbers and other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _flat(record: Mapping[str, Any]) -> dict[str, Any]:
    techniques = Counter(t["technique"] for t in record["techniques"])
    reuse = record.get("reuse") or {}
    return {
        **{k: v for k, v in record.items() if k in CSV_COLUMNS and not isinstance(v, list)},
        "words": len(record["text"].split()),
        "sentences": len(record["sentences"]),
        "technique_spans": len(record["techniques"]),
        "techniques": "; ".join(f"{name}:{n}" for name, n in techniques.most_common()),
        "claims": len(record["claims"]),
        **_known_claims(record["claims"]),
        "reuse_cluster": reuse.get("cluster") if isinstance(reuse, dict) else None,
        "narratives": "; ".join(record["narratives"]),
    }


def _known_claims(claims: list[dict[str, Any]]) -> dict[str, str]:
    """The matched known claims, one per sentence and claim, in four aligned "; " lists."""
    matches = [m for c in claims for m in c["matches"]]
    return {
        "known_claims": "; ".join(m["id"] for m in matches),
        "known_claim_decisions": "; ".join(m["decision"] for m in matches),
        "known_claim_stances": "; ".join(m["stance"] or "" for m in matches),
        "known_claim_links": "; ".join(m["url"] or "" for m in matches),
    }


def export(store: Store, fmt: str, out: IO[str]) -> int:
    """Write every stored article to ``out`` in ``fmt``; return how many."""
    if fmt == "jsonl":
        return write_jsonl(store, out)
    if fmt == "csv":
        return write_csv(store, out)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
