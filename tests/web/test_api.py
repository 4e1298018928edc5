"""The JSON API: the CLI's ``--json`` shapes under the pages' access rules."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from granskning.storage.model import Review
from tests.conftest import Cli
from tests.web.conftest import Client, Web

# a review with seven accounts logged in through the form: more than 0.4 s a test
pytestmark = pytest.mark.slow


def _state(w: Web) -> str:
    with w.store.read() as s:
        row = s.get(Review, w.world.review)
        assert row is not None
        return row.state


def _english(client: Client) -> Client:
    """The client asks for English, the language the CLI speaks in the tests."""
    client.headers["accept-language"] = "en"
    return client


def test_reads_are_the_clis_json(web: Callable[[str], Web], cli: Cli) -> None:
    w = web("follow_up_scheduled")
    rid, iv = w.world.review, w.world.interviews[0]
    lead = _english(w.client("lead"))
    pairs = [
        (f"/api/reviews/{rid}", ("review", "show", rid)),
        (f"/api/reviews/{rid}/actions", ("review", "actions", rid)),
        (f"/api/reviews/{rid}/interviews", ("interview", "list", rid)),
        (f"/api/interviews/{iv}/notes", ("note", "list", iv)),
        (f"/api/reviews/{rid}/items", ("seminar", "items", rid)),
    ]
    for url, command in pairs:
        r = lead.get(url)
        assert r.status_code == 200, (url, r.text)
        assert r.headers["content-type"].startswith("application/json")
        assert r.json() == cli.json(*command), url
    notes = lead.get(f"/api/interviews/{iv}/notes").json()
    assert "Barnbokslut varje år." in [n["text"] for n in notes]
    items = lead.get(f"/api/reviews/{rid}/items").json()
    assert [i["text"] for i in items][:1] == ["Gör barnbokslut."]


def test_my_reviews_lists_the_users_reviews_and_a_coordinator_sees_all(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    mine = w.client("secretary").get("/api/reviews").json()
    assert [r["id"] for r in mine["reviews"]] == [w.world.review]
    assert mine["reviews"][0]["roles"] == ["secretary"]
    assert (mine["total"], mine["page"], mine["pages"]) == (1, 1, 1)
    every = w.client("coordinator").get("/api/reviews").json()
    assert sorted(r["id"] for r in every["reviews"]) == sorted(
        [w.world.review, w.world.other_review]
    )
    assert w.client("stranger").get("/api/reviews").json()["reviews"] == []


def test_notes_never_for_the_host_contact_and_nothing_for_a_stranger(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    iv = w.world.interviews[0]
    host = w.client("host_contact")
    r = host.get(f"/api/interviews/{iv}/notes")
    assert r.status_code == 403
    assert "Barnbokslut" not in r.text
    assert set(r.json()) == {"error"}
    assert host.get(f"/api/reviews/{w.world.review}").status_code == 200
    stranger = w.client("stranger")
    for url in (
        f"/api/reviews/{w.world.review}",
        f"/api/interviews/{iv}/notes",
        "/api/reviews/999",
    ):
        r = stranger.get(url)
        assert r.status_code == 404, url
        assert "error" in r.json()
    # an unknown review and another's review answer alike
    assert stranger.get(f"/api/reviews/{w.world.review}").json()["error"] == stranger.get(
        "/api/reviews/999999"
    ).json()["error"].replace("999999", str(w.world.review))


def test_without_a_login_401_json(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    anon = w.client()
    for url in ("/api/reviews", f"/api/reviews/{w.world.review}"):
        r = anon.get(url, follow_redirects=False)
        assert r.status_code == 401
        assert "error" in r.json()
    r = anon.post(f"/api/reviews/{w.world.review}/advance", json={"action": "finish_visit"})
    assert r.status_code == 401
    assert _state(w) == "visiting"


def test_advance_takes_the_action_and_answers_with_the_review(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    lead = w.client("lead")
    r = lead.post(
        f"/api/reviews/{w.world.review}/advance",
        json={"action": "finish_visit"},
        headers={"X-CSRF-Token": lead.csrf},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "drafting"
    assert _state(w) == "drafting"


def test_a_blocked_action_is_409_with_the_clis_sentence(
    web: Callable[[str], Web], cli: Cli
) -> None:
    w = web("visiting")
    rid = w.world.review
    lead = _english(w.client("lead"))
    r = lead.post(
        f"/api/reviews/{rid}/advance",
        json={"action": "hand_over", "reason": None, "date": None},
        headers={"X-CSRF-Token": lead.csrf},
    )
    assert r.status_code == 409
    said = cli("review", "advance", rid, "hand_over")
    assert said.exit_code != 0
    assert r.json()["error"].splitlines()[0] in said.stderr
    assert _state(w) == "visiting"


def test_bad_input_is_422_and_a_role_without_the_right_403(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    url = f"/api/reviews/{w.world.review}/advance"
    lead = w.client("lead")
    r = lead.post(url, json={"action": ""}, headers={"X-CSRF-Token": lead.csrf})
    assert r.status_code == 422
    assert "action" in r.json()["fields"]
    r = lead.post(url, json={"action": "nonsense"}, headers={"X-CSRF-Token": lead.csrf})
    assert r.status_code == 422
    assert "nonsense" in r.json()["error"]
    r = lead.post(url, content=b"[1, 2]", headers={"X-CSRF-Token": lead.csrf})
    assert r.status_code == 422
    r = lead.post(url, content=b"{not json", headers={"X-CSRF-Token": lead.csrf})
    assert r.status_code == 422
    secretary = w.client("secretary")
    r = secretary.post(
        url, json={"action": "finish_visit"}, headers={"X-CSRF-Token": secretary.csrf}
    )
    assert r.status_code == 403
    assert _state(w) == "visiting"


def test_a_post_without_the_csrf_header_changes_nothing(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    lead = w.client("lead")
    url = f"/api/reviews/{w.world.review}/advance"
    assert lead.post(url, json={"action": "finish_visit"}).status_code == 403
    r = lead.post(url, json={"action": "finish_visit"}, headers={"X-CSRF-Token": "x" + lead.csrf})
    assert r.status_code == 403
    assert json.loads(r.text)["error"]
    assert _state(w) == "visiting"
