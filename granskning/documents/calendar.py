"""Calendar invitations: a review's interviews, handover and follow-up seminar as iCalendar.

Every event has a stable UID (the record's uid and ``@granskning``), so importing the file
again updates the events instead of duplicating them; an interview's SEQUENCE rises each
time it is moved or changed, and a cancelled one is sent as ``STATUS:CANCELLED``. Times
are written in Europe/Stockholm with its VTIMEZONE. Other capabilities add events by
appending a "module:function" to :data:`SOURCES`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from granskning.domain.i18n import _
from granskning.domain.timefmt import TZ
from granskning.storage.model import (
    Assignment,
    Interview,
    Interviewee,
    InterviewState,
    Municipality,
    Person,
    Review,
    ReviewState,
    Role,
)
from granskning.storage.output import write_output
from granskning.storage.queries import get_review, pinned_template
from granskning.storage.store import Store

if TYPE_CHECKING:
    from icalendar import Event

UID_DOMAIN = "granskning"
PRODID = "-//granskning//kollegial granskning//SV"
# The seminar's length is not stored; invitations block this much time.
SEMINAR_MINUTES = 180


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    role: str = "REQ-PARTICIPANT"  # or OPT-PARTICIPANT, CHAIR


@dataclass
class CalendarEvent:
    """One VEVENT. ``start``/``end`` are aware datetimes, or dates for an all-day event."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    sequence: int = 0
    location: str | None = None
    description: str | None = None
    cancelled: bool = False
    attendees: list[Attendee] = field(default_factory=list)
    organizer: Attendee | None = None
    categories: list[str] = field(default_factory=list)


@dataclass
class CalendarContext:
    """What event sources share: the review and its people, read in one transaction."""

    session: Session
    store: Store
    review: Review
    host: str
    team: dict[int, list[str]]  # person id -> roles
    people: dict[int, Person]

    def attendee(self, person_id: int | None, role: str = "REQ-PARTICIPANT") -> Attendee | None:
        person = self.people.get(person_id) if person_id is not None else None
        if person is None or not person.email or person.forgotten_at is not None:
            return None
        return Attendee(person.name, person.email, role)

    def team_attendees(self) -> list[Attendee]:
        out = []
        for pid in self.team:
            a = self.attendee(pid)
            if a is not None:
                out.append(a)
        return out

    @property
    def organizer(self) -> Attendee | None:
        """The lead, else the secretary: whoever of them has an e-mail address."""
        for role in (Role.lead, Role.secretary):
            for pid, roles in self.team.items():
                if role.value in roles:
                    a = self.attendee(pid, "CHAIR")
                    if a is not None:
                        return a
        return None


EventSource = Callable[[CalendarContext], list[CalendarEvent]]

#: event sources, "module:function" taking a CalendarContext; append to add more
SOURCES: list[str] = [
    "granskning.documents.calendar:interview_events",
    "granskning.documents.calendar:handover_events",
    "granskning.documents.calendar:seminar_events",
]


def uid_for(kind: str, record_uid: str) -> str:
    """A stable, globally unique event UID."""
    return f"{kind}-{record_uid}@{UID_DOMAIN}"


def interview_events(ctx: CalendarContext) -> list[CalendarEvent]:
    """Every interview of the review; cancelled ones as cancelled events."""
    rows = ctx.session.exec(
        select(Interview)
        .where(Interview.review_id == ctx.review.id)
        .order_by(col(Interview.start), col(Interview.id))
    ).all()
    if not rows:
        return []
    groups = {g.id: g.name() for g in pinned_template(ctx.review).groups}
    by_interview: dict[int, list[Interviewee]] = {}
    for i in ctx.session.exec(
        select(Interviewee)
        .where(col(Interviewee.interview_id).in_([r.id for r in rows]))
        .order_by(col(Interviewee.position))
    ).all():
        by_interview.setdefault(i.interview_id, []).append(i)
    return [
        _interview_event(
            ctx, iv, groups.get(iv.group_id, iv.group_id), by_interview.get(iv.id or 0, [])
        )
        for iv in rows
    ]


def _jobs(iv: Interview) -> list[tuple[str, int | None]]:
    return [
        (_("Moderator"), iv.moderator_id),
        (_("Note-taker"), iv.note_taker_id),
        (_("Timekeeper"), iv.timekeeper_id),
    ]


