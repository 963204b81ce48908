"""The ASGI app: routes, one JSON error shape, the access and cross-site checks on every
request, and security headers (a Content-Security-Policy that allows no inline script)."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from propwatch.errors import ConfigError, PropwatchError, StoreError, one_line
from propwatch.serve import api, pages, queries
from propwatch.serve.analyse import Analyser
from propwatch.serve.auth import (
    CSRF_COOKIE,
    SAFE_METHODS,
    TOKEN_COOKIE,
    Access,
    cross_site,
    is_public,
)
from propwatch.serve.database import Database, one_version
from propwatch.serve.render import render

log = logging.getLogger(__name__)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make browsers send Origin: null
    "X-Frame-Options": "DENY",
}


def create_app(db: Database, access: Access) -> FastAPI:
    """The workspace over ``db``; ``access`` says whether a token is needed and whether
    writes are allowed."""
    app = FastAPI(
        lifespan=_warming(db),
        title="propwatch workspace API",
        description="Articles with their technique spans, claims, known-claim matches and "
                    "republication, and the analysts' verdicts. Every span is a [start, end) "
                    "pair of character offsets into the article's text.",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the bundled Swagger UI would load its assets from a CDN
        redoc_url=None,
    )
    app.state.db = db
    app.state.access = access
    app.state.analyser = Analyser()
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("propwatch.serve", "static")]), name="static")

    app.add_middleware(Guard, access=access)
    app.add_middleware(OneVersion)
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(PropwatchError, _propwatch_error)  # type: ignore[arg-type]
    return app


def _warming(db: Database) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """At start, a thread computes the corpus figures the pages read (the server answers
    meanwhile; a request that needs one of them waits for it)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        def warm() -> None:
            try:
                queries.warm(db)
            except PropwatchError as exc:
                log.error("computing the corpus figures failed: %s", exc)

        app.state.warming = threading.Thread(target=warm, name="warm", daemon=True)
        app.state.warming.start()
        yield

    return lifespan


class OneVersion:
    """A request that only reads (GET, HEAD) reads the database's data version once
    (``one_version``); one that writes reads it afresh each time it asks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in SAFE_METHODS:
            with one_version():
                await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class Guard:
    """Every request: the token check, then for writes the read-only and cross-site checks;
    every response: the security headers and, for a new browser session, its CSRF cookie.
    (Plain ASGI, so a request costs no extra task.)"""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                new_csrf = scope.get("state", {}).get("new_csrf")
                if new_csrf:
                    headers.append("set-cookie", f"{CSRF_COOKIE}={new_csrf}; HttpOnly; "
                                                 "Path=/; SameSite=strict")
            await send(message)

        refusal = _refusal(request, self.access)
        if refusal is not None:
            await refusal(scope, receive, send_secured)
        else:
            await self.app(scope, receive, send_secured)


def _refusal(request: Request, access: Access) -> Response | None:
    """The 401 or 403 a request gets before reaching a route, if any."""
    path = request.url.path
    if not is_public(path) and not access.authorized(request):
        if TOKEN_COOKIE in request.cookies:
            message = "the session is no longer valid: log in again with the access token"
        else:
            message = ("this workspace needs its access token: send 'Authorization: Bearer "
                       "TOKEN' or log in at /login")
        return error_response(request, 401, message)
    if request.method in SAFE_METHODS:
        return None
    asked = request.query_params.get("store", "").lower() in ("true", "1", "yes", "on")
    stores = path != "/api/analyze" or asked  # analysing without storing changes nothing
    if access.read_only and path != "/login" and stores:
        return error_response(request, 403, "the workspace runs with --read-only: nothing "
                                            "can be changed; restart it without --read-only")
    reason = cross_site(request)
    if reason:
        return error_response(request, 403, f"refused: {reason}")
    return None


def error_response(request: Request, status: int, message: str) -> Response:
    """One error shape: ``{"error": {"status", "message"}}`` for the API, a page otherwise."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": {"status": status, "message": message}},
                            status_code=status, headers=headers)
    return render(request, "error.html", {"status": status, "message": message},
                  status=status, headers=headers)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and message == "Not Found":
        message = f"nothing at {request.url.path}"
    return error_response(request, exc.status_code, message)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body"))
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return error_response(request, 422, "invalid request: " + one_line("; ".join(problems)))


async def _propwatch_error(request: Request, exc: PropwatchError) -> Response:
    status = 400 if isinstance(exc, ConfigError) else 500
    if isinstance(exc, StoreError):
        log.error("database error: %s", exc)
    return error_response(request, status, str(exc))
