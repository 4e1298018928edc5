"""A whole review walked through in a real browser, from the round's plan to the closed
review, by the people who do each step, each in a browser of their own: the coordinator
plans the round and names the lead; the lead gathers the team and schedules the visit (a
clash is refused at the form); the interviews are held (their sessions run through the
services, as ``granskning session`` does); the secretary writes the report and downloads
the draft; the lead hands it over; the host contact reads the handed-over report, never the
team's notes, and records the checklist; the lead holds the seminar and closes the review.

Every page visited is checked with axe as its visitor sees it, and photographed (the
pictures are kept when the test fails)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlmodel import col, select

from granskning.services import accounts, followup, registry, reviews, rounds, sessions
from granskning.storage.model import Interview, Municipality, Review
from granskning.storage.store import Store
from granskning.web.app import create_app
from tests.browser.conftest import (
    LiveServer,
    Shots,
    axe_violations,
    describe,
    login,
    submit_form,
    track,
)
from tests.web.conftest import PASSWORD

HOST = "Gävle"
MEMBERS = (HOST, "Uppsala", "Örebro")
# role -> (name, municipality, title); the coordinator is a person too
PEOPLE = {
    "coordinator": ("Karin Sjö", "Uppsala", "Samordnare"),
    "lead": ("Anna Berg", "Uppsala", "Utvecklingsledare"),
    "secretary": ("Bo Ek", "Örebro", "Sekreterare"),
    "reviewer": ("Eva Lind", "Örebro", "Barnrättsstrateg"),
    "timekeeper": ("Filip Nord", "Uppsala", "Utredare"),
    "host_contact": ("Dan Holm", HOST, "Barnrättssamordnare"),
}
TEAM = ("secretary", "reviewer", "timekeeper", "host_contact")
NOTE = "Barnbokslutet tas fram varje år, berättade Cia Dahl."
STRENGTH = "Barnets rättigheter finns i styrdokumenten."
DEVELOPMENT = "Utveckla uppföljningen av barnkonsekvensanalyserna."
RECOMMENDATION = "Inför barnbokslut i alla nämnder."
SUMMARY = "Gävle har kommit långt i sitt barnrättsarbete."
REFLECTIONS = "Vi lärde oss mycket om barnbokslut."
SEMINAR = "2026-09-15T13:00"
ACTION = "form.action-form:has(input[name=action][value={action}])"


@dataclass
class Walk:
    """The running site of the walk: its address, database, round and accounts."""

    url: str
    store: Store
    round: int
    people: dict[str, int] = field(default_factory=dict)  # role -> person id
    review: int = 0  # the host's review, once the round is planned
    interviews: list[int] = field(default_factory=list)

    def email(self, role: str) -> str:
        return f"{role.replace('_', '-')}@example.se"

    def at(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def walk(tmp_path: Path, _sqlite_template: Path, clock: Any) -> Iterator[Walk]:
    """A fresh database: three municipalities, the people who will do the review, a round
    of the three with no reviews yet, an account for each person, and the server on it."""
    target = tmp_path / "walk.db"
    shutil.copyfile(_sqlite_template, target)
    store = Store(f"sqlite:///{target}", clock=clock, actor="tester")
    for name in MEMBERS:
        registry.add_municipality(store, name)
    registry.add_person(store, "Cia Dahl", HOST, title="Kommunalråd")
    people = {
        role: registry.add_person(store, name, town, title=title).id
        for role, (name, town, title) in PEOPLE.items()
    }
    for role, person in people.items():
        assert person is not None
        email = f"{role.replace('_', '-')}@example.se"
        accounts.add_user(store, email, person, PASSWORD, coordinator=role == "coordinator")
    the_round = rounds.create_round(
        store,
        year=2026,
        theme="Barns trygga uppväxtvillkor",
        template="kollegial-granskning-2013",
        members=list(MEMBERS),
    )
    assert the_round.id is not None
    server = LiveServer(create_app(store)).__enter__()
    try:
        yield Walk(url=server.url, store=store, round=the_round.id, people=people)  # type: ignore[arg-type]
    finally:
        server.__exit__()
        store.dispose()


class Visitor:
    """One person's browser: every page they reach is checked with axe and photographed."""

    def __init__(self, walk: Walk, page: Any, role: str, shots: Shots) -> None:
        self.walk, self.page, self.role, self.shots = walk, page, role, shots

    def check(self, name: str) -> None:
        """No WCAG 2.1 A/AA violation on the page as it is now, and its picture."""
        self.shots.take(self.page, f"{self.role}-{name}")
        violations = axe_violations(self.page)
        assert not violations, f"{self.role} on {self.page.url}:\n{describe(violations)}"

    def log_in(self) -> None:
        """Log in through the form (again after a day away: an idle session ends)."""
        self.page.goto(self.walk.at("/login"))
        self.check("login")
        login(self.page, self.walk, self.role)  # type: ignore[arg-type]
        self.check("home")

    def visit(self, path: str, name: str) -> None:
        answer = self.page.goto(self.walk.at(path))
        assert answer is not None and answer.ok, (path, answer and answer.status)
        assert "/login" not in self.page.url, f"{self.role} was sent to log in again"
        self.check(name)

    def submit(self, form: str, fields: dict[str, str] | None = None, name: str = "") -> None:
        """Send a form, then check the page that answers."""
        submit_form(self.page, form, fields)
        self.check(name or "after-form")

    def said(self) -> str:
        """The flash message the last form left (exactly one)."""
        status = self.page.locator("[role=status]")
        assert status.count() == 1, self.page.url
        text: str = status.inner_text()
        return text

    def state(self) -> str:
        """The review's state as the page's facts show it (its class, not its words)."""
        classes = self.page.locator("dl.facts .state").first.get_attribute("class") or ""
        return next(c for c in classes.split() if c.startswith("state-")).removeprefix("state-")


