"""Interviews: schedule, change, cancel and list the timed question sessions of a review.

An interview has a group from the review's pinned template, a start (Europe/Stockholm at
the edges, aware UTC inside), a length in minutes, a place, named interviewees, and a
moderator, note-taker and timekeeper from the review team. Every conflict is refused with
the clashing interview named: a team member or a place booked twice at the same time, an
interviewee who is on the review team, a group the pinned template does not have.
Changing a scheduled interview raises its ``sequence`` so calendars see the update.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Final

from sqlalchemy import update
from sqlmodel import Session, col, select

from granskning.domain import templates
from granskning.domain.errors import ConflictError, InputError, NotFoundError, RuleError
from granskning.domain.i18n import _
from granskning.domain.text import REASON_LIMIT, check_line, clean_optional
from granskning.domain.timefmt import format_clock, format_local, parse_local
from granskning.services.reviews import TEAM_ROLES, ensure_editable, get_review, pinned_template
from granskning.storage.audit import record, utc_iso
from granskning.storage.model import (
    NAME_MAX,
    PLACE_MAX,
    Assignment,
    Interview,
    Interviewee,
    InterviewState,
    Note,
    Person,
    Review,
    ReviewState,
    SessionEvent,
)
from granskning.storage.store import Store

# Interviews are planned before and during the visit; after it, the review is being written.
SCHEDULING_STATES = frozenset({ReviewState.planned, ReviewState.scheduled, ReviewState.visiting})
# The longest interview accepted: a full working day.
MAX_MINUTES = 8 * 60
PLACE_LIMIT = PLACE_MAX
NAME_LIMIT = NAME_MAX
# the largest group heard as one interviewee (a whole class, a youth council)
MAX_HEAD_COUNT = 1000


class _Unchanged(Enum):
    token = 0


#: "leave this field as it is" for :func:`edit_interview`
UNCHANGED: Final = _Unchanged.token


@dataclass(frozen=True)
class IntervieweeInput:
    """One interviewee as given: a name, optionally a title, an organisation and a
    registered person; or a group (``head_count`` people heard together)."""

    name: str
    title: str | None = None
    organisation: str | None = None
    person_id: int | None = None
    head_count: int | None = None

    @property
    def people(self) -> int:
        """How many people this interviewee is."""
        return self.head_count or 1


def _parts(text: str, option: str, form: str) -> list[str]:
    parts = [clean_optional(p, option, NAME_LIMIT) for p in text.split(",", 2)]
    if not parts[0]:
        raise InputError(
            _('{option} "{value}": give a name, as "{form}"').format(
                option=option, value=text, form=form
            )
        )
    if any(len(p) > NAME_LIMIT for p in parts):
        raise InputError(
            _('{option} "{value}": longer than {n} characters').format(
                option=option, value=text, n=NAME_LIMIT
            )
        )
    return parts + [""] * (3 - len(parts))


def parse_interviewee(text: str) -> IntervieweeInput:
    """Read "Name, Title, Organisation" (title and organisation are optional; the
    organisation is everything after the second comma)."""
    name, title, organisation = _parts(text, "--interviewee", "Name, Title, Organisation")
    return IntervieweeInput(name=name, title=title or None, organisation=organisation or None)


def parse_group_interviewee(text: str) -> IntervieweeInput:
    """Read "Group, N, Organisation": a group of N people heard together (the organisation
    is optional), e.g. "Ungdomsrådet, 6"."""
    name, count, organisation = _parts(text, "--group-interviewee", "Group, N, Organisation")
    if not count.isdigit() or not 1 <= int(count) <= MAX_HEAD_COUNT:
        raise InputError(
            _(
                '--group-interviewee "{value}": give how many people, a whole number from 1 '
                'to {max}, as "Group, N, Organisation"'
            ).format(value=text, max=MAX_HEAD_COUNT)
        )
    return IntervieweeInput(name=name, organisation=organisation or None, head_count=int(count))


@dataclass
class _Draft:
    """An interview's fields as they will be after the change, checked before writing."""

    group_id: str
    start: datetime
    minutes: int
    place: str | None
    moderator_id: int | None
    note_taker_id: int | None
    timekeeper_id: int | None
    interviewees: list[IntervieweeInput] = field(default_factory=list)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def staff(self) -> list[tuple[str, int]]:
        jobs = [
            ("moderator", self.moderator_id),
            ("note_taker", self.note_taker_id),
            ("timekeeper", self.timekeeper_id),
        ]
        return [(job, pid) for job, pid in jobs if pid is not None]


