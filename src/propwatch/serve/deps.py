"""FastAPI dependencies shared by pages and API: the database, and the checks a write
must pass (CSRF token) before its handler runs."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from starlette.datastructures import FormData
from starlette.requests import Request

from propwatch.serve.auth import CSRF_FIELD, Access, csrf_ok
from propwatch.serve.database import Database

CSRF_MESSAGE = ("refused: the form's CSRF token is missing or stale; reload the page and "
                "try again (programs: send 'Authorization: Bearer TOKEN')")


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def access(request: Request) -> Access:
    found: Access = request.app.state.access
    return found


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token is checked (403 otherwise)."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not csrf_ok(request, access(request), submitted if isinstance(submitted, str) else None):
        raise HTTPException(403, CSRF_MESSAGE)
    return form


def checked_write(request: Request) -> None:
    """An API write: Bearer-authenticated, from a program, or with the CSRF header."""
    if not csrf_ok(request, access(request), None):
        raise HTTPException(403, CSRF_MESSAGE)


def form_text(form: FormData, name: str, default: str = "") -> str:
    value: Any = form.get(name, default)
    return value if isinstance(value, str) else default
