"""Every route of the application, called as every role, a stranger and nobody, against
the access table: generated from the routes' declarations (``routes.specs`` of every module
in :data:`granskning.web.pages.PAGES`) and :func:`granskning.domain.access.may`, so a new
route is covered the day it is declared.

- allowed: never 401/403/404 nor the login form (an empty form may give 409 or 422);
- logged in, not on the review's team (and not a coordinator): 404, as if it did not exist;
- on the team, but the role lacks the right: 403;
- coordinator-only routes: 404 for everyone else;
- not logged in: the login form (pages) or 401 (the API);
- the API with a personal token instead of the cookie: the same table.

A route whose path names something of a review other than the review or an interview
(a note, an item, a version...) checks the right in its handler; :data:`HANDLER_CHECKS`
names that right, else the test asks what every such route owes: a stranger gets 404, the
lead and the coordinator get through, a team member is let through or refused with 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from granskning.documents import reports
from granskning.domain.access import Do, Viewer, may
from granskning.domain.enums import Role
from granskning.services import accounts
from granskning.web import http
from granskning.web.http import COOKIE
from tests.web._walk import SKIPPED, Route, all_routes, call, finders, url_of
from tests.web.conftest import ROLES, Client, Web, csrf_of

pytestmark = pytest.mark.slow  # a few hundred requests

# path parameters that name nothing of a review (every logged-in user may see templates)
NOT_OF_A_REVIEW = {"template_id", "template", "name"}

# routes about a municipality ({name}): its history, for coordinators and the host contacts
# of its reviews (the world's host contact is Gävle's); everyone else 404
OF_A_MUNICIPALITY = "name"
MUNICIPALITY_READERS = frozenset({"coordinator", "host_contact"})

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


# -- what the table says -----------------------------------------------------------------------


def expected(route: Route, who: str, w: Web) -> str:
    """``allowed``, ``404``, ``403`` or ``maybe`` (allowed or 403) for a logged-in ``who``."""
    spec = route.spec
    viewer = Viewer(person_id=w.people[who], coordinator=who == "coordinator")
    if spec.public:
        return "allowed"
    if spec.coordinator:
        return "allowed" if who == "coordinator" else "404"
    if OF_A_MUNICIPALITY in route.params:
        return "allowed" if who in MUNICIPALITY_READERS else "404"
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


_OK = {200, 201, 204, 303, 409, 422}


def judged(route: Route, who: str, want: str, r: Any) -> str | None:
    """What is wrong with the answer ``r`` (None: it is what the table says)."""
    code = r.status_code
    if want == "allowed":
        bad = code in (401, 403, 404) or code >= 500 or _is_login(r) or code not in _OK
        return f"{code}, but {who} may" if bad else None
    if want == "maybe":
        return None if code == 403 or (code in _OK and not _is_login(r)) else f"{code}"
    return None if str(code) == want else f"{code}, expected {want} for {who}"


@pytest.fixture
def world(web: Callable[[str], Web], monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    # who may download a PDF is the question here: a stand-in for LibreOffice writes the
    # file (the real conversion is tested in test_pdf_downloads), so that a few dozen
    # allowed downloads do not take minutes
    def converted(docx: Path, timeout: int = 300) -> Path:
        out = docx.with_suffix(".pdf")
        out.write_bytes(b"%PDF-1.7")
        return out

    monkeypatch.setattr(reports, "to_pdf", converted)
    http._pdf_of.cache_clear()  # no stand-in PDF is kept for the tests after this one
    yield web("follow_up_scheduled")
    http._pdf_of.cache_clear()


def test_every_route_as_every_role_follows_the_access_table(world: Web) -> None:
    w = world
    found = finders(w)
    routes = all_routes()
    assert {("GET", "/"), ("POST", "/login"), ("GET", "/api/reviews")} <= {
        (r.method, r.path) for r in routes
    }
    left_out = [
        f"{r.method} {r.path}"
        for r in routes
        if url_of(r, found) is None and not set(r.params) & set(SKIPPED)
    ]
    assert not left_out, f"the world has nothing for these routes' parameters: {left_out}"
    wrong: list[str] = []
    walked = 0
    for who in ROLES:
        client = w.client(who)
        walked += _walk_as(w, who, client, routes, wrong)
    assert not wrong, "\n".join(wrong)
    assert walked >= len(ROLES) * (len(routes) - 1)


def _walk_as(w: Web, who: str, client: Client, routes: list[Route], wrong: list[str]) -> int:
    """Call ``routes`` as ``who`` through ``client``; what is wrong goes to ``wrong``."""
    found = finders(w)
    walked = 0
    for route in routes:
        url = url_of(route, found)
        if url is None:
            continue
        want = expected(route, who, w)
        problem = judged(route, who, want, call(client, route, url, client.csrf))
        walked += 1
        if problem:
            wrong.append(f"{route.method} {url} as {who}: {problem}")
    return walked


def test_every_api_route_with_a_personal_token_follows_the_same_table(world: Web) -> None:
    w = world
    api = [r for r in all_routes() if r.spec.api]
    assert len(api) >= 7
    wrong: list[str] = []
    for who in ROLES:
        made = accounts.add_token(w.store, w.email(who), "walk")
        client = Client(w.app, headers={"Authorization": f"Bearer {made.token}"})
        assert _walk_as(w, who, client, api, wrong) == len(api)
        assert not client.cookies.get(COOKIE)
    assert not wrong, "\n".join(wrong)


def test_every_route_without_a_login_goes_to_the_login_form_or_401(world: Web) -> None:
    w = world
    found = finders(w)
    anon = w.client()
    token = csrf_of(anon.get("/login").text)
    wrong = []
    for route in all_routes():
        url = url_of(route, found)
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
