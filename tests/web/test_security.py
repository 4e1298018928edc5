"""The web application's defences: CSRF, session fixation and ending, login throttling,
escaping of every user text, passwords kept out of everything, cookie flags, and the
refusal to run several workers on SQLite."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from granskning.services import (
    accounts,
    findings,
    followup,
    interviews,
    registry,
    reviews as review_service,
    sessions,
)
from granskning.storage.model import (
    AuditDetail,
    AuditEvent,
    FollowUpItem,
    Municipality,
    Review,
    WebSession,
)
from granskning.web.http import ANON_COOKIE, COOKIE
from tests.conftest import Cli, FakeClock
from tests.web._walk import Route, all_routes, call, finders, url_of
from tests.web.conftest import PASSWORD, Client, Web, csrf_of, log_in

# every test builds a review with seven accounts and logs in through the form
pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = ("<script>alert(1)", "<img src=x")


def _state(w: Web) -> str:
    with w.store.read() as s:
        row = s.get(Review, w.world.review)
        assert row is not None
        return row.state


def _session_cookie(client: Client) -> str | None:
    return client.cookies.get(COOKIE)


def _logged_in(client: Client) -> bool:
    r = client.get("/", follow_redirects=False)
    return r.status_code == 200


# -- CSRF --------------------------------------------------------------------------------------

# forms that would succeed with a token (the world's review is being visited)
FORMS: dict[tuple[str, str], Callable[[Web], dict[str, Any]]] = {
    ("POST", "/login"): lambda w: {"email": w.email("lead"), "password": PASSWORD},
    ("POST", "/reviews/{review_id:int}/advance"): lambda w: {"action": "finish_visit"},
    ("POST", "/api/reviews/{review_id:int}/advance"): lambda w: {"action": "finish_visit"},
    ("POST", "/reviews/{review_id:int}/team"): lambda w: {
        "person": w.people["stranger"],
        "role": "reviewer",
    },
    ("POST", "/reviews/{review_id:int}/team/remove"): lambda w: {
        "person": w.world.reviewer,
        "role": "reviewer",
    },
}


def _post_routes() -> list[Route]:
    return [r for r in all_routes() if r.method == "POST"]


def test_every_post_without_or_with_a_wrong_token_is_403_and_changes_nothing(
    web: Callable[[str], Web], snapshot: Callable[[], Any]
) -> None:
    w = web("visiting")
    # the token is checked before anything is looked up: an id the world lacks will do
    found = {name: (lambda f=f: f() or 1) for name, f in finders(w).items()}
    coordinator = w.client("coordinator")
    anon = w.client()
    anon_token = csrf_of(anon.get("/login").text)
    before = snapshot()
    tried = 0
    for route in _post_routes():
        url = url_of(route, found)
        assert url is not None, route
        form = FORMS.get((route.method, route.path), lambda _w: {})(w)
        for client in (coordinator, anon) if route.spec.public else (coordinator,):
            for token in ("", "wrong-" + (client.csrf or anon_token)):
                r = call(client, route, url, token, form)
                assert r.status_code == 403, (route.path, token, r.status_code)
                tried += 1
    assert tried >= 2 * len(_post_routes())
    assert snapshot() == before  # every row of every table, the audit log too
    assert "granskning_session" not in anon.cookies
    assert _logged_in(coordinator)  # logging out without a token did not end the session


def test_the_same_forms_with_the_token_do_change_things(web: Callable[[str], Web]) -> None:
    """The control of the test above: its forms are ones that work."""
    w = web("visiting")
    lead = w.client("lead")
    r = lead.submit(
        f"/reviews/{w.world.review}/advance", FORMS[("POST", "/reviews/{review_id:int}/advance")](w)
    )
    assert r.status_code == 303
    assert _state(w) == "drafting"
    r = lead.submit("/logout")
    assert r.status_code == 303
    assert not _logged_in(lead)


# -- sessions ----------------------------------------------------------------------------------


def test_the_session_cookie_is_new_at_every_login(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    attacker = w.client("stranger")
    planted = _session_cookie(attacker)
    assert planted
    victim = Client(w.app)
    for cookie in attacker.cookies.jar:  # fixed by someone else before the login
        if cookie.name == COOKIE:
            victim.cookies.jar.set_cookie(cookie)
    assert _session_cookie(victim) == planted
    log_in(victim, w.email("lead"))
    after = _session_cookie(victim)
    assert after and after != planted
    # the planted cookie is still the stranger's session, never the lead's
    assert attacker.get(f"/api/reviews/{w.world.review}").status_code == 404
    assert victim.get(f"/api/reviews/{w.world.review}").status_code == 200
    # a second login of the same user: yet another session
    again = Client(w.app)
    log_in(again, w.email("lead"))
    assert _session_cookie(again) not in (after, planted)


def _sessions(w: Web) -> list[WebSession]:
    with w.store.read() as s:
        return list(s.exec(select(WebSession)).all())


def test_logout_ends_the_session_on_the_server(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    lead = w.client("lead")
    old = _session_cookie(lead)
    assert old
    w.client("secretary")
    assert len(_sessions(w)) == 2
    assert lead.submit("/logout").status_code == 303
    assert len(_sessions(w)) == 1  # the secretary's
    replay = Client(w.app)
    replay.cookies.set(COOKIE, old, domain="testserver.local")
    assert not _logged_in(replay)
    assert replay.get("/api/reviews").status_code == 401


def test_a_disabled_account_and_a_new_password_end_sessions_at_once(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    lead, lead_again, secretary = w.client("lead"), w.client("lead"), w.client("secretary")
    assert _logged_in(lead) and _logged_in(lead_again)
    accounts.disable_user(w.store, w.email("lead"))
    for c in (lead, lead_again):
        assert not _logged_in(c)
        assert c.get(f"/api/reviews/{w.world.review}").status_code == 401
    assert _logged_in(secretary)
    accounts.set_password(w.store, w.email("secretary"), "ett-nytt-långt-lösenord")
    assert not _logged_in(secretary)
    log_in(secretary, w.email("secretary"), "ett-nytt-långt-lösenord")
    assert _logged_in(secretary)


# -- throttling --------------------------------------------------------------------------------


def _try(client: Client, email: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return r.status_code


def _audit(w: Web) -> list[tuple[str, str, str]]:
    """(entity, action, actor) of every audit event, oldest first."""
    with w.store.read() as s:
        rows = s.exec(
            select(AuditEvent.entity, AuditEvent.action, AuditDetail.actor)
            .join(AuditDetail, col(AuditDetail.event_uid) == AuditEvent.uid)
            .order_by(col(AuditEvent.id))
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_five_failures_then_429_even_with_the_password_until_the_window_ends(
    web: Callable[[str], Web], clock: FakeClock
) -> None:
    w = web("visiting")
    email = w.email("reviewer")
    before = len(_audit(w))
    c = w.client()
    assert [_try(c, email, "fel-lösenord-nr-1") for _ in range(5)] == [422] * 5
    assert _try(c, email, PASSWORD) == 429
    assert "granskning_session" not in c.cookies
    # another address is not held back by these
    assert _try(w.client(), w.email("secretary"), PASSWORD) == 303
    clock.advance(minutes=14)
    assert _try(c, email, PASSWORD) == 429
    clock.advance(minutes=2)  # 16 minutes after the first failures
    assert _try(c, email, PASSWORD) == 303
    assert _logged_in(c)
    logged = [(e, a, actor) for e, a, actor in _audit(w)[before:] if actor == email]
    assert [a for _e, a, _actor in logged] == ["login_failed"] * 5 + ["login_throttled"] * 2 + [
        "login"
    ]
    assert {e for e, _a, _actor in logged} == {"account"}


# -- escaping ----------------------------------------------------------------------------------


def _mark(field: str) -> str:
    return f"{field} {SCRIPT} {IMG}"


def _escaped(field: str) -> str:
    return f"{field} &lt;script&gt;alert(1)&lt;/script&gt;"


def _crawl(w: Web, *roles: str) -> dict[str, str]:
    """Every GET route's answer (text and JSON only) as ``roles``, and a few of the app's
    own echoes: a flash message, the login page's ``next``, an unknown address."""
    found = finders(w)
    out: dict[str, str] = {}
    for who in roles:
        client = w.client(who)
        for route in all_routes():
            url = url_of(route, found)
            if url is not None and route.method == "GET":
                out[f"{who} {url}"] = call(client, route, url, client.csrf).text
        flash = client.get(f"/reviews/{w.world.review}", params={"done": _mark("flash")})
        out[f"{who} flash"] = flash.text
        out[f"{who} missing"] = client.get("/nothing/" + SCRIPT + IMG).text
    anon = w.client()
    out["login next"] = anon.get("/login", params={"next": "/" + IMG + SCRIPT}).text
    return out


