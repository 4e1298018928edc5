"""The search page: the same search as the command line, through each user's rights."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from granskning.storage.model import Note
from tests.web.conftest import Web


def _hits(html: str) -> list[tuple[str, str]]:
    """The hits: their kind and their lines as text (tags dropped, blanks squeezed)."""
    items = re.findall(r'<li class="hit-(\w+)">(.*?)</li>', html, flags=re.S)
    return [(kind, " ".join(re.sub(r"<[^>]+>", " ", i).split())) for kind, i in items]


@pytest.mark.slow  # the first to make its world (once per run)
def test_a_team_member_finds_notes_with_the_match_marked(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    r = w.client("lead").get("/search", params={"q": "barnbokslut"})
    assert r.status_code == 200
    assert "<mark>Barnbokslut</mark> varje" in r.text
    hits = _hits(r.text)
    assert {k for k, _t in hits} == {"note", "recommendation", "item"}
    assert any("fortroendevalda" in t and "Gävle" in t for k, t in hits if k == "note")


def test_a_host_contact_finds_the_handed_over_material_but_no_note(
    web: Callable[[str], Web],
) -> None:
    w = web("follow_up_scheduled")
    hits = _hits(w.client("host_contact").get("/search", params={"q": "barnbokslut"}).text)
    assert {k for k, _t in hits} == {"recommendation", "item"}


def test_someone_on_no_team_finds_nothing(web: Callable[[str], Web]) -> None:
    w = web("follow_up_scheduled")
    r = w.client("stranger").get("/search", params={"q": "barnbokslut OR dahl", "lang": "en"})
    assert r.status_code == 200 and _hits(r.text) == []
    assert "Nothing found." in r.text


@pytest.mark.slow  # the first to make its world (once per run)
def test_a_query_that_cannot_be_read_is_said_at_the_top(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    r = w.client("lead").get("/search", params={"q": '"barnets', "lang": "en"})
    assert r.status_code == 422
    alert = re.search(r'role="alert"><p>(.*?)</p>', r.text)
    assert alert and alert.group(1) == (
        "cannot read the search query: a quotation mark is not closed"
    )


def test_a_note_is_shown_as_text_never_as_markup(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    with w.store.atomic() as s:
        s.add(
            Note(
                interview_id=w.world.interviews[0],
                question_id="styr-1",
                text='<img src=x onerror="alert(1)"> Hjälp & stöd',
                created_at=w.store.now(),
            )
        )
    r = w.client("lead").get("/search", params={"q": "hjälp"})
    assert "<mark>Hjälp</mark>" in r.text
    assert "<img" not in r.text  # escaped (SQLite) or left out of the headline (PostgreSQL)


def test_the_search_page_needs_a_login(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    r = w.client().get("/search", params={"q": "barn"}, follow_redirects=False)
    assert r.status_code == 303
