"""Pages are Jinja templates with autoescape on for every one of them: untrusted text
(titles, article text, known-claim texts, URLs) is always shown, never run."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from propwatch.serve.auth import CSRF_FIELD, csrf_token


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("propwatch.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    access = getattr(request.app.state, "access", None)
    html = environment().get_template(name).render(
        request=request, csrf_field=CSRF_FIELD, csrf_token=csrf_token(request),
        read_only=bool(access and access.read_only),
        needs_login=bool(access and access.token), path=request.url.path,
        **context)
    return HTMLResponse(html, status_code=status, headers=headers)


def with_query(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return request.url.path + ("?" + urlencode(params) if params else "")


def pager(request: Request, total: int, limit: int, offset: int, exact: bool = True
          ) -> dict[str, Any]:
    """Previous/next links and the range shown, for a paginated list (``exact`` False:
    there are more than ``total``)."""
    return {
        "first": offset + 1 if total and offset < total else 0,
        "last": min(offset + limit, total),
        "total": total,
        "exact": exact,
        "prev": with_query(request, offset=max(0, offset - limit) or None) if offset else None,
        "next": with_query(request, offset=offset + limit) if offset + limit < total else None,
    }