def _interview_description(ctx: CalendarContext, iv: Interview, people: list[Interviewee]) -> str:
    lines = [
        _("Interview {id}, review {review}: {host}").format(
            id=iv.id, review=ctx.review.id, host=ctx.host
        )
    ]
    lines.extend(
        f"{label}: {ctx.people[pid].name}" for label, pid in _jobs(iv) if pid in ctx.people
    )
    if people:
        lines.append(_("Interviewees:"))
        lines.extend(f"- {p.name}" + (f", {p.title}" if p.title else "") for p in people)
    if iv.state == InterviewState.cancelled.value and iv.cancel_reason:
        lines.append(_("Cancelled: {reason}").format(reason=iv.cancel_reason))
    return "\n".join(lines)


def _interview_attendees(
    ctx: CalendarContext, iv: Interview, people: list[Interviewee]
) -> list[Attendee]:
    """The interview's staff, then its interviewees, each once."""
    staff = dict.fromkeys(p for _label, p in _jobs(iv) if p is not None)
    attendees = [a for a in map(ctx.attendee, staff) if a is not None]
    for a in (ctx.attendee(p.person_id) for p in people):
        if a is not None and a not in attendees:
            attendees.append(a)
    return attendees


def _interview_event(
    ctx: CalendarContext, iv: Interview, group: str, people: list[Interviewee]
) -> CalendarEvent:
    return CalendarEvent(
        uid=uid_for("interview", iv.uid),
        summary=_("Interview: {group} ({host})").format(group=group, host=ctx.host),
        start=iv.start,
        end=iv.start + timedelta(minutes=iv.minutes),
        sequence=iv.sequence,
        location=iv.place,
        description=_interview_description(ctx, iv, people),
        cancelled=iv.state == InterviewState.cancelled.value,
        attendees=_interview_attendees(ctx, iv, people),
        organizer=ctx.organizer,
        categories=[_("Interview")],
    )


def _review_sequence(review: Review) -> int:
    # The review's version rises with every state change, so a rescheduled event
    # always carries a higher SEQUENCE than the one it replaces.
    return max(0, review.version - 1)


def _review_events(
    ctx: CalendarContext,
    kind: str,
    start: date | datetime | None,
    length: timedelta,
    names: tuple[str, str],
    **more: Any,
) -> list[CalendarEvent]:
    """The event of the review as a whole (its team invited) from ``start``, none while
    it has no date; ``names`` are its summary (with the host) and its category."""
    if start is None:
        return []
    summary, category = names
    return [
        CalendarEvent(
            uid=uid_for(kind, ctx.review.uid),
            summary=summary.format(host=ctx.host),
            sequence=_review_sequence(ctx.review),
            attendees=ctx.team_attendees(),
            organizer=ctx.organizer,
            categories=[category],
            start=start,
            end=start + length,
            **more,
        )
    ]


def handover_events(ctx: CalendarContext) -> list[CalendarEvent]:
    """The handover of the report, an all-day event on its date."""
    names = (_("Handover of the review report ({host})"), _("Handover"))
    return _review_events(ctx, "handover", ctx.review.handed_over_on, timedelta(days=1), names)


def seminar_events(ctx: CalendarContext) -> list[CalendarEvent]:
    """The follow-up seminar, once it has a start time."""
    names = (_("Follow-up seminar ({host})"), _("Follow-up seminar"))
    return _review_events(
        ctx,
        "seminar",
        ctx.review.seminar_start,
        timedelta(minutes=SEMINAR_MINUTES),
        names,
        location=ctx.review.seminar_place,
        # a cancelled review holds no seminar
        cancelled=ctx.review.state == ReviewState.cancelled.value,
    )


