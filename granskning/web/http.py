"""One request: who asks, in which language, what they sent; and how its answer is made.

A page module declares its routes on a :class:`Routes`; each handler is a plain function
``handler(ctx, **path_params) -> Response`` run in a worker thread, with the request's
language and acting user set for everything it calls (the services' messages, the audit
log's "who"). The wrapper does what every route needs, so that no handler can forget it:

- the session cookie is read and checked against the database on every request (a disabled
  account's session stops at once); pages need a login unless declared ``public``;
- an API route also takes a personal token (``Authorization: Bearer ...``) instead of the
  cookie; such a request needs no CSRF token (a browser never sends one by itself);
- every other POST carries a valid CSRF token (form field ``csrf_token`` or header
  ``X-CSRF-Token``), or it is refused with 403 before the handler runs;
- errors become status codes: a review that is not the user's, or does not exist, 404;
  a rule that blocks, 409 with the CLI's sentence; bad input, 422 with the message at its
  field; too many failed logins, 429.
"""

from __future__ import annotations

import hmac
import json
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from granskning.documents import reports
from granskning.domain.access import Do, Viewer
from granskning.domain.errors import (
    GranskningError,
    InputError,
    LoginError,
    NotFoundError,
    RuleError,
    ThrottledError,
)
from granskning.domain.i18n import LANGUAGES, _, speaking
from granskning.domain.timefmt import parse_date, parse_local
from granskning.services import access, accounts
from granskning.services.accounts import SessionUser
from granskning.storage.store import Store
from granskning.storage.uow import acting_as
from granskning.web.render import render

COOKIE = "granskning_session"
# before a login there is no session to hold the CSRF token: the login form's token is
# also a cookie of its own, and the two must match (double submit)
ANON_COOKIE = "granskning_csrf"
LANG_COOKIE = "granskning_lang"
FORM_LIMIT = 200_000  # bytes of a form: a long note is far less


class FormErrors(InputError):
    """Bad input in a form, field by field (422, the form again with each message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class Forbidden(RuleError):
    """The user is on the review's team but their role may not do this (403)."""


# -- the request's context -------------------------------------------------------------------