def ensure_schedulable(review: Review) -> None:
    """Raise unless interviews can still be added to or changed on ``review``."""
    ensure_editable(review)
    state = ReviewState(review.state)
    if state not in SCHEDULING_STATES:
        from granskning.domain.workflow import STATE_LABELS

        raise RuleError(
            _("review {id} is {state}: interviews are scheduled before or during the visit").format(
                id=review.id, state=_(STATE_LABELS[state])
            )
        )


def get_interview(session: Session, interview_id: int) -> Interview:
    """The interview with ``interview_id``, or a NotFoundError."""
    row = session.get(Interview, interview_id)
    if row is None:
        raise NotFoundError(_("interview {id} does not exist").format(id=interview_id))
    return row


def _start(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InputError(_("the start time must carry a time zone"))
        return value
    return parse_local(value, "--start")


def check_minutes(value: int) -> int:
    """``value`` if it is a whole number of minutes from 1 to :data:`MAX_MINUTES`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(_("--minutes must be a whole number"))
    if not 1 <= value <= MAX_MINUTES:
        raise InputError(
            _("--minutes must be between 1 and {max} (got {value})").format(
                max=MAX_MINUTES, value=value
            )
        )
    return value


def check_place(value: str | None) -> str | None:
    """The place as stored (spaces folded), or an InputError: too long, control characters."""
    if value is None:
        return None
    text = check_line(" ".join(value.split()), "--place")
    if len(text) > PLACE_LIMIT:
        raise InputError(_("--place is longer than {n} characters").format(n=PLACE_LIMIT))
    return text or None


def _place_key(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def _interviewees(values: Iterable[str | IntervieweeInput]) -> list[IntervieweeInput]:
    out: list[IntervieweeInput] = []
    seen: set[str] = set()
    for v in values:
        item = parse_interviewee(v) if isinstance(v, str) else v
        key = item.name.casefold()
        if key in seen:
            raise InputError(_("{name} is named twice as interviewee").format(name=item.name))
        seen.add(key)
        out.append(item)
    return out


def _team(session: Session, review_id: int) -> dict[int, list[str]]:
    """person id -> roles on the review team (the reviewing side, not the host contact)."""
    team: dict[int, list[str]] = {}
    for a in session.exec(select(Assignment).where(Assignment.review_id == review_id)).all():
        if a.role in TEAM_ROLES:
            team.setdefault(a.person_id, []).append(a.role)
    return team


def staff_reasons(
    staff: Iterable[tuple[str, Any]],
    team: Collection[Any],
    names: Mapping[Any, str],
    review: Any,
    moderator: Any,
    note_taker: Any,
) -> list[str]:
    """Why an interview's staff breaks the rules (for the commands and for an imported
    file alike): someone not on the review team, one person both moderator and note-taker.

    :param staff: (job, person) pairs; ``team``, ``names``, ``moderator`` and
        ``note_taker`` name people the same way (ids here, uids in a file).
    """
    reasons = []
    for _job, pid in staff:
        if pid not in team:
            reasons.append(
                _("{name} (person {id}) is not on the team of review {review}").format(
                    name=names.get(pid, "?"), id=pid, review=review
                )
            )
    if moderator is not None and moderator == note_taker:
        reasons.append(
            _("{name} cannot be both moderator and note-taker").format(
                name=names.get(moderator, "?")
            )
        )
    return reasons


def _span(start: datetime, minutes: int) -> str:
    return f"{format_local(start)}–{format_clock(start + timedelta(minutes=minutes))}"


def _check(
    session: Session,
    review: Review,
    template: templates.Template,
    draft: _Draft,
    *,
    exclude_id: int | None = None,
) -> list[IntervieweeInput]:
    """Refuse a draft that breaks a rule; the interviewees with their persons linked."""
    template.group(draft.group_id)  # an InputError listing the groups if unknown
    people: dict[int, Person] = {}
    for _job, pid in draft.staff:
        person = session.get(Person, pid)
        if person is None:
            raise NotFoundError(_("person {id} does not exist").format(id=pid))
        people[pid] = person
    interviewees = []
    for item in draft.interviewees:
        if item.person_id is not None:
            person = session.get(Person, item.person_id)
            if person is None:
                raise NotFoundError(_("person {id} does not exist").format(id=item.person_id))
            item = replace(item, title=item.title or person.title)
        else:
            item = replace(item, person_id=_host_person(session, review, item.name))
        interviewees.append(item)

    # -- rules (exit 1) from here on: the input itself is well-formed --------------------
    reasons: list[str] = []
    team = _team(session, review.id)  # type: ignore[arg-type]
    reasons += staff_reasons(
        draft.staff,
        team,
        {pid: p.name for pid, p in people.items()},
        review.id,
        draft.moderator_id,
        draft.note_taker_id,
    )
    if ReviewState(review.state) != ReviewState.planned:
        if draft.moderator_id is None:
            reasons.append(_("the schedule is confirmed: the interview needs a moderator"))
        if draft.note_taker_id is None:
            reasons.append(_("the schedule is confirmed: the interview needs a note-taker"))
    team_names: dict[str, Person] = {}
    for pid in team:
        person = session.get(Person, pid)
        if person is not None:
            team_names[person.name.casefold()] = person
    for item in interviewees:
        member = team_names.get(item.name.casefold())
        if item.person_id is not None and item.person_id in team:
            member = session.get(Person, item.person_id)
        if member is not None:
            reasons.append(
                _("{name} is on the review team and cannot be interviewed").format(name=member.name)
            )
    reasons.extend(_clashes(session, review, draft, people, exclude_id))
    if reasons:
        raise RuleError("\n".join(reasons))
    return interviewees


def _host_person(session: Session, review: Review, name: str) -> int | None:
    """The registered person of the host municipality called ``name``, if exactly one."""
    rows = session.exec(
        select(Person.id, Person.name).where(Person.municipality_id == review.host_id)
    ).all()
    found = [pid for pid, n in rows if n.casefold() == name.casefold()]
    return found[0] if len(found) == 1 else None


def _clashes(
    session: Session,
    review: Review,
    draft: _Draft,
    people: dict[int, Person],
    exclude_id: int | None,
) -> list[str]:
    """A team member or the place booked elsewhere at an overlapping time."""
    # SQL narrows by start; the end (start + minutes) is compared here, the same on every backend
    query = select(Interview, Review.host_id).join(Review, Review.id == Interview.review_id)  # type: ignore[arg-type]
    query = query.where(
        col(Interview.state) != InterviewState.cancelled.value,
        col(Interview.start) < draft.end,
        col(Interview.start) > draft.start - timedelta(minutes=MAX_MINUTES),
    )
    if exclude_id is not None:
        query = query.where(col(Interview.id) != exclude_id)
    reasons = []
    place = _place_key(draft.place)
    for other, host_id in session.exec(query.order_by(col(Interview.start))).all():
        if other.start + timedelta(minutes=other.minutes) <= draft.start:
            continue
        booked = {other.moderator_id, other.note_taker_id, other.timekeeper_id}
        for pid in sorted({pid for _job, pid in draft.staff}):
            if pid in booked:
                reasons.append(
                    _(
                        "{name} is already booked at that time: interview {id} "
                        "({span}, review {review})"
                    ).format(
                        name=people[pid].name,
                        id=other.id,
                        span=_span(other.start, other.minutes),
                        review=other.review_id,
                    )
                )
        if place and host_id == review.host_id and _place_key(other.place) == place:
            reasons.append(
                _("{place} is already booked at that time: interview {id} ({span})").format(
                    place=draft.place, id=other.id, span=_span(other.start, other.minutes)
                )
            )
    return reasons


def _check_notes_fit(session: Session, interview: Interview, template: templates.Template) -> None:
    """Refuse a new group whose questions do not include those already noted."""
    asked = {q.id for _b, q in template.questions_for(interview.group_id)}
    noted = set(
        session.exec(
            select(Note.question_id).where(
                Note.interview_id == interview.id,
                col(Note.question_id).is_not(None),
                col(Note.removed_at).is_(None),
            )
        ).all()
    )
    stray = sorted(q for q in noted if q is not None and q not in asked)
    if stray:
        raise RuleError(
            _("interview {id} has notes on questions the new group is not asked: {ids}").format(
                id=interview.id, ids=", ".join(stray)
            )
        )


def add_interview(
    store: Store,
    review_id: int,
    *,
    group: str,
    start: str | datetime,
    minutes: int,
    place: str | None = None,
    interviewees: Sequence[str | IntervieweeInput] = (),
    moderator: int | None = None,
    note_taker: int | None = None,
    timekeeper: int | None = None,
) -> Interview:
    """Schedule an interview on a review, refusing every conflict.

    :param group: a group id of the review's pinned template.
    :param start: "YYYY-MM-DD HH:MM" in Europe/Stockholm, or an aware datetime.
    :param interviewees: "Name, Title" strings or :class:`IntervieweeInput`.
    :param moderator: person ids from the review team (also ``note_taker``, ``timekeeper``).
    """
    draft = _Draft(
        group_id=group.strip(),
        start=_start(start),
        minutes=check_minutes(minutes),
        place=check_place(place),
        moderator_id=moderator,
        note_taker_id=note_taker,
        timekeeper_id=timekeeper,
        interviewees=_interviewees(interviewees),
    )
    with store.atomic() as s:
        review = get_review(s, review_id)
        template = pinned_template(review)
        people = _check(s, review, template, draft)
        ensure_schedulable(review)
        now = store.now()
        row = Interview(
            review_id=review_id,
            group_id=draft.group_id,
            start=draft.start,
            minutes=draft.minutes,
            place=draft.place,
            moderator_id=draft.moderator_id,
            note_taker_id=draft.note_taker_id,
            timekeeper_id=draft.timekeeper_id,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        _write_interviewees(s, row, people)
        record(
            s,
            store,
            entity="interview",
            action="add",
            review_id=review_id,
            interview_id=row.id,
            to_state=row.state,
            data={
                "group": draft.group_id,
                "start": utc_iso(draft.start),
                "minutes": draft.minutes,
            },
        )
        return row


def _write_interviewees(
    session: Session, interview: Interview, items: list[IntervieweeInput]
) -> None:
    for pos, item in enumerate(items):
        session.add(
            Interviewee(
                interview_id=interview.id,  # type: ignore[arg-type]
                person_id=item.person_id,
                name=item.name,
                title=item.title,
                organisation=item.organisation,
                head_count=item.head_count,
                position=pos,
            )
        )


def edit_interview(
    store: Store,
    interview_id: int,
    *,
    group: str | _Unchanged = UNCHANGED,
    start: str | datetime | _Unchanged = UNCHANGED,
    minutes: int | _Unchanged = UNCHANGED,
    place: str | None | _Unchanged = UNCHANGED,
    interviewees: Sequence[str | IntervieweeInput] | _Unchanged = UNCHANGED,
    moderator: int | None | _Unchanged = UNCHANGED,
    note_taker: int | None | _Unchanged = UNCHANGED,
    timekeeper: int | None | _Unchanged = UNCHANGED,
) -> Interview:
    """Change a scheduled interview; fields left :data:`UNCHANGED` stay as they are.

    The same rules as :func:`add_interview` apply to the result. Any change raises the
    interview's calendar ``sequence``. A running or completed interview takes only a
    corrected list of interviewees (until the handover); a cancelled one nothing.
    """
    new_start = _start(start) if not isinstance(start, _Unchanged) else None
    new_minutes = check_minutes(minutes) if not isinstance(minutes, _Unchanged) else None
    new_place = check_place(place) if not isinstance(place, _Unchanged) else UNCHANGED
    new_people = _interviewees(interviewees) if not isinstance(interviewees, _Unchanged) else None
    with store.atomic() as s:
        row = get_interview(s, interview_id)
        review = get_review(s, row.review_id)
        template = pinned_template(review)
        current = list(
            s.exec(
                select(Interviewee)
                .where(Interviewee.interview_id == interview_id)
                .order_by(col(Interviewee.position))
            ).all()
        )
        before = _Draft(
            group_id=row.group_id,
            start=row.start,
            minutes=row.minutes,
            place=row.place,
            moderator_id=row.moderator_id,
            note_taker_id=row.note_taker_id,
            timekeeper_id=row.timekeeper_id,
            interviewees=[
                IntervieweeInput(i.name, i.title, i.organisation, i.person_id, i.head_count)
                for i in current
            ],
        )
        draft = replace(
            before,
            group_id=group.strip() if isinstance(group, str) else before.group_id,
            start=new_start or before.start,
            minutes=new_minutes or before.minutes,
            place=before.place if isinstance(new_place, _Unchanged) else new_place,
            moderator_id=before.moderator_id if isinstance(moderator, _Unchanged) else moderator,
            note_taker_id=before.note_taker_id
            if isinstance(note_taker, _Unchanged)
            else note_taker,
            timekeeper_id=before.timekeeper_id
            if isinstance(timekeeper, _Unchanged)
            else timekeeper,
            interviewees=new_people if new_people is not None else before.interviewees,
        )
        changed = [
            name
            for name in (
                "group_id",
                "start",
                "minutes",
                "place",
                "moderator_id",
                "note_taker_id",
                "timekeeper_id",
            )
            if getattr(draft, name) != getattr(before, name)
        ]
        state = InterviewState(row.state)
        # who was interviewed can be corrected after the session, until the handover
        correcting = new_people is not None and not changed and state != InterviewState.cancelled
        if state != InterviewState.scheduled and not correcting:
            if state == InterviewState.completed:
                raise RuleError(
                    _(
                        "interview {id} is completed and can no longer be changed "
                        "(except its interviewees)"
                    ).format(id=interview_id)
                )
            raise RuleError(
                _("interview {id} is {state}: only a scheduled interview can be changed").format(
                    id=interview_id, state=_state_label(state)
                )
            )
        if state == InterviewState.scheduled:
            ensure_schedulable(review)
        else:
            ensure_editable(review)
        people = _check(s, review, template, draft, exclude_id=interview_id)
        people_changed = new_people is not None and people != before.interviewees
        if not changed and not people_changed:
            return row
        if "group_id" in changed:
            row.group_id = draft.group_id
            _check_notes_fit(s, row, template)
        values = {name: getattr(draft, name) for name in changed}
        bump(s, store, row, sequence=row.sequence + 1, **values)
        if people_changed:
            for old in current:
                s.delete(old)
            s.flush()
            _write_interviewees(s, row, people)
        record(
            s,
            store,
            entity="interview",
            action="edit",
            review_id=row.review_id,
            interview_id=interview_id,
            data={"fields": changed + (["interviewees"] if people_changed else [])},
        )
        return row


def bump(session: Session, store: Store, interview: Interview, **values: Any) -> None:
    """Write ``values`` with the optimistic lock on ``interview.version``."""
    now = store.now()
    result = session.execute(
        update(Interview)
        .where(col(Interview.id) == interview.id, col(Interview.version) == interview.version)
        .values(version=interview.version + 1, updated_at=now, **values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            _("interview {id} changed while you were acting on it; try again").format(
                id=interview.id
            )
        )
    for name, value in values.items():
        setattr(interview, name, value)
    interview.version += 1
    interview.updated_at = now


def cancel_interview(store: Store, interview_id: int, reason: str) -> Interview:
    """Cancel an interview with a reason; a running session's clock stops now."""
    from granskning.domain.workflow import InterviewContext, fire_interview

    reason = clean_optional(reason, "--reason", REASON_LIMIT)
    with store.atomic() as s:
        row = get_interview(s, interview_id)
        review = get_review(s, row.review_id)
        before = InterviewState(row.state)
        after = fire_interview(
            "cancel", InterviewContext(before, ReviewState(review.state), reason)
        )
        ensure_editable(review)
        if before in (InterviewState.running, InterviewState.paused):
            s.add(SessionEvent(interview_id=interview_id, kind="end", at=store.now()))
        bump(
            s,
            store,
            row,
            state=after.value,
            cancel_reason=reason,
            sequence=row.sequence + 1,
        )
        record(
            s,
            store,
            entity="interview",
            action="cancel",
            review_id=row.review_id,
            interview_id=interview_id,
            from_state=before.value,
            to_state=after.value,
            comment=reason,
        )
        return row


