"""Interviews: schedule, change, cancel and list the timed question sessions of a review.

An interview has a group from the review's pinned template, a start (Europe/Stockholm at
the edges, aware UTC inside), a length in minutes, a place, named interviewees, and a
moderator, note-taker and timekeeper from the review team. Every conflict is refused with
the clashing interview named: a team member or a place booked twice at the same time, an
interviewee who is on the review team, a group the pinned template does not have.
Changing a scheduled interview raises its ``sequence`` so calendars see the update.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Final

from sqlalchemy import func
from sqlmodel import Session, col, select

from granskning.domain import events, rules, templates
from granskning.domain.errors import InputError, RuleError, refuse
from granskning.domain.events import ReviewCancelled
from granskning.domain.i18n import _
from granskning.domain.rules import TEAM_ROLES, staff_reasons
from granskning.domain.text import REASON_LIMIT, check_line, clean_optional
from granskning.domain.timefmt import format_local, parse_local
from granskning.domain.workflow import (
    INTERVIEW_STATE_LABELS,
    STATE_LABELS,
    InterviewContext,
    fire_interview,
)
from granskning.services.reviews import ensure_editable, get_review, pinned_template
from granskning.storage.audit import utc_iso
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
from granskning.storage.queries import get, ordered_rows
from granskning.storage.store import Store
from granskning.storage.uow import Work, writes

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
    def slot(self) -> rules.Slot:
        return rules.Slot(
            self.start, self.minutes, self.place, frozenset(pid for _j, pid in self.staff)
        )

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
        raise RuleError(
            _("review {id} is {state}: interviews are scheduled before or during the visit").format(
                id=review.id, state=_(STATE_LABELS[state])
            )
        )


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


def _check(
    work: Work,
    review: Review,
    template: templates.Template,
    draft: _Draft,
    *,
    exclude_id: int | None = None,
) -> list[IntervieweeInput]:
    """Refuse a draft that breaks a rule; the interviewees with their persons linked."""
    s = work.session
    template.group(draft.group_id)  # an InputError listing the groups if unknown
    people = {pid: work.get(Person, pid) for _job, pid in draft.staff}
    interviewees = [_linked(work, review, item) for item in draft.interviewees]
    # -- rules (exit 1) from here on: the input itself is well-formed --------------------
    team = _team(s, review.id)  # type: ignore[arg-type]
    names = {pid: p.name for pid, p in people.items()}
    reasons = staff_reasons(
        draft.staff, team, names, review.id, draft.moderator_id, draft.note_taker_id
    )
    reasons += rules.confirmed_staff_reasons(
        ReviewState(review.state), draft.moderator_id, draft.note_taker_id
    )
    reasons += rules.interviewee_reasons(_team_members_named(s, team, interviewees))
    reasons += rules.clash_reasons(draft.slot, _booked(s, review, draft, exclude_id), names)
    refuse(reasons)
    return interviewees


def _linked(work: Work, review: Review, item: IntervieweeInput) -> IntervieweeInput:
    """The interviewee with their registered person: the one given (whose title fills a
    missing one), else the host's only person of that name."""
    if item.person_id is not None:
        person = work.get(Person, item.person_id)
        return replace(item, title=item.title or person.title)
    return replace(item, person_id=_host_person(work.session, review, item.name))


def _team_members_named(
    session: Session, team: Collection[int], interviewees: list[IntervieweeInput]
) -> list[str]:
    """The names of team members among ``interviewees`` (by person, or by name)."""
    members = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(team)))}
    by_name = {p.name.casefold(): p for p in members.values()}
    out = []
    for item in interviewees:
        member = by_name.get(item.name.casefold())
        if item.person_id is not None and item.person_id in team:
            member = members.get(item.person_id)
        if member is not None:
            out.append(member.name)
    return out


def _host_person(session: Session, review: Review, name: str) -> int | None:
    """The registered person of the host municipality called ``name``, if exactly one."""
    rows = session.exec(
        select(Person.id, Person.name).where(Person.municipality_id == review.host_id)
    ).all()
    found = [pid for pid, n in rows if n.casefold() == name.casefold()]
    return found[0] if len(found) == 1 else None