@pytest.fixture
def visitor(walk: Walk, new_context: Any, shots: Shots, request: pytest.FixtureRequest) -> Any:
    """``visitor(role)``: a browser context of its own, logged in as ``role``. axe is
    injected into the pages, so they run without the CSP here."""

    def open_as(role: str) -> Visitor:
        page = track(request, new_context(bypass_csp=True).new_page())
        you = Visitor(walk, page, role, shots)
        you.log_in()
        return you

    return open_as


def _db_state(walk: Walk) -> str:
    with walk.store.read() as s:
        review = s.get(Review, walk.review)
        assert review is not None
        return str(review.state)


def _interviews(walk: Walk) -> list[int]:
    with walk.store.read() as s:
        rows = s.exec(
            select(Interview.id)
            .where(Interview.review_id == walk.review)
            .order_by(col(Interview.start))
        ).all()
        return [i for i in rows if i is not None]


def _docx_text(path: str | Path) -> str:
    """Every paragraph of a Word document, its tables' too."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# -- the steps ---------------------------------------------------------------------------------


def _coordinator_plans(walk: Walk, you: Visitor) -> None:
    """The round's preview creates nothing; carrying it out creates the reviews; the
    coordinator names the lead of the host's review."""
    you.visit(f"/rounds/{walk.round}", "round-preview")
    with walk.store.read() as s:
        assert s.exec(select(Review)).all() == []
    assert you.page.locator("form[action$='/plan']").count() == 1
    planned = you.page.locator("section[aria-labelledby=plan-h] tbody tr")
    assert planned.count() == len(MEMBERS)
    assert planned.locator("a").count() == 0  # none of them exists yet
    you.submit(f"form[action='/rounds/{walk.round}/plan']", name="round-planned")
    you.said()
    hosted = you.page.locator(
        f"section[aria-labelledby=reviews-h] tr:has(td:nth-child(2):text-is('{HOST}')) a"
    )
    href = hosted.get_attribute("href") or ""
    walk.review = int(href.rsplit("/", 1)[1])
    with walk.store.read() as s:
        review = s.get(Review, walk.review)
        assert review is not None and review.round_id == walk.round
        host = s.get(Municipality, review.host_id)
        assert host is not None and host.name == HOST
        assert len(s.exec(select(Review)).all()) == len(MEMBERS)
    you.visit(href, "review-planned")
    assert you.state() == "planned"
    team = f"form[action='/reviews/{walk.review}/team']"
    you.submit(team, {"person": str(walk.people["lead"]), "role": "lead"}, "lead-assigned")
    you.said()
    assert "Anna Berg" in you.page.locator("section[aria-labelledby=team-h] table").inner_text()