def cancel_open(session: Session, store: Store, review: Review, params: Any) -> None:
    """Effect of cancelling a review: its open interviews are cancelled with the review's
    reason, which frees their people and rooms and marks them cancelled in the calendar."""
    reason = (params.reason or "").strip()
    rows = session.exec(
        select(Interview)
        .where(
            Interview.review_id == review.id,
            col(Interview.state).in_([s.value for s in (InterviewState.scheduled, *_SESSION_OPEN)]),
        )
        .order_by(col(Interview.id))
    ).all()
    for row in rows:
        before = InterviewState(row.state)
        if before in _SESSION_OPEN:
            session.add(SessionEvent(interview_id=row.id, kind="end", at=store.now()))  # type: ignore[arg-type]
        bump(
            session,
            store,
            row,
            state=InterviewState.cancelled.value,
            cancel_reason=reason,
            sequence=row.sequence + 1,
        )
        record(
            session,
            store,
            entity="interview",
            action="cancel",
            review_id=row.review_id,
            interview_id=row.id,
            from_state=before.value,
            to_state=InterviewState.cancelled.value,
            comment=reason,
        )


_SESSION_OPEN = (InterviewState.running, InterviewState.paused)


# -- reading ----------------------------------------------------------------------------------


def _state_label(state: InterviewState) -> str:
    from granskning.domain.workflow import INTERVIEW_STATE_LABELS

    return _(INTERVIEW_STATE_LABELS[state])


