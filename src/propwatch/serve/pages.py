"""Server-rendered pages: dashboard, search, article, narratives, outlets (and one page per
outlet), republication families, review queue, login."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from propwatch.report.export import article_with_fields
from propwatch.serve import family, queries
from propwatch.serve.auth import TOKEN_COOKIE
from propwatch.serve.database import Database
from propwatch.serve.deps import access, checked_form, database, form_text
from propwatch.serve.render import pager, render
from propwatch.serve.views import (
    article_view,
    colour_css,
    label_text,
    outlet_chart,
    web_link,
)
from propwatch.store.workspace import CAP, STANCES, Filters

router = APIRouter(include_in_schema=False)
DB = Annotated[Database, Depends(database)]
FORM = Annotated[FormData, Depends(checked_form)]
PAGE_SIZE = 20
PER_PAGE = Annotated[int, Query(ge=1, le=100, description="results per page")]


def _local(target: str, fallback: str) -> str:
    """Only a path on this site is a place to go back to (no open redirect)."""
    ok = target.startswith("/") and not target.startswith(("//", "/\\"))
    return target if ok else fallback


@router.get("/")
def dashboard(request: Request, db: DB) -> Response:
    return render(request, "dashboard.html", {"stats": queries.dashboard(db),
                                              "families": queries.families(db)})


@router.get("/narratives")
def narratives_page(request: Request, db: DB) -> Response:
    return render(request, "narratives.html", {"narratives": queries.corpus_narratives(db)})


@router.get("/outlets")
def outlets_page(request: Request, db: DB) -> Response:
    return render(request, "outlets.html", {"outlets": queries.corpus_outlets(db)})


@router.get("/outlets/{name:path}")
def outlet_page(request: Request, name: str, db: DB,
                offset: Annotated[int, Query(ge=0)] = 0, limit: PER_PAGE = PAGE_SIZE) -> Response:
    found = queries.outlet(db, name)
    total, hits = queries.outlet_articles(db, found, limit, offset)
    return render(request, "outlet.html", {
        "outlet": found, "hits": hits, "pager": pager(request, total, limit, offset),
        "chart": outlet_chart(found), "label_text": label_text})


@router.get("/republication")
def republication_page(request: Request, db: DB,
                       offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    total = len(queries.corpus_clusters(db))
    return render(request, "republication.html", {
        "families": queries.families(db, PAGE_SIZE, offset),
        "pager": pager(request, total, PAGE_SIZE, offset)})


@router.get("/republication/{family_id}")
def family_page(request: Request, family_id: str, db: DB) -> Response:
    cluster = queries.family(db, family_id)
    return render(request, "family.html", {
        "family": cluster, "graph": family.graph(cluster), "timeline": family.timeline(cluster),
        "titles": {m.id: m.title or m.id for m in cluster.articles}})


@router.get("/search")
def search_page(
    request: Request, db: DB, q: str = "", outlet: str = "", since: str = "", until: str = "",
    language: str = "", technique: str = "", match: str = "", reused: bool = False,
    sort: str = "", offset: Annotated[int, Query(ge=0)] = 0, limit: PER_PAGE = PAGE_SIZE,
) -> Response:
    stance = match if match in STANCES else None
    filters = Filters(q=q, outlet=outlet or None, since=since or None, until=until or None,
                      language=language or None, technique=technique or None,
                      has_match=match == "any", stance=stance, reused=reused,
                      sort=sort or ("relevance" if q.strip() else "date"))
    found = queries.search(db, filters, limit, offset)
    return render(request, "search.html", {
        "filters": filters, "match": match, "hits": found.hits, "facets": queries.facets(db),
        "outlet_menu": queries.outlet_menu(db, filters.outlet),
        "pager": pager(request, found.total, limit, offset, found.exact),
        "ranked_newest": not found.exact and filters.sort == "relevance" and bool(q.strip()),
        "cap": CAP, "label_text": label_text,
        "stances": STANCES,
    })


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: str, db: DB) -> Response:
    found = article_with_fields(db.store(), article_id)
    if found is None:
        raise HTTPException(404, f"no article with id {article_id}")
    return render(request, "article.html", article_view(*found))


@router.get("/review")
def review_page(request: Request, db: DB, offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    total, matches = queries.pending_matches(db, PAGE_SIZE, offset)
    for m in matches:
        m["link"] = web_link(m["url"])
    return render(request, "review.html", {
        "matches": matches, "pager": pager(request, total, PAGE_SIZE, offset)})


@router.post("/matches/{match_id}/verdict")
def match_verdict(request: Request, match_id: int, db: DB, form: FORM) -> Response:
    queries.set_match_verdict(db, match_id, form_text(form, "action"))
    back = _local(form_text(form, "next"), "/review")
    return RedirectResponse(back, status_code=303)


@router.post("/articles/{article_id}/techniques/verdict")
def technique_verdict(request: Request, article_id: str, db: DB, form: FORM) -> Response:
    try:
        start, end = int(form_text(form, "start")), int(form_text(form, "end"))
    except ValueError as exc:
        raise HTTPException(422, "start and end must be whole numbers") from exc
    queries.set_technique_verdict(db, article_id, start, end, form_text(form, "technique"),
                                  form_text(form, "verdict"))
    back = _local(form_text(form, "next"), f"/articles/{article_id}")
    return RedirectResponse(back + "#spans", status_code=303)


@router.get("/assets/techniques.css")
def technique_colours() -> Response:
    return Response(colour_css(), media_type="text/css",
                    headers={"Cache-Control": "max-age=3600"})


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": _local(next, "/"), "failed": False})


@router.post("/login")
def login(request: Request, form: FORM) -> Response:
    given = access(request)
    back = _local(form_text(form, "next"), "/")
    if given.token is None:
        return RedirectResponse(back, status_code=303)
    if not given.check_token(form_text(form, "token")):
        return render(request, "login.html", {"next": back, "failed": True}, status=401)
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(TOKEN_COOKIE, given.session_value(), httponly=True, samesite="strict")
    return response


@router.post("/logout")
def logout(request: Request, form: FORM) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response