def _lead_gathers_the_team(walk: Walk, you: Visitor) -> None:
    you.visit(f"/reviews/{walk.review}", "review")
    team = f"form[action='/reviews/{walk.review}/team']"
    for role in TEAM:
        you.submit(team, {"person": str(walk.people[role]), "role": role}, f"{role}-assigned")
        you.said()
    shown = reviews.show(walk.store, walk.review)
    assert sorted((m["role"], m["person"]) for m in shown["team"]) == sorted(
        (role, walk.people[role]) for role in ("lead", *TEAM)
    )


def _interview(walk: Walk, group: str, start: str, minutes: int, **staff: str) -> dict[str, str]:
    """The add form's fields: ``staff`` maps a job to the role whose person does it."""
    fields = {"group": group, "start": start, "minutes": str(minutes)}
    fields |= {job: str(walk.people[role]) for job, role in staff.items()}
    return fields


def _lead_schedules(walk: Walk, you: Visitor) -> None:
    """Two interviews; a third that books the secretary and the room twice is refused at
    the form (409) and adds nothing; the schedule is confirmed."""
    you.visit(f"/reviews/{walk.review}/interviews", "interviews")
    add = f"form[action='/reviews/{walk.review}/interviews']"
    groups = you.page.locator(f"{add} select[name=group] option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    staff = {"moderator": "lead", "note_taker": "secretary", "timekeeper": "timekeeper"}
    first = _interview(walk, groups[0], "2026-03-10T09:00", 90, **staff)
    first |= {"place": "Stadshuset", "interviewees": "Cia Dahl, Kommunalråd, Kommunstyrelsen"}
    you.submit(add, first, "interview-1")
    you.said()
    second = _interview(walk, groups[1], "2026-03-10T13:00", 60, **staff)
    you.submit(add, second | {"place": "Biblioteket"}, "interview-2")
    you.said()
    walk.interviews = _interviews(walk)
    assert len(walk.interviews) == 2
    clash = _interview(walk, groups[1], "2026-03-10T09:30", 60, moderator="reviewer")
    clash |= {"note_taker": str(walk.people["secretary"]), "place": "stadshuset"}
    with you.page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/interviews")
    ) as answer:
        you.submit(add, clash, "clash-refused")
    assert answer.value.status == 409
    alert = you.page.locator("[role=alert]")
    assert alert.count() == 1
    assert alert.is_visible()
    message = alert.inner_text()
    # the secretary and the room, each with the interview they are booked in
    assert "Bo Ek" in message and "stadshuset" in message, message
    assert message.count(f" {walk.interviews[0]} (2026-03-10 09:00") == 2, message
    # the refused form is shown again as it was filled in
    assert you.page.locator(f"{add} [name=start]").input_value() == "2026-03-10T09:30"
    assert _interviews(walk) == walk.interviews
    you.visit(f"/reviews/{walk.review}", "review-to-confirm")
    you.submit(ACTION.format(action="confirm_schedule"), name="schedule-confirmed")
    you.said()
    assert you.state() == "scheduled" == _db_state(walk)


