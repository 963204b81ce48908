"""Start the workspace: check the address/token rule, open the database, run uvicorn."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from propwatch.errors import ConfigError, MissingExtraError
from propwatch.serve.auth import Access, needs_token, new_token
from propwatch.store.open import shown as shown_db

if TYPE_CHECKING:
    from fastapi import FastAPI

SETTINGS_VARIABLE = "PROPWATCH_SERVE"  # database, token, read-only, for worker processes


@dataclass(frozen=True)
class ServeOptions:
    db: str  # a SQLite file path or a postgresql:// URL
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    read_only: bool = False
    workers: int = 1


def access_for(options: ServeOptions) -> tuple[Access, bool]:
    """The access rule for these options, and whether its token was generated here.

    Loopback without --token needs none; any other address needs one (generated when not
    given)."""
    if options.token is not None and len(options.token.strip()) < 16:
        raise ConfigError("--token is too short to keep anyone out: use at least 16 "
                          "characters, or leave it out to have one generated")
    if options.token is not None:
        return Access(options.token.strip(), options.read_only), False
    if needs_token(options.host):
        return Access(new_token(), options.read_only), True
    return Access(None, options.read_only), False


def serve(options: ServeOptions, announce: Callable[[str], None]) -> None:
    """Serve until interrupted; ``announce`` prints where to open the app (and the token)."""
    try:
        import uvicorn

        from propwatch.serve.app import create_app
    except ImportError as exc:
        raise MissingExtraError("propwatch serve", "serve") from exc
    from propwatch.serve.database import Database

    access, generated = access_for(options)
    db = Database(options.db, read_only=options.read_only)  # fails now if --db is bad
    shown = f"[{options.host}]" if ":" in options.host else options.host
    announce(f"propwatch workspace on http://{shown}:{options.port}/ over {shown_db(options.db)}"
             + (" (read-only)" if options.read_only else "")
             + (f", {options.workers} worker processes" if options.workers > 1 else ""))
    if generated:
        announce(f"access token (log in with it, or send 'Authorization: Bearer TOKEN'): "
                 f"{access.token}")
    elif access.token:
        announce("access token: the one given with --token")
    common: dict[str, Any] = {"host": options.host, "port": options.port,
                              "log_level": "warning", "server_header": False}
    if options.workers == 1:
        uvicorn.run(create_app(db, access), **common)
        return
    # worker processes build their own app from the settings passed in the environment
    os.environ[SETTINGS_VARIABLE] = json.dumps(
        {"db": str(options.db), "token": access.token, "read_only": options.read_only})
    uvicorn.run("propwatch.serve.run:app_from_environment", factory=True,
                workers=options.workers, **common)


def app_from_environment() -> FastAPI:
    """The app of one worker process (``--workers`` > 1), from ``$PROPWATCH_SERVE``."""
    from propwatch.serve.app import create_app
    from propwatch.serve.database import Database

    settings = json.loads(os.environ[SETTINGS_VARIABLE])
    read_only = bool(settings["read_only"])
    return create_app(Database(settings["db"], read_only=read_only),
                      Access(settings["token"], read_only))
