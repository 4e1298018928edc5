"""The rules of the follow-up seminar, as functions from facts to reasons.

When the seminar may be scheduled and when it is suggested; when the checklist may change,
when an item may be merged and when it gets its status. Like the rules of the team
(:mod:`granskning.domain.rules`), each rule returns why the facts break it (an empty list
when they do not); the services gather the facts and refuse with the reasons. Nothing here
touches storage.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from granskning.domain import labels
from granskning.domain.enums import FollowUpStatus, ReviewState
from granskning.domain.errors import InputError, refuse
from granskning.domain.i18n import _
from granskning.domain.timefmt import TZ, to_local

# Before the seminar the checklist can still be changed; after it, it is a record.
BEFORE_SEMINAR = frozenset({ReviewState.handed_over, ReviewState.follow_up_scheduled})
SEMINAR_HELD = frozenset({ReviewState.followed_up, ReviewState.closed})

# The seminar is suggested this many months after handover (source: 4-6 months).
WINDOW_MONTHS = (4, 6)
SUGGESTED_TIME = time(13, 0)
# A date given without a time (review advance ... schedule_seminar --date) starts then.
DEFAULT_TIME = time(9, 0)


# -- when ------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window(handed_over: date) -> dict[str, str]:
    """The earliest and latest day of the seminar (ISO dates), 4-6 months after handover."""
    return {
        "earliest": add_months(handed_over, WINDOW_MONTHS[0]).isoformat(),
        "latest": add_months(handed_over, WINDOW_MONTHS[1]).isoformat(),
    }


def _out_of_holidays(day: date) -> date:
    """``day``, or the first working day after the summer holidays or the Christmas break
    it falls in."""
    if day.month == 7:
        return date(day.year, 8, 15)
    if day.month == 12 and day.day >= 20:
        return date(day.year + 1, 1, 7)
    if day.month == 1 and day.day < 7:
        return date(day.year, 1, 7)
    return day


def suggest_start(handed_over: date) -> datetime:
    """A seminar start 4-6 months after ``handed_over`` (aware UTC).

    Four months on, moved out of the summer holidays (July) and the Christmas break, onto a
    Tuesday, Wednesday or Thursday afternoon.
    """
    latest = add_months(handed_over, WINDOW_MONTHS[1])
    day = _out_of_holidays(add_months(handed_over, WINDOW_MONTHS[0]))
    while day.weekday() not in (1, 2, 3):
        day = _out_of_holidays(day + timedelta(days=1))
    if day > latest:
        day = latest
        while day.weekday() > 4:
            day -= timedelta(days=1)
    return datetime.combine(day, SUGGESTED_TIME, tzinfo=TZ).astimezone(UTC)


def start_on(day: date) -> datetime:
    """The seminar's start on ``day`` given without a time (aware UTC)."""
    return datetime.combine(day, DEFAULT_TIME, tzinfo=TZ).astimezone(UTC)


# -- scheduling ------------------------------------------------------------------------------


def seminar_state_reasons(review: Any, state: ReviewState) -> list[str]:
    """Why the seminar of a review in ``state`` cannot be scheduled, nor its checklist
    changed: only between the handover and the seminar."""
    if state in BEFORE_SEMINAR:
        return []
    if state in SEMINAR_HELD:
        return [_("the follow-up seminar of review {id} has already been held").format(id=review)]
    return [
        _("not possible while the review is {state}: the seminar follows the handover").format(
            state=labels.state(state)
        )
    ]


def handed_over_reasons(review: Any, handed_over: date | None) -> list[str]:
    """Why no seminar can be suggested yet: the report was not handed over."""
    if handed_over is not None:
        return []
    return [
        _("review {id} has not been handed over; the seminar follows the handover").format(
            id=review
        )
    ]


def seminar_date_reasons(start: datetime, handed_over: date | None) -> list[str]:
    """Why the seminar cannot start at ``start``: not before the handover."""
    if handed_over is None or to_local(start).date() >= handed_over:
        return []
    return [
        _("the seminar cannot be before the handover ({date})").format(date=handed_over.isoformat())
    ]


