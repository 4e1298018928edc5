"""The interviews page: the schedule as each role sees it, and the forms that add, change
and cancel an interview (the services of ``granskning interview add/edit/cancel``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

from granskning.services import interviews, reviews
from granskning.storage import audit
from tests.web.conftest import Client, Web

FREE = "2026-03-10T09:00"  # no interview of the world is near this time
ADD_FORM = re.compile(r'<form method="post" action="/reviews/\d+/interviews"')


def _url(w: Web) -> str:
    return f"/reviews/{w.world.review}/interviews"


def _form(w: Web, **changes: str) -> dict[str, str]:
    """The add form as the lead fills it in."""
    data = {
        "group": "medarbetare",
        "start": FREE,
        "minutes": "60",
        "place": "Skolan, rum 2",
        "moderator": str(w.world.lead),
        "note_taker": str(w.world.secretary),
        "timekeeper": "",
        "interviewees": "Ada Ek, Rektor, Skolan\nOlle Ström",
        "groups": "Elevrådet, 6",
    }
    return data | changes


def _added(w: Web, **fields: Any) -> int:
    """An interview scheduled through the service, as the CLI would; its id."""
    values: dict[str, Any] = {
        "group": "medarbetare",
        "start": "2026-03-11 13:00",
        "minutes": 45,
        "place": "Stadshuset",
        "moderator": w.world.lead,
        "note_taker": w.world.secretary,
        "interviewees": ["Ada Ek, Rektor"],
    } | fields
    row = interviews.add_interview(w.store, w.world.review, **values)
    assert row.id is not None
    return row.id


class _FormReader(HTMLParser):
    """The fields of one form of a page, as a browser would send them unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.values = action, False, {}
        self.select: str | None = None
        self.area: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif self.inside and tag == "input" and a.get("name") != "csrf_token":
            self.values[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select":
            self.select = a["name"]
            self.values.setdefault(self.select, None)
        elif self.inside and tag == "option" and self.select:
            if "selected" in a or self.values[self.select] is None:
                self.values[self.select] = a["value"]
        elif self.inside and tag == "textarea":
            self.area = a["name"]
            self.values[self.area] = ""

    def handle_data(self, data: str) -> None:
        if self.area:
            self.values[self.area] += data

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag != "form"
        self.select = None if tag == "select" else self.select
        self.area = None if tag == "textarea" else self.area


def _fields(html: str, action: str) -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.values, f"no form {action}"
    return reader.values


def _count(w: Web) -> int:
    return len(interviews.list_interviews(w.store, w.world.review))


def _client(w: Web, role: str) -> Client:
    """A client logged in as ``role`` that reads the pages in English."""
    c = w.client(role)
    c.headers["Accept-Language"] = "en"
    return c


def _lead(web: Callable[[str], Web]) -> tuple[Web, Client]:
    w = web("visiting")
    return w, _client(w, "lead")


@pytest.mark.slow
def test_the_schedule_as_each_role(web: Callable[[str], Web]) -> None:
    w = web("visiting")
    first = w.world.interviews[0]
    for who in ("coordinator", "lead", "reviewer", "timekeeper", "host_contact"):
        page = _client(w, who).get(_url(w))
        assert page.status_code == 200, who
        html = page.text
        assert html.count("<h1>") == 1
        # the first interview of the world: group, Stockholm times, place, staff, people
        row = html.split(f'id="interview-{first}"')[1].split("</tr>")[0]
        assert "<td>Elected representatives</td>" in row
        assert "<td>2026-03-09 09:00–10:30</td>" in row
        assert "<td>90</td>" in row and "<td>Stadshuset</td>" in row
        assert "<td>Anna Berg</td><td>Bo Ek</td><td>Eva Lind</td>" in row
        assert "<li>Cia Dahl, Kommunalråd, Kommunstyrelsen</li>" in row
        assert ">completed</span>" in row
        may_plan = who in ("coordinator", "lead")
        assert bool(ADD_FORM.search(html)) is may_plan, who
        # held: only its interviewees can be corrected, by those who plan
        assert (f'href="/interviews/{first}/edit"' in row) is may_plan, who
        # the host contact follows no session (its notes are the team's)
        assert (f'href="/interviews/{first}/session"' in row) is (who != "host_contact"), who
    stranger = w.client("stranger")
    assert stranger.get(_url(w)).status_code == 404
    assert stranger.get("/reviews/9999/interviews").status_code == 404


@pytest.mark.slow
def test_only_those_who_plan_may_post_and_a_stranger_is_told_nothing(
    web: Callable[[str], Web],
) -> None:
    w = web("visiting")
    planned = _added(w)
    before = interviews.show_interview(w.store, planned)
    for who in ("reviewer", "host_contact", "secretary", "timekeeper"):
        c = w.client(who)
        assert c.submit(_url(w), _form(w)).status_code == 403, who
        assert c.submit(f"/interviews/{planned}/edit", {"place": "X"}).status_code == 403
        assert c.submit(f"/interviews/{planned}/cancel", {"reason": "x"}).status_code == 403
        assert c.get(f"/interviews/{planned}/edit").status_code == 403
    stranger = w.client("stranger")
    assert stranger.submit(_url(w), _form(w)).status_code == 404
    assert stranger.submit(f"/interviews/{planned}/cancel", {"reason": "x"}).status_code == 404
    assert stranger.get(f"/interviews/{planned}/edit").status_code == 404
    assert _count(w) == 3
    assert interviews.show_interview(w.store, planned) == before


def test_the_lead_adds_an_interview(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    r = lead.submit(_url(w), _form(w))
    assert r.status_code == 303, r.text
    page = lead.get(r.headers["location"]).text
    assert "scheduled: 2026-03-10 09:00" in page
    assert "2026-03-10 09:00–10:00" in page
    assert "Skolan, rum 2" in page
    assert "Elevrådet (6 people)" in page
    added = interviews.list_interviews(w.store, w.world.review)[-1]
    assert added["group"] == "medarbetare"
    assert added["start"] == "2026-03-10 09:00"
    assert added["moderator"]["id"] == w.world.lead
    assert added["timekeeper"] is None
    assert [(p["name"], p["title"], p["head_count"]) for p in added["interviewees"]] == [
        ("Ada Ek", "Rektor", None),
        ("Olle Ström", None, None),
        ("Elevrådet", None, 6),
    ]
    assert f'href="/interviews/{added["id"]}/session"' in page
    event = audit.recent_history(w.store, w.world.review, 1)[0]
    assert (event["entity"], event["action"]) == ("interview", "add")
    assert event["actor"] == w.email("lead")


def test_a_clash_is_shown_inline_with_the_values_kept(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    taken = interviews.show_interview(w.store, w.world.interviews[0])
    r = lead.submit(_url(w), _form(w, start=taken["start"].replace(" ", "T"), place="Rum 7"))
    assert r.status_code == 409
    assert 'role="alert"' in r.text
    assert f"interview {taken['id']}" in r.text  # the sentence names the other interview
    assert "Anna Berg" in r.text.split('role="alert"')[1].split("</div>")[0]
    assert 'value="Rum 7"' in r.text
    assert f'value="{taken["start"].replace(" ", "T")}"' in r.text
    assert "Ada Ek, Rektor, Skolan\nOlle Ström</textarea>" in r.text
    assert _count(w) == 2


@pytest.mark.slow
def test_bad_input_is_shown_at_its_field(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    bad = _form(w, start="10 mars", minutes="0", interviewees=", Rektor", moderator="999")
    r = lead.submit(_url(w), bad | {"group": "<nope>"})
    assert r.status_code == 422
    html = r.text
    for name in ("start", "minutes", "interviewees", "moderator", "group"):
        assert f'aria-describedby="f-{name}-error' in html, name
        assert f'id="f-{name}-error"' in html, name
    assert "YYYY-MM-DD HH:MM" in html.split('id="f-start-error"')[1].split("</p>")[0]
    assert "from 1 to 480" in html
    assert "line 1" in html.split('id="f-interviewees-error"')[1].split("</p>")[0]
    assert 'value="10 mars"' in html
    assert 'id="f-place-error"' not in html
    assert _count(w) == 2


@pytest.mark.slow
def test_the_lead_changes_an_interview(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    planned = _added(w, interviewees=["Ada Ek, Rektor"], timekeeper=None)
    interviews.edit_interview(
        w.store,
        planned,
        interviewees=[interviews.parse_group_interviewee("Elevrådet, 6, Skolan")],
    )
    before = interviews.show_interview(w.store, planned)
    page = lead.get(f"/interviews/{planned}/edit").text
    assert 'value="2026-03-11T13:00"' in page
    assert "Elevrådet, 6, Skolan</textarea>" in page
    # the form sent back as shown changes nothing
    shown = _fields(page, f"/interviews/{planned}/edit")
    assert shown["moderator"] == str(w.world.lead) and shown["timekeeper"] == ""
    r = lead.submit(f"/interviews/{planned}/edit", shown)
    assert r.status_code == 303 and "Nothing%20was%20changed" in r.headers["location"]
    assert interviews.show_interview(w.store, planned) == before
    form = {
        "group": "medarbetare",
        "start": "2026-03-11T14:00",
        "minutes": "45",
        "place": "Biblioteket",
        "moderator": str(w.world.lead),
        "note_taker": str(w.world.secretary),
        "timekeeper": str(w.people["timekeeper"]),
        "interviewees": "",
        "groups": "Elevrådet, 6, Skolan",
    }
    r = lead.submit(f"/interviews/{planned}/edit", form)
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(_url(w))
    after = interviews.show_interview(w.store, planned)
    assert (after["start"], after["place"]) == ("2026-03-11 14:00", "Biblioteket")
    assert after["timekeeper"]["id"] == w.people["timekeeper"]
    assert after["sequence"] == before["sequence"] + 1
    # the group as shown is kept as it is, head count and all
    assert after["interviewees"] == before["interviewees"]
    assert after["participants"] == 6
    # a clash in a change: the form again with 409 and nothing changed
    taken = interviews.show_interview(w.store, w.world.interviews[1])
    clash = form | {"start": taken["start"].replace(" ", "T")}
    r = lead.submit(f"/interviews/{planned}/edit", clash)
    assert r.status_code == 409
    assert f'value="{clash["start"]}"' in r.text
    assert interviews.show_interview(w.store, planned) == after


def test_the_lead_cancels_an_interview_with_a_reason(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    planned = _added(w)
    r = lead.submit(f"/interviews/{planned}/cancel", {"reason": "  "})
    assert r.status_code == 422
    assert 'id="f-reason-error"' in r.text
    assert interviews.show_interview(w.store, planned)["state"] == "scheduled"
    r = lead.submit(f"/interviews/{planned}/cancel", {"reason": "Rektorn är sjuk"})
    assert r.status_code == 303
    shown = interviews.show_interview(w.store, planned)
    assert (shown["state"], shown["cancel_reason"]) == ("cancelled", "Rektorn är sjuk")
    page = lead.get(_url(w)).text
    row = page.split(f'id="interview-{planned}"')[1].split("</tr>")[0]
    assert ">cancelled</span>" in row and "Reason: Rektorn är sjuk" in row
    assert f"/interviews/{planned}/edit" not in row
    edit = lead.get(f"/interviews/{planned}/edit").text
    assert "can no longer be changed" in edit and 'action="/interviews/' not in edit
    # cancelled twice, or changed once cancelled: the service's sentence, 409
    again = lead.submit(f"/interviews/{planned}/cancel", {"reason": "igen"})
    assert again.status_code == 409
    sent_back = _form(w, start="2026-03-11T13:00", minutes="45", place="Stadshuset")
    changed = lead.submit(f"/interviews/{planned}/edit", sent_back)
    assert changed.status_code == 409
    assert "only a scheduled interview can be changed" in changed.text
    assert interviews.show_interview(w.store, planned) == shown


@pytest.mark.slow
def test_html_in_a_place_or_an_interviewee_is_shown_as_text(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    planned = _added(
        w, place="<script>alert(1)</script>", interviewees=['<b>Ada</b>, "Rektor" & co']
    )
    for url in (_url(w), f"/interviews/{planned}/edit"):
        html = lead.get(url).text
        assert "<script>alert" not in html and "<b>Ada" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
        assert "&lt;b&gt;Ada&lt;/b&gt;" in html, url
    assert "&#34;Rektor&#34; &amp; co" in lead.get(_url(w)).text


@pytest.mark.slow
def test_who_was_heard_is_corrected_after_the_interview(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    held = w.world.interviews[1]
    before = interviews.show_interview(w.store, held)
    page = lead.get(f"/interviews/{held}/edit").text
    shown = _fields(page, f"/interviews/{held}/edit")
    assert set(shown) == {"interviewees", "groups"}  # nothing else can change now
    assert f'action="/interviews/{held}/cancel"' not in page  # a held interview stays held
    shown["interviewees"] += "\nOlle Ström, Oppositionsråd"
    r = lead.submit(f"/interviews/{held}/edit", shown)
    assert r.status_code == 303, r.text
    after = interviews.show_interview(w.store, held)
    assert [p["name"] for p in after["interviewees"]] == ["cia dahl", "Olle Ström"]
    assert (after["start"], after["state"]) == (before["start"], "completed")


@pytest.mark.slow
def test_after_the_visit_nothing_new_is_scheduled(web: Callable[[str], Web]) -> None:
    w, lead = _lead(web)
    reviews.advance(w.store, w.world.review, "finish_visit")
    html = lead.get(_url(w)).text
    assert not ADD_FORM.search(html)
    assert "Interviews are scheduled before or during the visit" in html
    # who was heard can still be corrected until the handover
    assert f'href="/interviews/{w.world.interviews[0]}/edit"' in html
    r = lead.submit(_url(w), _form(w))
    assert r.status_code == 409
    alert = r.text.split('role="alert"')[1].split("</div>")[0]
    assert "interviews are scheduled before or during the visit" in alert
    assert _count(w) == 2