def _person_ref(people: dict[int, Person], pid: int | None) -> dict[str, Any] | None:
    if pid is None:
        return None
    p = people.get(pid)
    return {"id": pid, "name": p.name if p else None, "email": p.email if p else None}


def interview_dict(
    interview: Interview,
    template: templates.Template,
    people: dict[int, Person],
    interviewees: list[Interviewee],
    notes: int = 0,
) -> dict[str, Any]:
    """An interview as ``interview list --json`` shows it."""
    try:
        group_name: str | None = template.group(interview.group_id).name()
    except InputError:
        group_name = None
    return {
        "id": interview.id,
        "uid": interview.uid,
        "review": interview.review_id,
        "group": interview.group_id,
        "group_name": group_name,
        "start": format_local(interview.start),
        "end": format_local(interview.start + timedelta(minutes=interview.minutes)),
        "minutes": interview.minutes,
        "place": interview.place,
        "state": interview.state,
        "moderator": _person_ref(people, interview.moderator_id),
        "note_taker": _person_ref(people, interview.note_taker_id),
        "timekeeper": _person_ref(people, interview.timekeeper_id),
        "interviewees": [
            {
                "name": i.name,
                "title": i.title,
                "organisation": i.organisation,
                "person": i.person_id,
                "head_count": i.head_count,
            }
            for i in interviewees
        ],
        # people heard, not rows: a group counts its head count
        "participants": sum(i.head_count or 1 for i in interviewees),
        "questions": len(template.questions_for(interview.group_id)),
        "notes": notes,
        "sequence": interview.sequence,
        "cancel_reason": interview.cancel_reason,
    }


