"""What a workspace page shows of one article: the export's record plus the pieces of its
text to highlight (the report's own cutter), explanations and verdicts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from propwatch.claims.checkworthy import LIST_THRESHOLD
from propwatch.kb.results import shown
from propwatch.kb.view import repeats
from propwatch.model import Article, Span
from propwatch.outlets.profile import Outlet
from propwatch.report.export import article_record
from propwatch.report.highlight import Piece, paragraphs
from propwatch.report.html import PALETTE, explanations, technique_colour
from propwatch.techniques.labels import TECHNIQUES

WEB_SCHEMES = ("https://", "http://")


def web_link(url: str | None) -> str | None:
    """``url`` when it is an http(s) link; anything else (javascript:, data:) is no link."""
    return url if url and url.lower().startswith(WEB_SCHEMES) else None


def colour_css() -> str:
    """The fixed technique colours as CSS classes ``t-0`` ... (no inline styles: CSP)."""
    rules = [f".t-{i} {{ background: {technique_colour(name)}; }}"
             for i, name in enumerate(TECHNIQUES)]
    rules.append(f".t-other {{ background: {PALETTE[-1]}; }}")
    return "\n".join(rules) + "\n"


def colour_class(label: str) -> str:
    return f"t-{TECHNIQUES.index(label)}" if label in TECHNIQUES else "t-other"


def label_text(label: str) -> str:
    return label.replace("_", " ")


def article_view(article: Article, fields: dict[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Everything ``article.html`` shows (``fields``: ``article_with_fields``'s); ``record``
    is what the API serves for it."""
    record = article_record(article, fields)
    techniques = sorted(article.layers.get("techniques", []),
                        key=lambda s: (s.start, -(s.score or 0)))
    verdicts = {(v["start"], v["end"], v["technique"]): v["verdict"]
                for v in record["technique_verdicts"]}
    info = explanations()
    spans = [_span_view(i, s, article.text, info, verdicts) for i, s in enumerate(techniques)]
    for claim in record["claims"]:
        for match in claim["matches"]:
            match["link"] = web_link(match["url"])
        claim["repeats"] = repeats(claim)
    return {
        "article": article,
        "record": record,
        "link": web_link(article.url),
        **_heading_and_body(paragraphs(article.text, techniques), article.title),
        "spans": spans,
        "technique_counts": [(name, label_text(name), colour_class(name), n) for name, n in
                             Counter(s.label for s in techniques).most_common()],
        "claims": [c for c in record["claims"] if shown(c, LIST_THRESHOLD)],
        "words": len(article.text.split()),
        "offsets": article.offsets.to_json()[:50],
        "offsets_total": len(article.offsets.to_json()),
    }


def _heading_and_body(paras: list[list[Piece]], title: str | None) -> dict[str, Any]:
    """The text's first line is the title, highlighted, when it is the title (as in the
    report); the rest is the body."""
    titled = bool(paras) and "".join(p.text for p in paras[0]).strip() == (title or "")
    return {"heading": paras[0] if titled else None,
            "paragraphs": paras[1:] if titled else paras}


def _span_view(i: int, span: Span, text: str, info: dict[str, dict[str, str]],
               verdicts: dict[tuple[int, int, str], str]) -> dict[str, Any]:
    explained = info.get(span.label, {})
    return {
        "index": i,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "name": explained.get("name") or label_text(span.label),
        "definition": explained.get("definition", ""),
        "check": explained.get("check", ""),
        "colour": colour_class(span.label),
        "score": span.score,
        "text": span.text_of(text),
        "verdict": verdicts.get((span.start, span.end, span.label)),
    }


def outlet_chart(outlet: Outlet) -> dict[str, Any]:
    """What the outlet page's charts draw: articles per month, and the technique profile
    (spans per 1,000 words here and in the whole corpus) in the fixed technique colours."""
    return {
        "months": list(outlet.per_month), "articles": list(outlet.per_month.values()),
        "techniques": [{"name": label_text(t["technique"]),
                        "colour": technique_colour(t["technique"]),
                        "here": t["per_1000_words"], "corpus": t["corpus_per_1000_words"]}
                       for t in outlet.techniques],
    }