def _sessions_are_held(walk: Walk, clock: Any) -> None:
    """Each interview's session at its time, as ``granskning session`` runs it: start, a
    note, end. The first start begins the visit."""
    for n, interview in enumerate(walk.interviews):
        with walk.store.read() as s:
            row = s.get(Interview, interview)
            assert row is not None
            start = row.start.replace(tzinfo=UTC) if row.start.tzinfo is None else row.start
        clock.now = start
        sessions.start(walk.store, interview)
        if n == 0:
            assert _db_state(walk) == "visiting"
        clock.advance(minutes=10)
        sessions.add_note(walk.store, interview, None, NOTE if n == 0 else "Ungdomsrådet deltog.")
        clock.advance(minutes=30)
        sessions.end(walk.store, interview)
    clock.advance(minutes=30)


def _lead_finishes_the_visit(walk: Walk, you: Visitor) -> None:
    you.visit(f"/reviews/{walk.review}", "review-visiting")
    assert you.state() == "visiting"
    you.submit(ACTION.format(action="finish_visit"), name="visit-finished")
    you.said()
    assert you.state() == "drafting" == _db_state(walk)


def _secretary_writes(walk: Walk, you: Visitor) -> None:
    """A strength and a development area in the first block, the other blocks marked as
    having none, a recommendation, the summary and the reflections; the draft holds them."""
    you.visit(f"/reviews/{walk.review}/report", "report-draft")
    with walk.store.read() as s:
        blocks = [b.id for b in reviews.pinned_template(s.get(Review, walk.review)).blocks]  # type: ignore[arg-type]
    base = f"form[action='/reviews/{walk.review}/report"
    first = blocks[0]
    for kind, text in (("strength", STRENGTH), ("development", DEVELOPMENT)):
        fields = {f"kind-{first}": kind, f"new-{first}": text}
        you.submit(f"{base}/blocks/{first}/findings']", fields, f"finding-{kind}")
        you.said()
    for block in blocks[1:]:
        you.submit(f"{base}/blocks/{block}/none']", name=f"none-{block}")
        you.said()
    you.submit(f"{base}/recommendations']", {"rec-new": RECOMMENDATION}, "recommendation")
    you.said()
    for section, text in (("summary", SUMMARY), ("reflections", REFLECTIONS)):
        you.submit(f"{base}/texts/{section}']", {f"text-{section}": text}, section)
        you.said()
    page = you.page.locator("main").inner_text()
    for text in (STRENGTH, DEVELOPMENT, RECOMMENDATION):
        assert text in page
    with you.page.expect_download() as got:
        you.page.click(f"a[href='/reviews/{walk.review}/report/draft.docx']")
    download = got.value
    assert download.suggested_filename == f"granskningsrapport-{walk.review}-utkast.docx"
    draft = _docx_text(download.path())
    assert SUMMARY in draft and RECOMMENDATION in draft


def _lead_hands_over(walk: Walk, you: Visitor) -> None:
    you.visit(f"/reviews/{walk.review}/report", "report-to-hand-over")
    you.submit(f"form[action='/reviews/{walk.review}/report/hand-over']", name="handed-over")
    you.said()
    assert you.state() == "handed_over" == _db_state(walk)
    versions = you.page.locator("section[aria-labelledby=versions-h] tbody tr")
    assert versions.count() == 1
    # the team still reads its notes through the API (the host contact, below, may not)
    notes = you.page.request.get(walk.at(f"/api/interviews/{walk.interviews[0]}/notes"))
    assert notes.status == 200 and NOTE in notes.text()


