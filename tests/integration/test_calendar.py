"""The .ics file, read back by a second, independent parser (vobject, not icalendar)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import vobject

from granskning.documents import calendar
from granskning.services import interviews, reviews
from granskning.storage.model import Review
from granskning.storage.store import Store

pytestmark = pytest.mark.slow  # every test here takes more than 0.4 s


@pytest.fixture
def world(store: Store, sample: Any) -> dict[str, Any]:
    """A review with four interviews (one across each daylight-saving change, one cancelled)."""
    with store.atomic() as s:
        from granskning.storage.model import Person

        for pid, mail in (
            (sample.lead, "anna.berg@uppsala.se"),
            (sample.host_person, "cia@gavle.se"),
        ):
            person = s.get(Person, pid)
            assert person is not None
            person.email = mail
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")
    reviews.assign(store, sample.review, sample.reviewer, "reviewer")
    jobs = {"moderator": sample.lead, "note_taker": sample.secretary}

    def add(group: str, start: str, minutes: int, **kw: Any) -> int:
        row = interviews.add_interview(
            store, sample.review, group=group, start=start, minutes=minutes, **{**jobs, **kw}
        )
        return row.id  # type: ignore[return-value]

    ids = {
        "winter": add(
            "fortroendevalda",
            "2026-03-10 09:00",
            90,
            place="Stadshuset, rum 3",
            interviewees=["Cia Dahl, Kommunalråd", "Per Ek, Oppositionsråd"],
            timekeeper=sample.reviewer,
        ),
        "spring": add("ledande", "2026-03-29 01:30", 90, place="Nattrummet"),
        "autumn": add("medarbetare", "2026-10-25 01:30", 120),
        "gone": add("barn-och-unga", "2026-03-11 15:00", 60),
    }
    interviews.cancel_interview(store, ids["gone"], "Ungdomsrådet hade lov")
    interviews.edit_interview(store, ids["winter"], start="2026-03-10 09:15")
    return {"sample": sample, "ids": ids}


def parse(data: bytes) -> Any:
    return vobject.readOne(data.decode("utf-8"))


def by_uid(cal: Any) -> dict[str, Any]:
    return {ev.uid.value: ev for ev in cal.vevent_list}


def uid_of(store: Store, interview_id: int) -> str:
    with store.read() as s:
        from granskning.storage.model import Interview

        row = s.get(Interview, interview_id)
        assert row is not None
        return f"interview-{row.uid}@granskning"


# (local start, UTC start, UTC end, UTC offset at the start, at the end: None for UTC)
EXPECTED = {
    "winter": ("2026-03-10 09:15", "2026-03-10 08:15", "2026-03-10 09:45", 1, 1),
    # 01:30 CET; the clocks jump 02:00 -> 03:00, so 90 minutes later it is 04:00 CEST
    "spring": ("2026-03-29 01:30", "2026-03-29 00:30", "2026-03-29 02:00", 1, 2),
    # 01:30 CEST; the clocks fall back 03:00 -> 02:00, so 120 minutes later it is 02:30
    # CET, a wall time that happens twice: written in UTC, since a TZID 02:30 means the first
    "autumn": ("2026-10-25 01:30", "2026-10-24 23:30", "2026-10-25 01:30", 2, None),
    "gone": ("2026-03-11 15:00", "2026-03-11 14:00", "2026-03-11 15:00", 1, 1),
}


def _utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def test_every_interview_reads_back_with_the_right_times(store: Store, world: Any) -> None:
    cal = parse(calendar.build(store, world["sample"].review))
    assert cal.vtimezone.tzid.value == "Europe/Stockholm"
    events = by_uid(cal)
    assert len(events) == 4
    for name, (local, start_utc, end_utc, off_start, off_end) in EXPECTED.items():
        ev = events[uid_of(store, world["ids"][name])]
        start, end = ev.dtstart.value, ev.dtend.value
        # vobject resolves TZID through the file's own VTIMEZONE (and keeps the name aside)
        assert ev.dtstart.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Stockholm"], name
        assert type(start.tzinfo).__module__.startswith("dateutil"), name
        assert start.strftime("%Y-%m-%d %H:%M") == local, name
        assert start.utcoffset() == timedelta(hours=off_start), name
        assert start.astimezone(UTC) == _utc(start_utc), name
        assert end.astimezone(UTC) == _utc(end_utc), name
        if off_end is None:
            assert "X-VOBJ-ORIGINAL-TZID" not in ev.dtend.params, name
            assert end.utcoffset() == timedelta(0), name
        else:
            assert ev.dtend.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Stockholm"], name
            assert end.utcoffset() == timedelta(hours=off_end), name


def test_spring_interview_wall_clock(store: Store, world: Any) -> None:
    ev = by_uid(parse(calendar.build(store, world["sample"].review)))[
        uid_of(store, world["ids"]["spring"])
    ]
    assert ev.dtend.value.strftime("%H:%M") == "04:00"  # not 03:00: an hour was skipped
    assert ev.dtend.value.astimezone(UTC) - ev.dtstart.value.astimezone(UTC) == timedelta(
        minutes=90
    )


def test_event_details(store: Store, world: Any) -> None:
    events = by_uid(parse(calendar.build(store, world["sample"].review)))
    winter = events[uid_of(store, world["ids"]["winter"])]
    assert winter.sequence.value == "1"  # moved once
    assert winter.status.value == "CONFIRMED"
    assert winter.location.value == "Stadshuset, rum 3"
    assert "Elected representatives" in winter.summary.value
    assert "Gävle" in winter.summary.value
    attendees = sorted(a.value for a in winter.attendee_list)
    # the lead has an e-mail, the secretary and the reviewer have none; the interviewee
    # linked to a registered person has one
    assert attendees == ["mailto:anna.berg@uppsala.se", "mailto:cia@gavle.se"]
    assert winter.organizer.value == "mailto:anna.berg@uppsala.se"
    assert winter.organizer.params["CN"] == ["Anna Berg"]
    assert "Per Ek, Oppositionsråd" in winter.description.value
    gone = events[uid_of(store, world["ids"]["gone"])]
    assert gone.status.value == "CANCELLED"
    assert gone.sequence.value == "1"
    assert "Ungdomsrådet hade lov" in gone.description.value


def test_uids_are_stable_and_sequence_rises(store: Store, world: Any, clock: Any) -> None:
    rid = world["sample"].review
    first = by_uid(parse(calendar.build(store, rid)))
    clock.advance(minutes=10)
    interviews.edit_interview(store, world["ids"]["spring"], start="2026-03-29 09:00")
    second = by_uid(parse(calendar.build(store, rid)))
    assert set(first) == set(second)
    uid = uid_of(store, world["ids"]["spring"])
    assert (first[uid].sequence.value, second[uid].sequence.value) == ("0", "1")
    assert second[uid].dtstamp.value > first[uid].dtstamp.value


def test_handover_and_seminar(store: Store, world: Any) -> None:
    rid = world["sample"].review
    with store.atomic() as s:
        review = s.get(Review, rid)
        assert review is not None
        review.handed_over_on = date(2026, 6, 2)
        review.seminar_start = datetime(2026, 11, 12, 12, 0, tzinfo=UTC)  # 13:00 CET
        review.seminar_place = "Gävle konserthus"
        uid = review.uid
    events = by_uid(parse(calendar.build(store, rid)))
    handover = events[f"handover-{uid}@granskning"]
    assert handover.dtstart.value == date(2026, 6, 2)
    assert handover.dtend.value == date(2026, 6, 3)
    seminar = events[f"seminar-{uid}@granskning"]
    assert seminar.dtstart.value.strftime("%Y-%m-%d %H:%M %z") == "2026-11-12 13:00 +0100"
    assert seminar.dtend.value.astimezone(UTC) == datetime(2026, 11, 12, 15, 0, tzinfo=UTC)
    assert seminar.location.value == "Gävle konserthus"
    assert "mailto:anna.berg@uppsala.se" in [a.value for a in seminar.attendee_list]


def test_sources_can_be_extended(store: Store, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    def extra(ctx: calendar.CalendarContext) -> list[calendar.CalendarEvent]:
        start = datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
        return [
            calendar.CalendarEvent(
                uid=calendar.uid_for("extra", ctx.review.uid),
                summary="Extra",
                start=start,
                end=start + timedelta(hours=1),
            )
        ]

    monkeypatch.setitem(sys.modules, "tests_extra", types.SimpleNamespace(extra=extra))  # type: ignore[arg-type]
    monkeypatch.setattr(calendar, "SOURCES", [*calendar.SOURCES, "tests_extra:extra"])
    events = by_uid(parse(calendar.build(store, world["sample"].review)))
    assert len(events) == 5


def test_an_empty_review_gives_an_empty_calendar(store: Store, sample: Any) -> None:
    cal = parse(calendar.build(store, sample.review))
    assert not hasattr(cal, "vevent_list") or cal.vevent_list == []


def test_cli_writes_the_file(cli: Any, world: Any, tmp_path: Path) -> None:
    target = tmp_path / "gavle.ics"
    result = cli.ok("calendar", world["sample"].review, "-o", target)
    assert "4" in result.stderr
    assert len(by_uid(parse(target.read_bytes()))) == 4
    stdout = cli.ok("calendar", world["sample"].review, "-o", "-").stdout
    assert stdout.startswith("BEGIN:VCALENDAR")


@pytest.mark.parametrize(("review", "path"), [(99, "x.ics"), (1, "no/such/folder/x.ics"), (1, ".")])
def test_cli_bad_input(cli: Any, sample: Any, tmp_path: Path, review: int, path: str) -> None:
    result = cli("calendar", review, "-o", tmp_path / path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


def test_the_second_0230_of_autumn_is_not_misread(store: Store, sample: Any) -> None:
    reviews.assign(store, sample.review, sample.lead, "lead")
    reviews.assign(store, sample.review, sample.secretary, "secretary")
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, after the fall-back
    row = interviews.add_interview(
        store, sample.review, group="ledande", start=second, minutes=30, moderator=sample.lead
    )
    ev = by_uid(parse(calendar.build(store, sample.review)))[uid_of(store, row.id)]  # type: ignore[arg-type]
    assert ev.dtstart.value.astimezone(UTC) == second
    assert ev.dtend.value.astimezone(UTC) == second + timedelta(minutes=30)
