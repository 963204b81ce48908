"""The REST API under /api/ (described at /api/openapi.json).  Errors, like every error of
the workspace, are ``{"error": {"status", "message"}}``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field
from starlette.requests import Request

from propwatch.model import RawDocument
from propwatch.narratives.view import narratives
from propwatch.report.export import article_export
from propwatch.serve import queries
from propwatch.serve.analyse import Analyser
from propwatch.serve.database import Database
from propwatch.serve.deps import checked_write, database
from propwatch.store.workspace import CAP, Filters

DB = Annotated[Database, Depends(database)]
WRITE = [Depends(checked_write)]


class ErrorBody(BaseModel):
    status: int
    message: str


class Error(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Error, "description": text} for code, text in (
        (400, "bad filter or value"), (401, "the access token is missing or wrong"),
        (403, "read-only workspace, or a cross-site request"), (404, "no such item"))
}
router = APIRouter(prefix="/api", responses=ERRORS)


class ArticleItem(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str = Field(description="the text around the words searched for (plain text)")


class ArticlePage(BaseModel):
    total: int = Field(description=f"matching articles, counted up to {CAP:,}")
    total_exact: bool = Field(
        True, description=f"false when more than {CAP:,} match: `total` is then {CAP:,} "
                          f"and a search by relevance ranked the {CAP:,} most recently "
                          "added matches")
    items: list[ArticleItem]


class MatchPage(BaseModel):
    total: int
    items: list[dict[str, Any]]


class TechniqueItem(BaseModel):
    article_id: str
    title: str | None
    start: int = Field(description="character offset into the article's text")
    end: int
    technique: str
    confidence: float | None
    text: str = Field(description="the span's text (plain text)")
    verdict: Literal["wrong", "right"] | None = Field(
        description="an analyst's verdict on the span, if any")


class TechniquePage(BaseModel):
    total: int
    items: list[TechniqueItem]


class ClaimItem(BaseModel):
    article_id: str
    start: int = Field(description="character offset into the article's text")
    end: int
    text: str = Field(description="the claim's sentence (plain text)")
    score: float = Field(description="check-worthiness, 0 to 1")
    matched: bool = Field(description="has a `match` result or a confirmed one")
    matches: list[dict[str, Any]] = Field(
        description="known-claim results (rejected ones left out), as the export writes them")


class ClaimPage(BaseModel):
    total: int
    items: list[ClaimItem]


class AnalyzeRequest(BaseModel):
    text: str | None = Field(None, description="plain text (a scraped page)")
    html: str | None = Field(None, description="a saved HTML page")
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None


class MatchVerdict(BaseModel):
    verdict: Literal["confirm", "reject", "clear"]


class TechniqueVerdict(BaseModel):
    start: int
    end: int
    technique: str
    verdict: Literal["wrong", "right", "clear"]


@router.get("/articles", response_model=ArticlePage, summary="Search articles")
def list_articles(
    db: DB, q: str = "", outlet: str | None = None, since: str | None = None,
    until: str | None = None, technique: str | None = None, language: str | None = None,
    has_match: bool = False,
    stance: Annotated[Literal["asserts", "refutes", "reports"] | None, Query()] = None,
    reused: bool = False,
    sort: Annotated[Literal["relevance", "date"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20, offset: Annotated[int, Query(ge=0)] = 0,
) -> ArticlePage:
    """Full-text search (every word must appear; "quoted phrases"; word* for prefixes)
    with filters; newest first, or best match first when `q` is given."""
    filters = Filters(q=q, outlet=outlet, since=since, until=until, technique=technique,
                      language=language, has_match=has_match, stance=stance, reused=reused,
                      sort=sort or ("relevance" if q.strip() else "date"))
    found = queries.search(db, filters, limit, offset)
    return ArticlePage(total=found.total, total_exact=found.exact, items=[
        ArticleItem(id=h.id, title=h.title, outlet=h.outlet, published=h.published,
                    snippet=h.snippet_text) for h in found.hits])


@router.get("/articles/{article_id}", summary="One article with all its layers")
def get_article(article_id: str, db: DB) -> dict[str, Any]:
    """The article as `propwatch export --format jsonl` writes it: text, sentences,
    techniques, claims with known-claim matches, reuse, narratives, technique verdicts."""
    record = article_export(db.store(), article_id)
    if record is None:
        raise HTTPException(404, f"no article with id {article_id}")
    return record


@router.post("/articles/{article_id}/techniques/verdict", dependencies=WRITE,
             summary="Mark a technique span wrong or right")
def technique_verdict(article_id: str, body: TechniqueVerdict, db: DB) -> dict[str, Any]:
    queries.set_technique_verdict(db, article_id, body.start, body.end, body.technique,
                                  body.verdict)
    record = article_export(db.store(), article_id)
    assert record is not None
    return {"article_id": article_id, "technique_verdicts": record["technique_verdicts"]}


@router.get("/techniques", response_model=TechniquePage, summary="Technique spans")
def list_techniques(db: DB, technique: str | None = None, article: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 20,
                    offset: Annotated[int, Query(ge=0)] = 0) -> TechniquePage:
    """Stored technique spans, of one technique and/or one article, by technique, article
    and position, each with its confidence, its text and any analyst's verdict."""
    total, items = queries.technique_spans(db, technique, article, limit, offset)
    return TechniquePage(total=total, items=[TechniqueItem(**i) for i in items])


