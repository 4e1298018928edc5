"""Every route of the application, called as every role, a stranger and nobody, against
the access table: generated from the routes' declarations (``routes.specs`` of every module
in :data:`granskning.web.pages.PAGES`) and :func:`granskning.domain.access.may`, so a new
route is covered the day it is declared.

- allowed: never 401/403/404 nor the login form (an empty form may give 409 or 422);
- logged in, not on the review's team (and not a coordinator): 404, as if it did not exist;
- on the team, but the role lacks the right: 403;
- coordinator-only routes: 404 for everyone else;
- not logged in: the login form (pages) or 401 (the API).

A route whose path names something of a review other than the review or an interview
(a note, an item, a version...) checks the right in its handler; :data:`HANDLER_CHECKS`
names that right, else the test asks what every such route owes: a stranger gets 404, the
lead and the coordinator get through, a team member is let through or refused with 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import col, select

from granskning.domain.access import Do, Viewer, may
from granskning.domain.enums import Role
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
from tests.web.conftest import ROLES, Client, Web, csrf_of

pytestmark = pytest.mark.slow  # a few hundred requests

_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
# path parameters that name nothing of a review (every logged-in user may see templates)
NOT_OF_A_REVIEW = {"template_id", "template"}

# path parameters no value of the world can fill, and why (the route is left out)
SKIPPED: dict[str, str] = {}

# routes that check their right in the handler: (method, path) -> the right
HANDLER_CHECKS: dict[tuple[str, str], Do] = {}

# the team roles of each test account in the world's review
TEAM: dict[str, tuple[str, ...]] = {
    "coordinator": (),
    "lead": (Role.lead,),
    "secretary": (Role.secretary,),
    "reviewer": (Role.reviewer,),
    "timekeeper": (Role.timekeeper,),
    "host_contact": (Role.host_contact,),
    "stranger": (),
}


@dataclass(frozen=True)
class Route:
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


def _finders(w: Web) -> dict[str, Callable[[], Any]]:
    """How to fill each path parameter from the world (its review and first interview)."""
    rid, iv = w.world.review, w.world.interviews[0]

    def review() -> Review:
        with w.store.read() as s:
            row = s.get(Review, rid)
        assert row is not None
        return row

    return {
        "review_id": lambda: rid,
        "interview_id": lambda: iv,
        "round_id": lambda: review().round_id,
        "template_id": lambda: review().template_id,
        "template": lambda: review().template_id,
        "number": lambda: 1,
        "version": lambda: 1,
        "note_id": lambda: _first(w, select(Note.id).where(Note.interview_id == iv)),
        "item_id": lambda: _first(
            w,
            select(FollowUpItem.id)
            .where(FollowUpItem.review_id == rid)
            .order_by(col(FollowUpItem.id)),
        ),
        "finding_id": lambda: _first(w, select(Finding.id).where(Finding.review_id == rid)),
        "recommendation_id": lambda: _first(
            w, select(Recommendation.id).where(Recommendation.review_id == rid)
        ),
        "version_id": lambda: _first(
            w, select(ReportVersion.id).where(ReportVersion.review_id == rid)
        ),
        "interviewee_id": lambda: _first(
            w, select(Interviewee.id).where(Interviewee.interview_id == iv)
        ),
        "person_id": lambda: w.world.lead,
        "section": lambda: "summary",
    }


def url_of(route: Route, finders: dict[str, Callable[[], Any]]) -> str | None:
    """The route's path with its parameters filled (None: a parameter in SKIPPED)."""
    url = route.path
    for name in route.params:
        if name in SKIPPED:
            return None
        assert name in finders, (
            f"{route.method} {route.path}: no value for {{{name}}}; teach _finders to find "
            "one in the world, or name it in SKIPPED with the reason"
        )
        value = finders[name]()
        assert value is not None, f"{route.method} {route.path}: the world has no {name}"
        url = _PARAM.sub(str(value), url, count=1)
    return url


# -- what the table says -----------------------------------------------------------------------


