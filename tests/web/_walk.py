"""Walking every route of the application: each declared route (``routes.specs`` of every
module in :data:`granskning.web.pages.PAGES`) with its path parameters filled from the web
tests' world, called without reading an endless body."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from granskning.services.reviews import pinned_template
from granskning.storage.model import (
    Finding,
    FollowUpItem,
    Interviewee,
    Note,
    Recommendation,
    ReportVersion,
    Review,
)
from granskning.web.pages import PAGES
from tests.web.conftest import Client, Web

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")

# path parameters no value of the world can fill, and why (their routes are left out)
SKIPPED: dict[str, str] = {}


@dataclass(frozen=True)
class Route:
    """One declared route: its path, method and how it is guarded (``http._Spec``)."""

    path: str
    method: str
    spec: Any

    @property
    def params(self) -> list[str]:
        return _PARAM.findall(self.path)


def all_routes() -> list[Route]:
    """Every declared route of the application; logging out last (it ends the session)."""
    found = [
        Route(path, method, spec) for page in PAGES for path, method, spec in page.routes.specs
    ]
    return sorted(found, key=lambda r: r.path == "/logout")


def _first(w: Web, query: Any) -> Any:
    with w.store.read() as s:
        return s.exec(query.limit(1)).first()


def finders(w: Web) -> dict[str, Callable[[], Any]]:
    """How to fill each path parameter from the world (its review and first interview)."""
    rid, iv = w.world.review, w.world.interviews[0]

    def review() -> Review:
        with w.store.read() as s:
            row = s.get(Review, rid)
        assert row is not None
        return row

    def template() -> Any:
        return pinned_template(review())

    def recommendation() -> Any:
        return _first(w, select(Recommendation.id).where(Recommendation.review_id == rid))

    return {
        "review_id": lambda: rid,
        "interview_id": lambda: iv,
        "round_id": lambda: review().round_id,
        "template_id": lambda: review().template_id,
        "template": lambda: review().template_id,
        "number": lambda: _first(
            w, select(ReportVersion.number).where(ReportVersion.review_id == rid)
        ),
        "version": lambda: _first(
            w, select(ReportVersion.number).where(ReportVersion.review_id == rid)
        ),
        "version_id": lambda: _first(
            w, select(ReportVersion.id).where(ReportVersion.review_id == rid)
        ),
        "note_id": lambda: _first(w, select(Note.id).where(Note.interview_id == iv)),
        "item_id": lambda: _first(
            w,
            select(FollowUpItem.id)
            .where(FollowUpItem.review_id == rid)
            .order_by(col(FollowUpItem.id)),
        ),
        "finding_id": lambda: _first(w, select(Finding.id).where(Finding.review_id == rid)),
        "recommendation_id": recommendation,
        "rec_id": recommendation,
        "block": lambda: template().blocks[0].id,
        "block_id": lambda: template().blocks[0].id,
        "group": lambda: template().groups[0].id,
        "group_id": lambda: template().groups[0].id,
        "question": lambda: template().blocks[0].questions[0].id,
        "question_id": lambda: template().blocks[0].questions[0].id,
        "interviewee_id": lambda: _first(
            w, select(Interviewee.id).where(Interviewee.interview_id == iv)
        ),
        "person_id": lambda: w.world.lead,
        "section": lambda: "summary",
    }


def url_of(route: Route, found: dict[str, Callable[[], Any]]) -> str | None:
    """The route's path with its parameters filled; None when a parameter is in
    :data:`SKIPPED` or the world has no such thing (yet)."""
    url = route.path
    for name in route.params:
        if name in SKIPPED:
            return None
        assert name in found, (
            f"{route.method} {route.path}: no value for {{{name}}}; teach finders() to find "
            "one in the world, or name it in SKIPPED with the reason"
        )
        value = found[name]()
        if value is None:
            return None
        url = _PARAM.sub(str(value), url, count=1)
    return url


@dataclass(frozen=True)
class Answer:
    """What a route answered: status, headers and (for text and JSON) the body."""

    status_code: int
    headers: Any
    text: str


def call(client: Client, route: Route, url: str, token: str, form: Any = None) -> Answer:
    """Call the route (a POST with the CSRF ``token`` and ``form``, by default empty). Only
    text and JSON bodies are read, so an endless stream (server-sent events) ends at once."""
    kw: dict[str, Any] = {"follow_redirects": False}
    if route.method == "POST":
        if route.spec.api:
            kw |= {"json": form or {}, "headers": {"X-CSRF-Token": token}}
        else:
            kw["data"] = {"csrf_token": token, **(form or {})}
    with client.stream(route.method, url, **kw) as r:
        kind = r.headers.get("content-type", "")
        readable = kind.startswith(("text/html", "application/json", "text/plain"))
        text = r.read().decode() if readable else ""
        return Answer(r.status_code, r.headers, text)