@dataclass
class Ctx:
    """What a handler knows about the request it answers."""

    request: Request
    store: Store
    user: SessionUser | None
    lang: str
    form: FormData | None = None
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    status: int = 200
    anon_token: str = ""
    # what the user may do to the review the route is about (routes declared with ``needs``)
    granted: frozenset[Do] = frozenset()
    # the review the route is about, once :meth:`require` has checked the user's rights in it
    review_id: int | None = None
    # the API request came with a personal token, not a browser's cookie (no CSRF to fear)
    by_token: bool = False

    @property
    def viewer(self) -> Viewer:
        assert self.user is not None
        return Viewer(person_id=self.user.person_id, coordinator=self.user.coordinator)

    def require(
        self, what: Do, *, review_id: int | None = None, interview_id: int | None = None
    ) -> frozenset[Do]:
        """The user's rights in the review (``review_id``, or ``interview_id``'s review,
        read in one go) if they include ``what``; else 404 (not theirs, or no such review)
        or 403 (theirs, but not this). Sets :attr:`review_id`."""
        if review_id is not None:
            found = access.review_rights(self.store, self.viewer, review_id)
        elif interview_id is not None:
            review_id, found = access.interview_rights(self.store, self.viewer, interview_id)
        else:
            raise LookupError("a route with `needs` must name a review_id or an interview_id")
        if what not in found:
            raise Forbidden(_("your role in this review may not do this"))
        self.review_id = review_id
        return found

    def require_coordinator(self) -> None:
        """Only coordinators go on (others: 404, as if the page did not exist)."""
        if self.user is None or not self.user.coordinator:
            raise NotFoundError(_("the page does not exist"))

    def page(self, template: str, **values: Any) -> HTMLResponse:
        """The page ``template``, with what every page shows (user, language, token, errors)."""
        body = render(template, self._common() | values)
        return HTMLResponse(body, status_code=self.status)

    def _common(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "lang": self.lang,
            "other_lang": "en" if self.lang == "sv" else "sv",
            "csrf_token": self.user.csrf_token if self.user else self.anon_token,
            "path": self.request.url.path,
            "errors": self.errors,
            "problem": self.problem,
            "flash": self.request.query_params.get("done"),
            "form": self.form or {},
            # whether the pages offer each document as a PDF too
            "pdf": pdf_available(),
        }

    def done(self, url: str, message: str | None = None) -> RedirectResponse:
        """After a successful POST: back to ``url`` (303), saying what was done."""
        if message:
            url += ("&" if "?" in url else "?") + "done=" + quote(message)
        return RedirectResponse(url, status_code=303)

    # -- reading a form, field by field --

    def raw(self, name: str) -> str:
        """A form field's value as sent ("" when it was not)."""
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else ""

    def text(self, name: str, *, required: bool = True, label: str | None = None) -> str | None:
        """A text field, stripped (None when empty; an error when ``required``)."""
        value = self.raw(name).strip()
        if not value and required:
            self.errors[name] = _("{field}: fill this in").format(field=label or name)
            return None
        return value or None

    def number(self, name: str, *, label: str | None = None, required: bool = True) -> int | None:
        value = self.text(name, required=required, label=label)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            self.errors[name] = _("{field}: not a whole number: {value}").format(
                field=label or name, value=value
            )
            return None

    def when(
        self, name: str, *, label: str | None = None, required: bool = True
    ) -> datetime | None:
        """A local date and time ("2026-03-10T09:00" from a datetime-local field)."""
        value = self.text(name, required=required, label=label)
        parsed: datetime | None = self._parsed(
            name, value, lambda v: parse_local(v.replace("T", " "), label or name)
        )
        return parsed

    def day(self, name: str, *, label: str | None = None, required: bool = True) -> date | None:
        value = self.text(name, required=required, label=label)
        parsed: date | None = self._parsed(name, value, lambda v: parse_date(v, label or name))
        return parsed

    def _parsed(self, name: str, value: str | None, parse: Callable[[str], Any]) -> Any:
        if value is None:
            return None
        try:
            return parse(value)
        except InputError as exc:
            self.errors[name] = str(exc)
            return None

    def checked(self) -> None:
        """Raise the form's errors, if any (422 with each message at its field)."""
        if self.errors:
            raise FormErrors(dict(self.errors))


# -- cookies ----------------------------------------------------------------------------------


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.secret, salt="granskning-session")


def session_token(request: Request) -> str | None:
    """The session token of the request's cookie, if its signature holds."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        return _signer(request).unsign(raw).decode()
    except BadSignature:
        return None


def bearer_token(request: Request) -> str | None:
    """The personal API token of an ``Authorization: Bearer ...`` header, if any."""
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def set_session_cookie(request: Request, response: Response, token: str | None) -> None:
    """Give the browser its session (or take it away: ``None``)."""
    if token is None:
        response.delete_cookie(COOKIE, path="/")
        return
    response.set_cookie(
        COOKIE,
        _signer(request).sign(token).decode(),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def choose_language(request: Request) -> str:
    """``?lang=``, then the language chosen before (cookie), then the browser's, then sv."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGUAGES:
        return str(asked)
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "sv"


# -- routing ------------------------------------------------------------------------------------

Handler = Callable[..., Response]