def expected(route: Route, who: str, w: Web) -> str:
    """``allowed``, ``404``, ``403`` or ``maybe`` (allowed or 403) for a logged-in ``who``."""
    spec = route.spec
    viewer = Viewer(person_id=w.people[who], coordinator=who == "coordinator")
    if spec.public:
        return "allowed"
    if spec.coordinator:
        return "allowed" if who == "coordinator" else "404"
    right: Do | None = spec.needs or HANDLER_CHECKS.get((route.method, route.path))
    about_a_review = bool(set(route.params) - NOT_OF_A_REVIEW) or right is not None
    if not about_a_review:
        return "allowed"  # every logged-in user: their own list, logging out
    if who == "stranger":
        return "404"
    if right is None:  # checked in the handler, right not named: the least it owes
        return "allowed" if who in ("coordinator", "lead") else "maybe"
    return "allowed" if may(viewer, TEAM[who], right) else "403"


def _is_login(r: Any) -> bool:
    """The guard's answer to a request without a login (not logging out's own redirect)."""
    return r.status_code in (302, 303, 307) and r.headers["location"].startswith("/login?next=")


def judged(route: Route, who: str, want: str, r: Any) -> str | None:
    """What is wrong with the answer ``r`` (None: it is what the table says)."""
    code = r.status_code
    if want == "allowed":
        bad = code in (401, 403, 404) or code >= 500 or _is_login(r) or code not in _OK
        return f"{code}, but {who} may" if bad else None
    if want == "maybe":
        return None if code == 403 or (code in _OK and not _is_login(r)) else f"{code}"
    return None if str(code) == want else f"{code}, expected {want} for {who}"


_OK = {200, 201, 204, 303, 409, 422}


def call(client: Client, route: Route, url: str, token: str) -> Any:
    """Call the route (a POST with a valid CSRF token and an empty form); the body is not
    read, so an endless stream (server-sent events) ends at its first line."""
    kw: dict[str, Any] = {"follow_redirects": False}
    if route.method == "POST":
        if route.spec.api:
            kw |= {"json": {}, "headers": {"X-CSRF-Token": token}}
        else:
            kw["data"] = {"csrf_token": token}
    with client.stream(route.method, url, **kw) as r:
        return r


@pytest.fixture
def world(web: Callable[[str], Web]) -> Iterator[Web]:
    yield web("follow_up_scheduled")


def test_every_route_as_every_role_follows_the_access_table(world: Web) -> None:
    w = world
    finders = _finders(w)
    routes = all_routes()
    assert {("GET", "/"), ("POST", "/login"), ("GET", "/api/reviews")} <= {
        (r.method, r.path) for r in routes
    }
    wrong: list[str] = []
    walked = 0
    for who in ROLES:
        client = w.client(who)
        for route in routes:
            url = url_of(route, finders)
            if url is None:
                continue
            want = expected(route, who, w)
            problem = judged(route, who, want, call(client, route, url, client.csrf))
            walked += 1
            if problem:
                wrong.append(f"{route.method} {url} as {who}: {problem}")
    assert not wrong, "\n".join(wrong)
    assert walked >= len(ROLES) * (len(routes) - 1)


def test_every_route_without_a_login_goes_to_the_login_form_or_401(world: Web) -> None:
    w = world
    finders = _finders(w)
    anon = w.client()
    token = csrf_of(anon.get("/login").text)
    wrong = []
    for route in all_routes():
        url = url_of(route, finders)
        if url is None:
            continue
        r = call(anon, route, url, token)
        if route.spec.public:
            ok = r.status_code not in (401, 403, 404) and not _is_login(r)
        elif route.spec.api:
            ok = r.status_code == 401 and r.headers["content-type"].startswith("application/json")
        else:
            ok = r.status_code == 303 and _is_login(r)
        if not ok:
            wrong.append(f"{route.method} {url}: {r.status_code}")
    assert not wrong, "\n".join(wrong)


def test_the_table_itself() -> None:
    """The walk's expectations on a few known routes (the walk is only as good as these)."""

    class W:
        people = {who: n for n, who in enumerate(ROLES, 1)}

    page = {r.path + " " + r.method: r for r in all_routes()}
    notes = page["/api/interviews/{interview_id:int}/notes GET"]
    assert [expected(notes, who, W) for who in ROLES] == [  # type: ignore[arg-type]
        "allowed",
        "allowed",
        "allowed",
        "allowed",
        "allowed",
        "403",
        "404",
    ]
    advance = page["/reviews/{review_id:int}/advance POST"]
    assert [expected(advance, who, W) for who in ROLES] == [  # type: ignore[arg-type]
        "allowed",
        "allowed",
        "403",
        "403",
        "403",
        "403",
        "404",
    ]
    assert expected(page["/ GET"], "stranger", W) == "allowed"  # type: ignore[arg-type]