@router.get("/claims", response_model=ClaimPage, summary="Claims with their known-claim matches")
def list_claims(db: DB, article: str | None = None, matched: bool = False,
                limit: Annotated[int, Query(ge=1, le=200)] = 20,
                offset: Annotated[int, Query(ge=0)] = 0) -> ClaimPage:
    """Check-worthy claims found in the articles, those with a `match` result (or a
    confirmed one) first, then the others, each part by article and position; with
    `matched=true` only the first part."""
    total, items = queries.claims(db, article, matched, limit, offset)
    return ClaimPage(total=total, items=[ClaimItem(**i) for i in items])


@router.get("/matches", response_model=MatchPage, summary="Matches awaiting a verdict")
def list_matches(db: DB, limit: Annotated[int, Query(ge=1, le=200)] = 20,
                 offset: Annotated[int, Query(ge=0)] = 0) -> MatchPage:
    """Candidate matches of article claims to known claims that no analyst has reviewed:
    `match` decisions first, then `related`, most probable first."""
    total, items = queries.pending_matches(db, limit, offset)
    return MatchPage(total=total, items=items)


@router.get("/matches/{match_id}", summary="One match")
def get_match(match_id: int, db: DB) -> dict[str, Any]:
    return queries.match_view(db.store(), match_id)


@router.post("/matches/{match_id}/verdict", dependencies=WRITE,
             summary="Confirm or reject a match")
def match_verdict(match_id: int, body: MatchVerdict, db: DB) -> dict[str, Any]:
    return queries.set_match_verdict(db, match_id, body.verdict)


@router.post("/analyze", summary="Analyse a posted text or HTML page")
def analyze(request: Request, body: AnalyzeRequest, db: DB, store: bool = False
            ) -> dict[str, Any]:
    """The annotations of a posted page (one article per part, in the export's shape);
    nothing is stored unless `store=true`.  A page that is not an article (captcha, stub)
    comes back with `rejected` and its reason."""
    if (body.text is None) == (body.html is None):
        raise HTTPException(400, "send exactly one of 'text' and 'html'")
    if store:
        checked_write(request)
    meta = {k: v for k, v in body.model_dump().items()
            if k not in ("text", "html") and isinstance(v, str) and v}
    content, kind = (body.html, "html") if body.html is not None else (body.text or "", "text")
    doc = RawDocument("POST /api/analyze", content, kind, meta=meta)
    analyser: Analyser = request.app.state.analyser
    return analyser.analyse(doc, db.store() if store else None)


@router.get("/stats", summary="Corpus statistics")
def corpus_stats(db: DB) -> dict[str, Any]:
    """Counts, articles and technique spans per month, top outlets, the known claims most
    matched, and the biggest republication families."""
    return {**queries.stats(db), "families": queries.families(db)}


class ListingPage(BaseModel):
    total: int
    items: list[dict[str, Any]]


@router.get("/narratives", response_model=ListingPage, summary="Narratives of the corpus")
def list_narratives(db: DB, since: str | None = None, until: str | None = None
                    ) -> dict[str, Any]:
    """Every narrative with an article in the date range, most articles first, as
    `propwatch narratives --format json` writes it (id, label, articles, claims,
    known_claims, timeline)."""
    found = (narratives(db.store(), since=since, until=until) if since or until
             else queries.corpus_narratives(db))
    return {"total": len(found), "items": [n.to_json() for n in found]}


@router.get("/narratives/{narrative}", summary="One narrative")
def get_narrative(narrative: str, db: DB) -> dict[str, Any]:
    found = {n.id: n for n in queries.corpus_narratives(db)}.get(narrative)
    if found is None:
        raise HTTPException(404, f"no narrative {narrative} (GET /api/narratives lists them)")
    return found.to_json()


@router.get("/outlets", response_model=ListingPage, summary="Outlet profiles")
def list_outlets(db: DB) -> dict[str, Any]:
    """One profile per outlet, most articles first, as `propwatch outlets --format json`
    writes it."""
    found = queries.corpus_outlets(db)
    return {"total": len(found), "items": [o.to_json() for o in found]}


@router.get("/outlets/{name:path}", summary="One outlet's profile")
def get_outlet(name: str, db: DB) -> dict[str, Any]:
    return queries.outlet(db, name).to_json()


@router.get("/reuse", response_model=ListingPage, summary="Republication families")
def list_families(db: DB, limit: Annotated[int, Query(ge=1, le=200)] = 20,
                  offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    """Reuse clusters (families of copies), biggest first, each as `propwatch reuse
    --format json` writes it: its articles, the pairs found, the earliest copy and the
    provenance (copies, declared sources, disagreements)."""
    found = queries.corpus_clusters(db)
    return {"total": len(found), "items": [c.to_json() for c in found[offset:offset + limit]]}


@router.get("/reuse/{family_id}", summary="One republication family")
def get_family(family_id: str, db: DB) -> dict[str, Any]:
    return queries.family(db, family_id).to_json()