# -- the checklist ---------------------------------------------------------------------------


def check_merge(item: object, into: object, into_merged_into: object = None) -> None:
    """Refuse merging an item into itself (InputError) or into an item that is itself
    merged into another (RuleError: merges do not chain)."""
    if item == into:
        raise InputError(_("an item cannot be merged into itself"))
    refuse(merged_reasons(into, into_merged_into))


def merged_reasons(item: object, merged_into: object) -> list[str]:
    """Why ``item`` cannot be merged: it is merged into another already."""
    if merged_into is None:
        return []
    return [_("item {item} is already merged into item {into}").format(item=item, into=merged_into)]


def status_of(status: str) -> FollowUpStatus:
    """The status called ``status``, or an InputError listing the statuses."""
    known = {s.value: s for s in FollowUpStatus}
    if status not in known:
        message = _("unknown status {status} (one of: {statuses})")
        raise InputError(message.format(status=status, statuses=", ".join(known)))
    return known[status]


def status_state_reasons(review: Any, state: ReviewState, correcting: bool) -> list[str]:
    """Why no status can be recorded now: statuses are recorded at the seminar, and
    corrected afterwards only with a reason (``correcting``)."""
    if state == ReviewState.follow_up_scheduled or correcting:
        return []
    if state == ReviewState.handed_over:
        return [
            _(
                "statuses are recorded at the seminar; schedule it first (seminar schedule {id})"
            ).format(id=review)
        ]
    if state in SEMINAR_HELD:
        return [
            _(
                "the follow-up seminar of review {id} has been held; correct a "
                "recorded status with --reason"
            ).format(id=review)
        ]
    return [_("not possible while the review is {state}").format(state=labels.state(state))]


def record_state_reasons(review: Any, state: ReviewState) -> list[str]:
    """Why the seminar record (participants, next steps, next follow-up) cannot be written
    now: from the seminar's scheduling until the review is closed."""
    if state in (ReviewState.follow_up_scheduled, ReviewState.followed_up):
        return []
    if state == ReviewState.handed_over:
        return [
            _("the seminar of review {id} is not scheduled yet (seminar schedule {id})").format(
                id=review
            )
        ]
    return [_("not possible while the review is {state}").format(state=labels.state(state))]


def deadline_reasons(deadline: date | None, seminar_day: date | None) -> list[str]:
    """Why ``deadline`` ("klart senast") cannot be an item's: it is before the seminar."""
    if deadline is None or seminar_day is None or deadline >= seminar_day:
        return []
    return [
        _("the deadline {day} is before the seminar ({seminar})").format(
            day=deadline.isoformat(), seminar=seminar_day.isoformat()
        )
    ]


def next_follow_up_reasons(day: date, seminar_day: date | None) -> list[str]:
    """Why ``day`` cannot be the next follow-up: it is not after the seminar."""
    if seminar_day is None or day > seminar_day:
        return []
    return [
        _("the next follow-up ({day}) must be after the seminar ({seminar})").format(
            day=day.isoformat(), seminar=seminar_day.isoformat()
        )
    ]


def merged_status_reasons(item: object, merged_into: object) -> list[str]:
    """Why ``item`` gets no status of its own: it is merged into another item."""
    if merged_into is None:
        return []
    return [
        _("item {item} is merged into item {into}; record the status there").format(
            item=item, into=merged_into
        )
    ]


__all__ = [
    "BEFORE_SEMINAR",
    "DEFAULT_TIME",
    "SEMINAR_HELD",
    "deadline_reasons",
    "next_follow_up_reasons",
    "record_state_reasons",
    "SUGGESTED_TIME",
    "WINDOW_MONTHS",
    "add_months",
    "check_merge",
    "handed_over_reasons",
    "merged_reasons",
    "merged_status_reasons",
    "seminar_date_reasons",
    "seminar_state_reasons",
    "start_on",
    "status_of",
    "status_state_reasons",
    "suggest_start",
    "window",
]