def events(store: Store, review_id: int) -> list[CalendarEvent]:
    """Every event of the review, from every source in :data:`SOURCES`."""
    with store.read() as s:
        review = get_review(s, review_id)
        host = s.get(Municipality, review.host_id)
        team: dict[int, list[str]] = {}
        for a in s.exec(select(Assignment).where(Assignment.review_id == review_id)).all():
            team.setdefault(a.person_id, []).append(a.role)
        ids = set(team)
        for iv in s.exec(select(Interview).where(Interview.review_id == review_id)).all():
            ids.update(p for p in (iv.moderator_id, iv.note_taker_id, iv.timekeeper_id) if p)
        ids.update(
            pid
            for pid in s.exec(
                select(Interviewee.person_id)
                .join(Interview, Interview.id == Interviewee.interview_id)  # type: ignore[arg-type]
                .where(Interview.review_id == review_id)
            ).all()
            if pid is not None
        )
        people = {p.id: p for p in s.exec(select(Person).where(col(Person.id).in_(ids))).all()}
        ctx = CalendarContext(s, store, review, host.name if host else "", team, people)  # type: ignore[arg-type]
        out: list[CalendarEvent] = []
        for target in SOURCES:
            module, _sep, func = target.partition(":")
            source: EventSource = getattr(importlib.import_module(module), func)
            out.extend(source(ctx))
    return out


def _zoned(moment: datetime) -> datetime:
    """The moment in Europe/Stockholm, or in UTC where the local time is ambiguous.

    In the hour the clocks fall back, 02:30 happens twice; a reader takes a TZID time to
    mean the first (RFC 5545, 3.3.5). The second is written in UTC so it cannot be misread.
    """
    local = moment.astimezone(TZ)
    first = local.replace(tzinfo=None).replace(tzinfo=TZ, fold=0)
    if first.astimezone(UTC) != moment.astimezone(UTC):
        return moment.astimezone(UTC)
    return local


def _vevent(ev: CalendarEvent, stamp: datetime) -> Event:
    from icalendar import Event, vCalAddress, vText

    e = Event()
    e.add("uid", ev.uid)
    e.add("dtstamp", stamp)
    e.add("sequence", ev.sequence)
    e.add("summary", ev.summary)
    if isinstance(ev.start, datetime):
        assert isinstance(ev.end, datetime)
        e.add("dtstart", _zoned(ev.start))
        e.add("dtend", _zoned(ev.end))
    else:
        e.add("dtstart", ev.start)
        e.add("dtend", ev.end)
        e.add("transp", "TRANSPARENT")
    if ev.location:
        e.add("location", ev.location)
    if ev.description:
        e.add("description", ev.description)
    e.add("status", "CANCELLED" if ev.cancelled else "CONFIRMED")
    if ev.categories:
        e.add("categories", ev.categories)
    if ev.organizer is not None:
        org = vCalAddress(f"mailto:{ev.organizer.email}")
        org.params["cn"] = vText(ev.organizer.name)
        e.add("organizer", org)
    for a in ev.attendees:
        att = vCalAddress(f"mailto:{a.email}")
        att.params["cn"] = vText(a.name)
        att.params["role"] = vText(a.role)
        att.params["partstat"] = vText("NEEDS-ACTION")
        att.params["cutype"] = vText("INDIVIDUAL")
        e.add("attendee", att)
    return e


def build(store: Store, review_id: int) -> bytes:
    """The review's calendar as iCalendar bytes (RFC 5545), with a Europe/Stockholm VTIMEZONE."""
    from icalendar import Calendar

    items = events(store, review_id)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Review {id}").format(id=review_id))
    cal.add("x-wr-timezone", "Europe/Stockholm")
    stamp = store.now()
    for ev in items:
        cal.add_component(_vevent(ev, stamp))
    if any(isinstance(ev.start, datetime) for ev in items):
        days = [
            ev.start.astimezone(TZ).date() if isinstance(ev.start, datetime) else ev.start
            for ev in items
        ]
        # the zone's changes from a year before the first event to a year after the last
        cal.add_missing_timezones(
            first_date=date(min(days).year - 1, 1, 1), last_date=date(max(days).year + 1, 12, 31)
        )
    data: bytes = cal.to_ical()
    return data


def write(store: Store, review_id: int, path: str | Path) -> int:
    """Write the review's calendar to ``path`` (``-`` for stdout); the number of events."""
    data = build(store, review_id)
    count = data.count(b"BEGIN:VEVENT")
    if str(path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return count
    write_output(path, data)
    return count


__all__ = [
    "SOURCES",
    "Attendee",
    "CalendarContext",
    "CalendarEvent",
    "build",
    "events",
    "handover_events",
    "interview_events",
    "seminar_events",
    "uid_for",
    "write",
]