def _dicts(session: Session, review: Review, rows: list[Interview]) -> list[dict[str, Any]]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    template = pinned_template(review)
    by_interview: dict[int, list[Interviewee]] = {}
    for i in session.exec(
        select(Interviewee)
        .where(col(Interviewee.interview_id).in_(ids))
        .order_by(col(Interviewee.position))
    ).all():
        by_interview.setdefault(i.interview_id, []).append(i)
    staff = {pid for r in rows for pid in (r.moderator_id, r.note_taker_id, r.timekeeper_id) if pid}
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(staff))).all()}
    from sqlalchemy import func

    counts = dict(
        session.exec(
            select(Note.interview_id, func.count())
            .where(col(Note.interview_id).in_(ids), col(Note.removed_at).is_(None))
            .group_by(col(Note.interview_id))
        ).all()
    )
    return [
        interview_dict(r, template, people, by_interview.get(r.id, []), counts.get(r.id, 0))  # type: ignore[arg-type]
        for r in rows
    ]


def list_interviews(store: Store, review_id: int) -> list[dict[str, Any]]:
    """Every interview of a review (cancelled ones too), by start time."""
    with store.read() as s:
        review = get_review(s, review_id)
        rows = list(
            s.exec(
                select(Interview)
                .where(Interview.review_id == review_id)
                .order_by(col(Interview.start), col(Interview.id))
            ).all()
        )
        return _dicts(s, review, rows)


def show_interview(store: Store, interview_id: int) -> dict[str, Any]:
    """One interview with its team jobs, interviewees and the number of notes."""
    with store.read() as s:
        row = get_interview(s, interview_id)
        review = get_review(s, row.review_id)
        return _dicts(s, review, [row])[0]


__all__ = [
    "MAX_MINUTES",
    "UNCHANGED",
    "IntervieweeInput",
    "add_interview",
    "bump",
    "cancel_interview",
    "check_minutes",
    "check_place",
    "edit_interview",
    "ensure_schedulable",
    "get_interview",
    "interview_dict",
    "list_interviews",
    "parse_group_interviewee",
    "parse_interviewee",
    "show_interview",
]
