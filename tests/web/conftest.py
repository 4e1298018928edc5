"""The web tests' world: a review in a chosen state, an account for every role, and
clients logged in through the real login form.

``web(until)`` gives a :class:`Web`; ``web.client("lead")`` a TestClient logged in as the
review's lead (``coordinator``, ``lead``, ``secretary``, ``reviewer``, ``timekeeper``,
``host_contact``, or ``stranger``: logged in, on no team). Passwords are hashed with cheap
Argon2 parameters in tests (the real ones take a tenth of a second each, on purpose).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from argon2 import PasswordHasher
from starlette.testclient import TestClient

from granskning.services import accounts, registry
from granskning.storage.model import Assignment, Municipality
from granskning.storage.store import Store
from granskning.web.app import create_app
from tests._world import World, populated

PASSWORD = "ett-långt-lösenord"
ROLES = ("coordinator", "lead", "secretary", "reviewer", "timekeeper", "host_contact", "stranger")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _TOKEN.search(html)
    assert found, "no csrf_token on the page"
    return found.group(1)


class Client(TestClient):
    """A TestClient that knows its CSRF token and posts forms with it."""

    csrf: str = ""

    def submit(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        """POST a form with the session's CSRF token (redirects not followed)."""
        kw.setdefault("follow_redirects", False)
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kw)


@dataclass
class Web:
    store: Store
    world: World
    app: Any
    people: dict[str, int] = field(default_factory=dict)  # role -> person id

    def email(self, role: str) -> str:
        return f"{role.replace('_', '-')}@example.se"

    def client(self, role: str | None = None) -> Client:
        """A client logged in as ``role`` (None: not logged in)."""
        c = Client(self.app)
        if role is not None:
            log_in(c, self.email(role))
        return c


def log_in(client: Client, email: str, password: str = PASSWORD) -> Any:
    """Log in through the form; the client keeps the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    client.csrf = csrf_of(client.get("/").text)
    return r


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def _accounts(store: Store, world: World) -> dict[str, int]:
    """An account for every role; the timekeeper, coordinator and stranger are new people."""
    people = {
        "lead": world.lead,
        "secretary": world.secretary,
        "reviewer": world.reviewer,
        "host_contact": world.contact,
    }
    with store.read() as s:
        person = registry.get_person(s, world.reviewer)
        municipality = s.get(Municipality, person.municipality_id).name  # type: ignore[union-attr]
    for role in ("timekeeper", "coordinator", "stranger"):
        people[role] = registry.add_person(store, f"Web {role}", municipality).id
    # as a row: a handed-over review's team is frozen for the library's assign
    with store.atomic() as s:
        s.add(
            Assignment(
                review_id=world.review,
                person_id=people["timekeeper"],
                role="timekeeper",
                created_at=store.now(),
            )
        )
    for role, person in people.items():
        accounts.add_user(
            store,
            f"{role.replace('_', '-')}@example.se",
            person,
            PASSWORD,
            coordinator=role == "coordinator",
        )
    return people


@pytest.fixture
def web(store: Store) -> Iterator[Callable[[str], Web]]:
    """``web(until)``: the world with its review in state ``until`` (``visiting``,
    ``handed_over`` or ``follow_up_scheduled``), accounts and the app."""

    def make(until: str = "visiting") -> Web:
        world = populated(store, until=until)
        people = _accounts(store, world)
        return Web(store=store, world=world, app=create_app(store), people=people)

    yield make
