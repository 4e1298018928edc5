"""The Starlette application: the page modules' routes, static files, security headers.

``create_app(store)`` is all a server (``granskning serve``) or a test needs. The services'
event handlers are installed by importing :mod:`granskning.services`, as for the CLI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from granskning.services import accounts
from granskning.storage.store import Store
from granskning.web.http import unknown_address
from granskning.web.pages import PAGES

STATIC = Path(__file__).resolve().parent / "static"

# No script, style, frame or form from anywhere but this site; no inline script at all.
_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + _HEADERS
            await send(message)

        await self.app(scope, receive, sending)


def routes() -> list[BaseRoute]:
    """Every route: the pages' (in :data:`granskning.web.pages.PAGES`) and the static files."""
    out: list[BaseRoute] = []
    for page in PAGES:
        out.extend(page.routes.routes)
    out.append(Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"))
    return out


def create_app(store: Store, **settings: Any) -> Starlette:
    """The web application over ``store``."""
    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={404: unknown_address},
    )
    app.state.store = store
    app.state.secret = accounts.secret_key(store)
    app.state.settings = settings
    return app


def from_environment() -> Starlette:
    """The application over ``GRANSKNING_DB``: what each worker of ``granskning serve``
    makes (uvicorn imports it by name in every worker process)."""
    return create_app(Store(os.environ["GRANSKNING_DB"]))


__all__ = ["create_app", "from_environment", "routes"]
