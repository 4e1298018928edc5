"""The rules of the team and the schedule, as functions from facts to reasons.

Like the guards of the life cycle (:mod:`granskning.domain.workflow`), each rule takes
plain facts and returns why they break it (an empty list when they do not), in the
reader's language. The services gather the facts from the database and refuse with the
reasons; an imported file is checked by the same functions. Nothing here touches storage.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from granskning.domain import labels
from granskning.domain.enums import ReviewState, Role
from granskning.domain.i18n import _
from granskning.domain.timefmt import format_clock, format_local

# Roles filled from the reviewing side; host_contact comes from the host.
TEAM_ROLES = frozenset({Role.lead, Role.reviewer, Role.secretary, Role.timekeeper})
# Roles a review has at most one of.
SINGLE_ROLES = frozenset({Role.lead, Role.secretary})


# -- the team --------------------------------------------------------------------------------


def role_reasons(role: Role, name: str, from_host: bool, host: str) -> list[str]:
    """Why ``name`` cannot hold ``role``: the team comes from other municipalities than the
    host, the host contact from the host."""
    if role in TEAM_ROLES and from_host:
        return [
            _(
                "{name} works for {host}, the municipality under review, and cannot be {role}"
            ).format(name=name, host=host, role=labels.role(role))
        ]
    if role == Role.host_contact and not from_host:
        return [
            _("the host contact must work for {host}; {name} does not").format(host=host, name=name)
        ]
    return []


def assignment_reasons(
    review: Any, role: Role, person: Any, name: str, existing: Iterable[tuple[str, Any, str]]
) -> list[str]:
    """Why ``person`` cannot be given ``role``: they already have it, or the review already
    has its one lead or secretary.

    :param existing: the team so far as (role, person, name); people named the same way as
        ``person`` (ids in a database, uids in a file).
    """
    for a_role, a_person, a_name in existing:
        if a_person == person and a_role == role.value:
            return [
                _("{name} already has the role {role}").format(name=name, role=labels.role(role))
            ]
        if role in SINGLE_ROLES and a_role == role.value:
            return [
                _("review {id} already has a {role}: {name}").format(
                    id=review, role=labels.role(role), name=a_name
                )
            ]
    return []


# -- the schedule ----------------------------------------------------------------------------


def staff_reasons(
    staff: Iterable[tuple[str, Any]],
    team: Collection[Any],
    names: Mapping[Any, str],
    review: Any,
    moderator: Any,
    note_taker: Any,
) -> list[str]:
    """Why an interview's staff breaks the rules: someone not on the review team, one person
    both moderator and note-taker.

    :param staff: (job, person) pairs; ``team``, ``names``, ``moderator`` and
        ``note_taker`` name people the same way (ids in a database, uids in a file).
    """
    reasons = [
        _("{name} (person {id}) is not on the team of review {review}").format(
            name=names.get(pid, "?"), id=pid, review=review
        )
        for _job, pid in staff
        if pid not in team
    ]
    if moderator is not None and moderator == note_taker:
        reasons.append(
            _("{name} cannot be both moderator and note-taker").format(
                name=names.get(moderator, "?")
            )
        )
    return reasons


def confirmed_staff_reasons(state: ReviewState, moderator: Any, note_taker: Any) -> list[str]:
    """Once the schedule is confirmed, every interview has a moderator and a note-taker."""
    if state == ReviewState.planned:
        return []
    reasons = []
    if moderator is None:
        reasons.append(_("the schedule is confirmed: the interview needs a moderator"))
    if note_taker is None:
        reasons.append(_("the schedule is confirmed: the interview needs a note-taker"))
    return reasons


def interviewee_reasons(members: Iterable[str]) -> list[str]:
    """The review team's own members named as interviewees (by their names)."""
    return [
        _("{name} is on the review team and cannot be interviewed").format(name=name)
        for name in members
    ]


@dataclass(frozen=True)
class Slot:
    """An interview in time: when, how long, where, who works in it."""

    start: datetime
    minutes: int
    place: str | None = None
    staff: frozenset[int] = frozenset()

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    def span(self) -> str:
        """ "2026-03-10 09:00–10:30", for messages."""
        return f"{format_local(self.start)}–{format_clock(self.end)}"


@dataclass(frozen=True)
class Booked(Slot):
    """Another live interview that may clash with the one being scheduled."""

    id: int = 0
    review_id: int = 0
    same_host: bool = False


def place_key(value: str | None) -> str:
    """A place as compared for clashes: spaces folded, case ignored."""
    return " ".join((value or "").split()).casefold()


def clash_reasons(slot: Slot, others: Sequence[Booked], names: Mapping[int, str]) -> list[str]:
    """A team member, or the place (at the same host), booked elsewhere at an overlapping
    time.

    :param others: live interviews near ``slot`` (those that do not overlap are skipped).
    :param names: the names of ``slot``'s staff.
    """
    reasons = []
    place = place_key(slot.place)
    for other in others:
        if other.end <= slot.start or other.start >= slot.end:
            continue
        reasons += [
            _(
                "{name} is already booked at that time: interview {id} ({span}, review {review})"
            ).format(name=names[pid], id=other.id, span=other.span(), review=other.review_id)
            for pid in sorted(slot.staff & other.staff)
        ]
        if place and other.same_host and place_key(other.place) == place:
            reasons.append(
                _("{place} is already booked at that time: interview {id} ({span})").format(
                    place=slot.place, id=other.id, span=other.span()
                )
            )
    return reasons


__all__ = [
    "SINGLE_ROLES",
    "TEAM_ROLES",
    "Booked",
    "Slot",
    "assignment_reasons",
    "clash_reasons",
    "confirmed_staff_reasons",
    "interviewee_reasons",
    "place_key",
    "role_reasons",
    "staff_reasons",
]