def _host_reads_the_report(walk: Walk, you: Visitor) -> None:
    """The handed-over version, downloadable; not the team's findings, notes or draft; the
    notes refused through the API too."""
    you.visit(f"/reviews/{walk.review}/report", "report-handed-over")
    assert you.state() == "handed_over"
    shown = you.page.content()
    for secret in (STRENGTH, DEVELOPMENT, NOTE, "draft.docx"):
        assert secret not in shown, secret
    with you.page.expect_download() as got:
        you.page.click(f"a[href='/reviews/{walk.review}/report/versions/1.docx']")
    assert SUMMARY in _docx_text(got.value.path())
    for interview in walk.interviews:
        answer = you.page.request.get(walk.at(f"/api/interviews/{interview}/notes"))
        assert answer.status == 403, answer.status
        assert NOTE not in answer.text()
    draft = you.page.request.get(walk.at(f"/reviews/{walk.review}/report/draft.docx"))
    assert draft.status == 403
    you.visit(f"/reviews/{walk.review}/interviews", "interviews-as-host")
    assert you.page.locator("a[href$='/session']").count() == 0
    assert NOTE not in you.page.content()


def _lead_schedules_the_seminar(walk: Walk, you: Visitor) -> None:
    you.visit(f"/reviews/{walk.review}/seminar", "seminar-to-schedule")
    fields = {"start": SEMINAR, "place": "Rådhussalen"}
    you.submit(f"form[action='/reviews/{walk.review}/seminar/schedule']", fields, "scheduled")
    you.said()
    assert _db_state(walk) == "follow_up_scheduled"
    info = followup.seminar_info(walk.store, walk.review)
    assert info["start"].startswith(SEMINAR.replace("T", " ")) and info["place"] == "Rådhussalen"


def _host_records_the_checklist(walk: Walk, you: Visitor) -> None:
    """A status, comment and responsible person for each item (from the recommendation and
    the development area)."""
    you.visit(f"/reviews/{walk.review}/seminar", "checklist")
    items = followup.items(walk.store, walk.review)
    assert {i["text"] for i in items} >= {RECOMMENDATION, DEVELOPMENT}
    statuses = ("done", "in_progress", "not_started")
    for n, item in enumerate(items):
        i = item["id"]
        fields = {
            f"status-{i}": statuses[n % 3],
            f"comment-{i}": f"Kommentar {i}",
            f"responsible-{i}": "Cia Dahl",
        }
        form = f"form[action='/reviews/{walk.review}/seminar/items/{i}/status']"
        you.submit(form, fields, f"item-{i}")
        you.said()
    recorded = {i["id"]: i["status"] for i in followup.items(walk.store, walk.review)}
    assert recorded == {item["id"]: statuses[n % 3] for n, item in enumerate(items)}


def _lead_closes(walk: Walk, you: Visitor, clock: Any) -> None:
    # the afternoon of the seminar (13:00 Swedish summer time is 11:00 UTC)
    clock.now = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
    you.log_in()
    you.visit(f"/reviews/{walk.review}", "review-seminar-day")
    you.submit(ACTION.format(action="hold_seminar"), name="seminar-held")
    you.said()
    assert you.state() == "followed_up" == _db_state(walk)
    you.submit(ACTION.format(action="close"), name="closed")
    you.said()
    assert you.state() == "closed" == _db_state(walk)
    # a closed review has no action left to take
    assert you.page.locator("form.action-form").count() == 0


# -- the walk ----------------------------------------------------------------------------------


def test_a_review_from_the_rounds_plan_to_closed(walk: Walk, visitor: Any, clock: Any) -> None:
    _coordinator_plans(walk, visitor("coordinator"))
    lead = visitor("lead")
    _lead_gathers_the_team(walk, lead)
    _lead_schedules(walk, lead)
    _sessions_are_held(walk, clock)
    lead.log_in()  # a week later, on the day of the visit
    _lead_finishes_the_visit(walk, lead)
    _secretary_writes(walk, visitor("secretary"))
    _lead_hands_over(walk, lead)
    host = visitor("host_contact")
    _host_reads_the_report(walk, host)
    _lead_schedules_the_seminar(walk, lead)
    _host_records_the_checklist(walk, host)
    _lead_closes(walk, lead, clock)
