"""Who may use the workspace, and which writes are the analyst's own.

- Access token: required when the server listens beyond loopback.  A request carries it
  as ``Authorization: Bearer TOKEN`` or as the session cookie the login page sets (the
  cookie holds an HMAC of the token, never the token).  Without it: 401.
- Cross-site requests: a state-changing request (POST, ...) is refused (403) when its
  ``Origin`` (or ``Sec-Fetch-Site``) says another site sent it, and it must carry the
  per-session CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``, equal to
  the ``propwatch_csrf`` cookie), unless it authenticates with a Bearer header or comes
  from a program rather than a browser (no cookie, no Origin).
- ``--read-only``: every state-changing request but logging in gets 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request

TOKEN_COOKIE = "propwatch_session"
CSRF_COOKIE = "propwatch_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PREFIXES = ("/static/", "/assets/")  # assets hold no corpus data
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True)
class Access:
    token: str | None  # None: no token needed (loopback only)
    read_only: bool = False

    def session_value(self) -> str:
        assert self.token is not None
        return hmac.new(self.token.encode(), b"propwatch session", hashlib.sha256).hexdigest()

    def authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        return self.bearer(request) or _same(request.cookies.get(TOKEN_COOKIE),
                                             self.session_value())

    def bearer(self, request: Request) -> bool:
        """The request carries the token in an ``Authorization: Bearer`` header."""
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        return (self.token is not None and scheme.lower() == "bearer"
                and _same(value.strip(), self.token))

    def check_token(self, given: str) -> bool:
        return self.token is not None and _same(given.strip(), self.token)


def is_public(path: str) -> bool:
    return path == "/login" or path.startswith(PUBLIC_PREFIXES)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_token(request: Request) -> str:
    """This browser session's CSRF token (a new one when it has none yet)."""
    known = request.cookies.get(CSRF_COOKIE)
    if known and len(known) >= 20:
        return known
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = secrets.token_urlsafe(24)
        request.state.new_csrf = fresh
    return fresh


def cross_site(request: Request) -> str | None:
    """Why a state-changing request looks sent by another site (None when it does not)."""
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if origin == "null" or parts.netloc != request.headers.get("host", ""):
            return "the request comes from another site (Origin does not match)"
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return "the request comes from another site (Sec-Fetch-Site)"
    return None


def csrf_ok(request: Request, access: Access, submitted: str | None) -> bool:
    """A write may go ahead: Bearer-authenticated, from a program (no cookie and no
    Origin: browsers always send Origin on cross-site writes), or carrying the session's
    CSRF token."""
    if access.bearer(request):
        return True
    if "cookie" not in request.headers and "origin" not in request.headers:
        return True
    expected = request.cookies.get(CSRF_COOKIE)
    given = submitted or request.headers.get(CSRF_HEADER)
    return bool(expected) and _same(given, expected)


def _same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def needs_token(host: str) -> bool:
    """Binding ``host`` exposes the app beyond this machine."""
    return host not in LOOPBACK