class Routes:
    """The routes of one page module: ``@routes.get(path)``, ``@routes.post(path)``."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        # (path, method, spec) of every route: what the access tests walk
        self.specs: list[tuple[str, str, _Spec]] = []

    def get(self, path: str, **how: Any) -> Callable[[Handler], Handler]:
        """A page, download or API read; see :meth:`post` for ``how``."""
        return self._add(path, "GET", _Spec(**how))

    def document(self, path: str, **how: Any) -> Callable[[Handler], Handler]:
        """A document to download twice: ``path.docx`` (Word) and ``path.pdf`` (the same
        converted by LibreOffice, as ``--pdf`` does). The handler takes ``pdf`` (a bool)
        besides the path's parameters; ``how`` as for :meth:`get`."""

        def register(fn: Handler) -> Handler:
            for kind in ("docx", "pdf"):

                def handler(ctx: Ctx, _pdf: bool = kind == "pdf", **params: Any) -> Response:
                    if _pdf and not pdf_available():  # said before anything is built
                        raise RuleError(
                            _(
                                "a PDF needs LibreOffice, which is not installed on this "
                                "server; download the Word document instead"
                            )
                        )
                    return fn(ctx, pdf=_pdf, **params)

                handler.__name__ = f"{fn.__name__}_{kind}"
                self.get(f"{path}.{kind}", **how)(handler)
            return fn

        return register

    def post(self, path: str, **how: Any) -> Callable[[Handler], Handler]:
        """A form's target. ``how``:

        - ``needs``: the right (:class:`~granskning.domain.access.Do`) the user must have in
          the review the path names (``review_id``, or ``interview_id``'s review), checked
          before the handler runs (404 if the review is not theirs, 403 if theirs but not
          this); ``ctx.granted`` then holds all their rights in it;
        - ``coordinator``: only coordinators (others get 404);
        - ``public``: no login needed; ``api``: JSON in and out;
        - ``again``: the page the form is on, shown again with the message on bad input
          (422) or a blocking rule (409).
        """
        return self._add(path, "POST", _Spec(**how))

    def _add(self, path: str, method: str, spec: _Spec) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            spec.fn = fn
            self.specs.append((path, method, spec))

            async def endpoint(request: Request) -> Response:
                form = None
                if method == "POST" and not spec.api:
                    form = await request.form(max_files=0, max_fields=200, max_part_size=FORM_LIMIT)
                body = await request.body() if spec.api and method == "POST" else b""
                return await run_in_threadpool(_answer, request, form, body, spec)

            self.routes.append(Route(path, endpoint, methods=[method], name=fn.__name__))
            return fn

        return register


@dataclass
class _Spec:
    """How a route is guarded (see :meth:`Routes.post`)."""

    needs: Do | None = None
    coordinator: bool = False
    public: bool = False
    api: bool = False
    again: Handler | None = None
    fn: Handler | None = None
    # a POST must carry the form's token (not for a route that changes nothing whatever comes)
    csrf: bool = True


# the path parameters that name the review a route is about
_NAMES_REVIEW = ("review_id", "interview_id")