def _assert_escaped(pages: dict[str, str], fields: list[str], shown: set[str]) -> None:
    for where, text in pages.items():
        for raw in RAW:
            assert raw not in text, f"{raw!r} unescaped in {where}"
    seen = {f for f in fields for text in pages.values() if _escaped(f) in text}
    seen |= {f for f in fields for text in pages.values() if _json_has(text, _mark(f))}
    assert shown <= seen, f"never shown: {shown - seen}"


def _json_has(text: str, value: str) -> bool:
    try:
        parsed = json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return False
    return json.dumps(value, ensure_ascii=False)[1:-1] in parsed


def test_user_text_before_the_report_is_escaped_everywhere(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    rid, iv = w.world.review, w.world.interviews[0]
    st = w.store
    with st.read() as s:
        host = s.get(Municipality, s.get(Review, rid).host_id).name  # type: ignore[union-attr]
    registry.rename_municipality(st, host, _mark("municipality"))
    registry.edit_person(st, w.world.lead, name=_mark("person"))
    later = (st.now() + timedelta(days=20)).strftime("%Y-%m-%d 10:00")
    added = interviews.add_interview(
        st,
        rid,
        group=review_service.pinned_template(_review(w)).groups[-1].id,
        start=later,
        minutes=60,
        place=_mark("place"),
        interviewees=[_mark("interviewee") + ", Rektor"],
        moderator=w.world.lead,
        note_taker=w.world.secretary,
    )
    assert added.id is not None
    # cancelled, it stays on the schedule and lets the visit finish
    interviews.cancel_interview(st, added.id, _mark("reason"))
    sessions.add_note(st, iv, None, _mark("note"))
    review_service.advance(st, rid, "finish_visit")
    block = review_service.pinned_template(_review(w)).blocks[0].id
    findings.add_finding(st, rid, block, "development", _mark("finding"))
    findings.add_recommendation(st, rid, _mark("recommendation"))
    findings.set_text(st, rid, "summary", _mark("summary"))
    fields = [
        "municipality",
        "person",
        "place",
        "interviewee",
        "note",
        "finding",
        "recommendation",
        "summary",
    ]
    pages = _crawl(w, "coordinator", "lead", "host_contact")
    _assert_escaped(
        pages,
        [*fields, "flash"],
        {"municipality", "person", "place", "interviewee", "note", "flash"},
    )


def _review(w: Web) -> Review:
    with w.store.read() as s:
        row = s.get(Review, w.world.review)
    assert row is not None
    return row


def test_checklist_text_is_escaped_everywhere(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    rid = w.world.review
    with w.store.read() as s:
        item = s.exec(
            select(FollowUpItem.id).where(
                FollowUpItem.review_id == rid, col(FollowUpItem.merged_into_id).is_(None)
            )
        ).first()
    assert item is not None
    followup.record_status(
        w.store, rid, item, "done", comment=_mark("comment"), responsible=_mark("responsible")
    )
    followup.add_item(w.store, rid, _mark("item"))
    pages = _crawl(w, "coordinator", "host_contact")
    _assert_escaped(pages, ["comment", "responsible", "item"], {"comment", "responsible", "item"})


# -- passwords ---------------------------------------------------------------------------------

WRONG = "ett-felaktigt-lösenord"


def _no_secret(text: str, where: str) -> None:
    for secret in (PASSWORD, WRONG, "$argon2id$", "$argon2"):
        assert secret not in text, f"{secret!r} in {where}"


def test_no_password_or_hash_anywhere(
    web: Callable[[str], Web], cli: Cli, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    w = web("handed_over")
    assert _try(w.client(), w.email("lead"), WRONG) == 422
    pages = _crawl(w, "coordinator", "lead")
    assert len(pages) > 10
    for where, text in pages.items():
        _no_secret(text, where)
    listed = cli.json("user", "list")
    assert {u["email"] for u in listed} >= {w.email("lead"), w.email("coordinator")}
    _no_secret(json.dumps(listed, ensure_ascii=False), "user list --json")
    out = tmp_path / "export.json"
    cli.ok("review", "export", w.world.review, "-o", out)
    exported = out.read_text(encoding="utf-8")
    assert '"audit"' in exported
    _no_secret(exported, "review export")
    with w.store.read() as s:
        audit = [repr(tuple(e)) for e in s.exec(select(AuditEvent)).all()]
        audit += [repr(d) for d in s.exec(select(AuditDetail)).all()]
    assert any("login_failed" in a for a in audit)
    _no_secret("\n".join(audit), "the audit log")
    _no_secret(caplog.text, "the logs")


def _cookie_headers(response: Any) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {h.split("=", 1)[0]: h.lower() for h in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_cookies_are_httponly_lax_and_secure_over_https(
    web: Callable[[str], Web], scheme: str
) -> None:
    w = web("visiting")
    c = Client(w.app, base_url=f"{scheme}://testserver")
    page = c.get("/login")
    token = _cookie_headers(page)[ANON_COOKIE]
    r = c.post(
        "/login",
        data={"email": w.email("lead"), "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    session = _cookie_headers(r)[COOKIE]
    for header in (token, session):
        assert "httponly" in header
        assert "samesite=lax" in header
        assert ("secure" in header.split("; ")) == (scheme == "https")
