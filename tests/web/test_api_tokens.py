"""Personal API tokens: made with ``user token``, sent as ``Authorization: Bearer``, acting
as their account on the API only; revoked, or their account disabled, they stop at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import col, select

from granskning.services import accounts
from granskning.storage.model import ApiToken, AuditEvent, Review
from tests.conftest import Cli
from tests.web.conftest import Client, Web

pytestmark = pytest.mark.slow  # a review with seven accounts


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def _made(cli: Cli, email: str, name: str = "skript") -> str:
    result = cli.ok("user", "token", email, "--name", name)
    token = result.stdout.strip()
    assert token.startswith("gr_") and len(token) > 40
    assert "shown only now" in result.stderr
    return token


def test_a_token_acts_as_its_account_on_the_api(
    web: Callable[[str], Web], cli: Cli, snapshot: Callable[[], Any]
) -> None:
    w = web("visiting")
    token = _made(cli, w.email("lead"))
    api = Client(w.app)  # no cookie, no login
    mine = api.get("/api/reviews", headers=_bearer(token))
    assert mine.status_code == 200
    assert [r["id"] for r in mine.json()["reviews"]] == [w.world.review]
    # a POST needs no CSRF token: no browser sends a bearer token by itself
    r = api.post(
        f"/api/reviews/{w.world.review}/advance",
        json={"action": "finish_visit"},
        headers=_bearer(token),
    )
    assert r.status_code == 200, r.text
    with w.store.read() as s:
        assert s.get(Review, w.world.review).state == "drafting"  # type: ignore[union-attr]
        events = s.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert events is not None and events.action == "finish_visit"
    # only the token's SHA-256 is kept; the listing shows neither
    assert token not in repr(snapshot())
    listed = cli.json("user", "tokens")
    assert [(t["email"], t["name"]) for t in listed] == [(w.email("lead"), "skript")]
    assert token not in repr(listed)
    assert listed[0]["used"] is not None


def test_a_token_is_only_for_the_api_and_for_what_its_account_may(
    web: Callable[[str], Web], cli: Cli
) -> None:
    w = web("visiting")
    token = _made(cli, w.email("host-contact"))
    api = Client(w.app)
    r = api.get(f"/reviews/{w.world.review}", headers=_bearer(token), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = api.get(f"/api/interviews/{w.world.interviews[0]}/notes", headers=_bearer(token))
    assert r.status_code == 403
    assert (
        api.get(f"/api/reviews/{w.world.other_review}", headers=_bearer(token)).status_code == 404
    )
    for wrong in ("gr_" + "x" * 43, token[:-1], "", token + "x"):
        assert api.get("/api/reviews", headers=_bearer(wrong)).status_code == 401


def test_a_revoked_token_or_a_disabled_account_stops_at_once(
    web: Callable[[str], Web], cli: Cli
) -> None:
    w = web("visiting")
    first = _made(cli, w.email("lead"), "ett")
    second = _made(cli, w.email("secretary"), "två")
    api = Client(w.app)
    with w.store.read() as s:
        first_id = s.exec(select(ApiToken.id).where(ApiToken.name == "ett")).one()
    assert cli.ok("user", "revoke-token", first_id).stderr.strip() == f"token {first_id} revoked"
    assert api.get("/api/reviews", headers=_bearer(first)).status_code == 401
    assert api.get("/api/reviews", headers=_bearer(second)).status_code == 200
    accounts.disable_user(w.store, w.email("secretary"))
    assert api.get("/api/reviews", headers=_bearer(second)).status_code == 401
    refused = cli("user", "revoke-token", first_id)
    assert refused.exit_code != 0 and "does not exist" in refused.stderr
    bad = cli("user", "token", w.email("lead"), "--name", "  ")
    assert bad.exit_code != 0
    with w.store.read() as s:
        actions = s.exec(
            select(AuditEvent.action).where(col(AuditEvent.action).like("token_%"))
        ).all()
    assert sorted(actions) == ["token_add", "token_add", "token_revoke"]