def _answer(request: Request, form: FormData | None, body: bytes, spec: _Spec) -> Response:
    store: Store = request.app.state.store
    lang = choose_language(request)
    with speaking(lang):
        user = accounts.session_user(store, session_token(request))
        by_token = False
        if user is None and spec.api:
            user = accounts.token_user(store, bearer_token(request))
            by_token = user is not None
        ctx = Ctx(request=request, store=store, user=user, lang=lang, form=form, by_token=by_token)
        sent = request.cookies.get(ANON_COOKIE, "")
        ctx.anon_token = sent or secrets.token_urlsafe(24)
        response = _guarded(ctx, body, spec)
        if user is None and not sent:
            response.set_cookie(
                ANON_COOKIE,
                ctx.anon_token,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        if request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(LANG_COOKIE, lang, samesite="lax", path="/", httponly=True)
        return response


def unknown_address(request: Request, _exc: Exception | None = None) -> Response:
    """An address no route knows: the 404 page a review that is not the reader's gets,
    with the reader's own menu and language."""
    return _answer(request, None, b"", _Spec(public=True, fn=_no_such_page, csrf=False))


def _no_such_page(ctx: Ctx, **_params: Any) -> Response:
    raise NotFoundError(_("the page does not exist"))


def _guarded(ctx: Ctx, body: bytes, spec: _Spec) -> Response:
    request = ctx.request
    if ctx.user is None and not spec.public:
        if spec.api:
            return JSONResponse({"error": _("log in first")}, status_code=401)
        return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
    if request.method == "POST" and spec.csrf and not ctx.by_token and not _csrf_ok(ctx):
        return _failure(ctx, spec, 403, _("the form has expired; reload the page and try again"))
    if spec.api and body:
        try:
            ctx.form = FormData(json.loads(body).items())
        except (ValueError, AttributeError):
            return _failure(ctx, spec, 422, _("the request is not a JSON object"))
    assert spec.fn is not None
    try:
        if spec.coordinator:
            ctx.require_coordinator()
        if spec.needs is not None:
            named = {k: int(v) for k, v in request.path_params.items() if k in _NAMES_REVIEW}
            ctx.granted = ctx.require(spec.needs, **named)
        with acting_as(ctx.user.email if ctx.user else "?"):
            return spec.fn(ctx, **request.path_params)
    except GranskningError as exc:
        return _refused(ctx, spec, exc)


def _csrf_ok(ctx: Ctx) -> bool:
    """The POST's token is the session's; before a login, the token cookie's."""
    expected = ctx.user.csrf_token if ctx.user else ctx.request.cookies.get(ANON_COOKIE, "")
    sent = ctx.request.headers.get("x-csrf-token") or ctx.raw("csrf_token")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


STATUS: list[tuple[type[GranskningError], int]] = [
    (NotFoundError, 404),
    (ThrottledError, 429),
    (Forbidden, 403),
    (LoginError, 422),
    (RuleError, 409),
    (InputError, 422),
]


def status_of(exc: GranskningError) -> int:
    """The HTTP status of an error the engine raised."""
    for kind, code in STATUS:
        if isinstance(exc, kind):
            return code
    return 400


def _refused(ctx: Ctx, spec: _Spec, exc: GranskningError) -> Response:
    code = status_of(exc)
    if isinstance(exc, FormErrors):
        ctx.errors = exc.errors
    if code in (409, 422, 429) and spec.again is not None and not spec.api:
        ctx.status = code
        ctx.problem = None if isinstance(exc, FormErrors) else str(exc)
        return spec.again(ctx, **ctx.request.path_params)
    return _failure(ctx, spec, code, str(exc))


def _failure(ctx: Ctx, spec: _Spec, code: int, message: str) -> Response:
    if spec.api:
        payload: dict[str, Any] = {"error": message}
        if ctx.errors:
            payload["fields"] = ctx.errors
        return JSONResponse(payload, status_code=code)
    if code == 404:
        message = _("The page does not exist, or it is not yours to see.")
    ctx.status = code
    return ctx.page("error.html", code=code, message=message)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def download(content: bytes, media_type: str, filename: str) -> Response:
    """``content`` sent as a file to save (``filename``: ASCII, made by the page)."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def pdf_available() -> bool:
    """Whether this server can make PDFs (LibreOffice is installed)."""
    return reports.libreoffice() is not None


def sent(content: bytes, filename: str, *, pdf: bool = False) -> Response:
    """A Word document's bytes (``filename``, .docx) sent as a download; with ``pdf``
    converted first, as ``--pdf`` does."""
    if pdf:
        return download(_pdf_of(content), PDF, Path(filename).with_suffix(".pdf").name)
    return download(content, DOCX, filename)


def written(make: Callable[[Path], object], filename: str, *, pdf: bool = False) -> Response:
    """The Word document ``make`` writes into the path it is given, sent as :func:`sent`
    sends it."""
    with tempfile.TemporaryDirectory(prefix="granskning-") as folder:
        out = Path(folder) / filename
        make(out)
        content = out.read_bytes()
    return sent(content, filename, pdf=pdf)


@lru_cache(maxsize=16)
def _pdf_of(docx: bytes) -> bytes:
    """The PDF of a Word document's bytes. Kept for the same bytes: a handed-over version
    never changes, and each of the host's readers would otherwise wait for LibreOffice."""
    with tempfile.TemporaryDirectory(prefix="granskning-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        return reports.to_pdf(source).read_bytes()


def api_json(data: Any, status: int = 200) -> JSONResponse:
    """The ``--json`` shape of an object, as the API serves it."""
    return JSONResponse(data, status_code=status)


def query_int(params: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError:
        return default


__all__ = [
    "COOKIE",
    "Ctx",
    "Forbidden",
    "FormErrors",
    "DOCX",
    "PDF",
    "Routes",
    "api_json",
    "bearer_token",
    "download",
    "pdf_available",
    "sent",
    "written",
    "choose_language",
    "query_int",
    "session_token",
    "set_session_cookie",
    "status_of",
]
