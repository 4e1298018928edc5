"""Logging in and out (``/login``, ``/logout``)."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from granskning.domain.errors import LoginError, ThrottledError
from granskning.domain.i18n import _
from granskning.services import accounts
from granskning.web.http import Ctx, Routes, set_session_cookie

routes = Routes()


def _next(ctx: Ctx) -> str:
    """Where to go after the login: a path of this site only (never another site)."""
    target = ctx.request.query_params.get("next") or ctx.raw("next") or "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


@routes.get("/login", public=True)
def login_page(ctx: Ctx) -> Response:
    if ctx.user is not None:
        return RedirectResponse(_next(ctx), status_code=303)
    return ctx.page("login.html", next=_next(ctx))


@routes.post("/login", public=True)
def login(ctx: Ctx) -> Response:
    email = ctx.text("email", label=_("E-mail address")) or ""
    password = ctx.raw("password")
    if not password:
        ctx.errors["password"] = _("{field}: fill this in").format(field=_("Password"))
    if ctx.errors:
        ctx.status = 422
        return ctx.page("login.html", next=_next(ctx))
    address = ctx.request.client.host if ctx.request.client else None
    try:
        login = accounts.log_in(ctx.store, email, password, address=address)
    except (LoginError, ThrottledError) as exc:
        ctx.status = 429 if isinstance(exc, ThrottledError) else 422
        ctx.problem = str(exc)
        return ctx.page("login.html", next=_next(ctx))
    response = RedirectResponse(_next(ctx), status_code=303)
    set_session_cookie(ctx.request, response, login.token)
    return response


@routes.post("/logout")
def logout(ctx: Ctx) -> Response:
    assert ctx.user is not None
    accounts.log_out(ctx.store, ctx.user)
    response = RedirectResponse("/login", status_code=303)
    set_session_cookie(ctx.request, response, None)
    return response
