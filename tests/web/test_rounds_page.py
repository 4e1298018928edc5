"""The rounds pages (coordinators only): the list, a round with its plan previewed before
anything is written and then carried out, and the compilation download."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from docx import Document

from granskning.services import registry, rounds
from tests.web.conftest import Client, Web

pytestmark = pytest.mark.slow  # each test makes the review world and logs in

NEW_MEMBERS = ("Lund", "Malmö", "Umeå", "Kiruna")
# tables a request itself writes (sessions, logins); the rest must stay as they were
WEB_TABLES = frozenset({"web_session", "login_attempt", "user_account", "web_setting"})


def _as(w: Web, role: str) -> Client:
    client = w.client(role)
    client.headers["accept-language"] = "en"
    return client


def _new_round(w: Web) -> int:
    """A round of four members with no reviews yet."""
    for name in NEW_MEMBERS:
        registry.add_municipality(w.store, name)
    made = rounds.create_round(
        w.store,
        year=2027,
        theme="Barnets bästa",
        template="kollegial-granskning-2013",
        members=list(NEW_MEMBERS),
    )
    assert made.id is not None
    return made.id


def _data(snapshot: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return {name: rows for name, rows in snapshot().items() if name not in WEB_TABLES}


@pytest.mark.parametrize("role", ["lead", "host_contact", "stranger"])
def test_rounds_do_not_exist_for_anyone_but_a_coordinator(
    web: Callable[[str], Web], role: str
) -> None:
    w = web("visiting")
    client = _as(w, role)
    for url in ("/rounds", "/rounds/1", "/rounds/1/compilation.docx"):
        assert client.get(url).status_code == 404, url
    assert client.submit("/rounds/1/plan", {"per_host": "2"}).status_code == 404
    assert "/rounds" not in client.get("/").text.split("<main")[0]


def test_the_coordinator_sees_the_rounds_and_a_round(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    coordinator = _as(w, "coordinator")
    listed = coordinator.get("/rounds")
    assert listed.status_code == 200
    assert "Barns trygga uppväxtvillkor" in listed.text
    assert 'href="/rounds/1"' in listed.text
    page = coordinator.get("/rounds/1").text
    for name in ("Gävle", "Uppsala", "Örebro"):
        assert f"<li>{name}</li>" in page
    assert f'href="/reviews/{w.world.review}"' in page
    # under way: the stored plan, and no form to plan it again
    assert "this is its stored plan" in page
    assert 'action="/rounds/1/plan"' not in page
    assert coordinator.get("/rounds/99").status_code == 404


def test_the_plan_is_a_preview_until_it_is_carried_out(
    web: Callable[[str], Web], snapshot: Callable[[], dict[str, Any]]
) -> None:
    w = web("visiting")
    round_id = _new_round(w)
    coordinator = _as(w, "coordinator")
    before = _data(snapshot)
    preview = coordinator.get(f"/rounds/{round_id}?per_host=3")
    assert preview.status_code == 200
    assert "Creating it would create 4 reviews, change 0 and keep 0" in preview.text
    assert preview.text.count("to be created") == 4
    assert _data(snapshot) == before  # nothing written
    assert rounds.show(w.store, round_id)["reviews"] == []
    r = coordinator.submit(f"/rounds/{round_id}/plan", {"per_host": "3"})
    assert r.status_code == 303, r.text
    made = rounds.show(w.store, round_id)["reviews"]
    assert sorted(m["host"] for m in made) == sorted(NEW_MEMBERS)
    assert all(len(m["reviewing"]) == 3 and m["host"] not in m["reviewing"] for m in made)
    page = coordinator.get(r.headers["location"]).text
    assert "reviews created: 4, changed: 0, kept: 0" in page
    assert "to be created" not in page


def test_a_plan_that_cannot_be_made_is_explained_on_the_page(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    round_id = _new_round(w)
    coordinator = _as(w, "coordinator")
    page = coordinator.get(f"/rounds/{round_id}?per_host=9")
    assert page.status_code == 200
    assert "--reviewers-per-host must be between 1 and 3 for 4 members" in page.text
    r = coordinator.submit(f"/rounds/{round_id}/plan", {"per_host": "9"})
    assert r.status_code == 422
    assert rounds.show(w.store, round_id)["reviews"] == []


def test_the_compilation_downloads_as_a_word_document(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    r = _as(w, "coordinator").get("/rounds/1/compilation.docx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert 'filename="sammanstallning-1.docx"' in r.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "Barns trygga uppväxtvillkor" in text