def _booked(
    session: Session, review: Review, draft: _Draft, exclude_id: int | None
) -> list[rules.Booked]:
    """The live interviews that may overlap ``draft`` (any review), by start."""
    # SQL narrows by start; the end (start + minutes) is compared by the rule, the same on
    # every backend
    query = select(Interview, Review.host_id).join(Review, Review.id == Interview.review_id)  # type: ignore[arg-type]
    query = query.where(
        col(Interview.state) != InterviewState.cancelled.value,
        col(Interview.start) < draft.slot.end,
        col(Interview.start) > draft.start - timedelta(minutes=MAX_MINUTES),
    )
    if exclude_id is not None:
        query = query.where(col(Interview.id) != exclude_id)
    return [
        rules.Booked(
            other.start,
            other.minutes,
            other.place,
            frozenset(
                pid
                for pid in (other.moderator_id, other.note_taker_id, other.timekeeper_id)
                if pid is not None
            ),
            id=other.id,  # type: ignore[arg-type]
            review_id=other.review_id,
            same_host=host_id == review.host_id,
        )
        for other, host_id in session.exec(query.order_by(col(Interview.start))).all()
    ]


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


@writes
def add_interview(
    work: Work,
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
    review = work.get(Review, review_id)
    people = _check(work, review, pinned_template(review), draft)
    ensure_schedulable(review)
    now = work.now()
    row = work.add(
        Interview(review_id=review_id, **_field_values(draft), created_at=now, updated_at=now)
    )
    _write_interviewees(work.session, row, people)
    work.emit(
        events.InterviewAdded(
            review_id=review_id,
            interview_id=row.id,
            to_state=row.state,
            group=draft.group_id,
            start=utc_iso(draft.start),
            minutes=draft.minutes,
        )
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


# The fields of an interview that edit_interview changes, in the order the audit names them.
_FIELDS = (
    "group_id",
    "start",
    "minutes",
    "place",
    "moderator_id",
    "note_taker_id",
    "timekeeper_id",
)


def _field_values(source: Interview | _Draft) -> dict[str, Any]:
    """The fields of :data:`_FIELDS` of an interview row or a draft, by name."""
    return {name: getattr(source, name) for name in _FIELDS}


def _given(value: Any, current: Any, check: Any = None) -> Any:
    """``value`` (checked by ``check``) unless it is UNCHANGED, else ``current``."""
    if isinstance(value, _Unchanged):
        return current
    return check(value) if check is not None else value


def _current(session: Session, row: Interview) -> tuple[_Draft, list[Interviewee]]:
    """The interview as it is, as a draft, and its interviewee rows."""
    current = ordered_rows(
        session, Interviewee, Interviewee.interview_id == row.id, col(Interviewee.position)
    )
    draft = _Draft(
        **_field_values(row),
        interviewees=[
            IntervieweeInput(i.name, i.title, i.organisation, i.person_id, i.head_count)
            for i in current
        ],
    )
    return draft, current


def _ensure_changeable(row: Interview, review: Review, correcting: bool) -> None:
    """A scheduled interview can change while the review is being scheduled; a running or
    completed one takes only corrected interviewees (until the handover); a cancelled one
    nothing."""
    state = InterviewState(row.state)
    if state == InterviewState.scheduled:
        ensure_schedulable(review)
        return
    if not correcting:
        if state == InterviewState.completed:
            raise RuleError(
                _(
                    "interview {id} is completed and can no longer be changed "
                    "(except its interviewees)"
                ).format(id=row.id)
            )
        raise RuleError(
            _("interview {id} is {state}: only a scheduled interview can be changed").format(
                id=row.id, state=_state_label(state)
            )
        )
    ensure_editable(review)


@writes
def edit_interview(
    work: Work,
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
    new_start = _given(start, None, _start)
    new_minutes = _given(minutes, None, check_minutes)
    new_place = _given(place, UNCHANGED, check_place)
    new_people = _given(interviewees, None, _interviewees)
    s = work.session
    row = work.get(Interview, interview_id)
    review = work.get(Review, row.review_id)
    template = pinned_template(review)
    before, current = _current(s, row)
    draft = replace(
        before,
        group_id=_given(group, before.group_id, str.strip),
        start=new_start or before.start,
        minutes=new_minutes or before.minutes,
        place=_given(new_place, before.place),
        moderator_id=_given(moderator, before.moderator_id),
        note_taker_id=_given(note_taker, before.note_taker_id),
        timekeeper_id=_given(timekeeper, before.timekeeper_id),
        interviewees=new_people if new_people is not None else before.interviewees,
    )
    changed = [name for name in _FIELDS if getattr(draft, name) != getattr(before, name)]
    # who was interviewed can be corrected after the session, until the handover
    correcting = (
        new_people is not None and not changed and row.state != InterviewState.cancelled.value
    )
    _ensure_changeable(row, review, correcting)
    people = _check(work, review, template, draft, exclude_id=interview_id)
    people_changed = new_people is not None and people != before.interviewees
    if not changed and not people_changed:
        return row
    if "group_id" in changed:
        row.group_id = draft.group_id
        _check_notes_fit(s, row, template)
    values = {name: getattr(draft, name) for name in changed}
    work.update_versioned(row, sequence=row.sequence + 1, **values)
    if people_changed:
        for old in current:
            s.delete(old)
        s.flush()
        _write_interviewees(s, row, people)
    work.emit(
        events.InterviewEdited(
            review_id=row.review_id,
            interview_id=interview_id,
            fields=changed + (["interviewees"] if people_changed else []),
        )
    )
    return row


@writes
def cancel_interview(work: Work, interview_id: int, reason: str) -> Interview:
    """Cancel an interview with a reason; a running session's clock stops now."""
    reason = clean_optional(reason, "--reason", REASON_LIMIT)
    row = work.get(Interview, interview_id)
    review = work.get(Review, row.review_id)
    before = InterviewState(row.state)
    fire_interview("cancel", InterviewContext(before, ReviewState(review.state), reason))
    ensure_editable(review)
    _cancel(work, row, reason)
    return row


def _cancel(work: Work, row: Interview, reason: str | None) -> None:
    """Cancel ``row``: end a running session's clock, free the bookings, tell calendars."""
    before = InterviewState(row.state)
    if before in _SESSION_OPEN:
        work.session.add(SessionEvent(interview_id=row.id, kind="end", at=work.now()))  # type: ignore[arg-type]
    work.update_versioned(
        row,
        state=InterviewState.cancelled.value,
        cancel_reason=reason,
        sequence=row.sequence + 1,
    )
    work.emit(
        events.InterviewCancelled(
            review_id=row.review_id,
            interview_id=row.id,
            from_state=before.value,
            to_state=InterviewState.cancelled.value,
            comment=reason,
        )
    )


def cancel_open(work: Work, event: ReviewCancelled) -> None:
    """On cancelling a review: its open interviews are cancelled with the review's reason,
    which frees their people and rooms and marks them cancelled in the calendar."""
    reason = (event.params.reason or "").strip() if event.params else ""
    rows = work.session.exec(
        select(Interview)
        .where(
            Interview.review_id == event.review_id,
            col(Interview.state).in_([s.value for s in (InterviewState.scheduled, *_SESSION_OPEN)]),
        )
        .order_by(col(Interview.id))
    ).all()
    for row in rows:
        _cancel(work, row, reason)


_SESSION_OPEN = (InterviewState.running, InterviewState.paused)


# -- reading ----------------------------------------------------------------------------------


def _state_label(state: InterviewState) -> str:
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
        row = get(s, Interview, interview_id)
        review = get_review(s, row.review_id)
        return _dicts(s, review, [row])[0]


__all__ = [
    "MAX_MINUTES",
    "UNCHANGED",
    "IntervieweeInput",
    "add_interview",
    "cancel_interview",
    "check_minutes",
    "check_place",
    "edit_interview",
    "ensure_schedulable",
    "interview_dict",
    "list_interviews",
    "parse_group_interviewee",
    "parse_interviewee",
    "show_interview",
    "staff_reasons",
]
